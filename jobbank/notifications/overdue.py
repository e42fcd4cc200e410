"""Overdue checklist items: one digest a day per person responsible, of the items newly
overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobbank.checklists.overdue import overdue_in_sql
from jobbank.db.models import (
    Audience,
    Checklist,
    ChecklistItem,
    MessageKind,
    Person,
    Unit,
)
from jobbank.notifications.approvals import hr_coordinators
from jobbank.notifications.writing import add_message


def sweep_overdue(session: Session, *, today: dt.date | None = None) -> int:
    """One digest a day to each person responsible for checklist items newly past their due
    date: the lent employee, the receiving unit's leaders (also for the permanent staff's
    items, which they tick for their team), the home unit's leaders; HR where a unit has no
    leader. Returns how many digests were written.

    Safe to run as often as wanted: an item is reminded of once (its `reminded_on`), to whoever
    is responsible when it is first found overdue, and a person gets at most one digest a day;
    an item whose digest to someone went out earlier that day waits for the next day's. A
    sweep with nothing new reads nothing but an index, however many items are overdue."""
    today = today or dt.date.today()
    digests, nobody = _new_overdue(session, today)
    told: dict[int, bool] = dict.fromkeys(nobody, True)  # nobody to tell: done with them
    written = 0
    for recipient, lines in digests:
        sent = add_message(
            session,
            recipient,
            MessageKind.CHECKLIST_OVERDUE,
            digest_key(today, recipient.id),
            groups=_by_deployment(lines),
            count=len(lines),
        )
        written += sent
        for line in lines:
            told[line.item.id] = told.get(line.item.id, True) and sent
    reminded = sorted(item_id for item_id, to_all in told.items() if to_all)
    for start in range(0, len(reminded), SWEEP_CHUNK):
        # A plain UPDATE: a reminder is no change of the item, so its version (which open
        # pages send when ticking) stays.
        session.execute(
            update(ChecklistItem)
            .where(ChecklistItem.id.in_(reminded[start : start + SWEEP_CHUNK]))
            .values(reminded_on=today)
            .execution_options(synchronize_session=False)
        )
    return written


SWEEP_CHUNK = 500
"""Items read or marked at a time by a sweep that has many new ones (the first, say)."""


def digest_key(today: dt.date, recipient_id: int) -> str:
    """One digest of overdue checklist items per person per day."""
    return f"overdue:{today.isoformat()}:to:{recipient_id}"


class OverdueLine(NamedTuple):
    item: Any
    """The item's id, titles, due date and audience, read as a plain row."""
    lent: Person
    unit: Unit


@dataclass(frozen=True)
class OverdueGroup:
    """The overdue items of one deployment's checklist, as a digest lists them."""

    lent: Person
    unit: Unit
    items: list[Any]


NEW_OVERDUE = select(
    ChecklistItem.id,
    ChecklistItem.title_da,
    ChecklistItem.title_en,
    ChecklistItem.due_on,
    ChecklistItem.audience,
    Checklist.person_id,
    Checklist.unit_id,
).join(Checklist, Checklist.id == ChecklistItem.checklist_id)


def _new_overdue(
    session: Session, today: dt.date
) -> tuple[list[tuple[Person, list[OverdueLine]]], list[int]]:
    """Each recipient's newly overdue items, by recipient id; and the ids of those nobody is
    responsible for."""
    new = list(
        session.scalars(
            select(ChecklistItem.id).where(
                overdue_in_sql(today), ChecklistItem.reminded_on.is_(None)
            )
        )
    )
    by_recipient: dict[int, tuple[Person, list[OverdueLine]]] = {}
    nobody = []
    for start in range(0, len(new), SWEEP_CHUNK):
        chunk = new[start : start + SWEEP_CHUNK]
        for row in session.execute(NEW_OVERDUE.where(ChecklistItem.id.in_(chunk))):
            lent = session.get_one(Person, row.person_id)
            unit = session.get_one(Unit, row.unit_id)
            responsible = _responsible(session, row.audience, lent, unit)
            if not responsible:
                nobody.append(row.id)
            for recipient in responsible:
                by_recipient.setdefault(recipient.id, (recipient, []))[1].append(
                    OverdueLine(row, lent, unit)
                )
    return [by_recipient[key] for key in sorted(by_recipient)], nobody


def _by_deployment(lines: list[OverdueLine]) -> list[OverdueGroup]:
    """The lines by deployment, earliest due first."""
    groups: dict[tuple[int, int], OverdueGroup] = {}
    for line in sorted(lines, key=lambda line: (line.item.due_on, line.item.id)):
        key = (line.lent.id, line.unit.id)
        groups.setdefault(key, OverdueGroup(line.lent, line.unit, [])).items.append(line.item)
    return list(groups.values())


def _responsible(session: Session, audience: Audience, person: Person, unit: Unit) -> list[Person]:
    if audience is Audience.EMPLOYEE:
        return [person]
    leaders = person.home_unit.leaders if audience is Audience.SENDING_LEADER else unit.leaders
    return sorted(leaders, key=lambda p: p.id) or hr_coordinators(session)
