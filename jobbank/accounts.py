"""User accounts: creating them with roles, hashing passwords (argon2), checking log-ins."""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit, texts
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.roles import Role
from jobbank.core.settings import load_settings
from jobbank.db.models import Person, UserAccount, UserRole

_hasher = PasswordHasher()


def check_password_rules(password: str, username: str) -> None:
    """Long enough to resist guessing (length beats composition rules) and not the username."""
    shortest = load_settings().password_min_length
    if len(password) < shortest:
        raise InvalidInput(
            "password",
            f"must be at least {shortest} characters (JOBBANK_PASSWORD_MIN_LENGTH)",
            code="password_too_short",
            params={"least": shortest},
        )
    if password.strip().casefold() == username.strip().casefold():
        raise InvalidInput("password", "must not be the username", code="password_is_username")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(
    session: Session,
    *,
    username: str,
    password: str,
    roles: Iterable[Role],
    person: Person | None = None,
    by: int | None = None,
) -> UserAccount:
    """Create a log-in with the given roles, optionally tied to a person."""
    username = texts.clean("username", texts.Code, username)
    if not username:
        raise InvalidInput("username", "must not be empty", code="required")
    check_password_rules(password, username)
    role_set = set(roles)
    if not role_set:
        raise InvalidInput("roles", "give at least one role", code="no_role")
    if session.scalar(select(UserAccount.id).where(UserAccount.username == username)) is not None:
        raise Conflict(
            f"username: {username!r} is taken",
            code="taken",
            field="username",
            params={"what": "user_account", "value": username},
        )
    return store_account(
        session,
        username=username,
        password_hash=hash_password(password),
        roles=role_set,
        person=person,
        by=by,
    )


def store_account(
    session: Session,
    *,
    username: str,
    password_hash: str,
    roles: set[Role],
    person: Person | None,
    by: int | None,
    via: str | None = None,
) -> UserAccount:
    """A new log-in, as checked by its maker, audited; `via` says what made it when nobody
    did (the sign-on's first log-in)."""
    user = UserAccount(
        username=username,
        password_hash=password_hash,
        person=person,
        role_rows=[UserRole(role=role) for role in sorted(roles)],
    )
    session.add(user)
    session.flush()
    after: dict[str, object] = {"username": username, "roles": sorted(roles)}
    audit.record(
        session,
        user_id=by,
        action="create",
        entity="user_account",
        entity_id=user.id,
        after=after | ({"via": via} if via else {}),
    )
    return user


def change_password(
    session: Session, user: UserAccount, current: str, new: str, *, by: int
) -> None:
    """Set a new password after checking the current one; the audit log keeps only the fact."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise InvalidInput(
            "current_password", "is not your password", code="wrong_password"
        ) from None
    check_password_rules(new, user.username)
    user.password_hash = hash_password(new)
    audit.record(
        session,
        user_id=by,
        action="change_password",
        entity="user_account",
        entity_id=user.id,
    )


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> None:
    """The caller sets a new password after giving their current one."""
    user = session.get_one(UserAccount, actor.user_id)
    change_password(session, user, current, new, by=actor.user_id)


def authenticate(session: Session, username: str, password: str) -> UserAccount | None:
    """The active account with this username and password, or None."""
    user = session.scalar(select(UserAccount).where(UserAccount.username == username.strip()))
    if user is None or not user.is_active:
        _hasher.hash(password)  # same work either way, so timing does not reveal usernames
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
