"""Closing the checklists of deployments a change to a published plan ended, and opening them
again when the person comes back: kept, not deleted, so what was ticked stays on record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.db.models import AllocationRound, Assignment, Checklist, Need


def follow_stays(
    session: Session, rnd: AllocationRound, *, by: int | None
) -> tuple[list[Checklist], list[Checklist]]:
    """Close each open checklist of the round whose person no longer works at its unit in the
    round, and open again each closed one whose person is back there. Returns (closed,
    reopened)."""
    staying = _pairs_with_assignments(session, rnd.id)
    closed, reopened = [], []
    moment = dt.datetime.now(dt.UTC)
    for checklist in session.scalars(
        select(Checklist).where(Checklist.round_id == rnd.id).order_by(Checklist.id)
    ):
        stays = (checklist.person_id, checklist.unit_id) in staying
        if checklist.closed_at is None and not stays:
            checklist.closed_at = moment
            closed.append(checklist)
            _record(session, checklist, "close", by, moment)
        elif checklist.closed_at is not None and stays:
            checklist.closed_at = None
            reopened.append(checklist)
            _record(session, checklist, "reopen", by, None)
    return closed, reopened


def _pairs_with_assignments(session: Session, round_id: int) -> set[tuple[int, int]]:
    """(person, receiving unit) of each assignment of the round."""
    rows = session.execute(
        select(Assignment.person_id, Need.unit_id)
        .join(Need, Need.id == Assignment.need_id)
        .where(Assignment.round_id == round_id)
        .distinct()
    ).tuples()
    return set(rows)


def _record(
    session: Session, checklist: Checklist, action: str, by: int | None, at: dt.datetime | None
) -> None:
    audit.record(
        session,
        user_id=by,
        action=action,
        entity="checklist",
        entity_id=checklist.id,
        after={"closed_at": at.isoformat() if at is not None else None},
    )
