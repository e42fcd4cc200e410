"""A need's contact person: someone who works at its unit or leads it, and meets the lent
person."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput
from jobbank.db.models import Person, Unit, unit_leader
from jobbank.needs.reading import unit_within_reach


def _may_be_contact(unit_id: int) -> ColumnElement[bool]:
    """The contact person rule: a need's contact person works at its unit or leads it."""
    leads = select(unit_leader.c.person_id).where(unit_leader.c.unit_id == unit_id)
    return (Person.home_unit_id == unit_id) | Person.id.in_(leads)


def contact_choices(session: Session, actor: Actor, unit_id: int) -> Sequence[Person]:
    """Who may be the contact person of a need of the unit (within the actor's reach), by
    name: those who meet a person lent to it."""
    unit = unit_within_reach(session, actor, unit_id)
    return session.scalars(
        select(Person).where(_may_be_contact(unit.id)).order_by(Person.name)
    ).all()


def contact_at(session: Session, unit: Unit, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    found = session.scalar(select(Person).where(Person.id == person_id, _may_be_contact(unit.id)))
    if found is None:
        raise InvalidInput(
            "contact_person_id",
            f"person {person_id} neither works at nor leads {unit.code}",
            code="contact_not_at_unit",
            params={"unit": unit.code},
        )
    return found
