"""HR's pages for people and their log-ins.

People: a list searched by name or employee number and filtered by home unit, a page at a
time; a form to add a person and one to change them (a stale copy answers 409 with the form).
Log-ins: a list, a form to give a person a log-in with roles, and a page to change the roles
or switch the log-in off and on. No page shows a password or its hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from advanced_alchemy.filters import LimitOffset
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from api.deps import DB, AnyRequest
from api.pages.admin_forms import (
    PER_PAGE,
    Form,
    Refusal,
    each_field,
    field_errors,
    hr_only,
    many,
    refusal,
    text,
    version_of,
    whole,
)
from api.pages.i18n import language_of, translate
from api.pages.refusals import sentence
from jobbank import organisation, people, privacy
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.roles import Role
from jobbank.db.models import Person, Unit, UserAccount

ALL = LimitOffset(limit=1000, offset=0)
PERSON_FORM = ("employee_no", "name", "email", "phone", "language", "home_unit_id")


def _units(session: Session) -> list[Unit]:
    units, _total = organisation.list_units(session, ALL)
    return sorted(units, key=lambda unit: (unit.area.name, unit.name))


def _page_link(path: str, chosen: Mapping[str, object], page: int) -> str:
    shown = {name: value for name, value in chosen.items() if value not in ("", None)}
    return path + "?" + urlencode({**shown, "page": page})


# --- people ----------------------------------------------------------------------------------


@get("/admin/people", sync_to_thread=True)
def people_page(
    db_session: DB,
    request: AnyRequest,
    q: FromQuery[str] = "",
    unit_id: FromQuery[str] = "",
    page: FromQuery[int] = 1,
    saved: FromQuery[str] = "",
) -> Template:
    """People by name, fifty a page, searched by name or employee number, by home unit."""
    actor = hr_only(request)
    unit = int(unit_id) if unit_id.isdigit() else None
    page = max(page, 1)
    paging = LimitOffset(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    found, total = people.list_people(db_session, actor, paging, unit_id=unit, q=q.strip() or None)
    last_page = max(1, -(-total // PER_PAGE))
    chosen = {"q": q.strip(), "unit_id": unit}
    return Template(
        "admin/people.html",
        context={
            "actor": actor,
            "people": found,
            "units": _units(db_session),
            "q": q.strip(),
            "unit_id": unit,
            "total": total,
            "page": page,
            "last_page": last_page,
            "previous": _page_link("/admin/people", chosen, page - 1) if page > 1 else None,
            "next": _page_link("/admin/people", chosen, page + 1) if page < last_page else None,
            "saved": saved,
        },
    )


def _person_form(person: Person) -> Form:
    return {
        "employee_no": person.employee_no,
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "language": person.language,
        "home_unit_id": str(person.home_unit_id),
        "version": str(person.version),
    }


def _person_page(
    session: Session,
    actor: Actor,
    form: Form,
    person: Person | None,
    refused: Refusal | None = None,
) -> Template:
    return Template(
        "admin/person_form.html",
        context={
            "actor": actor,
            "person": person,
            "form": {name: text(form, name) for name in (*PERSON_FORM, "version")},
            "errors": refused.errors if refused else {},
            "units": _units(session),
            "action": "/admin/people" if person is None else f"/admin/people/{person.id}",
        },
        status_code=refused.status if refused else 200,
    )


def _person_fields(form: Form) -> dict[str, object]:
    """The form's values for the service; a home unit not chosen is None (the service says)."""
    fields: dict[str, object] = {name: text(form, name) for name in PERSON_FORM}
    fields["home_unit_id"] = whole("home_unit_id", text(form, "home_unit_id"), required=False)
    return fields


def _person_refusal(
    session: Session, language: str, form: Form, person_id: int | None
) -> Refusal | None:
    try:
        fields = _person_fields(form)
    except InvalidInput as error:
        return refusal(language, error)
    return each_field(
        language,
        lambda one: people.check_person_fields(session, one, own_id=person_id),
        fields,
    )


@post("/admin/people/validate", sync_to_thread=True, status_code=200)
def validate_new_person(
    db_session: DB, request: AnyRequest, data: URLEncodedBody[Form]
) -> Template:
    """Each field's error of a new person as typed so far (nothing is saved)."""
    hr_only(request)
    refused = _person_refusal(db_session, language_of(request), data, None)
    return field_errors("person", PERSON_FORM, refused, typed=data)


