"""The audit log, for HR: who changed or read what, and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, get
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery
from pydantic import BaseModel

from api.auth import hr_only
from api.deps import DB, Paging
from api.paging import page_of
from jobbank.core.audit import AuditFilter, find_entries
from jobbank.db.models import AuditEntry


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    user_id: int | None
    username: str | None
    """Who; null for the system (seeding, the CLI without a user)."""
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, row: tuple[AuditEntry, str | None]) -> AuditEntryOut:
        entry, username = row
        return cls(
            id=entry.id,
            at=entry.at,
            user_id=entry.user_id,
            username=username,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            before=entry.before,
            after=entry.after,
        )


class AuditController(Controller):
    """HR only; to everyone else this path does not exist (404)."""

    path = "/api/audit"
    tags = ("audit",)
    guards = [hr_only]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_entries(
        self,
        db_session: DB,
        paging: Paging,
        entity: FromQuery[str | None] = None,
        entity_id: FromQuery[str | None] = None,
        user_id: FromQuery[int | None] = None,
        action: FromQuery[str | None] = None,
        since: FromQuery[dt.datetime | None] = None,
        until: FromQuery[dt.datetime | None] = None,
    ) -> OffsetPagination[AuditEntryOut]:
        """Audit entries, newest first: who did what to which row, with the changed fields
        before and after. `since` is inclusive, `until` exclusive."""
        where = AuditFilter(
            entity=entity,
            entity_id=entity_id,
            user_id=user_id,
            action=action,
            since=since,
            until=until,
        )
        rows, total = find_entries(db_session, where, paging)
        return page_of(rows, total, paging, AuditEntryOut.of)
