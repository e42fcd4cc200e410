"""The audit log: every change, and every read of health data, with who and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from jobbank.models import AuditEntry


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
