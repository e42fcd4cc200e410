"""HR's dashboard: volunteers, open needs, overdue checklist items, and how well the latest
proposed or published round covers each area week by week (an SVG chart and the same
numbers as a table)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.filters import LimitOffset
from litestar import get
from litestar.response import Template
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, AnyRequest
from api.pages.charts import BarChart, grouped_bars
from api.pages.home import hr_part
from api.pages.plan_changes import changes_part
from jobbank import rounds
from jobbank.core.access import Actor
from jobbank.core.weeks import week_starts
from jobbank.db.models import AllocationRound, RoundStatus
from solver.contract import RoundInput, RoundResult

LATEST = LimitOffset(limit=1, offset=0)


@dataclass(frozen=True)
class AreaWeek:
    """One area in one week: hours wanted and hours the plan covers."""

    area: str
    week: dt.date
    wanted: float
    covered: float

    @property
    def share(self) -> float:
        return self.covered / self.wanted if self.wanted else 1.0


def latest_round(db: Session, actor: Actor) -> AllocationRound | None:
    """The latest round with a plan: proposed or published, whichever has the later horizon."""
    found = [
        rows[0]
        for status in (RoundStatus.PROPOSED, RoundStatus.PUBLISHED)
        if (rows := rounds.find_rounds(db, actor, LATEST, status=status)[0])
    ]
    return max(found, key=lambda rnd: (rnd.start, rnd.id), default=None)


def coverage(snapshot: RoundInput, result: RoundResult) -> list[AreaWeek]:
    """Wanted and covered hours per area and week; a need-week counts at most its hours."""
    area_of_unit = {unit.id: unit.area or unit.name for unit in snapshot.units}
    planned: dict[tuple[str, int], float] = defaultdict(float)
    for assignment in result.assignments:
        planned[(assignment.need, assignment.week)] += assignment.hours
    wanted: dict[tuple[str, int], float] = defaultdict(float)
    covered: dict[tuple[str, int], float] = defaultdict(float)
    for need in snapshot.needs:
        area = area_of_unit.get(need.unit, need.unit)
        for week, hours in enumerate(need.hours):
            wanted[(area, week)] += hours
            covered[(area, week)] += min(hours, planned[(need.id, week)])
    mondays = week_starts(snapshot.start, snapshot.weeks)
    return [
        AreaWeek(area, mondays[week], wanted[(area, week)], covered[(area, week)])
        for area, week in sorted(wanted, key=lambda key: (key[1], key[0]))
        if wanted[(area, week)] > 0
    ]


def chart(cells: list[AreaWeek]) -> BarChart:
    """One group of bars per week, one bar per area, height = share covered."""
    return grouped_bars(
        cells,
        group=lambda cell: cell.week,
        series=lambda cell: cell.area,
        value=lambda cell: cell.share,
    )


@get("/dashboard", sync_to_thread=True)
def dashboard(db_session: DB, request: AnyRequest) -> Template:
    """The job bank at a glance, for HR; nobody else has this page."""
    actor = current_actor(request)
    rounds.require_hr(actor)
    context: dict[str, Any] = {
        "actor": actor,
        "hr": hr_part(db_session, actor),
        "changes": changes_part(db_session, actor),
        "round": None,
    }
    rnd = latest_round(db_session, actor)
    result = rounds.round_result(rnd) if rnd is not None else None
    if rnd is not None and result is not None and rnd.input_snapshot is not None:
        cells = coverage(RoundInput.model_validate(rnd.input_snapshot), result)
        context.update(round=rnd, cells=cells, chart=chart(cells))
    return Template("dashboard.html", context=context)


ROUTES = [dashboard]
