"""Who reaches a deployment, and as what: the lent person, a leader of their home unit, a
leader of the receiving unit, or HR. Anything outside reach is `NotFound` (never 403)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.db.models import AllocationRound, Deployment, Person, RoundStatus


class Side(StrEnum):
    """The part someone plays in a deployment."""

    PERSON = "person"
    HOME_LEADER = "home_leader"
    RECEIVING_LEADER = "receiving_leader"
    HR = "hr"


def sides_of(actor: Actor, deployment: Deployment) -> frozenset[Side]:
    """Every part `actor` plays in `deployment` (a leader may lead both units)."""
    sides = set()
    if actor.is_person(deployment.person_id):
        sides.add(Side.PERSON)
    if actor.leads(deployment.person.home_unit_id):
        sides.add(Side.HOME_LEADER)
    if actor.leads(deployment.unit_id):
        sides.add(Side.RECEIVING_LEADER)
    if actor.is_hr:
        sides.add(Side.HR)
    return frozenset(sides)


def deployment_in_reach(
    session: Session, actor: Actor, deployment_id: int, *, sides: frozenset[Side] = frozenset(Side)
) -> Deployment:
    """The deployment of a published round, if `actor` plays one of `sides` in it; else
    `NotFound` naming it, whether it exists or not."""
    deployment = session.get(Deployment, deployment_id)
    published = deployment is not None and (
        session.scalar(
            select(AllocationRound.status).where(AllocationRound.id == deployment.round_id)
        )
        is RoundStatus.PUBLISHED
    )
    actor.require(
        deployment is not None and published and bool(sides_of(actor, deployment) & sides),
        f"deployment {deployment_id}",
    )
    assert deployment is not None
    return deployment


def deployments_in_reach(actor: Actor) -> ColumnElement[bool]:
    """SQL for a deployment `actor` plays any part in (needs `Person` joined on the person)."""
    if actor.is_hr:
        return true()
    return or_(
        Deployment.unit_id.in_(actor.led_unit_ids),
        Person.home_unit_id.in_(actor.led_unit_ids),
        Deployment.person_id == actor.person_id if actor.person_id is not None else false(),
    )
