"""The round snapshot: `RoundInput` in, `RoundResult` out (schema version 1).

This is the one contract the solver, the CLI, the API export and the benchmark share.
Per-week values (`home_load`, `available`, `hours`) may be given as a single value; they
are expanded to one value per week on input, so code reading a validated model always
sees lists of length `weeks`.

`parse_round_input` turns raw JSON data into a `RoundInput` or raises `ContractError`
whose messages name the field and the id (`need n17: priority: must be 1–5, got 9`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from solver.bounds import (
    BOUND_ERRORS,
    HOURS_IN_WEEK,
    MAX_NORMAL_HOURS,
    MAX_ROUND_WEEKS,
    Day,
    describe,
)

SCHEMA_VERSION: Literal[1] = 1
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

Id = Annotated[str, Field(min_length=1, max_length=100)]


class Shift(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    WEEKEND = "weekend"


class ReasonCode(StrEnum):
    """Why a need-week stays (partly) unfilled; stable codes for programs, words for people."""

    NO_SKILL = "no_skill"
    SHIFT = "shift"
    RISK_PROTECTION = "risk_protection"
    SAME_UNIT = "same_unit"
    AVOIDED = "avoided"
    UNAVAILABLE = "unavailable"
    NO_CAPACITY = "no_capacity"
    MIN_BLOCK = "min_block"


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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rules(_Strict):
    max_units_per_week: int = Field(DEFAULT_MAX_UNITS_PER_WEEK, ge=1, le=10)


class Unit(_Strict):
    id: Id
    name: str = ""
    area: str = ""


class Staff(_Strict):
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

    def capacity(self, week: int) -> float:
        """Hours this person can be lent in `week`: normal hours less home load, 0 if away."""
        if not self.available[week]:
            return 0.0
        return max(0.0, self.normal_hours - self.home_load[week])


class Need(_Strict):
    id: Id
    unit: Id
    skill: Id
    hours: PerWeekHours
    shift: Shift = Shift.DAY
    priority: int = Field(3, ge=1, le=5)
    exposed: bool = False
    min_block: Annotated[PersonHours, Field(gt=0)] = DEFAULT_MIN_BLOCK

    @property
    def weight(self) -> int:
        """Weight of one covered hour in the objective: 2^(priority−1)."""
        return 1 << (self.priority - 1)

    def smallest_block(self, week: int) -> float:
        """Rule 7: the fewest hours one person may take of this need in `week`."""
        return min(self.min_block, self.hours[week])


class Assignment(_Strict):
    staff: Id
    need: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)
    hours: Annotated[PersonHours, Field(gt=0)]


_PER_WEEK_DEFAULTS: dict[str, dict[str, Any]] = {
    "staff": {"home_load": 0.0, "available": True},
    "needs": {},
}
_PER_WEEK_FIELDS: dict[str, tuple[str, ...]] = {
    "staff": ("home_load", "available"),
    "needs": ("hours",),
}


class RoundInput(_Strict):
    """Everything the solver needs to plan one round, and nothing else."""

    schema_version: Literal[1] = SCHEMA_VERSION
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
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def week_start(self, week: int) -> dt.date:
        """The Monday that begins week `week` (0-based) of the round."""
        return self.start + dt.timedelta(weeks=week)


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
    return problems


# --- result -----------------------------------------------------------------------------


class ReasonDetail(StrEnum):
    """Which of its code's sentences a reason is: with its values, a page words it in the
    reader's language (the code alone groups reasons; `no_capacity` has three sentences)."""

    NOBODY_HAS_SKILL = "nobody_has_skill"
    NOBODY_ELIGIBLE = "nobody_eligible"
    EXCLUDED = "excluded"
    """`people` with the skill are kept off by the code's rule (shift, risk, unit, away)."""
    REMAINDER_BELOW_BLOCK = "remainder_below_block"
    FULLY_PLANNED = "fully_planned"
    AT_UNIT_LIMIT = "at_unit_limit"
    BELOW_BLOCK = "below_block"
    TIME_LIMIT = "time_limit"


class NeedTaken(_Strict):
    """A need that took people who could have helped, with its priority."""

    need: Id
    priority: int = Field(ge=1, le=5)


class ReasonValues(_Strict):
    """The facts a reason's sentence is made of; only those its detail uses are set."""

    detail: ReasonDetail
    people: int = Field(0, ge=0, description="How many people the sentence is about.")
    skill: str = Field("", max_length=100, description="The need's skill code.")
    shift: Shift | None = None
    week_start: dt.date | None = Field(None, description="Monday of the week it is about.")
    hours: Hours | None = Field(None, description="Hours still open that week.")
    min_block: Hours | None = Field(None, description="Fewest hours one person must take.")
    max_units: int | None = Field(None, ge=1, le=10)
    taken_by: list[NeedTaken] = Field(
        default_factory=list, description="The highest-priority needs that took them."
    )
    more_taken: int = Field(0, ge=0, description="How many more needs took them.")
    all_higher_priority: bool = False


