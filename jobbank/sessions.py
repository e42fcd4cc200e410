"""Log-ins that last: browser sessions and API bearer tokens, revocable and expiring.

The secret handed to the client is random; only its SHA-256 is stored, so a copy of the
database lets nobody in. Failed log-ins are counted in the audit log, which also makes the
rate limit hold across several app processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jobbank import audit
from jobbank.accounts import authenticate
from jobbank.errors import InvalidInput, JobbankError, NotFound
from jobbank.models import AuditEntry, AuthKind, AuthSession, UserAccount

SESSION_LIFETIME = dt.timedelta(hours=12)
TOKEN_LIFETIME = dt.timedelta(days=30)
MAX_TOKEN_LIFETIME = dt.timedelta(days=365)
FAILED_LOGIN_LIMIT = 5
"""Failed log-ins for one username within `FAILED_LOGIN_WINDOW` before it is locked."""
FAILED_LOGIN_WINDOW = dt.timedelta(minutes=15)
LAST_USED_PRECISION = dt.timedelta(minutes=1)
"""`last_used_at` is written at most this often, so reads do not turn into writes."""


class WrongCredentials(JobbankError):
    """Unknown username, wrong password or a disabled account: deliberately not told apart."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class TooManyAttempts(JobbankError):
    """Too many failed log-ins; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed log-ins; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Opened:
    """A new session or token: the secret is shown once, here, and never again."""

    secret: str
    row: AuthSession


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """The SHA-256 of a secret, as stored: the only form in which secrets are kept."""
    return hashlib.sha256(secret.encode()).hexdigest()


def log_in(session: Session, username: str, password: str, *, client: str = "") -> UserAccount:
    """The account for these credentials, or `WrongCredentials`; every failure is counted."""
    retry_after = _seconds_locked(session, username)
    if retry_after:
        raise TooManyAttempts(retry_after)
    user = authenticate(session, username, password)
    if user is None:
        audit.record(
            session,
            user_id=None,
            action="login_failed",
            entity="user_account",
            entity_id=username.strip()[:50],
            after={"client": client},
        )
        raise WrongCredentials
    audit.record(
        session,
        user_id=user.id,
        action="login",
        entity="user_account",
        entity_id=user.id,
        after={"client": client},
    )
    return user


def _seconds_locked(session: Session, username: str) -> int:
    since = now() - FAILED_LOGIN_WINDOW
    failures = session.execute(
        select(func.count(), func.min(AuditEntry.at)).where(
            AuditEntry.action == "login_failed",
            AuditEntry.entity_id == username.strip()[:50],
            AuditEntry.at >= since,
        )
    ).one()
    count, first = failures
    if count < FAILED_LOGIN_LIMIT or first is None:
        return 0
    if first.tzinfo is None:
        first = first.replace(tzinfo=dt.UTC)
    return max(1, int((first + FAILED_LOGIN_WINDOW - now()).total_seconds()) + 1)


def open_session(
    session: Session,
    user: UserAccount,
    *,
    kind: AuthKind,
    label: str = "",
    lifetime: dt.timedelta | None = None,
) -> Opened:
    """A new browser session or API token for `user`."""
    default = SESSION_LIFETIME if kind is AuthKind.SESSION else TOKEN_LIFETIME
    lifetime = lifetime or default
    if not dt.timedelta(minutes=1) <= lifetime <= MAX_TOKEN_LIFETIME:
        raise InvalidInput("expires_in_days", "must be between 1 minute and 365 days")
    secret = secrets.token_urlsafe(32)
    row = AuthSession(
        token_hash=digest(secret),
        user_id=user.id,
        kind=kind,
        label=label.strip()[:100],
        expires_at=now() + lifetime,
    )
    session.add(row)
    session.flush()
    if kind is AuthKind.TOKEN:
        audit.record(
            session,
            user_id=user.id,
            action="create",
            entity="api_token",
            entity_id=row.id,
            after={"label": row.label, "expires_at": row.expires_at.isoformat()},
        )
    return Opened(secret=secret, row=row)


def resolve(
    session: Session, secret: str, *, kind: AuthKind, idle: dt.timedelta | None = None
) -> AuthSession | None:
    """The live session or token for this secret: not expired, not revoked, account active,
    and (when `idle` is given) used within `idle`."""
    if not secret or len(secret) > 200:
        return None
    row = session.scalar(
        select(AuthSession).where(
            AuthSession.token_hash == digest(secret), AuthSession.kind == kind
        )
    )
    moment = now()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= moment:
        return None
    if not row.user.is_active:
        return None
    if idle is not None and moment - _aware(row.last_used_at or row.created_at) > idle:
        return None
    if row.last_used_at is None or moment - _aware(row.last_used_at) > LAST_USED_PRECISION:
        session.execute(
            update(AuthSession).where(AuthSession.id == row.id).values(last_used_at=moment)
        )
    return row


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def revoke(session: Session, row: AuthSession, *, by: int) -> None:
    if row.revoked_at is None:
        row.revoked_at = now()
        if row.kind is AuthKind.TOKEN:
            audit.record(session, user_id=by, action="revoke", entity="api_token", entity_id=row.id)


def tokens_of(session: Session, user_id: int) -> list[AuthSession]:
    """A user's API tokens that are still live, newest first."""
    return list(
        session.scalars(
            select(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.kind == AuthKind.TOKEN,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now(),
            )
            .order_by(AuthSession.id.desc())
        )
    )


def token_of(session: Session, user_id: int, token_id: int) -> AuthSession:
    row = session.get(AuthSession, token_id)
    if row is None or row.user_id != user_id or row.kind is not AuthKind.TOKEN:
        raise NotFound(f"token {token_id}: not found")
    return row
