"""The round the solver is given: `RoundInput` and its parts (schema version 2), with the
checks that tie them together (ids known and unique, weeks in range, pins and previous
assignments well formed). `solver.contract` is where callers take these names from.

Version 2 adds days: a need's `shift_times`, a person's `away_days` and `daily_hours`, and an
assignment's `days`. A version-1 snapshot is read as version 2 with the defaults, which plan
exactly as version 1 did: a need without shift times is planned by the week alone."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, WithJsonSchema, model_validator

from solver.bounds import (
    HOURS_IN_WEEK,
    MAX_DAILY_HOURS,
    MAX_NORMAL_HOURS,
    MAX_ROUND_WEEKS,
    CoverageTrade,
    Day,
    IntroductionsAWeek,
    IntroHours,
    LearnerShare,
    YearHours,
    hours_a_day,
)
from solver.shift_times import WEEKDAYS, ShiftTime, Weekday, WorkDay
from solver.strict import Strict

SCHEMA_VERSION: Literal[2] = 2
SCHEMA_VERSIONS = (1, 2)
"""Versions read; a version-1 snapshot is upgraded to version 2 on reading."""
VERSION_2_FIELDS: dict[str, tuple[str, ...]] = {
    "units": ("intro_capacity", "intro_hours"),
    "staff": (
        "away_days",
        "daily_hours",
        "absent_dates",
        "past_units",
        "learn_skills",
        "lent_last_year",
        "capacity_last_year",
    ),
    "needs": ("shift_times", "accepts_learners", "learner_share"),
    "pinned": ("days", "learner"),
    "previous": ("days", "learner"),
}
MAX_WEEKS = MAX_ROUND_WEEKS
DEFAULT_MIN_BLOCK = 4.0
DEFAULT_MAX_UNITS_PER_WEEK = 2


def _half_hours(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"hours must be 0 or more, got {value:g}")
    if value * 2 != round(value * 2):
        raise ValueError(f"hours must be a multiple of 0.5, got {value:g}")
    return float(value)


Hours = Annotated[float, AfterValidator(_half_hours)]
"""Hours in the contract: a non-negative multiple of 0.5 (each field adds its bound)."""
WeekHours = Annotated[Hours, Field(le=HOURS_IN_WEEK)]
"""Hours in one week: at most the week's 168."""
PersonHours = Annotated[Hours, Field(le=MAX_NORMAL_HOURS)]
"""Hours one person works in a week: at most 48."""
DailyHours = Annotated[Hours, Field(gt=0, le=MAX_DAILY_HOURS)]
"""Hours one person works in a day: more than 0, at most 13 (11 hours' rest a day)."""

Id = Annotated[str, Field(min_length=1, max_length=100)]


class Shift(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    WEEKEND = "weekend"


def _per_week_schema(item: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [item, {"type": "array", "items": item}],
            "description": "One value per week of the round, or a single value for every week.",
        }
    )


def _hours_schema(most: float) -> dict[str, Any]:
    return {"type": "number", "minimum": 0, "maximum": most, "multipleOf": 0.5}


PerWeekHours = Annotated[list[WeekHours], _per_week_schema(_hours_schema(HOURS_IN_WEEK))]
PerWeekLoad = Annotated[list[PersonHours], _per_week_schema(_hours_schema(MAX_NORMAL_HOURS))]
PerWeekFlags = Annotated[list[bool], _per_week_schema({"type": "boolean"})]


class Purpose(StrEnum):
    """Why a round is planned: to meet a crisis (coverage, then continuity) or to rotate
    people through other units in normal times (coverage, then new experience)."""

    CRISIS = "crisis"
    ROTATION = "rotation"


class Rules(Strict):
    max_units_per_week: int = Field(DEFAULT_MAX_UNITS_PER_WEEK, ge=1, le=10)
    coverage_trade: CoverageTrade = Field(
        0.0,
        description="The share of weighted coverage the plan may give up for fewer "
        "introductions (each costs its unit `Unit.intro_hours`); 0 (the default): coverage "
        "comes first, whatever it costs in introductions.",
    )


