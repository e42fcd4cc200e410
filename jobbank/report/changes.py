"""How much a round's plan was changed after publishing: the events reported on it, the hours
moved by the changes applied and the people those changes disturbed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.db.models import AssignmentChange, PlanEvent
from jobbank.report.shape import PlanChanges


def plan_changes(session: Session, round_id: int) -> PlanChanges:
    """Events (`PlanEvent` rows), hours moved (Σ |after − before| of the `AssignmentChange`
    rows) and people disturbed (distinct people with a change) of one round."""
    events = session.scalar(select(func.count(PlanEvent.id)).where(PlanEvent.round_id == round_id))
    moved, people = session.execute(
        select(
            func.sum(func.abs(AssignmentChange.hours_after - AssignmentChange.hours_before)),
            func.count(AssignmentChange.person_id.distinct()),
        ).where(AssignmentChange.round_id == round_id)
    ).one()
    return PlanChanges(
        events=events or 0, hours_moved=float(moved or 0), people_disturbed=people or 0
    )
