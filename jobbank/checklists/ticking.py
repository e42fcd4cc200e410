"""Ticking a checklist item done (or not)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.checklists.dates import can_tick
from jobbank.checklists.reach import item_in_reach
from jobbank.checklists.reading import ChecklistView, get_checklist
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, NotFound, check_version
from jobbank.db.models import Checklist, ChecklistItem, Person

NOT_YET_TICKABLE = "checklist_item_not_yet_tickable"
"""The 409's code when an item is ticked before the day it opens (an evaluation before the
deployment began)."""


def mark_done(
    session: Session, actor: Actor, item_id: int, *, done: bool, version: int | None
) -> ChecklistView:
    """Tick (or, with `done=False`, untick) one of the caller's items; ticking twice is a no-op.

    Answers the item's checklist as the caller sees it.
    """
    item = _item_of(session, actor, item_id)
    check_version(f"checklist item {item_id}", item.version, version)
    if done and item.done_at is None and not can_tick(item.tickable_from, dt.date.today()):
        raise Conflict(
            f"checklist item {item_id}: can be ticked from {item.tickable_from}, not before",
            code=NOT_YET_TICKABLE,
        )
    if (item.done_at is not None) != done:
        before = audit.fields_of(item, ("done_at", "done_by_id"))
        item.done_at = dt.datetime.now(dt.UTC) if done else None
        item.done_by_id = actor.user_id if done else None
        session.flush()
        audit.record(
            session,
            user_id=actor.user_id,
            action="tick" if done else "untick",
            entity="checklist_item",
            entity_id=item.id,
            before=before,
            after=audit.fields_of(item, ("done_at", "done_by_id")),
        )
    return get_checklist(session, actor, item.checklist_id)


def _item_of(session: Session, actor: Actor, item_id: int) -> ChecklistItem:
    """The item, if it is for one of the caller's audiences."""
    item = session.scalar(
        select(ChecklistItem)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .join(Person, Person.id == Checklist.person_id)
        .where(ChecklistItem.id == item_id, item_in_reach(actor))
    )
    if item is None:
        raise NotFound(f"checklist item {item_id}: not found")
    return item
