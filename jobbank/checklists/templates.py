"""Checklist templates (HR's): the default, and those adding items for an area's units or one
unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit, texts
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Conflict, InvalidInput, NotFound, check_version
from jobbank.db.models import (
    Area,
    Audience,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    TickableFrom,
    Unit,
)
from solver.bounds import MAX_DUE_DAY, MIN_DUE_DAY, Position

TEMPLATE_FIELDS = ("name", "area_id", "unit_id")


ITEM_FIELDS = (
    "audience",
    "title_da",
    "title_en",
    "due_day",
    "anchor",
    "tickable_from",
    "skip_if_need_has_contact",
    "position",
)


class TemplateService(SQLAlchemySyncRepositoryService[ChecklistTemplate]):
    class Repository(SQLAlchemySyncRepository[ChecklistTemplate]):
        model_type = ChecklistTemplate

    repository_type = Repository


def is_default(template: ChecklistTemplate) -> bool:
    return template.area_id is None and template.unit_id is None


def list_templates(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    area_id: int | None = None,
    unit_id: int | None = None,
) -> tuple[list[ChecklistTemplate], int]:
    """The templates in order of creation: the default (seeded with the app) first."""
    actor.require(actor.is_hr, "checklist templates")
    conditions = [
        column == value
        for column, value in (
            (ChecklistTemplate.area_id, area_id),
            (ChecklistTemplate.unit_id, unit_id),
        )
        if value is not None
    ]
    rows, total = TemplateService(session=session).get_many_and_count(
        paging, *conditions, order_by=ChecklistTemplate.id.asc()
    )
    return list(rows), total


def get_template(session: Session, actor: Actor, template_id: int) -> ChecklistTemplate:
    actor.require(actor.is_hr, f"checklist template {template_id}")
    template = session.get(ChecklistTemplate, template_id)
    if template is None:
        raise NotFound(f"checklist template {template_id}: not found")
    return template


def create_template(
    session: Session,
    actor: Actor,
    *,
    name: str,
    area_id: int | None = None,
    unit_id: int | None = None,
) -> ChecklistTemplate:
    """A template adding items for one area's units or for one unit."""
    actor.require(actor.is_hr, "checklist templates")
    template = ChecklistTemplate(name=_text("name", name), area_id=area_id, unit_id=unit_id)
    _check_scope(session, template)
    session.add(template)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity="checklist_template",
        entity_id=template.id,
        after=audit.fields_of(template, TEMPLATE_FIELDS),
    )
    return template


def update_template(
    session: Session,
    actor: Actor,
    template_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None,
) -> ChecklistTemplate:
    """Rename a template or move it to another area or unit; the default stays for every unit."""
    template = get_template(session, actor, template_id)
    check_version(f"checklist template {template_id}", template.version, version)
    was_default = is_default(template)
    before = audit.fields_of(template, TEMPLATE_FIELDS)
    for name in TEMPLATE_FIELDS:
        if name in changes:
            setattr(template, name, changes[name])
    template.name = _text("name", template.name)
    if was_default and not is_default(template):
        raise InvalidInput(
            "area_id" if template.area_id is not None else "unit_id",
            "the default template is for every unit; add an area or unit template instead",
            code="default_template",
        )
    if not was_default:
        _check_scope(session, template)
    _record_change(session, actor, "checklist_template", template, before, TEMPLATE_FIELDS)
    return template


def delete_template(session: Session, actor: Actor, template_id: int) -> None:
    """Remove an area or unit template; checklists already created keep their items."""
    template = get_template(session, actor, template_id)
    if is_default(template):
        raise Conflict(
            f"checklist template {template_id}: is the default template; edit its items instead",
            code="default_template_stays",
        )
    before = audit.fields_of(template, TEMPLATE_FIELDS) | {"items": len(template.items)}
    session.delete(template)
    audit.record(
        session,
        user_id=actor.user_id,
        action="delete",
        entity="checklist_template",
        entity_id=template_id,
        before=before,
    )


def add_template_item(
    session: Session,
    actor: Actor,
    template_id: int,
    *,
    audience: Audience,
    title_da: str,
    title_en: str,
    due_day: int = 0,
    anchor: DueAnchor = DueAnchor.START,
    tickable_from: TickableFrom = TickableFrom.PUBLISHING,
    skip_if_need_has_contact: bool = False,
    position: int | None = None,
    version: int | None = None,
) -> ChecklistTemplateItem:
    """An item at `position`, or after the template's last item.

    With the template's `version` (the pages send it), a stale copy answers 409 and the
    change moves the template's version."""
    template = get_template(session, actor, template_id)
    check_version(f"checklist template {template_id}", template.version, version)
    item = ChecklistTemplateItem(
        template_id=template.id,
        audience=audience,
        title_da=title_da,
        title_en=title_en,
        due_day=due_day,
        anchor=anchor,
        tickable_from=tickable_from,
        skip_if_need_has_contact=skip_if_need_has_contact,
        position=_next_position(template) if position is None else position,
    )
    _check_item(item)
    template.items.append(item)
    _items_changed(template, version)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity="checklist_template_item",
        entity_id=item.id,
        after={"template_id": template.id} | audit.fields_of(item, ITEM_FIELDS),
    )
    return item


