"""HR's pages for the onboarding checklist templates: the default template and the additions
for an area or a unit, each with its items (who does it, the Danish and English title, when
it is due) to add, change, move up or down and remove.

Every change carries the template's version, and every change of an item moves it, so two
coordinators editing one template cannot overwrite each other: the later one gets 409.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from advanced_alchemy.filters import LimitOffset
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from api.deps import DB, AnyRequest
from api.pages.admin_forms import Form, Refusal, hr_only, refusal, text, version_of, whole
from api.pages.i18n import language_of
from jobbank import checklists, organisation
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.db.models import (
    Audience,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    TickableFrom,
)

ALL = LimitOffset(limit=1000, offset=0)
ITEM_FORM = tuple(name for name in checklists.ITEM_FIELDS if name != "position")
"""The item's fields the form edits; its place in the list is moved by the Up/Down buttons."""


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    area: str | None
    unit: str | None
    items: int


def _scope_names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    areas, _total = organisation.list_areas(session, ALL)
    units, _total = organisation.list_units(session, ALL)
    return {a.id: a.name for a in areas}, {u.id: u.name for u in units}


@get("/admin/checklists", sync_to_thread=True)
def templates_page(db_session: DB, request: AnyRequest, deleted: FromQuery[str] = "") -> Template:
    """The default template and the additions for areas and units, with a form to add one."""
    return _templates_page(db_session, hr_only(request), {}, deleted=deleted)


def _templates_page(
    session: Session,
    actor: Actor,
    form: Form,
    refused: Refusal | None = None,
    deleted: str = "",
) -> Template:
    templates, _total = checklists.list_templates(session, actor, ALL)
    areas, units = _scope_names(session)
    rows = [
        TemplateRow(
            id=template.id,
            name=template.name,
            area=areas.get(template.area_id) if template.area_id else None,
            unit=units.get(template.unit_id) if template.unit_id else None,
            items=len(template.items),
        )
        for template in templates
    ]
    return Template(
        "admin/checklists.html",
        context={
            "actor": actor,
            "templates": rows,
            "areas": sorted(areas.items(), key=lambda pair: pair[1]),
            "units": sorted(units.items(), key=lambda pair: pair[1]),
            "form": {name: text(form, name) for name in ("name", "area_id", "unit_id")},
            "errors": refused.errors if refused else {},
            "deleted": deleted,
        },
        status_code=refused.status if refused else 200,
    )


