"""Who the provider's person is in Jobbank: the imported person one claim names, and the
log-in that person has (made on their first sign-on).

Without a group mapping roles are Jobbank's: an account keeps what HR gave it, and a first
log-in gets staff, and unit leader when HR has made the person a unit's leader. With a group
mapping (`JOBBANK_OIDC_GROUP_ROLES`) the provider's groups decide, at every log-in.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.accounts import hash_password, store_account
from jobbank.core import audit
from jobbank.core.roles import Role
from jobbank.db.models import Person, UserAccount, UserRole
from jobbank.sign_on.config import SignOnSettings
from jobbank.sign_on.id_tokens import Claims
from jobbank.sign_on.refusals import SignOnRefused

MAX_CLAIM_CHARS = 254


def account_for(session: Session, claims: Claims, settings: SignOnSettings) -> UserAccount:
    """The active account of the person the claims name, made or brought up to date."""
    person = person_named(session, _claim_value(claims, settings.match_claim), settings)
    user = person.account or _first_account(session, person)
    if not user.is_active:
        raise SignOnRefused("account_disabled")
    wanted = roles_wanted(person, claims, settings) if settings.roles_from_groups else None
    if wanted is not None and wanted != user.roles:
        _set_roles(session, user, wanted)
    return user


def person_named(session: Session, value: str, settings: SignOnSettings) -> Person:
    """The one person, not erased, whose e-mail or employee number is `value`."""
    column = Person.email if settings.match_field == "email" else Person.employee_no
    wanted = (
        func.lower(column) == value.lower()
        if settings.match_field == "email"
        else (column == value)
    )
    found = session.scalars(select(Person).where(wanted, Person.erased_at.is_(None)).limit(2)).all()
    if not found:
        raise SignOnRefused("unknown_person", f"{settings.match_claim}={value!r}")
    if len(found) > 1:
        raise SignOnRefused("ambiguous_person", f"{settings.match_claim}={value!r}")
    return found[0]


def roles_wanted(person: Person, claims: Claims, settings: SignOnSettings) -> set[Role]:
    """The roles the person's groups map to; staff when none does (every employee may
    volunteer), and unit leader only for a person who leads a unit in Jobbank."""
    groups = claims.get(settings.groups_claim) or []
    names = [groups] if isinstance(groups, str) else list(groups)
    roles = {
        settings.group_roles[g] for g in names if isinstance(g, str) and g in settings.group_roles
    }
    if Role.UNIT_LEADER in roles and not person.leads:
        roles.discard(Role.UNIT_LEADER)  # no units to lead: the role would show empty pages
    return roles or {Role.STAFF}


def _claim_value(claims: Claims, name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise SignOnRefused("missing_claim", name)
    text = str(value).strip()
    if not text or len(text) > MAX_CLAIM_CHARS:
        raise SignOnRefused("missing_claim", name)
    return text


def _first_account(session: Session, person: Person) -> UserAccount:
    """A log-in for a person signing on for the first time. Its password is random and never
    shown, so only sign-on opens it (HR may set one later where local passwords are on)."""
    return store_account(
        session,
        username=_free_username(session, person),
        password_hash=hash_password(secrets.token_urlsafe(32)),
        roles=_jobbank_roles(person),
        person=person,
        by=None,
        via="sign_on",
    )


def _jobbank_roles(person: Person) -> set[Role]:
    return {Role.STAFF, Role.UNIT_LEADER} if person.leads else {Role.STAFF}


def _free_username(session: Session, person: Person) -> str:
    for candidate in (person.employee_no, f"{person.employee_no}-{person.id}"):
        taken = session.scalar(select(UserAccount.id).where(UserAccount.username == candidate))
        if taken is None:
            return candidate
    return f"person-{person.id}-{secrets.token_hex(4)}"


def _set_roles(session: Session, user: UserAccount, roles: Iterable[Role]) -> None:
    before = sorted(user.roles)
    wanted = set(roles)
    user.role_rows[:] = [row for row in user.role_rows if row.role in wanted]
    user.role_rows.extend(
        UserRole(role=r) for r in sorted(wanted - {r.role for r in user.role_rows})
    )
    session.flush()
    audit.record(
        session,
        user_id=None,
        action="change_roles",
        entity="user_account",
        entity_id=user.id,
        before={"roles": before},
        after={"roles": sorted(wanted), "via": "sign_on_groups"},
    )
