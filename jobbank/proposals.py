"""HR's work on a round's proposal row by row: find one planned assignment, pin it in place.

The pages pin a row of the proposal as it stands; the API names person, need, week and hours
(`jobbank.rounds.pin_assignment`), which this calls, so both pin by the same rules.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.db.models import Assignment
from jobbank.rounds import Liveness, cannot_tell, pin_assignment, round_for


def planned_assignment(
    session: Session, actor: Actor, round_id: int, assignment_id: int
) -> Assignment:
    """An assignment of the round's plan (the round within the caller's reach), else 404."""
    rnd = round_for(session, actor, round_id)
    row = session.get(Assignment, assignment_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound(f"round {round_id}: assignment {assignment_id}: not found")
    return row


def pin_in_place(
    session: Session,
    actor: Actor,
    round_id: int,
    assignment_id: int,
    *,
    alive: Liveness = cannot_tell,
) -> Assignment:
    """Pin an assignment of the proposal as it is: the next solve keeps its hours."""
    row = planned_assignment(session, actor, round_id, assignment_id)
    return pin_assignment(
        session,
        actor,
        round_id,
        person_id=row.person_id,
        need_id=row.need_id,
        week=row.week,
        hours=row.hours,
        alive=alive,
    )
