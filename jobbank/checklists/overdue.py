"""Overdue checklist items: open past their due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from jobbank.checklists.reach import item_in_reach
from jobbank.core.access import Actor
from jobbank.db.models import Checklist, ChecklistItem, Person, Unit


def is_overdue(
    due_on: dt.date, done_at: dt.datetime | None, today: dt.date, *, closed: bool = False
) -> bool:
    """An open item is overdue from the day after it was due, unless its checklist is closed
    (the deployment it prepared ended): nobody has to do it any more."""
    return done_at is None and due_on < today and not closed


CLOSED = aliased(Checklist, name="closed_checklist")


def overdue_in_sql(today: dt.date) -> ColumnElement[bool]:
    """`is_overdue` as SQL (a closed checklist's items are never overdue, nor reminded of)."""
    closed = exists().where(CLOSED.id == ChecklistItem.checklist_id, CLOSED.closed_at.is_not(None))
    return and_(ChecklistItem.done_at.is_(None), ChecklistItem.due_on < today, ~closed)


@dataclass(frozen=True)
class OverdueItem:
    item: ChecklistItem
    checklist: Checklist
    person: Person
    unit: Unit
    days_overdue: int


def overdue_items(
    session: Session, actor: Actor, paging: LimitOffset, *, today: dt.date | None = None
) -> tuple[list[OverdueItem], int]:
    """Open items of the caller's audiences past their due date, the most overdue first."""
    today = today or dt.date.today()
    query = (
        select(ChecklistItem, Checklist, Person, Unit)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .join(Person, Person.id == Checklist.person_id)
        .join(Unit, Unit.id == Checklist.unit_id)
        .where(item_in_reach(actor), overdue_in_sql(today))
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(ChecklistItem.due_on, ChecklistItem.id)
        .limit(paging.limit)
        .offset(paging.offset)
    ).tuples()
    return [
        OverdueItem(item, checklist, person, unit, (today - item.due_on).days)
        for item, checklist, person, unit in rows
    ], total
