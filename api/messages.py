"""Messages the outbox wrote to people: each sees their own, HR everyone's."""

from __future__ import annotations

import datetime as dt
from typing import Self

from litestar import Controller, get
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery
from pydantic import BaseModel, ConfigDict

from api.auth import current_actor, hr_only, logged_in
from api.deps import DB, AnyRequest, Paging
from api.paging import page_of
from jobbank.db.models import MessageKind, MessageStatus, OutboxMessage
from jobbank.notifications import find_messages, my_messages


class MessageOut(BaseModel):
    """A message to one person, and how sending it went (without the technical detail of a
    failure, which is for HR)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kind: MessageKind
    language: str
    to_address: str
    """Empty when the person has no e-mail address (then the message is `not_sent`)."""
    subject: str
    body: str
    status: MessageStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    sent_at: dt.datetime | None

    @classmethod
    def of(cls, row: OutboxMessage) -> Self:
        return cls.model_validate(row)


class MessageForHr(MessageOut):
    """A message as HR sees it: with why e-mailing it failed, in the mail server's words."""

    last_error: str


class MyMessageController(Controller):
    path = "/api/me/messages"
    tags = ("messages",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_my_messages(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        status: FromQuery[MessageStatus | None] = None,
    ) -> OffsetPagination[MessageOut]:
        """Your messages, newest first: assignments, changes, approvals and overdue checklist
        items, whether or not they could be e-mailed."""
        rows, total = my_messages(db_session, current_actor(request), paging, status=status)
        return page_of(rows, total, paging, MessageOut.of)


class MessageController(Controller):
    """HR only; to everyone else this path does not exist (404)."""

    path = "/api/messages"
    tags = ("messages",)
    guards = [hr_only]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_messages(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        person_id: FromQuery[int | None] = None,
        status: FromQuery[MessageStatus | None] = None,
    ) -> OffsetPagination[MessageForHr]:
        """Everyone's messages (or one person's), newest first, e.g. the `failed` ones with
        why sending them failed."""
        rows, total = find_messages(
            db_session, current_actor(request), paging, person_id=person_id, status=status
        )
        return page_of(rows, total, paging, MessageForHr.of)
