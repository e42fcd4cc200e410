"""People employed by the municipality and the log-ins HR gives them.

HR reaches everyone; a unit leader the people whose home unit they lead (and, one by one, the
people a published round lends to a unit they lead); anyone their own record. Nothing here
returns or touches the risk-group flag, which lives on the volunteer profile and is HR's alone
to read.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from advanced_alchemy.filters import CollectionFilter, LimitOffset, SearchFilter, StatementFilter
from advanced_alchemy.repository import SQLAlchemySyncRepository
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from jobbank import sessions
from jobbank.accounts import add_user
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound, check_version
from jobbank.core.roles import Role
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuthSession,
    Need,
    Person,
    RoundStatus,
    UserAccount,
    UserRole,
)
from jobbank.organisation import (
    Service,
    UnitService,
    change_row,
    clean_text,
    create_row,
    require_free,
    require_hr,
    touch,
)

PERSON_FIELDS = ("employee_no", "name", "email", "phone", "language", "home_unit_id")
LANGUAGES = ("da", "en")
"""The languages messages are written in; a person's `language` is one of them."""
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PersonService(Service[Person]):
    class Repository(SQLAlchemySyncRepository[Person]):
        model_type = Person

    repository_type = Repository


class UserService(Service[UserAccount]):
    class Repository(SQLAlchemySyncRepository[UserAccount]):
        model_type = UserAccount

    repository_type = Repository


# --- people --------------------------------------------------------------------------------


def _reach(actor: Actor) -> CollectionFilter[int] | None:
    """Which home units' people the actor may list: None for all (HR)."""
    if actor.is_hr:
        return None
    if Role.UNIT_LEADER in actor.roles:
        return CollectionFilter("home_unit_id", sorted(actor.led_unit_ids))
    raise NotFound("people: not found")


def list_people(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    unit_id: int | None = None,
    q: str | None = None,
) -> tuple[Sequence[Person], int]:
    """People by name: all for HR, those whose home unit they lead for a unit leader.

    `q` matches part of the name or the employee number.
    """
    filters: list[StatementFilter | ColumnElement[bool]] = [paging]
    reach = _reach(actor)
    if reach is not None:
        filters.append(reach)
    if q:
        filters.append(SearchFilter(field_name={"name", "employee_no"}, value=q, ignore_case=True))
    if unit_id is not None:
        filters.append(Person.home_unit_id == unit_id)
    return PersonService(session).get_many_and_count(*filters, order_by=(Person.name, False))


def can_see_person(actor: Actor, person: Person) -> bool:
    return actor.is_hr or actor.is_person(person.id) or actor.leads(person.home_unit_id)


def is_lent_to_units_led_by(session: Session, actor: Actor, person_id: int) -> bool:
    """Whether a published round lends the person to a unit the actor leads: its leader
    meets them, and reaches their contact (never their health data)."""
    if not actor.led_unit_ids:
        return False
    lent = (
        select(Assignment.id)
        .join(Need, Need.id == Assignment.need_id)
        .join(AllocationRound, AllocationRound.id == Assignment.round_id)
        .where(
            Assignment.person_id == person_id,
            Need.unit_id.in_(sorted(actor.led_unit_ids)),
            AllocationRound.status == RoundStatus.PUBLISHED,
        )
    )
    return session.scalar(select(lent.exists())) or False


def get_person(session: Session, actor: Actor, person_id: int) -> Person:
    """One person, if within the actor's reach (a leader's reach includes the people lent to
    their units); else 404 as if they did not exist."""
    person = PersonService(session).get_one_or_none(id=person_id)
    if person is None or not (
        can_see_person(actor, person) or is_lent_to_units_led_by(session, actor, person_id)
    ):
        raise NotFound(f"person {person_id}: not found")
    return person


def people_by_name(
    session: Session, actor: Actor, person_ids: Collection[int] | None = None
) -> list[Person]:
    """Everyone within the actor's reach by name, or only those of `person_ids` (for pickers)."""
    filters: list[StatementFilter | ColumnElement[bool]] = []
    reach = _reach(actor)
    if reach is not None:
        filters.append(reach)
    if person_ids is not None:
        filters.append(Person.id.in_(sorted(person_ids)))
    return list(PersonService(session).list(*filters, order_by=(Person.name, False)))