class Reason(_Strict):
    code: ReasonCode
    message: str = Field(description="The reason in English, for programs and logs.")
    values: ReasonValues | None = Field(
        None,
        description="What the reason says, to word it in any language (absent in results "
        "made before it existed).",
    )


class Unfilled(_Strict):
    need: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)
    hours: WeekHours
    reasons: list[Reason] = Field(default_factory=list)


StopReason = Literal["bound_reached", "proven_optimal", "stalled", "time_limit"]
"""Why a solve stopped (see `solver.stopping`)."""


class Metrics(_Strict):
    weighted_coverage: float = Field(0, ge=0)
    upper_bound: float = Field(0, ge=0)
    covered_hours: float = Field(0, ge=0)
    wanted_hours: float = Field(0, ge=0)
    introductions: int = Field(0, ge=0)
    changed_vs_previous: int = Field(0, ge=0)
    max_utilisation: float = Field(0, ge=0)
    solve_seconds: float = Field(0, ge=0)
    stop_reason: StopReason | None = Field(
        None,
        description="Why the search stopped: term 1 reached its bound (and the lower terms "
        "were proven), the plan was proven optimal, nothing better was found for the "
        "no-improvement window, or the time limit ran out. Absent when nothing was searched "
        "(e.g. the input cannot be planned) and in results from before it existed.",
    )

    @property
    def share_of_wanted(self) -> float:
        """Covered hours as a share of the wanted hours; 1.0 when none were wanted."""
        return self.covered_hours / self.wanted_hours if self.wanted_hours else 1.0

    @property
    def share_of_bound(self) -> float:
        """Weighted coverage as a share of the best possible; 1.0 when nothing could be covered."""
        return self.weighted_coverage / self.upper_bound if self.upper_bound else 1.0


class RoundResult(_Strict):
    """The solver's plan for a round, what it could not fill and why, and how good it is."""

    schema_version: Literal[1] = SCHEMA_VERSION
    status: Literal["optimal", "feasible", "infeasible"]
    assignments: list[Assignment] = Field(default_factory=list)
    unfilled: list[Unfilled] = Field(default_factory=list)
    metrics: Metrics = Field(default_factory=Metrics)
    messages: list[str] = Field(
        default_factory=list,
        description="Why the input cannot be planned, when status is infeasible "
        "(e.g. a pin that breaks a hard rule).",
    )


# --- errors that name the field and the id -----------------------------------------------


class ContractError(ValueError):
    """Invalid round data; each message names the field and, where there is one, the id."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


_SECTION_KIND = {"units": "unit", "staff": "staff", "needs": "need"}
_M = TypeVar("_M", bound=BaseModel)


def parse_round_input(data: Any) -> RoundInput:
    """Validate raw JSON data as a `RoundInput`, or raise `ContractError` naming each problem."""
    return _parse(RoundInput, data)


def parse_round_result(data: Any) -> RoundResult:
    """Validate raw JSON data as a `RoundResult`, or raise `ContractError` naming each problem."""
    return _parse(RoundResult, data)


def _parse(model: type[_M], data: Any) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContractError(describe_errors(exc, data)) from None


def describe_errors(exc: ValidationError, data: Any) -> list[str]:
    """Turn pydantic's errors into sentences that name the row by its id, not its index."""
    messages: list[str] = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if not loc and error["type"] == "value_error":
            # Our own cross-reference checks: already phrased with ids, one per line.
            messages += str(error["ctx"]["error"]).splitlines()
            continue
        messages.append(f"{_describe_location(loc, data)}: {_describe_problem(error)}")
    return messages


def _describe_location(loc: tuple[int | str, ...], data: Any) -> str:
    """`('needs', 2, 'priority')` becomes `need n17: priority`."""
    if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in _SECTION_KIND:
        row_id = _raw_id(data, str(loc[0]), loc[1])
        where = f"{_SECTION_KIND[str(loc[0])]} {row_id}" if row_id else _dotted(loc[:2])
        rest = loc[2:]
    elif len(loc) >= 2 and isinstance(loc[1], int):
        where, rest = _dotted(loc[:2]), loc[2:]
    else:
        where, rest = _dotted(loc) or "round", ()
    return f"{where}: {_dotted(rest)}" if rest else where


def _dotted(parts: Sequence[int | str]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _raw_id(data: Any, section: str, index: int) -> str | None:
    try:
        row_id = data[section][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return str(row_id) if isinstance(row_id, str | int) else None


def _describe_problem(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in BOUND_ERRORS:
        return describe(error)
    got = error.get("input")
    message = str(error["msg"])
    if kind == "value_error":
        message = str(error["ctx"]["error"])
    if isinstance(got, str | int | float | bool) and kind not in ("value_error",):
        return f"{message[0].lower()}{message[1:]}, got {got!r}"
    return f"{message[0].lower()}{message[1:]}"
