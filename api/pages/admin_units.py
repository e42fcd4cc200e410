"""HR's pages for the units: every unit by area, and a form to add or change one with its
leaders. A change is made to the version the form was drawn from; a stale one answers 409."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from advanced_alchemy.filters import LimitOffset
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from api.deps import DB, AnyRequest
from api.pages.admin_forms import (
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
from api.pages.i18n import language_of
from jobbank import organisation, people
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.db.models import Person, Unit
from jobbank.volunteers import waiting_by_unit

ALL = LimitOffset(limit=1000, offset=0)
UNIT_FORM = ("code", "name", "area_id", "address", "phone")


@dataclass(frozen=True)
class UnitRow:
    id: int
    area: str
    code: str
    name: str
    address: str
    phone: str
    leaders: list[str]
    waiting: int
    """Volunteers of the unit awaiting approval (`jobbank.volunteers.waiting_by_unit`)."""
    intro_capacity: int | None
    """New people the unit can introduce a week (None: no limit); set on its own page."""


@get("/admin/units", sync_to_thread=True)
def units_page(db_session: DB, request: AnyRequest, saved: FromQuery[str] = "") -> Template:
    """Every unit, grouped by area, with its leaders, its volunteers awaiting approval (a link
    to decide them) and a link to change it."""
    actor = hr_only(request)
    units, _total = organisation.list_units(db_session, ALL)
    waiting = {unit.id: unit.waiting for unit in waiting_by_unit(db_session, actor)}
    rows = sorted(
        (
            UnitRow(
                id=unit.id,
                area=unit.area.name,
                code=unit.code,
                name=unit.name,
                address=unit.address,
                phone=unit.phone,
                leaders=sorted(person.name for person in unit.leaders),
                waiting=waiting.get(unit.id, 0),
                intro_capacity=unit.intro_capacity,
            )
            for unit in units
        ),
        key=lambda row: (row.area, row.name),
    )
    return Template("admin/units.html", context={"actor": actor, "units": rows, "saved": saved})


def _unit_form(unit: Unit) -> Form:
    return {
        "code": unit.code,
        "name": unit.name,
        "area_id": str(unit.area_id),
        "address": unit.address,
        "phone": unit.phone,
        "leaders": [str(person.id) for person in unit.leaders],
        "version": str(unit.version),
    }


def _people(session: Session, actor: Actor, ids: list[str]) -> list[Person]:
    return people.people_by_name(session, actor, [int(value) for value in ids if value.isdigit()])


def _unit_page(
    session: Session, actor: Actor, form: Form, unit: Unit | None, refused: Refusal | None = None
) -> Template:
    areas, _total = organisation.list_areas(session, ALL)
    everyone = people.people_by_name(session, actor)
    return Template(
        "admin/unit_form.html",
        context={
            "actor": actor,
            "unit": unit,
            "form": {name: text(form, name) for name in (*UNIT_FORM, "version", "add_leader")},
            "leaders": _people(session, actor, many(form, "leaders")),
            "areas": areas,
            "people": everyone,
            "errors": refused.errors if refused else {},
            "action": "/admin/units" if unit is None else f"/admin/units/{unit.id}",
        },
        status_code=refused.status if refused else 200,
    )


def _unit_fields(form: Form) -> dict[str, object]:
    fields: dict[str, object] = {name: text(form, name) for name in UNIT_FORM}
    fields["area_id"] = whole("area_id", text(form, "area_id"), required=False)
    return fields


def _leader_ids(session: Session, actor: Actor, form: Form) -> list[int]:
    """The ticked leaders, and the person whose employee number is typed to be added."""
    ids = [int(value) for value in many(form, "leaders") if value.isdigit()]
    added = text(form, "add_leader").strip()
    if added:
        ids.append(people.person_numbered(session, actor, added, field="add_leader").id)
    return ids


def _save(session: Session, actor: Actor, form: Form, unit_id: int | None) -> Unit:
    """Add or change the unit, then set its leaders, in one transaction."""
    leaders = _leader_ids(session, actor, form)
    if unit_id is None:
        unit = organisation.create_unit(session, actor, _unit_fields(form))
    else:
        unit = organisation.update_unit(
            session, actor, unit_id, version_of(form), _unit_fields(form)
        )
    return organisation.set_leaders(session, actor, unit.id, unit.version, leaders)


def _unit_refusal(
    session: Session, actor: Actor, language: str, form: Form, unit_id: int | None
) -> Refusal | None:
    """Each wrong field of the form, the leader to add among them."""
    try:
        fields = _unit_fields(form)
    except InvalidInput as error:
        return refusal(language, error)
    refused = each_field(
        language,
        lambda one: organisation.check_unit_fields(session, one, own_id=unit_id),
        fields,
    )
    try:
        _leader_ids(session, actor, form)
    except InvalidInput as error:
        leader = refusal(language, error)
        refused = Refusal((refused.errors if refused else {}) | leader.errors, 422)
    return refused


def _save_or_show(
    session: Session, request: AnyRequest, form: Form, unit_id: int | None
) -> Template | Redirect:
    actor, language = hr_only(request), language_of(request)
    unit = organisation.get_unit(session, unit_id) if unit_id is not None else None
    try:
        saved = _save(session, actor, form, unit_id)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        refused = refusal(language, error)
        if refused.status != 409:  # a stale copy is told first; else every wrong field
            refused = _unit_refusal(session, actor, language, form, unit_id) or refused
        if "person_ids" in refused.errors:
            refused.errors["add_leader"] = refused.errors.pop("person_ids")
        unit = organisation.get_unit(session, unit_id) if unit_id is not None else None
        return _unit_page(session, actor, form, unit, refused)
    return Redirect("/admin/units?" + urlencode({"saved": saved.code}), status_code=303)


@post("/admin/units/validate", sync_to_thread=True, status_code=200)
def validate_new_unit(db_session: DB, request: AnyRequest, data: URLEncodedBody[Form]) -> Template:
    """Each field's error of a new unit as typed so far (nothing is saved)."""
    actor = hr_only(request)
    refused = _unit_refusal(db_session, actor, language_of(request), data, None)
    return field_errors("unit", (*UNIT_FORM, "add_leader"), refused, typed=data)