@post("/admin/people/{person_id:int}/validate", sync_to_thread=True, status_code=200)
def validate_person(
    db_session: DB, request: AnyRequest, person_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template:
    """Each field's error of a change as typed so far (nothing is saved)."""
    people.get_person(db_session, hr_only(request), person_id)
    refused = _person_refusal(db_session, language_of(request), data, person_id)
    return field_errors("person", PERSON_FORM, refused)


@get("/admin/people/new", sync_to_thread=True)
def new_person_page(db_session: DB, request: AnyRequest) -> Template:
    """An empty form for a new person; messages to them are in Danish unless chosen."""
    actor = hr_only(request)
    return _person_page(db_session, actor, {"language": "da"}, None)


@post("/admin/people", sync_to_thread=True, status_code=303)
def create_person(
    db_session: DB, request: AnyRequest, data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Add a person; a wrong or taken field is told next to it and nothing is kept."""
    actor, language = hr_only(request), language_of(request)
    try:
        person = people.create_person(db_session, actor, _person_fields(data))
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        refused = _person_refusal(db_session, language, data, None) or refusal(language, error)
        return _person_page(db_session, actor, data, None, refused)
    return Redirect(
        "/admin/people?" + urlencode({"q": person.employee_no, "saved": person.employee_no}),
        status_code=303,
    )


@get("/admin/people/{person_id:int}", sync_to_thread=True)
def person_page(db_session: DB, request: AnyRequest, person_id: FromPath[int]) -> Template:
    """A person's details to change, and their log-in (or a link to give them one)."""
    actor = hr_only(request)
    person = people.get_person(db_session, actor, person_id)
    return _person_page(db_session, actor, _person_form(person), person)


@post("/admin/people/{person_id:int}", sync_to_thread=True, status_code=303)
def save_person(
    db_session: DB, request: AnyRequest, person_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Save the changes made to the version the form was drawn from; a stale one is 409."""
    actor, language = hr_only(request), language_of(request)
    person = people.get_person(db_session, actor, person_id)
    try:
        people.update_person(db_session, actor, person_id, version_of(data), _person_fields(data))
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        person = people.get_person(db_session, actor, person_id)
        refused = refusal(language, error)
        if refused.status != 409:  # a stale copy is told first; else every wrong field
            refused = _person_refusal(db_session, language, data, person_id) or refused
        return _person_page(db_session, actor, data, person, refused)
    return Redirect(
        "/admin/people?" + urlencode({"q": person.employee_no, "saved": person.employee_no}),
        status_code=303,
    )


@get("/admin/people/{person_id:int}/erase", sync_to_thread=True)
def erase_person_page(db_session: DB, request: AnyRequest, person_id: FromPath[int]) -> Template:
    """What erasing a person does, and a confirmation to tick before it is done."""
    actor = hr_only(request)
    return _erase_page(actor, people.get_person(db_session, actor, person_id))


@post("/admin/people/{person_id:int}/erase", sync_to_thread=True, status_code=303)
def erase_person(
    db_session: DB, request: AnyRequest, person_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Erase the person once HR has ticked the confirmation; a refusal says why (409)."""
    actor, language = hr_only(request), language_of(request)
    person = people.get_person(db_session, actor, person_id)
    if text(data, "confirm") != "on":
        problem = translate(language, "Tick the box to confirm; nothing was erased.")
        return _erase_page(actor, person, problem, status=422)
    try:
        privacy.erase_person(db_session, actor, person_id)
    except Conflict as error:
        db_session.rollback()
        person = people.get_person(db_session, actor, person_id)
        return _erase_page(actor, person, sentence(language, error), status=409)
    return Redirect(f"/admin/people/{person_id}/erase", status_code=303)


def _erase_page(actor: Actor, person: Person, problem: str = "", status: int = 200) -> Template:
    return Template(
        "admin/person_erase.html",
        context={"actor": actor, "person": person, "problem": problem},
        status_code=status,
    )


# --- log-ins ---------------------------------------------------------------------------------

ROLES = (Role.HR_COORDINATOR, Role.UNIT_LEADER, Role.STAFF)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    person: str
    employee_no: str
    roles: list[str]
    is_active: bool


def _user_row(user: UserAccount) -> UserRow:
    person = user.person
    return UserRow(
        id=user.id,
        username=user.username,
        person=person.name if person else "",
        employee_no=person.employee_no if person else "",
        roles=[role.value for role in ROLES if role in user.roles],
        is_active=user.is_active,
    )


@get("/admin/users", sync_to_thread=True)
def users_page(
    db_session: DB,
    request: AnyRequest,
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
    saved: FromQuery[str] = "",
) -> Template:
    """Log-ins by username, fifty a page, searched by part of the username."""
    actor = hr_only(request)
    page = max(page, 1)
    paging = LimitOffset(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    found, total = people.list_users(db_session, actor, paging, q=q.strip() or None)
    last_page = max(1, -(-total // PER_PAGE))
    chosen: dict[str, object] = {"q": q.strip()}
    return Template(
        "admin/users.html",
        context={
            "actor": actor,
            "users": [_user_row(user) for user in found],
            "q": q.strip(),
            "total": total,
            "page": page,
            "last_page": last_page,
            "previous": _page_link("/admin/users", chosen, page - 1) if page > 1 else None,
            "next": _page_link("/admin/users", chosen, page + 1) if page < last_page else None,
            "saved": saved,
        },
    )


def _new_user_page(
    session: Session, actor: Actor, form: Form, refused: Refusal | None = None
) -> Template:
    return Template(
        "admin/user_new.html",
        context={
            "actor": actor,
            "form": {name: text(form, name) for name in ("employee_no", "username")},
            "roles": ROLES,
            "chosen": set(many(form, "roles")),
            "errors": refused.errors if refused else {},
            "candidates": people.people_without_log_in(session, actor),
        },
        status_code=refused.status if refused else 200,
    )


@get("/admin/users/new", sync_to_thread=True)
def new_user_page(
    db_session: DB, request: AnyRequest, employee_no: FromQuery[str] = ""
) -> Template:
    """A form to give a person a log-in: username, a first password and roles."""
    actor = hr_only(request)
    form: Form = {"employee_no": employee_no, "roles": [Role.STAFF.value]}
    return _new_user_page(db_session, actor, form)


def _roles(form: Form) -> list[Role]:
    known = {role.value: role for role in ROLES}
    return [known[value] for value in many(form, "roles") if value in known]


@post("/admin/users", sync_to_thread=True, status_code=303)
def create_user(
    db_session: DB, request: AnyRequest, data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Give a person a log-in; a wrong or taken field is told next to it, nothing is kept."""
    actor, language = hr_only(request), language_of(request)
    try:
        user = people.create_user(
            db_session,
            actor,
            username=text(data, "username"),
            password=text(data, "password"),
            roles=_roles(data),
            person_id=people.person_numbered(db_session, actor, text(data, "employee_no")).id,
        )
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        refused = refusal(language, error)
        if "person_id" in refused.errors:  # the form names the person by employee number
            refused.errors["employee_no"] = refused.errors.pop("person_id")
        return _new_user_page(db_session, actor, data, refused)
    return Redirect("/admin/users?" + urlencode({"saved": user.username}), status_code=303)


def _user_page(
    session: Session,
    actor: Actor,
    user: UserAccount,
    chosen: set[str] | None = None,
    refused: Refusal | None = None,
) -> Template:
    row = _user_row(user)
    return Template(
        "admin/user.html",
        context={
            "actor": actor,
            "user": row,
            "version": user.version,
            "roles": ROLES,
            "chosen": set(row.roles) if chosen is None else chosen,
            "errors": refused.errors if refused else {},
        },
        status_code=refused.status if refused else 200,
    )


@get("/admin/users/{user_id:int}", sync_to_thread=True)
def user_page(db_session: DB, request: AnyRequest, user_id: FromPath[int]) -> Template:
    """A log-in's roles to change, and a button to switch it off or on."""
    actor = hr_only(request)
    return _user_page(db_session, actor, people.get_user(db_session, actor, user_id))


@post("/admin/users/{user_id:int}/roles", sync_to_thread=True, status_code=303)
def change_roles(
    db_session: DB, request: AnyRequest, user_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Give the log-in exactly the ticked roles."""
    return _change_user(db_session, request, user_id, data, {"roles": _roles(data)})


@post("/admin/users/{user_id:int}/active", sync_to_thread=True, status_code=303)
def switch_user(
    db_session: DB, request: AnyRequest, user_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Switch a log-in off (which ends its sessions and tokens) or on again."""
    active = text(data, "active") == "on"
    return _change_user(db_session, request, user_id, data, {"is_active": active})


def _change_user(
    session: Session, request: AnyRequest, user_id: int, form: Form, changes: dict[str, object]
) -> Template | Redirect:
    actor, language = hr_only(request), language_of(request)
    user = people.get_user(session, actor, user_id)
    try:
        people.update_user(session, actor, user_id, version_of(form), changes)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        user = people.get_user(session, actor, user_id)
        chosen = set(many(form, "roles")) if "roles" in changes else None
        return _user_page(session, actor, user, chosen, refusal(language, error))
    return Redirect("/admin/users?" + urlencode({"saved": user.username}), status_code=303)


ROUTES = [
    people_page,
    new_person_page,
    create_person,
    person_page,
    save_person,
    erase_person_page,
    erase_person,
    validate_new_person,
    validate_person,
    users_page,
    new_user_page,
    create_user,
    user_page,
    change_roles,
    switch_user,
]