def person_numbered(
    session: Session, actor: Actor, employee_no: str, *, field: str = "employee_no"
) -> Person:
    """The person within the actor's reach who has this employee number; a form names people
    so, and an unknown number is refused on its `field`."""
    employee_no = employee_no.strip()
    if not employee_no:
        raise InvalidInput(field, "must not be empty", code="required")
    filters: list[StatementFilter | ColumnElement[bool]] = [Person.employee_no == employee_no]
    reach = _reach(actor)
    if reach is not None:
        filters.append(reach)
    person = PersonService(session).get_one_or_none(*filters)
    if person is None:
        raise InvalidInput(
            field, f"no person has employee number {employee_no!r}", code="no_such_person"
        )
    return person


def check_person_fields(
    session: Session, fields: Mapping[str, Any], *, own_id: int | None = None
) -> dict[str, Any]:
    """The given person fields, cleaned; each wrong value refused naming its field."""
    checked: dict[str, Any] = {}
    if "employee_no" in fields:
        checked["employee_no"] = clean_text(
            "employee_no", fields["employee_no"], Person.employee_no
        )
        require_free(
            PersonService(session), Person.employee_no, checked["employee_no"], own_id=own_id
        )
    if "name" in fields:
        checked["name"] = clean_text("name", fields["name"], Person.name)
    if "email" in fields:
        email = clean_text("email", fields["email"], Person.email, required=False)
        if email and not EMAIL_PATTERN.fullmatch(email):
            raise InvalidInput("email", f"is not an e-mail address: {email!r}", code="not_an_email")
        checked["email"] = email
    if "phone" in fields:
        checked["phone"] = clean_text("phone", fields["phone"], Person.phone, required=False)
    if "language" in fields:
        language = (fields["language"] or "").strip()
        if language not in LANGUAGES:
            raise InvalidInput(
                "language",
                f"must be one of {', '.join(LANGUAGES)}, got {language!r}",
                code="unknown_language",
                params={"choices": list(LANGUAGES)},
            )
        checked["language"] = language
    if "home_unit_id" in fields:
        unit_id = fields["home_unit_id"]
        if unit_id is None:
            raise InvalidInput("home_unit_id", "must be given", code="not_chosen")
        if UnitService(session).get_one_or_none(id=unit_id) is None:
            raise InvalidInput(
                "home_unit_id", f"no unit {unit_id}", code="no_such_unit", params={"id": unit_id}
            )
        checked["home_unit_id"] = unit_id
    return checked


def create_person(session: Session, actor: Actor, fields: Mapping[str, Any]) -> Person:
    """A new employee; employee number, name and home unit are required."""
    require_hr(actor, "person")
    wanted = {"employee_no": None, "name": None, "home_unit_id": None, **fields}
    checked = check_person_fields(session, wanted)
    return create_row(session, actor, PersonService(session), Person(**checked), PERSON_FIELDS)


def update_person(
    session: Session, actor: Actor, person_id: int, version: int, changes: Mapping[str, Any]
) -> Person:
    require_hr(actor, f"person {person_id}")
    person = get_person(session, actor, person_id)
    check_version(f"person {person.employee_no}", person.version, version)
    checked = check_person_fields(session, changes, own_id=person.id)
    return change_row(session, actor, PersonService(session), person, checked)


def choose_language(session: Session, actor: Actor, language: str) -> None:
    """Keep the language the actor chose for pages and messages on their person, so that it
    follows them to every browser; a log-in without a person has nowhere to keep it."""
    if actor.person_id is None:
        return
    checked = check_person_fields(session, {"language": language})
    person = session.get_one(Person, actor.person_id)
    person.language = checked["language"]


# --- user accounts -------------------------------------------------------------------------


def list_users(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    q: str | None = None,
    is_active: bool | None = None,
) -> tuple[Sequence[UserAccount], int]:
    """Log-ins by username, for HR; `q` matches part of the username."""
    require_hr(actor, "users")
    filters: list[StatementFilter | ColumnElement[bool]] = [paging]
    if q:
        filters.append(SearchFilter(field_name="username", value=q, ignore_case=True))
    if is_active is not None:
        filters.append(UserAccount.is_active.is_(is_active))
    return UserService(session).get_many_and_count(*filters, order_by=(UserAccount.username, False))


