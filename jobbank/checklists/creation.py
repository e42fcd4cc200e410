"""Creating a published round's checklists: one per new (person, receiving unit) pair, with the
items of the unit's templates.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jobbank.checklists.dates import due_dates, published_day
from jobbank.checklists.defaults import ensure_default_template
from jobbank.core import audit
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    Unit,
)


class _Stay(NamedTuple):
    """One person's time at one receiving unit in a round: its first and last week."""

    person_id: int
    unit: Unit
    first_week: dt.date
    last_week: dt.date
    contact_named: bool
    """Every need the person works there names a contact person."""


def create_checklists(
    session: Session, rnd: AllocationRound, *, by: int | None, told_on: dt.date | None = None
) -> list[Checklist]:
    """One checklist per new (person, receiving unit) pair of the round; safe to call twice.

    A pair is new unless the previous published round already lent the person to that unit
    (they know the place) or this round already has its checklist. Due dates count from the
    day people were told of the pair as `due_dates` says: the day the round was published,
    or `told_on` for a pair a later change to the plan made.
    """
    ensure_default_template(session)
    published_on = told_on or published_day(rnd)
    known = _pairs(session, rnd.previous_round_id) | _pairs_with_checklist(session, rnd.id)
    created = []
    for stay in _stays(session, rnd.id):
        if (stay.person_id, stay.unit.id) in known:
            continue
        checklist = Checklist(
            round_id=rnd.id,
            person_id=stay.person_id,
            unit_id=stay.unit.id,
            starts_on=stay.first_week,
            items=_items_for(session, stay, published_on),
        )
        session.add(checklist)
        session.flush()
        audit.record(
            session,
            user_id=by,
            action="create",
            entity="checklist",
            entity_id=checklist.id,
            after=audit.fields_of(checklist, ("round_id", "person_id", "unit_id", "starts_on"))
            | {"items": len(checklist.items)},
        )
        created.append(checklist)
    return created


def _stays(session: Session, round_id: int) -> list[_Stay]:
    """Each (person, receiving unit) pair of a round's assignments, in order of first week."""
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    units: dict[int, Unit] = {}
    without_contact: set[tuple[int, int]] = set()
    rows = session.scalars(
        select(Assignment).where(Assignment.round_id == round_id).order_by(Assignment.week)
    )
    for row in rows:
        unit = row.need.unit
        units[unit.id] = unit
        weeks.setdefault((row.person_id, unit.id), []).append(row.week)
        if row.need.contact_person_id is None:
            without_contact.add((row.person_id, unit.id))
    stays = [
        _Stay(pair[0], units[pair[1]], min(days), max(days), pair not in without_contact)
        for pair, days in weeks.items()
    ]
    return sorted(stays, key=lambda stay: (stay.first_week, stay.person_id, stay.unit.id))


def _pairs(session: Session, round_id: int | None) -> set[tuple[int, int]]:
    if round_id is None:
        return set()
    return {(stay.person_id, stay.unit.id) for stay in _stays(session, round_id)}


def _pairs_with_checklist(session: Session, round_id: int) -> set[tuple[int, int]]:
    rows = session.execute(
        select(Checklist.person_id, Checklist.unit_id).where(Checklist.round_id == round_id)
    )
    return {(person_id, unit_id) for person_id, unit_id in rows}


def templates_for(session: Session, unit: Unit) -> list[ChecklistTemplate]:
    """The default template, then the unit's area's, then the unit's own."""
    default = and_(ChecklistTemplate.area_id.is_(None), ChecklistTemplate.unit_id.is_(None))
    templates = session.scalars(
        select(ChecklistTemplate)
        .where(
            or_(
                default,
                ChecklistTemplate.area_id == unit.area_id,
                ChecklistTemplate.unit_id == unit.id,
            )
        )
        .order_by(ChecklistTemplate.id)
    ).all()
    return sorted(templates, key=lambda t: (t.unit_id is not None, t.area_id is not None, t.id))


def _items_for(session: Session, stay: _Stay, published_on: dt.date) -> list[ChecklistItem]:
    items = []
    for template in templates_for(session, stay.unit):
        for item in template.items:
            if item.skip_if_need_has_contact and stay.contact_named:
                continue  # the need names the contact person already
            dates = due_dates(item, published_on, stay.first_week, stay.last_week)
            items.append(
                ChecklistItem(
                    audience=item.audience,
                    title_da=item.title_da,
                    title_en=item.title_en,
                    due_on=dates.due_on,
                    tickable_from=dates.tickable_from,
                )
            )
    return items
