"""Who is lent out, by the latest published plan of each week: how many staff from a week on,
and what each person worked in the weeks before a round (the units, the hours)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Date, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from jobbank.db.models import AllocationRound, Assignment, Need, Person, RoundStatus, Unit


def count_lent(session: Session, from_week: dt.date, home_unit_ids: Sequence[int] | None) -> int:
    """How many people a published plan lends out in `from_week` or later (each week by the
    latest round that planned it); `home_unit_ids` keeps those of these home units only."""
    winners = latest_plan_of_weeks(session, from_week=from_week)
    if not winners:
        return 0
    query = select(func.count(Assignment.person_id.distinct())).where(
        Assignment.hours > 0,
        or_(*(and_(Assignment.round_id == rid, Assignment.week.in_(w)) for rid, w in winners)),
    )
    if home_unit_ids is not None:
        query = query.join(Person, Person.id == Assignment.person_id).where(
            Person.home_unit_id.in_(home_unit_ids)
        )
    return session.scalar(query) or 0


def latest_plan_of_weeks(
    session: Session, *, from_week: dt.date | None = None, before: dt.date | None = None
) -> list[tuple[int, list[dt.date]]]:
    """The weeks from `from_week` on (and before `before`), grouped by the published round
    whose plan holds for them (the latest published, as `_replanned_later` says; read in
    Python: rounds are few)."""
    rounds = session.execute(
        select(AllocationRound.id, AllocationRound.start, AllocationRound.weeks)
        .where(AllocationRound.status == RoundStatus.PUBLISHED)
        .order_by(AllocationRound.published_at, AllocationRound.id)
    ).all()
    winner: dict[dt.date, int] = {}
    for round_id, start, weeks in rounds:  # a later one overwrites the weeks it planned again
        for week in (start + dt.timedelta(weeks=w) for w in range(weeks)):
            if (from_week is None or week >= from_week) and (before is None or week < before):
                winner[week] = round_id
    by_round: dict[int, list[dt.date]] = defaultdict(list)
    for week, round_id in sorted(winner.items()):
        by_round[round_id].append(week)
    return list(by_round.items())


class PastWork(NamedTuple):
    """One person's hours at one unit in one week of the plan that held for that week."""

    employee_no: str
    unit: str
    week: dt.date
    hours: float


def past_work(session: Session, before: dt.date) -> list[PastWork]:
    """Everyone's hours in the weeks before `before`, each week by the published plan that
    holds for it (a week planned again by a later round counts as that round planned it)."""
    winners = latest_plan_of_weeks(session, before=before)
    if not winners:
        return []
    rows = session.execute(
        select(Person.employee_no, Unit.code, Assignment.week, Assignment.hours)
        .join(Person, Person.id == Assignment.person_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Unit, Unit.id == Need.unit_id)
        .where(
            Assignment.hours > 0,
            or_(*(and_(Assignment.round_id == rid, Assignment.week.in_(w)) for rid, w in winners)),
        )
    ).all()
    return [PastWork(*row) for row in rows]


class last_monday(FunctionElement[dt.date]):  # noqa: N801 - used like a SQL function
    """The Monday of a round's last week, from its first Monday and its number of weeks."""

    type = Date()
    inherit_cache = True


@compiles(last_monday)
def _last_monday(element: last_monday, compiler: SQLCompiler, **kw: Any) -> str:
    start, weeks = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({start} + 7 * ({weeks} - 1))"  # PostgreSQL: date + days


@compiles(last_monday, "sqlite")
def _last_monday_sqlite(element: last_monday, compiler: SQLCompiler, **kw: Any) -> str:
    start, weeks = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({start}, '+' || (7 * ({weeks} - 1)) || ' days')"
