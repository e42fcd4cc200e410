"""The report's services: one round's report and the key figures over time, with the coverage
and the checklists' progress they sum.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    RoundStatus,
)
from jobbank.report.changes import plan_changes
from jobbank.report.experience import by_quarter, experience_of, so_far
from jobbank.report.people import flows_between, people_use, stays_of, unit_flows
from jobbank.report.shape import (
    AreaCoverage,
    AreaWeekCoverage,
    ChecklistCompletion,
    Coverage,
    PriorityCoverage,
    ReportOverTime,
    RoundReport,
    WeekCoverage,
)
from jobbank.report.snapshot import SnapshotRead, per_week
from jobbank.report.worked import worked_hours
from jobbank.rounds.status import get_round, require_hr


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
        raise InvalidInput(
            "end",
            f"{end.isoformat()} is before the start {start.isoformat()}",
            code="ends_before_start",
        )
    today = today or dt.date.today()
    query = select(AllocationRound).where(AllocationRound.status == RoundStatus.PUBLISHED)
    if end is not None:
        query = query.where(AllocationRound.start <= end)
    rows = session.scalars(query.order_by(AllocationRound.start, AllocationRound.id)).all()
    meeting = [rnd for rnd in rows if start is None or rnd.end + dt.timedelta(days=6) >= start]
    figures = so_far([report_of(session, rnd, today=today).figures() for rnd in meeting])
    return ReportOverTime(
        start=start,
        end=end,
        today=today,
        rounds=figures,
        experience_by_quarter=by_quarter(figures),
    )


def report_of(
    session: Session, rnd: AllocationRound, *, today: dt.date | None = None
) -> RoundReport:
    """The impact report of `rnd` (no access check: the CLI and the services above use it)."""
    if rnd.input_snapshot is None:
        raise Conflict(f"round {rnd.id}: has no input snapshot to report on", code="no_snapshot")
    today = today or dt.date.today()
    snapshot = SnapshotRead.model_validate(rnd.input_snapshot)
    coverage = _coverage(snapshot, _planned_by_need_week(session, rnd))
    stays = stays_of(session, rnd)
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
        people=people_use(snapshot, stays),
        introductions=sum(1 for stay in stays if stay.new),
        units=unit_flows(snapshot, stays),
        flows=flows_between(snapshot, stays),
        checklists=_checklists(session, rnd, today),
        changes=plan_changes(session, rnd.id),
        worked=worked_hours(session, rnd, today),
        experience=experience_of(session, rnd),
    )


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
    snapshot: SnapshotRead, planned: dict[tuple[str, dt.date], float]
) -> dict[CoverageKey, Coverage]:
    """Wanted and covered hours per area, priority and week; a need-week counts at most
    the hours it wanted."""
    area_of = {unit.id: unit.area or unit.name or unit.id for unit in snapshot.units}
    mondays = week_starts(snapshot.start, snapshot.weeks)
    cells: dict[CoverageKey, Coverage] = {}
    for need in snapshot.needs:
        area = area_of.get(need.unit, need.unit)
        for monday, wanted in zip(mondays, per_week(need.hours, snapshot.weeks), strict=True):
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


def _checklists(
    session: Session, rnd: AllocationRound, today: dt.date
) -> list[ChecklistCompletion]:
    """Items of the round's checklists per audience: all, done, due by `today`, overdue (a
    closed checklist's items are never overdue)."""
    done = ChecklistItem.done_at.is_not(None)
    rows = session.execute(
        select(
            ChecklistItem.audience,
            func.count(ChecklistItem.id),
            func.count(ChecklistItem.id).filter(done),
            func.count(ChecklistItem.id).filter(ChecklistItem.due_on <= today),
            func.count(ChecklistItem.id).filter(
                ~done, ChecklistItem.due_on < today, Checklist.closed_at.is_(None)
            ),
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
