"""Who sees and ticks which checklist items: the audiences of each caller, also as SQL."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, false, or_, true

from jobbank.core.access import Actor
from jobbank.db.models import Audience, Checklist, ChecklistItem, Person

RECEIVING_AUDIENCES = frozenset({Audience.RECEIVING_LEADER, Audience.PERMANENT_STAFF})
"""The receiving leader ticks the permanent staff's items on the team's behalf."""


SENDING_AUDIENCES = frozenset({Audience.SENDING_LEADER})


EMPLOYEE_AUDIENCES = frozenset({Audience.EMPLOYEE})


FOLLOWED_AUDIENCES = EMPLOYEE_AUDIENCES
"""Both leaders follow the lent employee's own items, read only: the receiving leader sees
that the first day is agreed, the sending leader that the deployment goes well."""


class Place(NamedTuple):
    """Where a checklist belongs: one person's deployment to one unit in one round."""

    round_id: int
    person_id: int
    unit_id: int


def audiences_for(actor: Actor, checklist: Checklist, person: Person) -> frozenset[Audience]:
    """The audiences whose items `actor` sees and ticks on this checklist (HR: all)."""
    return audiences_at(actor, checklist.unit_id, checklist.person_id, person.home_unit_id)


def followed_audiences_for(
    actor: Actor, checklist: Checklist, person: Person
) -> frozenset[Audience]:
    """The audiences whose items `actor` sees but does not tick: a leader of the receiving or
    the sending unit follows the employee's items."""
    return followed_at(actor, checklist.unit_id, checklist.person_id, person.home_unit_id)


def audiences_at(
    actor: Actor, unit_id: int, person_id: int, home_unit_id: int
) -> frozenset[Audience]:
    if actor.is_hr:
        return frozenset(Audience)
    audiences: frozenset[Audience] = frozenset()
    if actor.leads(unit_id):
        audiences |= RECEIVING_AUDIENCES
    if actor.leads(home_unit_id):
        audiences |= SENDING_AUDIENCES
    if actor.is_person(person_id):
        audiences |= EMPLOYEE_AUDIENCES
    return audiences


def followed_at(
    actor: Actor, unit_id: int, person_id: int, home_unit_id: int
) -> frozenset[Audience]:
    if not (actor.leads(unit_id) or actor.leads(home_unit_id)):
        return frozenset()
    return FOLLOWED_AUDIENCES - audiences_at(actor, unit_id, person_id, home_unit_id)


def checklist_in_reach(actor: Actor) -> ColumnElement[bool]:
    """SQL for `audiences_for(...)` being non-empty (needs `Person` joined)."""
    if actor.is_hr:
        return true()
    return or_(
        Checklist.unit_id.in_(actor.led_unit_ids),
        Person.home_unit_id.in_(actor.led_unit_ids),
        Checklist.person_id == actor.person_id if actor.person_id is not None else false(),
    )


def item_in_reach(actor: Actor) -> ColumnElement[bool]:
    """SQL for `item.audience in audiences_for(...)` (needs `Checklist` and `Person` joined)."""
    if actor.is_hr:
        return true()
    own = (
        and_(
            Checklist.person_id == actor.person_id,
            ChecklistItem.audience.in_(EMPLOYEE_AUDIENCES),
        )
        if actor.person_id is not None
        else false()
    )
    return or_(
        and_(
            Checklist.unit_id.in_(actor.led_unit_ids),
            ChecklistItem.audience.in_(RECEIVING_AUDIENCES),
        ),
        and_(
            Person.home_unit_id.in_(actor.led_unit_ids),
            ChecklistItem.audience.in_(SENDING_AUDIENCES),
        ),
        own,
    )
