"""Log-ins: user accounts and their roles, sessions and tokens; and the audit log of what was
done."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.core.roles import Role
from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.organisation import Person


class UserAccount(Base):
    """A log-in. Its roles say what the person may do; see `jobbank.core.roles`."""

    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), unique=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person | None] = relationship(back_populates="account", lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="user"
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(stored_enum(Role, "role"))

    user: Mapped[UserAccount] = relationship(back_populates="role_rows")


class AuthKind(StrEnum):
    SESSION = "session"
    """A browser log-in, carried in an http-only cookie."""
    TOKEN = "token"
    """A bearer token for an API client."""


class AuthSession(Base):
    """A log-in that is still valid: only a hash of its secret is kept, so a copy of the
    database does not let anyone in. Log-out and revocation set `revoked_at`."""

    __tablename__ = "auth_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AuthKind] = mapped_column(stored_enum(AuthKind, "auth_kind"))
    label: Mapped[str] = mapped_column(String(100), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    signed_on: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """Opened by the municipality's sign-on: logging out then also ends the provider's."""

    user: Mapped[UserAccount] = relationship(lazy="joined")


class SignOnAttempt(Base):
    """One log-in through the provider, from leaving for it to coming back: its `state` (kept
    only as a hash, and good once), the browser that left (also a hash), the nonce the ID token
    must carry and the PKCE verifier the code is exchanged with. Kept a little after use so
    that a replayed answer is recognised as one."""

    __tablename__ = "sign_on_attempt"

    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    redirect_url: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class AuditEntry(Base):
    """Who changed or read what, when; before/after hold the changed fields."""

    __tablename__ = "audit_entry"

    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(50), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
