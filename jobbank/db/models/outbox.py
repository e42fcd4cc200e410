"""What reaches people outside the pages: messages waiting in the outbox, calendar feeds."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.organisation import Person


class CalendarFeed(Base):
    """A person's secret calendar-feed address. Only a hash of the token is kept, so a copy
    of the database cannot read anyone's calendar; a new link revokes the old one."""

    __tablename__ = "calendar_feed"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_read_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    person: Mapped[Person] = relationship(lazy="joined")


class MessageKind(StrEnum):
    ROUND_PUBLISHED = "round_published"
    ASSIGNMENT_CHANGED = "assignment_changed"
    APPROVAL_WANTED = "approval_wanted"
    CHECKLIST_OVERDUE = "checklist_overdue"
    CONFIRMATION_WANTED = "confirmation_wanted"
    """A deployment starts soon and its person has not answered yet."""
    THREAD_MESSAGE = "thread_message"
    """Someone wrote in a deployment's thread."""


class MessageStatus(StrEnum):
    PENDING = "pending"
    """Waiting to be sent (or to be retried at `next_attempt_at`)."""
    SENT = "sent"
    FAILED = "failed"
    """Gave up after the last retry; `last_error` says why."""
    NOT_SENT = "not_sent"
    """No mail server is configured or the person has no e-mail: shown on their page only."""


class OutboxMessage(Base):
    """A message to one person, written in the same transaction as the change it tells of,
    so nothing is announced that did not happen and nothing that happened goes untold."""

    __tablename__ = "outbox_message"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(stored_enum(MessageKind, "message_kind"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    """The same event never makes two messages: e.g. `overdue:2026-03-17:to:42`, one digest."""
    language: Mapped[str] = mapped_column(String(5), default="da")
    to_address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        stored_enum(MessageStatus, "message_status"), default=MessageStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    person: Mapped[Person] = relationship(lazy="joined")