def update_template_item(
    session: Session,
    actor: Actor,
    template_id: int,
    item_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None = None,
) -> ChecklistTemplateItem:
    """Change an item; `version` is the template's, as for `add_template_item`."""
    item = _template_item(session, actor, template_id, item_id, version)
    before = audit.fields_of(item, ITEM_FIELDS)
    for name in ITEM_FIELDS:
        if name in changes:
            setattr(item, name, changes[name])
    _check_item(item)
    if audit.changed(before, audit.fields_of(item, ITEM_FIELDS))[1]:
        _items_changed(get_template(session, actor, template_id), version)
    _record_change(session, actor, "checklist_template_item", item, before, ITEM_FIELDS)
    return item


def delete_template_item(
    session: Session, actor: Actor, template_id: int, item_id: int, *, version: int | None = None
) -> None:
    """Remove an item; `version` is the template's, as for `add_template_item`."""
    item = _template_item(session, actor, template_id, item_id, version)
    before = audit.fields_of(item, ITEM_FIELDS)
    _items_changed(get_template(session, actor, template_id), version)
    session.delete(item)
    audit.record(
        session,
        user_id=actor.user_id,
        action="delete",
        entity="checklist_template_item",
        entity_id=item_id,
        before={"template_id": template_id} | before,
    )


def move_template_item(
    session: Session, actor: Actor, template_id: int, item_id: int, *, by: int, version: int
) -> ChecklistTemplateItem:
    """Move an item `by` places (-1: one up) in its template's order, stopping at either
    end; the items are then numbered 0, 1, 2, … so each position is unique."""
    item = _template_item(session, actor, template_id, item_id, version)
    template = get_template(session, actor, template_id)
    ordered = sorted(template.items, key=lambda row: (row.position, row.id))
    old_position, old_index = item.position, ordered.index(item)
    new_index = max(0, min(len(ordered) - 1, old_index + by))
    ordered.insert(new_index, ordered.pop(old_index))
    if all(row.position == index for index, row in enumerate(ordered)):
        return item
    for index, row in enumerate(ordered):
        row.position = index
    _items_changed(template, version)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="move",
        entity="checklist_template_item",
        entity_id=item.id,
        before={"template_id": template_id, "position": old_position},
        after={"template_id": template_id, "position": new_index},
    )
    return item


def _items_changed(template: ChecklistTemplate, version: int | None) -> None:
    """A change of the items is a change of the template for the pages, which send its
    version: move it, so a page open elsewhere learns of the change (409)."""
    if version is not None:
        template.updated_at = dt.datetime.now(dt.UTC)


def _template_item(
    session: Session, actor: Actor, template_id: int, item_id: int, version: int | None = None
) -> ChecklistTemplateItem:
    actor.require(actor.is_hr, f"checklist template {template_id}")
    item = session.scalar(
        select(ChecklistTemplateItem).where(
            ChecklistTemplateItem.id == item_id, ChecklistTemplateItem.template_id == template_id
        )
    )
    if item is None:
        raise NotFound(f"checklist template {template_id}: item {item_id}: not found")
    if version is not None:
        template = get_template(session, actor, template_id)
        check_version(f"checklist template {template_id}", template.version, version)
    return item


def _next_position(template: ChecklistTemplate) -> int:
    return max((item.position for item in template.items), default=-1) + 1


def _check_scope(session: Session, template: ChecklistTemplate) -> None:
    """An added template is for exactly one area or one unit, and that one exists."""
    if template.area_id is not None and template.unit_id is not None:
        raise InvalidInput("unit_id", "give an area or a unit, not both", code="area_and_unit")
    if template.area_id is None and template.unit_id is None:
        raise InvalidInput(
            "area_id",
            "give an area or a unit; the default template already covers every unit",
            code="no_scope",
        )
    if template.area_id is not None and session.get(Area, template.area_id) is None:
        raise InvalidInput(
            "area_id",
            f"no area {template.area_id}",
            code="no_such_area",
            params={"id": template.area_id},
        )
    if template.unit_id is not None and session.get(Unit, template.unit_id) is None:
        raise InvalidInput(
            "unit_id",
            f"no unit {template.unit_id}",
            code="no_such_unit",
            params={"id": template.unit_id},
        )


def _check_item(item: ChecklistTemplateItem) -> None:
    item.title_da = _text("title_da", item.title_da, texts.Title)
    item.title_en = _text("title_en", item.title_en, texts.Title)
    if not MIN_DUE_DAY <= item.due_day <= MAX_DUE_DAY:  # the bound of `DueDay`, in days
        raise InvalidInput(
            "due_day",
            f"must be {MIN_DUE_DAY}–{MAX_DUE_DAY} days, got {item.due_day}",
            code="outside_range",
            params={"least": MIN_DUE_DAY, "most": MAX_DUE_DAY},
        )
    check("position", Position, item.position)


def _text(field: str, value: str | None, kind: Any = texts.Name) -> str:
    value = texts.clean(field, kind, value or "")
    if not value:
        raise InvalidInput(field, "must not be empty", code="required")
    return value


def _record_change(
    session: Session,
    actor: Actor,
    entity: str,
    row: ChecklistTemplate | ChecklistTemplateItem,
    before: dict[str, Any],
    names: tuple[str, ...],
) -> None:
    """Flush the change (bumping the version) and audit the fields that differ, if any."""
    old, new = audit.changed(before, audit.fields_of(row, names))
    if not new:
        return
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="update",
        entity=entity,
        entity_id=row.id,
        before=old,
        after=new,
    )
