"""The audit log: every change, and every read of health data, with who and when."""

from __future__ import annotations

import datetime as dt
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