class Unit(Strict):
    id: Id
    name: str = ""
    area: str = ""
    welcome_back: list[Id] = Field(
        default_factory=list,
        description="Staff ids the unit's leader would take again (from their evaluations of "
        "earlier deployments): a soft preference in term 5 that never costs coverage. Each "
        "must name staff of the round; empty (the default) changes nothing.",
    )
    intro_capacity: IntroductionsAWeek | None = Field(
        None,
        description="Rule 10: how many people new to the unit it can introduce a week. A "
        "person is new in a week unless they worked at the unit in an earlier published "
        "round (`Staff.past_units`) or earlier in this round. Absent (the default): no limit.",
    )
    intro_hours: IntroHours = Field(
        0.0,
        description="Hours the unit spends introducing one new person: what a new (person, "
        "unit) pair costs when `Rules.coverage_trade` lets the plan trade coverage for fewer "
        "introductions. 0 (the default): introductions cost nothing.",
    )


class Staff(Strict):
    id: Id
    name: str = ""
    home_unit: Id
    skills: list[Id]
    normal_hours: PersonHours
    home_load: PerWeekLoad
    available: PerWeekFlags
    shifts: list[Shift] = Field(default_factory=lambda: [Shift.DAY], min_length=1)
    risk_group: bool = False
    avoid_units: list[Id] = Field(default_factory=list)
    preferred_areas: list[str] = Field(default_factory=list)
    rated_units: list[Id] = Field(
        default_factory=list,
        description="Units this person rated well after an earlier deployment (would go "
        "again, scored 4 or 5): a soft preference in term 5, like preferred_areas, that never "
        "costs coverage. Each must name a unit of the round; empty (the default) changes "
        "nothing.",
    )
    past_units: list[Id] = Field(
        default_factory=list,
        max_length=1000,
        description="Units the person worked at in earlier published rounds: they are no "
        "longer new there (rule 10). Each must name a unit of the round; empty (the default) "
        "changes nothing.",
    )
    learn_skills: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Skills the person wants to learn: they may work as a learner at a need "
        "of that skill that accepts learners, in a week a holder of the skill works it.",
    )
    lent_last_year: YearHours = Field(
        0.0, description="Hours the person was lent in the twelve months before the round."
    )
    capacity_last_year: YearHours = Field(
        0.0,
        description="Hours the person could have been lent in those twelve months: with "
        "`lent_last_year`, a rotation round's fairness over the year.",
    )
    away_days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS),
        max_length=7,
        description="Weekdays the person may be away from their home unit, agreed with "
        "their home leader; every day by default.",
    )
    absent_dates: list[Day] = Field(
        default_factory=list,
        max_length=366,
        description="Days of the round the person cannot work at all (an absence reported "
        "after publishing): the day stage puts no hours on them.",
    )
    daily_hours: DailyHours | None = Field(
        None,
        description="The person's normal hours a day: the most they work at a receiving "
        "unit in one day. Absent: a fifth of `normal_hours`, rounded up to a half hour.",
    )

    def capacity(self, week: int) -> float:
        """Hours this person can be lent in `week`: normal hours less home load, and no more
        than their daily hours on each day they may be away; 0 if away."""
        if not self.available[week]:
            return 0.0
        week_of_days = self.hours_a_day * len(self.away_days)
        return max(0.0, min(self.normal_hours - self.home_load[week], week_of_days))

    @property
    def hours_a_day(self) -> float:
        """The most hours this person works in a day (`daily_hours` or its default)."""
        return hours_a_day(self.normal_hours, self.daily_hours)


class Need(Strict):
    id: Id
    unit: Id
    skill: Id
    hours: PerWeekHours
    shift: Shift = Shift.DAY
    priority: int = Field(3, ge=1, le=5)
    exposed: bool = False
    min_block: Annotated[PersonHours, Field(gt=0)] = DEFAULT_MIN_BLOCK
    shift_times: list[ShiftTime] = Field(
        default_factory=list,
        max_length=7,
        description="The weekdays the need wants people on and the shift's times, e.g. "
        "Monday–Friday 07:00–15:00; each weekday at most once. Empty (the default): the "
        "need is planned by the week alone and its assignments carry no days.",
    )

    accepts_learners: bool = Field(
        False,
        description="People who want to learn the need's skill may work it in a week a "
        "holder of the skill works it too (buddy pairing).",
    )
    learner_share: LearnerShare = Field(
        0.0,
        description="How much of a learner's hour counts as covered; 0 (the default): a "
        "learner's hours are on top of what the need asks for.",
    )

    @property
    def planned_by_day(self) -> bool:
        return bool(self.shift_times)

    def shift_on(self, weekday: Weekday) -> ShiftTime | None:
        """The shift the need wants people on that weekday, if any."""
        return next((s for s in self.shift_times if weekday in s.days), None)

    @property
    def weight(self) -> int:
        """Weight of one covered hour in the objective: 2^(priority−1)."""
        return 1 << (self.priority - 1)

    def smallest_block(self, week: int) -> float:
        """Rule 7: the fewest hours one person may take of this need in `week`."""
        return min(self.min_block, self.hours[week])


