"""What follows once a change set is applied to a published plan: the people it touches are
told, checklists follow the deployments (new ones for new pairs, closed for ended ones), a new
pair becomes a deployment its person is asked to confirm, all
in the transaction that applied it. Calendar feeds and "what changed" read the
`AssignmentChange` rows themselves, so they need nothing done here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from jobbank.checklists import create_checklists, follow_stays
from jobbank.db.models import AllocationRound, AssignmentChange
from jobbank.deployments import open_deployments
from jobbank.notifications import tell_plan_changes


@dataclass(frozen=True)
class FollowUp:
    """What applying a change set set off, for its audit entry."""

    messages: int = 0
    checklists_created: int = 0
    checklists_closed: int = 0
    checklists_reopened: int = 0
    deployments_opened: int = 0

    def audit_fields(self) -> dict[str, int]:
        return asdict(self)


def follow_changes(
    session: Session,
    rnd: AllocationRound,
    changes: Sequence[AssignmentChange],
    *,
    by: int | None,
) -> FollowUp:
    """Follow the changes just made to `rnd`'s assignments (already written, with their
    `AssignmentChange` rows): checklists for new (person, unit) pairs, closed for pairs that
    ended (opened again for pairs back), and one message per person concerned. Runs in the
    caller's transaction; following the same changes twice creates and tells nothing more."""
    if not changes:
        return FollowUp()
    session.flush()
    # A pair the change made learns of it today: its items get their time from today.
    created = create_checklists(session, rnd, by=by, told_on=dt.date.today())
    closed, reopened = follow_stays(session, rnd, by=by)
    opened = open_deployments(session, rnd)  # a new pair is a deployment its person answers
    return FollowUp(
        messages=tell_plan_changes(session, rnd, changes),
        checklists_created=len(created),
        checklists_closed=len(closed),
        checklists_reopened=len(reopened),
        deployments_opened=len(opened),
    )