@post("/admin/units/{unit_id:int}/validate", sync_to_thread=True, status_code=200)
def validate_unit(
    db_session: DB, request: AnyRequest, unit_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template:
    """Each field's error of a change as typed so far (nothing is saved)."""
    actor = hr_only(request)
    organisation.get_unit(db_session, unit_id)
    refused = _unit_refusal(db_session, actor, language_of(request), data, unit_id)
    return field_errors("unit", (*UNIT_FORM, "add_leader"), refused)


@get("/admin/units/new", sync_to_thread=True)
def new_unit_page(db_session: DB, request: AnyRequest) -> Template:
    """An empty form for a new unit."""
    return _unit_page(db_session, hr_only(request), {}, None)


@post("/admin/units", sync_to_thread=True, status_code=303)
def create_unit(
    db_session: DB, request: AnyRequest, data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Add a unit with its leaders; a wrong or taken field is told next to it."""
    return _save_or_show(db_session, request, data, None)


@get("/admin/units/{unit_id:int}", sync_to_thread=True)
def unit_page(db_session: DB, request: AnyRequest, unit_id: FromPath[int]) -> Template:
    """A unit's details and leaders to change."""
    actor = hr_only(request)
    unit = organisation.get_unit(db_session, unit_id)
    return _unit_page(db_session, actor, _unit_form(unit), unit)


@post("/admin/units/{unit_id:int}", sync_to_thread=True, status_code=303)
def save_unit(
    db_session: DB, request: AnyRequest, unit_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Save the unit's changes made to the version the form was drawn from (stale: 409)."""
    return _save_or_show(db_session, request, data, unit_id)


ROUTES = [
    units_page,
    new_unit_page,
    create_unit,
    unit_page,
    save_unit,
    validate_new_unit,
    validate_unit,
]