class Assignment(Strict):
    staff: Id
    need: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)
    hours: Annotated[PersonHours, Field(gt=0)]
    days: tuple[WorkDay, ...] = Field(
        (),
        max_length=7,
        description="The days of the week the hours are worked, with their times; empty "
        "when the need is planned by the week alone.",
    )
    learner: bool = Field(
        False,
        description="The person is learning the need's skill beside a holder of it; their "
        "hours count for coverage at the need's `learner_share`.",
    )


_PER_WEEK_DEFAULTS: dict[str, dict[str, Any]] = {
    "staff": {"home_load": 0.0, "available": True},
    "needs": {},
}
_PER_WEEK_FIELDS: dict[str, tuple[str, ...]] = {
    "staff": ("home_load", "available"),
    "needs": ("hours",),
}


class RoundInput(Strict):
    """Everything the solver needs to plan one round, and nothing else."""

    schema_version: Literal[2] = SCHEMA_VERSION
    purpose: Purpose = Field(
        Purpose.CRISIS,
        description="crisis (the default): coverage, then home load and continuity; "
        "rotation: coverage, then new experience and fairness over the last twelve months.",
    )
    start: Day
    weeks: int = Field(ge=1, le=MAX_WEEKS)
    rules: Rules = Field(default_factory=Rules)
    units: list[Unit]
    staff: list[Staff]
    needs: list[Need]
    pinned: list[Assignment] = Field(default_factory=list)
    previous: list[Assignment] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """Read a version-1 snapshot as version 2; it may not use version 2's fields."""
        return upgrade_from_version_1(data, VERSION_2_FIELDS)

    @model_validator(mode="before")
    @classmethod
    def _expand_per_week_values(cls, data: Any) -> Any:
        """A single value for a per-week field means that value every week."""
        if not isinstance(data, Mapping):
            return data
        weeks = data.get("weeks")
        if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_WEEKS:
            return data
        expanded = dict(data)
        for section, fields in _PER_WEEK_FIELDS.items():
            rows = data.get(section)
            if not isinstance(rows, list):
                continue
            expanded[section] = [
                _expand_row(row, fields, _PER_WEEK_DEFAULTS[section], weeks) for row in rows
            ]
        return expanded

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        problems = [
            *_check_start(self.start),
            *_check_week_lengths(self),
            *_check_unique_ids(self),
            *_check_known_ids(self),
            *_check_assignment_lists(self),
            *_check_weekdays(self),
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def week_start(self, week: int) -> dt.date:
        """The Monday that begins week `week` (0-based) of the round."""
        return self.start + dt.timedelta(weeks=week)


def upgrade_from_version_1(data: Any, added: Mapping[str, Sequence[str]]) -> Any:
    """`data` with `schema_version` 2 when it was 1; a version-1 snapshot naming a field
    that version 2 added is refused (it is a version-2 snapshot with the wrong number)."""
    if not isinstance(data, Mapping) or data.get("schema_version") != 1:
        return data
    used = sorted(
        f"{section}[{i}].{field}"
        for section, fields in added.items()
        if isinstance(data.get(section), list)
        for i, row in enumerate(data[section])
        if isinstance(row, Mapping)
        for field in fields
        if field in row
    )
    if used:
        raise ValueError(f"schema_version 1 has no {', '.join(used[:5])}; use schema_version 2")
    return {**data, "schema_version": SCHEMA_VERSION}


def _expand_row(row: Any, fields: Iterable[str], defaults: Mapping[str, Any], weeks: int) -> Any:
    if not isinstance(row, Mapping):
        return row
    expanded = dict(row)
    for field in fields:
        value = expanded.get(field, defaults.get(field))
        if value is not None and not isinstance(value, list):
            value = [value] * weeks
        if value is not None:
            expanded[field] = value
    return expanded


def _check_start(start: dt.date) -> list[str]:
    if start.isoweekday() == 1:
        return []
    return [f"start: {start.isoformat()} is a {start.strftime('%A')}; a round starts on a Monday"]


def _check_week_lengths(round_input: RoundInput) -> list[str]:
    problems = []
    rows: list[tuple[str, Staff | Need, str]] = [
        *(("staff", s, field) for s in round_input.staff for field in _PER_WEEK_FIELDS["staff"]),
        *(("need", n, field) for n in round_input.needs for field in _PER_WEEK_FIELDS["needs"]),
    ]
    for kind, row, field in rows:
        values = getattr(row, field)
        if len(values) != round_input.weeks:
            problems.append(
                f"{kind} {row.id}: {field} has {len(values)} values, "
                f"expected {round_input.weeks} (one per week) or a single value"
            )
    return problems


def _check_weekdays(round_input: RoundInput) -> list[str]:
    problems = []
    for s in round_input.staff:
        if len(set(s.away_days)) != len(s.away_days):
            problems.append(f"staff {s.id}: away_days: a weekday is named twice")
    for n in round_input.needs:
        named = [day for shift in n.shift_times for day in shift.days]
        if len(set(named)) != len(named):
            problems.append(f"need {n.id}: shift_times: a weekday has two shifts")
    return problems


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for id_ in ids:
        if id_ in seen and id_ not in repeated:
            repeated.append(id_)
        seen.add(id_)
    return repeated


def _check_unique_ids(round_input: RoundInput) -> list[str]:
    sections: list[tuple[str, Sequence[Unit | Staff | Need]]] = [
        ("unit", round_input.units),
        ("staff", round_input.staff),
        ("need", round_input.needs),
    ]
    return [
        f"{kind} {id_}: duplicate id"
        for kind, rows in sections
        for id_ in _duplicates(row.id for row in rows)
    ]


def _check_known_ids(round_input: RoundInput) -> list[str]:
    units = {u.id for u in round_input.units}
    areas = {u.area for u in round_input.units if u.area}
    problems = []
    for s in round_input.staff:
        if s.home_unit not in units:
            problems.append(f"staff {s.id}: home_unit: unknown unit {s.home_unit!r}")
        problems += [
            f"staff {s.id}: avoid_units: unknown unit {u!r}"
            for u in s.avoid_units
            if u not in units
        ]
        problems += [
            f"staff {s.id}: preferred_areas: no unit is in area {a!r}"
            for a in s.preferred_areas
            if a not in areas
        ]
        problems += [
            f"staff {s.id}: {field}: unknown unit {u!r}"
            for field, named in (("rated_units", s.rated_units), ("past_units", s.past_units))
            for u in named
            if u not in units
        ]
    staff = {s.id for s in round_input.staff}
    problems += [
        f"unit {u.id}: welcome_back: unknown staff {s!r}"
        for u in round_input.units
        for s in u.welcome_back
        if s not in staff
    ]
    problems += [
        f"need {n.id}: unit: unknown unit {n.unit!r}"
        for n in round_input.needs
        if n.unit not in units
    ]
    return problems


def _check_assignment_lists(round_input: RoundInput) -> list[str]:
    return [
        *check_assignments("pinned", round_input.pinned, round_input),
        *check_assignments("previous", round_input.previous, round_input),
    ]


def check_assignments(
    field: str, entries: Sequence[Assignment], round_input: RoundInput
) -> list[str]:
    """Entries must name the round's staff and needs, lie within its weeks, and not repeat."""
    staff = {s.id for s in round_input.staff}
    needs = {n.id for n in round_input.needs}
    problems = []
    seen: set[tuple[str, str, int]] = set()
    for i, a in enumerate(entries):
        where = f"{field}[{i}] ({a.staff}, {a.need}, week {a.week})"
        if a.staff not in staff:
            problems.append(f"{where}: unknown staff {a.staff!r}")
        if a.need not in needs:
            problems.append(f"{where}: unknown need {a.need!r}")
        if a.week >= round_input.weeks:
            problems.append(f"{where}: week must be below {round_input.weeks}")
        if (a.staff, a.need, a.week) in seen:
            problems.append(f"{where}: duplicate entry")
        seen.add((a.staff, a.need, a.week))
        problems += [f"{where}: days: {p}" for p in check_days(a, round_input.week_start(a.week))]
    return problems


def check_days(assignment: Assignment, monday: dt.date) -> list[str]:
    """An assignment's days lie in its week, each once, and add up to its hours."""
    if not assignment.days:
        return []
    problems = []
    dates = [d.date for d in assignment.days]
    outside = [d for d in dates if not monday <= d < monday + dt.timedelta(days=7)]
    if outside:
        problems.append(f"{outside[0].isoformat()} is not in the week of {monday.isoformat()}")
    if len(set(dates)) != len(dates):
        problems.append("a date is named twice")
    total = sum(d.hours for d in assignment.days)
    if total != assignment.hours:
        problems.append(f"the days add up to {total:g} hours, not {assignment.hours:g}")
    return problems
