"""The audit log: every change, and every read of health data, with who and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any, NamedTuple

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.db.models import AuditEntry, UserAccount


def record(
    session: Session,
    *,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the session's transaction: it lands with the change or not at all."""
    entry = AuditEntry(
        at=dt.datetime.now(dt.UTC),
        user_id=user_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def fields_of(row: object, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a row as JSON-friendly values, for `before`/`after`."""
    return {name: _plain(getattr(row, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so an audit entry shows what the change was."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return value


# --- reading the log (HR) ------------------------------------------------------------


class AuditFilter(NamedTuple):
    """What to look for in the log; None means any."""

    entity: str | None = None
    entity_id: str | None = None
    user_id: int | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def find_entries(
    session: Session, where: AuditFilter, paging: LimitOffset
) -> tuple[list[tuple[AuditEntry, str | None]], int]:
    """A page of entries, newest first, each with the username of who made it, and the total."""
    conditions = [
        column == value
        for column, value in (
            (AuditEntry.entity, where.entity),
            (AuditEntry.entity_id, where.entity_id),
            (AuditEntry.user_id, where.user_id),
            (AuditEntry.action, where.action),
        )
        if value is not None
    ]
    if where.since is not None:
        conditions.append(AuditEntry.at >= where.since)
    if where.until is not None:
        conditions.append(AuditEntry.at < where.until)
    total = session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(paging.limit)
        .offset(paging.offset)
    ).all()
    names = usernames(session, {e.user_id for e in entries if e.user_id is not None})
    return [(e, names.get(e.user_id) if e.user_id else None) for e in entries], total


def usernames(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Usernames by user id, to say who did something."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(UserAccount.id, UserAccount.username).where(UserAccount.id.in_(ids))
    )
    return dict(rows.tuples().all())
