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
from typing import Protocol

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from jobbank.accounts import authenticate
from jobbank.core import audit
from jobbank.core.access import Actor, actor_of
from jobbank.core.errors import InvalidInput, JobbankError, NotFound
from jobbank.core.roles import Role
from jobbank.core.settings import load_settings
from jobbank.db import plain_rows
from jobbank.db.models import (
    AuditEntry,
    AuthKind,
    AuthSession,
    Person,
    UserAccount,
    UserRole,
    unit_leader,
)

SESSION_LIFETIME = dt.timedelta(hours=12)
TOKEN_LIFETIME = dt.timedelta(days=30)
MAX_TOKEN_LIFETIME = dt.timedelta(days=365)
FAILED_LOGIN_LIMIT = 5
"""Failed log-ins for one username within `FAILED_LOGIN_WINDOW` before it is locked."""
FAILED_LOGIN_WINDOW = dt.timedelta(minutes=15)
LAST_USED_PRECISION = dt.timedelta(minutes=5)
"""`last_used_at` is written at most this often, so reads do not turn into writes: at one
minute, `jobbank load` turned one read in thirteen into a write and a commit. An idle browser
session may so end up to this much before its idle limit."""


NOTED_USE = "jobbank.noted_use"


class WrongCredentials(JobbankError):
    """Unknown username, wrong password or a disabled account: deliberately not told apart."""

    code = "wrong_credentials"

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class TooManyAttempts(JobbankError):
    """Too many failed log-ins; try again after `retry_after` seconds."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed log-ins; try again in {retry_after} s")
        self.retry_after = retry_after
        self.params = {"retry_after": retry_after}


class PasswordsOff(JobbankError):
    """Local passwords are switched off (`JOBBANK_LOCAL_PASSWORDS=false`): sign on instead."""

    code = "local_passwords_off"

    def __init__(self) -> None:
        super().__init__("log-in with a password is switched off here; use the sign-on")


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
    if not load_settings().local_passwords:
        raise PasswordsOff
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
    signed_on: bool = False,
) -> Opened:
    """A new browser session or API token for `user`; `signed_on` when the municipality's
    sign-on opened it."""
    default = SESSION_LIFETIME if kind is AuthKind.SESSION else TOKEN_LIFETIME
    lifetime = lifetime or default
    if not dt.timedelta(minutes=1) <= lifetime <= MAX_TOKEN_LIFETIME:
        raise InvalidInput(
            "expires_in_days",
            "must be between 1 minute and 365 days",
            code="lifetime_out_of_range",
            params={"least_minutes": 1, "most_days": MAX_TOKEN_LIFETIME.days},
        )
    secret = secrets.token_urlsafe(32)
    row = AuthSession(
        token_hash=digest(secret),
        user_id=user.id,
        kind=kind,
        label=label.strip()[:100],
        expires_at=now() + lifetime,
        signed_on=signed_on,
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


LOG_IN_BY_HASH = (
    select(
        AuthSession.id,
        AuthSession.revoked_at,
        AuthSession.expires_at,
        AuthSession.last_used_at,
        AuthSession.created_at,
        UserAccount.id.label("user_id"),
        UserAccount.username,
        UserAccount.is_active,
        Person.id.label("person_id"),
        Person.name.label("person_name"),
        Person.language.label("person_language"),
        UserRole.role,
        unit_leader.c.unit_id.label("led_unit_id"),
    )
    .join(UserAccount, UserAccount.id == AuthSession.user_id)
    .outerjoin(Person, Person.id == UserAccount.person_id)
    .outerjoin(UserRole, UserRole.user_id == UserAccount.id)
    .outerjoin(unit_leader, unit_leader.c.person_id == Person.id)
    .where(AuthSession.token_hash == bindparam("token_hash"), AuthSession.kind == bindparam("kind"))
)
"""A log-in with its account, person, roles and led units: one row per (role, led unit).
Built once, as it runs on every request: building and keying it cost more than running it."""


def resolve(
    session: Session, secret: str, *, kind: AuthKind, idle: dt.timedelta | None = None
) -> tuple[Actor, int] | None:
    """Who is asking, and the id of their session or token: it must not be expired or revoked,
    its account must be active, and (when `idle` is given) it must have been used within `idle`.
    Read as plain columns, since this runs on every request: loading the log-in with its person,
    unit and area as entities was most of a simple request's CPU."""
    if not _plausible(secret):
        return None
    rows = plain_rows(session, LOG_IN_BY_HASH, {"token_hash": digest(secret), "kind": kind}).all()
    # One row per (role, led unit): a few rows, and one statement instead of three.
    found = rows[0] if rows else None
    moment = now()
    if found is None or not _live(found, found.is_active, idle, moment):
        return None
    roles = frozenset(row.role for row in rows if row.role is not None)
    led: frozenset[int] = frozenset()
    if Role.UNIT_LEADER in roles:
        led = frozenset(row.led_unit_id for row in rows if row.led_unit_id is not None)
    _note_use(session, found.id, found.last_used_at, moment)
    actor = actor_of(
        user_id=found.user_id,
        username=found.username,
        roles=roles,
        person=(found.person_id, found.person_name) if found.person_id is not None else None,
        led_unit_ids=led,
        language=found.person_language,
    )
    return actor, found.id


class _Lifetimes(Protocol):
    revoked_at: dt.datetime | None
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    created_at: dt.datetime


def _plausible(secret: str) -> bool:
    return bool(secret) and len(secret) <= 200


def _live(
    found: _Lifetimes, account_active: bool, idle: dt.timedelta | None, moment: dt.datetime
) -> bool:
    if found.revoked_at is not None or _aware(found.expires_at) <= moment or not account_active:
        return False
    return idle is None or moment - _aware(found.last_used_at or found.created_at) <= idle


def _note_use(
    session: Session, session_id: int, last_used: dt.datetime | None, moment: dt.datetime
) -> None:
    """Keeps `last_used_at` to the minute: a write on every request would cost more than the
    idle limit needs."""
    if last_used is None or moment - _aware(last_used) > LAST_USED_PRECISION:
        session.execute(
            update(AuthSession).where(AuthSession.id == session_id).values(last_used_at=moment)
        )
        session.info[NOTED_USE] = True


def noted_use(session: Session) -> bool:
    """Whether the last `resolve` on `session` wrote `last_used_at` (and forgets it): the
    caller may commit that at once rather than hold a write lock through its request."""
    return bool(session.info.pop(NOTED_USE, False))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def revoke(session: Session, row: AuthSession, *, by: int) -> None:
    if row.revoked_at is None:
        row.revoked_at = now()
        if row.kind is AuthKind.TOKEN:
            audit.record(session, user_id=by, action="revoke", entity="api_token", entity_id=row.id)


def end_log_in(session: Session, auth_id: int, *, by: int) -> bool:
    """Revoke the log-in (a session or a token) with this id, should it still be there;
    True when the municipality's sign-on had opened it."""
    row = session.get(AuthSession, auth_id)
    if row is None:
        return False
    revoke(session, row, by=by)
    return row.signed_on


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
