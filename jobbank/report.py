"""The impact report: did the job bank free or move resources?

For one round it tells how many hours the units asked for and how many the plan covers (by
area, by priority, by week), who was used and who was never used, how many hours each home
unit lent and each unit received, how many introductions the receiving units had to give,
and how far the onboarding checklists have come. Over time it gives the same key figures for
each published round, in date order. Read only: nothing here changes a row.

Where the figures come from:

- wanted hours: the round's input snapshot (each need's hours per week), so the report
  describes what was asked when the round was made, not what the needs say today;
- covered hours: the round's assignments (the proposal, or what was published), summed by
  need and week in SQL; a need-week counts at most the hours it wanted;
- areas, units and home units: as the snapshot names them;
- people in the round: the approved, opted-in volunteers of the snapshot. The report reads
  only their id, name, home unit and weekly capacity — never their risk-group flag;
- introductions: the number of (person, receiving unit) pairs of the round where the person
  has no assignment at that unit in any published round published before this one (for a
  round not yet published: in any published round). Each is a first-time placement: somebody
  at the unit has to introduce the person. (The solver's own `introductions` metric counts
  distinct person–need pairs instead, and only within the round.)
- checklists: the items of the checklists the round created, per audience: `done` items are
  ticked, `due` items have reached their due date (due on or before `today`), `overdue` items
  are due before `today` and still open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.weeks import week_starts
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Audience,
    Checklist,
    ChecklistItem,
    Need,
    Person,
    RoundStatus,
    Unit,
)
from jobbank.rounds import get_round, require_hr

T = TypeVar("T")

# --- what the report reads of a round's snapshot -------------------------------------------


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _UnitRead(_Read):
    id: str
    name: str = ""
    area: str = ""


class _StaffRead(_Read):
    """A volunteer as the report sees them: no skills, no shifts, no risk-group flag."""

    id: str
    name: str = ""
    home_unit: str
    normal_hours: float
    home_load: list[float] | float
    available: list[bool] | bool

    def capacity(self, weeks: int) -> float:
        """Hours the person could have been lent over the round's weeks."""
        loads = _per_week(self.home_load, weeks)
        available = _per_week(self.available, weeks)
        return sum(
            max(0.0, self.normal_hours - load) if free else 0.0
            for load, free in zip(loads, available, strict=True)
        )


class _NeedRead(_Read):
    id: str
    unit: str
    hours: list[float] | float
    priority: int = 3


class _SnapshotRead(_Read):
    start: dt.date
    weeks: int
    units: list[_UnitRead] = Field(default_factory=list)
    staff: list[_StaffRead] = Field(default_factory=list)
    needs: list[_NeedRead] = Field(default_factory=list)


def _per_week(value: list[T] | T, weeks: int) -> list[T]:
    """A per-week value of the contract, which may be one value for every week."""
    return list(value) if isinstance(value, list) else [value] * weeks


# --- the report's shape --------------------------------------------------------------------


class Coverage(BaseModel):
    """Hours wanted and covered; `share` is covered / wanted (1 when nothing was wanted)."""

    wanted_hours: float = 0.0
    covered_hours: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float:
        return self.covered_hours / self.wanted_hours if self.wanted_hours else 1.0


class AreaCoverage(Coverage):
    area: str


class PriorityCoverage(Coverage):
    priority: int = Field(description="1 (low) … 5 (critical).")


class WeekCoverage(Coverage):
    week: dt.date = Field(description="The Monday of the week.")


class AreaWeekCoverage(Coverage):
    area: str
    week: dt.date


class IdlePerson(BaseModel):
    """An approved volunteer of the round who was given no hours."""

    employee_no: str
    name: str
    home_unit: str
    home_unit_name: str
    capacity_hours: float = Field(
        description="Hours they could have been lent over the round: normal hours less home "
        "load, in the weeks they were available."
    )


class PeopleUse(BaseModel):
    in_round: int = Field(description="Approved volunteers in the round's input.")
    used: int = Field(description="Of them, those with at least one assignment.")
    never_used: int
    lent_hours: float = Field(description="All hours of the round's assignments.")
    most_hours_one_person: float = Field(description="The highest total any one person got.")
    never_used_people: list[IdlePerson]


