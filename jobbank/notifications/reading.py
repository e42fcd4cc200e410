"""Reading the outbox: a person's own messages, and HR's search of all."""

from __future__ import annotations

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.db.models import (
    MessageStatus,
    OutboxMessage,
)


def my_messages(
    session: Session, actor: Actor, paging: LimitOffset, *, status: MessageStatus | None = None
) -> tuple[list[OutboxMessage], int]:
    """The caller's own messages, newest first (none for a log-in without a person)."""
    if actor.person_id is None:
        return [], 0
    return _page(session, paging, OutboxMessage.person_id == actor.person_id, status)


def find_messages(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    person_id: int | None = None,
    status: MessageStatus | None = None,
) -> tuple[list[OutboxMessage], int]:
    """HR: everyone's messages, or one person's, newest first."""
    actor.require(actor.is_hr, "messages")
    where = OutboxMessage.person_id == person_id if person_id is not None else None
    return _page(session, paging, where, status)


def _page(
    session: Session,
    paging: LimitOffset,
    where: ColumnElement[bool] | None,
    status: MessageStatus | None,
) -> tuple[list[OutboxMessage], int]:
    conditions = [c for c in (where,) if c is not None]
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    total = session.scalar(select(func.count(OutboxMessage.id)).where(*conditions)) or 0
    rows = session.scalars(
        select(OutboxMessage)
        .where(*conditions)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(paging.limit)
        .offset(paging.offset)
    ).all()
    return list(rows), total
