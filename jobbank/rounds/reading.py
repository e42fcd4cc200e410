"""Reading a round: its counts, the proposal (or what was published), and its exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.db.models import AllocationRound, Assignment, Need
from jobbank.rounds.results import needs_by_ref, round_result
from jobbank.rounds.snapshot import round_input
from jobbank.rounds.status import ENTITY, refuse, round_for
from solver.contract import Reason as UnfilledReason
from solver.contract import RoundInput, RoundResult


class RoundCounts(NamedTuple):
    staff: int
    needs: int
    assignments: int
    pinned: int
    unfilled: int
    """Need-weeks the last result left (partly) open."""


def round_counts(session: Session, rnd: AllocationRound) -> RoundCounts:
    snapshot = rnd.input_snapshot or {}
    assignments, pinned = session.execute(
        select(
            func.count(Assignment.id), func.count(Assignment.id).filter(Assignment.pinned)
        ).where(Assignment.round_id == rnd.id)
    ).one()
    return RoundCounts(
        staff=len(snapshot.get("staff", [])),
        needs=len(snapshot.get("needs", [])),
        assignments=assignments,
        pinned=pinned,
        unfilled=len(rnd.result.get("unfilled", [])) if rnd.result else 0,
    )


def plan_rows(
    session: Session,
    rnd: AllocationRound,
    *,
    need_id: int | None = None,
    person_id: int | None = None,
    unit_id: int | None = None,
) -> Sequence[Assignment]:
    """The round's assignments (the proposal, or what was published) with their person, need
    and unit, by week, need and person."""
    query = select(Assignment).join(Assignment.need).where(Assignment.round_id == rnd.id)
    if need_id is not None:
        query = query.where(Assignment.need_id == need_id)
    if person_id is not None:
        query = query.where(Assignment.person_id == person_id)
    if unit_id is not None:
        query = query.where(Need.unit_id == unit_id)
    return session.scalars(query.order_by(Assignment.week, Need.ref, Assignment.person_id)).all()


class UnfilledNeedWeek(NamedTuple):
    """Hours of a need one week of the round left open, and why."""

    need_ref: str
    need: Need | None
    week: dt.date
    hours: float
    reasons: list[UnfilledReason]


def unfilled_need_weeks(
    session: Session,
    rnd: AllocationRound,
    *,
    need_id: int | None = None,
    unit_id: int | None = None,
) -> list[UnfilledNeedWeek]:
    """The last result's unfilled need-weeks, by week and need."""
    result = round_result(rnd)
    if result is None:
        return []
    needs = needs_by_ref(session, {u.need for u in result.unfilled})
    rows = [
        UnfilledNeedWeek(
            need_ref=u.need,
            need=needs.get(u.need),
            week=rnd.start + dt.timedelta(weeks=u.week),
            hours=u.hours,
            reasons=list(u.reasons),
        )
        for u in result.unfilled
    ]
    return sorted(
        (
            row
            for row in rows
            if (need_id is None or (row.need is not None and row.need.id == need_id))
            and (unit_id is None or (row.need is not None and row.need.unit_id == unit_id))
        ),
        key=lambda row: (row.week, row.need_ref),
    )


def export_input(session: Session, actor: Actor, round_id: int) -> RoundInput:
    """The round's `RoundInput` with its current pins, as the solver gets it. It holds the
    staff's risk-group flags, so the read is written to the audit log as a health read."""
    rnd = round_for(session, actor, round_id)
    snapshot = round_input(session, rnd)
    audit.record(
        session,
        user_id=actor.user_id,
        action="read_health",
        entity=ENTITY,
        entity_id=rnd.id,
        after={"export": "round_input", "staff": [s.id for s in snapshot.staff]},
    )
    return snapshot


def export_result(session: Session, actor: Actor, round_id: int) -> RoundResult:
    """The round's last `RoundResult`."""
    rnd = round_for(session, actor, round_id)
    result = round_result(rnd)
    if result is None:
        refuse(rnd, "it has no result yet; solve it first")
    return result