class UnitFlow(BaseModel):
    """What one unit gave and got: hours its staff were lent out, hours lent staff worked there."""

    unit: str
    unit_name: str
    area: str
    lent_hours: float
    people_lent: int
    received_hours: float
    people_received: int
    introductions: int = Field(description="People new to this unit (see the report's note).")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def net_hours(self) -> float:
        """Received less lent: above 0 the unit gained hours, below 0 it gave them."""
        return self.received_hours - self.lent_hours


class Flow(BaseModel):
    """Hours that staff of one home unit worked at another unit."""

    from_unit: str
    from_unit_name: str
    to_unit: str
    to_unit_name: str
    hours: float
    people: int


class ChecklistCompletion(BaseModel):
    audience: Audience
    items: int
    done: int
    due: int = Field(description="Items whose due date has come (due on or before the day).")
    overdue: int = Field(description="Items due before the day and still open.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done_share(self) -> float:
        return self.done / self.items if self.items else 1.0


class RoundReport(BaseModel):
    """The impact report of one round."""

    round_id: int
    name: str
    status: RoundStatus
    start: dt.date
    end: dt.date = Field(description="The Monday of the last week.")
    weeks: int
    published_at: dt.datetime | None
    today: dt.date = Field(description="The day checklist items are judged due or overdue on.")
    total: Coverage
    by_area: list[AreaCoverage]
    by_priority: list[PriorityCoverage]
    by_week: list[WeekCoverage]
    by_area_week: list[AreaWeekCoverage]
    people: PeopleUse
    introductions: int = Field(description="First-time (person, receiving unit) placements.")
    units: list[UnitFlow]
    flows: list[Flow]
    checklists: list[ChecklistCompletion]

    def figures(self) -> RoundFigures:
        """The key figures, as one row of the report over time."""
        return RoundFigures(
            round_id=self.round_id,
            name=self.name,
            start=self.start,
            weeks=self.weeks,
            published_at=self.published_at,
            wanted_hours=self.total.wanted_hours,
            covered_hours=self.total.covered_hours,
            people_in_round=self.people.in_round,
            people_used=self.people.used,
            people_never_used=self.people.never_used,
            lent_hours=self.people.lent_hours,
            introductions=self.introductions,
            checklist_items=sum(c.items for c in self.checklists),
            checklist_done=sum(c.done for c in self.checklists),
            checklist_overdue=sum(c.overdue for c in self.checklists),
        )


class RoundFigures(Coverage):
    """One published round's key figures."""

    round_id: int
    name: str
    start: dt.date
    weeks: int
    published_at: dt.datetime | None
    people_in_round: int
    people_used: int
    people_never_used: int
    lent_hours: float
    introductions: int
    checklist_items: int
    checklist_done: int
    checklist_overdue: int


class ReportOverTime(BaseModel):
    """The key figures of each published round whose weeks meet [`start`, `end`], by date."""

    start: dt.date | None
    end: dt.date | None
    today: dt.date
    rounds: list[RoundFigures]


# --- the services -------------------------------------------------------------------------


def round_report(
    session: Session, actor: Actor, round_id: int, *, today: dt.date | None = None
) -> RoundReport:
    """The impact report of a round, for HR; 409 for a round without an input snapshot."""
    require_hr(actor, round_id)
    return report_of(session, get_round(session, round_id), today=today)


def report_over_time(
    session: Session,
    actor: Actor,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> ReportOverTime:
    """The key figures of each published round (optionally those meeting a date range), for HR."""
    require_hr(actor)
    return over_time(session, start=start, end=end, today=today)


def over_time(
    session: Session,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> ReportOverTime:
    """The key figures of the published rounds whose weeks meet [`start`, `end`], by date."""
    if start is not None and end is not None and end < start:
        raise InvalidInput("end", f"{end.isoformat()} is before the start {start.isoformat()}")
    today = today or dt.date.today()
    query = select(AllocationRound).where(AllocationRound.status == RoundStatus.PUBLISHED)
    if end is not None:
        query = query.where(AllocationRound.start <= end)
    rows = session.scalars(query.order_by(AllocationRound.start, AllocationRound.id)).all()
    meeting = [rnd for rnd in rows if start is None or rnd.end + dt.timedelta(days=6) >= start]
    return ReportOverTime(
        start=start,
        end=end,
        today=today,
        rounds=[report_of(session, rnd, today=today).figures() for rnd in meeting],
    )


def report_of(
    session: Session, rnd: AllocationRound, *, today: dt.date | None = None
) -> RoundReport:
    """The impact report of `rnd` (no access check: the CLI and the services above use it)."""
    if rnd.input_snapshot is None:
        raise Conflict(f"round {rnd.id}: has no input snapshot to report on")
    today = today or dt.date.today()
    snapshot = _SnapshotRead.model_validate(rnd.input_snapshot)
    coverage = _coverage(snapshot, _planned_by_need_week(session, rnd))
    stays = _stays(session, rnd)
    return RoundReport(
        round_id=rnd.id,
        name=rnd.name,
        status=rnd.status,
        start=rnd.start,
        end=rnd.end,
        weeks=rnd.weeks,
        published_at=rnd.published_at,
        today=today,
        total=Coverage(**_hours(coverage.values())),
        by_area=[AreaCoverage(area=k, **_hours(v)) for k, v in _by(coverage, 0)],
        by_priority=[PriorityCoverage(priority=k, **_hours(v)) for k, v in _by(coverage, 1)],
        by_week=[WeekCoverage(week=k, **_hours(v)) for k, v in _by(coverage, 2)],
        by_area_week=[
            AreaWeekCoverage(area=area, week=week, **_hours(v))
            for (area, week), v in _by_area_week(coverage)
        ],
        people=_people(snapshot, stays),
        introductions=sum(1 for stay in stays if stay.new),
        units=_unit_flows(snapshot, stays),
        flows=_flows(snapshot, stays),
        checklists=_checklists(session, rnd, today),
    )


# --- coverage ------------------------------------------------------------------------------

CoverageKey = tuple[str, int, dt.date]
"""(area, priority, week): the finest grain the report sums coverage by."""


def _planned_by_need_week(
    session: Session, rnd: AllocationRound
) -> dict[tuple[str, dt.date], float]:
    """Hours the round's assignments give each need in each week."""
    rows = session.execute(
        select(Need.ref, Assignment.week, func.sum(Assignment.hours))
        .join(Need, Need.id == Assignment.need_id)
        .where(Assignment.round_id == rnd.id)
        .group_by(Need.ref, Assignment.week)
    ).tuples()
    return {(ref, week): float(hours or 0) for ref, week, hours in rows}


def _coverage(
    snapshot: _SnapshotRead, planned: dict[tuple[str, dt.date], float]
) -> dict[CoverageKey, Coverage]:
    """Wanted and covered hours per area, priority and week; a need-week counts at most
    the hours it wanted."""
    area_of = {unit.id: unit.area or unit.name or unit.id for unit in snapshot.units}
    mondays = week_starts(snapshot.start, snapshot.weeks)
    cells: dict[CoverageKey, Coverage] = {}
    for need in snapshot.needs:
        area = area_of.get(need.unit, need.unit)
        for monday, wanted in zip(mondays, _per_week(need.hours, snapshot.weeks), strict=True):
            if wanted <= 0:
                continue
            cell = cells.setdefault((area, need.priority, monday), Coverage())
            cell.wanted_hours += wanted
            cell.covered_hours += min(wanted, planned.get((need.id, monday), 0.0))
    return cells


def _hours(cells: Iterable[Coverage]) -> dict[str, float]:
    """The wanted and covered hours of `cells` added up, as a `Coverage`'s fields."""
    wanted = covered = 0.0
    for cell in cells:
        wanted += cell.wanted_hours
        covered += cell.covered_hours
    return {"wanted_hours": wanted, "covered_hours": covered}


def _by(cells: dict[CoverageKey, Coverage], part: int) -> list[tuple[Any, list[Coverage]]]:
    """The cells grouped by one part of their key, in the order of that part."""
    groups: dict[Any, list[Coverage]] = defaultdict(list)
    for key, cell in cells.items():
        groups[key[part]].append(cell)
    return sorted(groups.items(), key=lambda item: item[0])


def _by_area_week(
    cells: dict[CoverageKey, Coverage],
) -> list[tuple[tuple[str, dt.date], list[Coverage]]]:
    groups: dict[tuple[str, dt.date], list[Coverage]] = defaultdict(list)
    for (area, _priority, week), cell in cells.items():
        groups[(area, week)].append(cell)
    return sorted(groups.items(), key=lambda item: (item[0][1], item[0][0]))


# --- people and units ----------------------------------------------------------------------


class _Stay(NamedTuple):
    """A person's hours at one receiving unit in the round, and whether the unit is new to them."""

    employee_no: str
    unit: str
    hours: float
    new: bool
    unit_name: str
    home_unit: str
    """The person's home unit today, for a person the round's snapshot no longer names."""
    home_unit_name: str


def _earlier_published(rnd: AllocationRound, other: type[AllocationRound]) -> ColumnElement[bool]:
    """Rounds published before `rnd` (all published rounds, when `rnd` is not published)."""
    published = and_(other.status == RoundStatus.PUBLISHED, other.id != rnd.id)
    if rnd.published_at is None:
        return published
    return and_(
        published,
        or_(
            other.published_at < rnd.published_at,
            and_(other.published_at == rnd.published_at, other.id < rnd.id),
        ),
    )


def _stays(session: Session, rnd: AllocationRound) -> list[_Stay]:
    """Each (person, receiving unit) pair of the round with its hours, summed in SQL, and
    whether the person worked at that unit in an earlier published round."""
    earlier_assignment = aliased(Assignment)
    earlier_need = aliased(Need)
    earlier_round = aliased(AllocationRound)
    known = (
        exists()
        .where(
            earlier_assignment.person_id == Assignment.person_id,
            earlier_need.id == earlier_assignment.need_id,
            earlier_need.unit_id == Need.unit_id,
            earlier_round.id == earlier_assignment.round_id,
            _earlier_published(rnd, earlier_round),
        )
        .correlate(Assignment, Need)
    )
    home = aliased(Unit)
    rows = session.execute(
        select(
            Person.employee_no,
            Unit.code,
            func.sum(Assignment.hours),
            known,
            Unit.name,
            home.code,
            home.name,
        )
        .join(Person, Person.id == Assignment.person_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Unit, Unit.id == Need.unit_id)
        .join(home, home.id == Person.home_unit_id)
        .where(Assignment.round_id == rnd.id, Assignment.hours > 0)
        .group_by(
            Person.employee_no,
            Unit.code,
            Assignment.person_id,
            Need.unit_id,
            Unit.name,
            home.code,
            home.name,
        )
    ).tuples()
    return [
        _Stay(
            employee_no=person,
            unit=unit,
            hours=float(hours or 0),
            new=not seen,
            unit_name=unit_name,
            home_unit=home_code,
            home_unit_name=home_name,
        )
        for person, unit, hours, seen, unit_name, home_code, home_name in rows
    ]


def _people(snapshot: _SnapshotRead, stays: Sequence[_Stay]) -> PeopleUse:
    hours_of: dict[str, float] = defaultdict(float)
    for stay in stays:
        hours_of[stay.employee_no] += stay.hours
    unit_name = {unit.id: unit.name or unit.id for unit in snapshot.units}
    idle = [
        IdlePerson(
            employee_no=staff.id,
            name=staff.name,
            home_unit=staff.home_unit,
            home_unit_name=unit_name.get(staff.home_unit, staff.home_unit),
            capacity_hours=staff.capacity(snapshot.weeks),
        )
        for staff in snapshot.staff
        if staff.id not in hours_of
    ]
    idle.sort(key=lambda person: (-person.capacity_hours, person.home_unit, person.name))
    in_round = len(snapshot.staff)
    return PeopleUse(
        in_round=in_round,
        used=in_round - len(idle),
        never_used=len(idle),
        lent_hours=sum(hours_of.values()),
        most_hours_one_person=max(hours_of.values(), default=0.0),
        never_used_people=idle,
    )


def _home_units(snapshot: _SnapshotRead, stays: Sequence[_Stay]) -> dict[str, str]:
    """Each lent person's home unit as the round's snapshot has it; a person it no longer
    names (their employee number changed since) by their home unit today, never none."""
    home = {staff.id: staff.home_unit for staff in snapshot.staff}
    return {stay.employee_no: home.get(stay.employee_no, stay.home_unit) for stay in stays}


def _unit_names(snapshot: _SnapshotRead, stays: Sequence[_Stay]) -> dict[str, str]:
    """Unit names by code as the snapshot has them, else as they are today."""
    names = {stay.unit: stay.unit_name for stay in stays}
    names |= {stay.home_unit: stay.home_unit_name for stay in stays}
    return names | {unit.id: unit.name for unit in snapshot.units if unit.name}


def _unit_flows(snapshot: _SnapshotRead, stays: Sequence[_Stay]) -> list[UnitFlow]:
    home_of = _home_units(snapshot, stays)
    lent: dict[str, float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    lenders: dict[str, set[str]] = defaultdict(set)
    receivers: dict[str, set[str]] = defaultdict(set)
    introductions: dict[str, int] = defaultdict(int)
    for stay in stays:
        home = home_of[stay.employee_no]
        lent[home] += stay.hours
        lenders[home].add(stay.employee_no)
        received[stay.unit] += stay.hours
        receivers[stay.unit].add(stay.employee_no)
        introductions[stay.unit] += stay.new
    units = {unit.id: unit for unit in snapshot.units}
    name = _unit_names(snapshot, stays)
    flows = []
    for code in sorted(set(lent) | set(received)):
        unit = units.get(code, _UnitRead(id=code))
        flows.append(
            UnitFlow(
                unit=code,
                unit_name=name.get(code) or code,
                area=unit.area,
                lent_hours=lent[code],
                people_lent=len(lenders[code]),
                received_hours=received[code],
                people_received=len(receivers[code]),
                introductions=introductions[code],
            )
        )
    return flows


def _flows(snapshot: _SnapshotRead, stays: Sequence[_Stay]) -> list[Flow]:
    home_of = _home_units(snapshot, stays)
    hours: dict[tuple[str, str], float] = defaultdict(float)
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for stay in stays:
        pair = (home_of[stay.employee_no], stay.unit)
        hours[pair] += stay.hours
        people[pair].add(stay.employee_no)
    name = _unit_names(snapshot, stays)
    return [
        Flow(
            from_unit=home,
            from_unit_name=name.get(home, home),
            to_unit=unit,
            to_unit_name=name.get(unit, unit),
            hours=hours[(home, unit)],
            people=len(people[(home, unit)]),
        )
        for home, unit in sorted(hours)
    ]


# --- checklists ----------------------------------------------------------------------------


def _checklists(
    session: Session, rnd: AllocationRound, today: dt.date
) -> list[ChecklistCompletion]:
    """Items of the round's checklists per audience: all, done, due by `today`, overdue."""
    done = ChecklistItem.done_at.is_not(None)
    rows = session.execute(
        select(
            ChecklistItem.audience,
            func.count(ChecklistItem.id),
            func.count(ChecklistItem.id).filter(done),
            func.count(ChecklistItem.id).filter(ChecklistItem.due_on <= today),
            func.count(ChecklistItem.id).filter(~done, ChecklistItem.due_on < today),
        )
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .where(Checklist.round_id == rnd.id)
        .group_by(ChecklistItem.audience)
    ).tuples()
    found = {audience: row for audience, *row in rows}
    return [
        ChecklistCompletion(audience=audience, items=items, done=ticked, due=due, overdue=late)
        for audience in Audience
        if audience in found
        for items, ticked, due, late in [found[audience]]
    ]
