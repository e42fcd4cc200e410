"""Publishing a proposed round: everyone sees their part, and checklists are created."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jobbank.checklists.creation import create_checklists
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.db.models import AllocationRound, RoundStatus
from jobbank.deployments import open_deployments
from jobbank.notifications import announce_round
from jobbank.rounds.jobs import Liveness, cannot_tell, round_to_change
from jobbank.rounds.pins import plan_is_solved
from jobbank.rounds.status import ENTITY, refuse


def publish_round(
    session: Session, actor: Actor, round_id: int, *, alive: Liveness = cannot_tell
) -> AllocationRound:
    """Publish a proposed round once: everyone sees their part, and a checklist is created
    for each new (person, unit) pair. A second call changes nothing and returns the round."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    if rnd.status is RoundStatus.PUBLISHED:
        return rnd
    if rnd.status is not RoundStatus.PROPOSED:
        refuse(rnd, "only a proposed round can be published; solve it first")
    if not plan_is_solved(session, rnd):
        refuse(rnd, "pins changed the plan since it was solved; solve it again, then publish")
    rnd.status = RoundStatus.PUBLISHED
    rnd.status_message = ""
    rnd.published_by_id = actor.user_id
    rnd.published_at = dt.datetime.now(dt.UTC)
    checklists = create_checklists(session, rnd, by=actor.user_id)
    deployments = open_deployments(session, rnd)
    announce_round(session, rnd)
    audit.record(
        session,
        user_id=actor.user_id,
        action="publish",
        entity=ENTITY,
        entity_id=rnd.id,
        before={"status": RoundStatus.PROPOSED.value},
        after={
            "status": rnd.status.value,
            "checklists": len(checklists),
            "deployments": len(deployments),
        },
    )
    session.flush()
    return rnd