@post("/admin/checklists", sync_to_thread=True, status_code=303)
def create_template(
    db_session: DB, request: AnyRequest, data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Add a template whose items checklists get for one area's units or for one unit."""
    actor, language = hr_only(request), language_of(request)
    try:
        template = checklists.create_template(
            db_session,
            actor,
            name=text(data, "name"),
            area_id=whole("area_id", text(data, "area_id"), required=False),
            unit_id=whole("unit_id", text(data, "unit_id"), required=False),
        )
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        return _templates_page(db_session, actor, data, refusal(language, error))
    return Redirect(f"/admin/checklists/{template.id}?saved=1", status_code=303)


# --- one template ----------------------------------------------------------------------------


def _template_page(
    session: Session,
    actor: Actor,
    template: ChecklistTemplate,
    *,
    name_form: Form | None = None,
    item_form: Form | None = None,
    refused: Refusal | None = None,
    saved: str = "",
) -> Template:
    areas, units = _scope_names(session)
    return Template(
        "admin/checklist.html",
        context={
            "actor": actor,
            "template": template,
            "is_default": checklists.is_default(template),
            "area": areas.get(template.area_id) if template.area_id else None,
            "unit": units.get(template.unit_id) if template.unit_id else None,
            "items": sorted(template.items, key=lambda item: (item.position, item.id)),
            "name": text(name_form, "name") if name_form else template.name,
            "item_form": _item_form_values(item_form or {"audience": "receiving_leader"}),
            "audiences": list(Audience),
            "anchors": list(DueAnchor),
            "errors": refused.errors if refused else {},
            "saved": saved,
        },
        status_code=refused.status if refused else 200,
    )


def _item_form_values(form: Form) -> dict[str, str]:
    values = {name: text(form, name) for name in ITEM_FORM}
    values["due_day"] = values["due_day"] or "0"
    values["anchor"] = values["anchor"] or DueAnchor.START.value
    values["tickable_from"] = values["tickable_from"] or TickableFrom.PUBLISHING.value
    return values


@get("/admin/checklists/{template_id:int}", sync_to_thread=True)
def template_page(
    db_session: DB, request: AnyRequest, template_id: FromPath[int], saved: FromQuery[str] = ""
) -> Template:
    """One template's items in order, with forms to rename it and to add an item."""
    actor = hr_only(request)
    template = checklists.get_template(db_session, actor, template_id)
    return _template_page(db_session, actor, template, saved=saved)


def _after(template_id: int, saved: str) -> Redirect:
    return Redirect(
        f"/admin/checklists/{template_id}?" + urlencode({"saved": saved}), status_code=303
    )


@post("/admin/checklists/{template_id:int}", sync_to_thread=True, status_code=303)
def rename_template(
    db_session: DB, request: AnyRequest, template_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Rename the template, as of the version the page showed."""
    actor, language = hr_only(request), language_of(request)
    checklists.get_template(db_session, actor, template_id)
    try:
        checklists.update_template(
            db_session, actor, template_id, {"name": text(data, "name")}, version=version_of(data)
        )
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        template = checklists.get_template(db_session, actor, template_id)
        return _template_page(
            db_session, actor, template, name_form=data, refused=refusal(language, error)
        )
    return _after(template_id, "name")


@post("/admin/checklists/{template_id:int}/delete", sync_to_thread=True, status_code=303)
def delete_template(
    db_session: DB, request: AnyRequest, template_id: FromPath[int]
) -> Template | Redirect:
    """Delete an addition; the default template stays (409). Checklists keep their items."""
    actor = hr_only(request)
    name = checklists.get_template(db_session, actor, template_id).name
    checklists.delete_template(db_session, actor, template_id)
    return Redirect("/admin/checklists?" + urlencode({"deleted": name}), status_code=303)


# --- items -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFields:
    audience: Audience
    title_da: str
    title_en: str
    due_day: int
    anchor: DueAnchor
    tickable_from: TickableFrom
    skip_if_need_has_contact: bool


def _item_fields(form: Form) -> ItemFields:
    """The item's fields for the service; a choice outside the lists is refused at its field."""
    audiences = {audience.value: audience for audience in Audience}
    anchors = {anchor.value: anchor for anchor in DueAnchor}
    openings = {opening.value: opening for opening in TickableFrom}
    if text(form, "audience") not in audiences:
        raise InvalidInput("audience", "must be given", code="not_chosen")
    if text(form, "anchor") not in anchors:
        raise InvalidInput("anchor", "must be given", code="not_chosen")
    opening = text(form, "tickable_from") or TickableFrom.PUBLISHING.value
    if opening not in openings:
        raise InvalidInput("tickable_from", "must be given", code="not_chosen")
    return ItemFields(
        audience=audiences[text(form, "audience")],
        title_da=text(form, "title_da"),
        title_en=text(form, "title_en"),
        due_day=whole("due_day", text(form, "due_day")) or 0,
        anchor=anchors[text(form, "anchor")],
        tickable_from=openings[opening],
        skip_if_need_has_contact=text(form, "skip_if_need_has_contact") == "on",
    )


@post("/admin/checklists/{template_id:int}/items", sync_to_thread=True, status_code=303)
def add_item(
    db_session: DB, request: AnyRequest, template_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Add an item after the template's last one."""
    actor, language = hr_only(request), language_of(request)
    checklists.get_template(db_session, actor, template_id)
    try:
        fields = _item_fields(data)
        checklists.add_template_item(
            db_session,
            actor,
            template_id,
            audience=fields.audience,
            title_da=fields.title_da,
            title_en=fields.title_en,
            due_day=fields.due_day,
            anchor=fields.anchor,
            tickable_from=fields.tickable_from,
            skip_if_need_has_contact=fields.skip_if_need_has_contact,
            version=version_of(data),
        )
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        template = checklists.get_template(db_session, actor, template_id)
        return _template_page(
            db_session, actor, template, item_form=data, refused=refusal(language, error)
        )
    return _after(template_id, "added")


def _item_page(
    session: Session,
    actor: Actor,
    template: ChecklistTemplate,
    item: ChecklistTemplateItem,
    form: Form,
    refused: Refusal | None = None,
) -> Template:
    return Template(
        "admin/checklist_item.html",
        context={
            "actor": actor,
            "template": template,
            "item": item,
            "form": _item_form_values(form),
            "version": text(form, "version") or str(template.version),
            "audiences": list(Audience),
            "anchors": list(DueAnchor),
            "errors": refused.errors if refused else {},
        },
        status_code=refused.status if refused else 200,
    )


def _item_of(template: ChecklistTemplate, item_id: int) -> ChecklistTemplateItem:
    for item in template.items:
        if item.id == item_id:
            return item
    raise NotFound(f"checklist template {template.id}: item {item_id}: not found")


@get("/admin/checklists/{template_id:int}/items/{item_id:int}", sync_to_thread=True)
def item_page(
    db_session: DB, request: AnyRequest, template_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    """One item's form."""
    actor = hr_only(request)
    template = checklists.get_template(db_session, actor, template_id)
    item = _item_of(template, item_id)
    form: Form = {name: str(getattr(item, name)) for name in ITEM_FORM}
    form["skip_if_need_has_contact"] = "on" if item.skip_if_need_has_contact else ""
    return _item_page(db_session, actor, template, item, form)


@post(
    "/admin/checklists/{template_id:int}/items/{item_id:int}", sync_to_thread=True, status_code=303
)
def save_item(
    db_session: DB,
    request: AnyRequest,
    template_id: FromPath[int],
    item_id: FromPath[int],
    data: URLEncodedBody[Form],
) -> Template | Redirect:
    """Save an item's changes, as of the template's version the form was drawn from."""
    actor, language = hr_only(request), language_of(request)
    _item_of(checklists.get_template(db_session, actor, template_id), item_id)
    try:
        checklists.update_template_item(
            db_session,
            actor,
            template_id,
            item_id,
            asdict(_item_fields(data)),
            version=version_of(data),
        )
    except (InvalidInput, Conflict) as error:
        db_session.rollback()
        template = checklists.get_template(db_session, actor, template_id)
        item = _item_of(template, item_id)
        return _item_page(db_session, actor, template, item, data, refusal(language, error))
    return _after(template_id, "item")


@post(
    "/admin/checklists/{template_id:int}/items/{item_id:int}/move",
    sync_to_thread=True,
    status_code=303,
)
def move_item(
    db_session: DB,
    request: AnyRequest,
    template_id: FromPath[int],
    item_id: FromPath[int],
    data: URLEncodedBody[Form],
) -> Redirect:
    """Move an item one place up (`by=-1`) or down (`by=1`); a stale page answers 409."""
    actor = hr_only(request)
    by = -1 if text(data, "by") == "-1" else 1
    checklists.move_template_item(
        db_session, actor, template_id, item_id, by=by, version=version_of(data)
    )
    return _after(template_id, "moved")


@post(
    "/admin/checklists/{template_id:int}/items/{item_id:int}/delete",
    sync_to_thread=True,
    status_code=303,
)
def delete_item(
    db_session: DB,
    request: AnyRequest,
    template_id: FromPath[int],
    item_id: FromPath[int],
    data: URLEncodedBody[Form],
) -> Redirect:
    """Remove an item; checklists already created keep theirs. A stale page answers 409."""
    actor = hr_only(request)
    checklists.delete_template_item(
        db_session, actor, template_id, item_id, version=version_of(data)
    )
    return _after(template_id, "removed")


ROUTES = [
    templates_page,
    create_template,
    template_page,
    rename_template,
    delete_template,
    add_item,
    item_page,
    save_item,
    move_item,
    delete_item,
]