def user_id_named(session: Session, actor: Actor, username: str) -> int | None:
    """The id of the log-in with this username (HR), or None if there is none."""
    require_hr(actor, "users")
    user = UserService(session).get_one_or_none(UserAccount.username == username)
    return user.id if user is not None else None


def people_without_log_in(session: Session, actor: Actor) -> list[Person]:
    """People who may be given a log-in (HR): those without one, by name."""
    require_hr(actor, "users")
    has_one = select(UserAccount.person_id).where(UserAccount.person_id.is_not(None))
    return list(
        PersonService(session).list(Person.id.not_in(has_one), order_by=(Person.name, False))
    )


def get_user(session: Session, actor: Actor, user_id: int) -> UserAccount:
    require_hr(actor, f"user {user_id}")
    user = UserService(session).get_one_or_none(id=user_id)
    if user is None:
        raise NotFound(f"user {user_id}: not found")
    return user


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    roles: Sequence[Role],
    person_id: int | None = None,
) -> UserAccount:
    """A log-in for someone, optionally tied to their person; one log-in per person."""
    require_hr(actor, "user")
    person = None
    if person_id is not None:
        person = PersonService(session).get_one_or_none(id=person_id)
        if person is None:
            raise InvalidInput(
                "person_id",
                f"no person {person_id}",
                code="no_such_person",
                params={"id": person_id},
            )
        if person.account is not None:
            raise Conflict(
                f"person_id: person {person_id} already has a log-in",
                code="has_log_in",
                field="person_id",
            )
    return add_user(
        session, username=username, password=password, roles=roles, person=person, by=actor.user_id
    )


def update_user(
    session: Session, actor: Actor, user_id: int, version: int, changes: Mapping[str, Any]
) -> UserAccount:
    """Change a log-in's roles or switch it off; switching off ends its sessions and tokens."""
    user = get_user(session, actor, user_id)
    check_version(f"user {user.username}", user.version, version)
    before = {"roles": sorted(user.roles), "is_active": user.is_active}
    if "roles" in changes:
        _set_roles(user, _checked_roles(actor, user, changes["roles"]))
    if "is_active" in changes:
        _set_active(actor, user, changes["is_active"])
    revoked = _revoke_all(session, actor, user) if not user.is_active else 0
    session.flush()
    old, new = audit.changed(before, {"roles": sorted(user.roles), "is_active": user.is_active})
    if new or revoked:
        audit.record(
            session,
            user_id=actor.user_id,
            action="update",
            entity="user_account",
            entity_id=user.id,
            before=old,
            after=new | ({"sessions_revoked": revoked} if revoked else {}),
        )
    return user


def _checked_roles(actor: Actor, user: UserAccount, roles: Sequence[Role] | None) -> set[Role]:
    wanted = set(roles or ())
    if not wanted:
        raise InvalidInput("roles", "give at least one role", code="no_role")
    if user.id == actor.user_id and Role.HR_COORDINATOR not in wanted:
        raise InvalidInput(
            "roles", "you cannot take the HR coordinator role from yourself", code="own_hr_role"
        )
    return wanted


def _set_roles(user: UserAccount, wanted: set[Role]) -> None:
    if wanted == user.roles:
        return
    kept = [row for row in user.role_rows if row.role in wanted]
    added = [UserRole(role=role) for role in sorted(wanted - user.roles)]
    user.role_rows = kept + added
    touch(user)


def _set_active(actor: Actor, user: UserAccount, active: bool | None) -> None:
    if active is None:
        raise InvalidInput("is_active", "must be true or false", code="not_true_or_false")
    if user.id == actor.user_id and not active:
        raise InvalidInput("is_active", "you cannot switch off your own log-in", code="own_log_in")
    user.is_active = active


def _revoke_all(session: Session, actor: Actor, user: UserAccount) -> int:
    """End every live browser session and API token of `user`; the count of them."""
    live = session.scalars(
        select(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    ).all()
    for row in live:
        sessions.revoke(session, row, by=actor.user_id)
    return len(live)
