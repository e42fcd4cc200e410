"""Onboarding checklists: each audience sees and ticks its own items; HR manages templates."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from api.assignments import RoundRef
from api.auth import current_actor, hr_only, logged_in
from api.deps import DB, AnyRequest, Id, Paging, SeenVersion
from api.paging import page_of
from api.shapes import ContactOut, UnitRef
from jobbank import checklists
from jobbank.checklists import PUBLISHING_GRACE, ChecklistView, OverdueItem
from jobbank.core.texts import Name, Title
from jobbank.db.models import (
    Audience,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    TickableFrom,
)
from solver.bounds import MAX_DUE_DAY, MIN_DUE_DAY, DueDay, Position, RowId, Version

# --- checklists ----------------------------------------------------------------------


class ChecklistItemOut(BaseModel):
    id: int
    audience: Audience
    title_da: str
    title_en: str
    due_on: dt.date
    overdue: bool
    tickable_from: dt.date | None
    """Ticking before this day answers 409 (`checklist_item_not_yet_tickable`); null: any day."""
    tickable: bool
    """It can be ticked today."""
    done_at: dt.datetime | None
    done_by: str | None
    """Username of who ticked it."""
    version: int

    @classmethod
    def of(
        cls, item: ChecklistItem, done_by: dict[int, str], *, closed: bool = False
    ) -> ChecklistItemOut:
        today = dt.date.today()
        return cls(
            id=item.id,
            audience=item.audience,
            title_da=item.title_da,
            title_en=item.title_en,
            due_on=item.due_on,
            overdue=checklists.is_overdue(item.due_on, item.done_at, today, closed=closed),
            tickable_from=item.tickable_from,
            tickable=checklists.can_tick(item.tickable_from, today),
            done_at=item.done_at,
            done_by=done_by.get(item.done_by_id) if item.done_by_id else None,
            version=item.version,
        )


class ChecklistOut(BaseModel):
    """A checklist with only the items of the audiences you may see and tick."""

    id: int
    person: ContactOut
    unit: UnitRef
    round: RoundRef
    starts_on: dt.date
    closed_at: dt.datetime | None = Field(
        None, description="When the deployment it prepares ended; its items are overdue no more."
    )
    items: list[ChecklistItemOut]

    @classmethod
    def of(cls, view: ChecklistView) -> ChecklistOut:
        closed = view.checklist.closed_at is not None
        return cls(
            id=view.checklist.id,
            person=ContactOut.of(view.person),
            unit=UnitRef.of(view.unit),
            round=RoundRef.of(view.round),
            starts_on=view.checklist.starts_on,
            closed_at=view.checklist.closed_at,
            items=[ChecklistItemOut.of(i, view.done_by, closed=closed) for i in view.items],
        )


class OverdueItemOut(BaseModel):
    item_id: int
    checklist_id: int
    person: ContactOut
    unit: UnitRef
    audience: Audience
    title_da: str
    title_en: str
    due_on: dt.date
    days_overdue: int

    @classmethod
    def of(cls, overdue: OverdueItem) -> OverdueItemOut:
        item = overdue.item
        return cls(
            item_id=item.id,
            checklist_id=overdue.checklist.id,
            person=ContactOut.of(overdue.person),
            unit=UnitRef.of(overdue.unit),
            audience=item.audience,
            title_da=item.title_da,
            title_en=item.title_en,
            due_on=item.due_on,
            days_overdue=overdue.days_overdue,
        )


class Tick(BaseModel):
    version: Version | None = Field(None, description="The item's version you saw; 409 if stale.")


class ChecklistController(Controller):
    path = "/api/checklists"
    tags = ("checklists",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_checklists(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        round_id: FromQuery[int | None] = None,
        unit_id: FromQuery[int | None] = None,
        overdue: FromQuery[bool] = False,
    ) -> OffsetPagination[ChecklistOut]:
        """Checklists in your reach, soonest start first, each with only your audiences' items.

        HR sees all; a unit leader those of people coming to the units they lead (receiving
        leader and permanent-staff items) and of people whose home unit they lead (sending
        leader items); staff their own (employee items). `overdue=true` keeps checklists
        with an open item of yours past its due date.
        """
        rows, total = checklists.list_checklists(
            db_session,
            current_actor(request),
            paging,
            round_id=round_id,
            unit_id=unit_id,
            overdue=overdue,
        )
        return page_of(rows, total, paging, ChecklistOut.of)

    @get("/overdue", sync_to_thread=True)
    def list_overdue(
        self, db_session: DB, request: AnyRequest, paging: Paging
    ) -> OffsetPagination[OverdueItemOut]:
        """Open items of your audiences past their due date, the most overdue first."""
        rows, total = checklists.overdue_items(db_session, current_actor(request), paging)
        return page_of(rows, total, paging, OverdueItemOut.of)

    @get("/{checklist_id:int}", sync_to_thread=True)
    def get_checklist(
        self, db_session: DB, request: AnyRequest, checklist_id: FromPath[Id]
    ) -> ChecklistOut:
        """One checklist in your reach, with only your audiences' items."""
        view = checklists.get_checklist(db_session, current_actor(request), checklist_id)
        return ChecklistOut.of(view)

    @post("/items/{item_id:int}/done", sync_to_thread=True, status_code=200)
    def tick(
        self,
        db_session: DB,
        request: AnyRequest,
        item_id: FromPath[Id],
        data: JSONBody[Tick | None] = None,
    ) -> ChecklistOut:
        """Tick one of your items as done; answers its checklist. Ticking twice changes nothing;
        ticking before the item's `tickable_from` answers 409 with the code
        `checklist_item_not_yet_tickable`.

        Receiving leaders tick receiving-leader and permanent-staff items for the units they
        lead, sending leaders the sending-leader items of people whose home unit they lead,
        employees their own items; HR any.
        """
        view = checklists.mark_done(
            db_session,
            current_actor(request),
            item_id,
            done=True,
            version=data.version if data else None,
        )
        return ChecklistOut.of(view)

    @delete("/items/{item_id:int}/done", sync_to_thread=True, status_code=200)
    def untick(
        self,
        db_session: DB,
        request: AnyRequest,
        item_id: FromPath[Id],
        version: FromQuery[SeenVersion] = None,
    ) -> ChecklistOut:
        """Undo a tick on one of your items; answers its checklist."""
        view = checklists.mark_done(
            db_session, current_actor(request), item_id, done=False, version=version
        )
        return ChecklistOut.of(view)


# --- templates -----------------------------------------------------------------------


class TemplateItemOut(BaseModel):
    id: int
    position: int
    audience: Audience
    title_da: str
    title_en: str
    due_day: int
    anchor: DueAnchor
    tickable_from: TickableFrom
    skip_if_need_has_contact: bool

    @classmethod
    def of(cls, item: ChecklistTemplateItem) -> TemplateItemOut:
        return cls(
            id=item.id,
            position=item.position,
            audience=item.audience,
            title_da=item.title_da,
            title_en=item.title_en,
            due_day=item.due_day,
            anchor=item.anchor,
            tickable_from=item.tickable_from,
            skip_if_need_has_contact=item.skip_if_need_has_contact,
        )


class TemplateOut(BaseModel):
    id: int
    name: str
    area_id: int | None
    unit_id: int | None
    is_default: bool
    """The default template applies to every unit and cannot be deleted."""
    version: int
    items: list[TemplateItemOut]

    @classmethod
    def of(cls, template: ChecklistTemplate) -> TemplateOut:
        return cls(
            id=template.id,
            name=template.name,
            area_id=template.area_id,
            unit_id=template.unit_id,
            is_default=checklists.is_default(template),
            version=template.version,
            items=[TemplateItemOut.of(item) for item in template.items],
        )


class TemplateIn(BaseModel):
    name: Name
    area_id: RowId | None = Field(None, description="Add items for every unit of this area …")
    unit_id: RowId | None = Field(None, description="… or for this one unit (not both).")


class TemplatePatch(BaseModel):
    version: Version | None = Field(
        None, description="The template's version you saw; 409 if stale."
    )
    name: Name | None = None
    area_id: RowId | None = None
    unit_id: RowId | None = None


_DUE_DAY = (
    f"Days after the start (or the last week's Friday), {MIN_DUE_DAY}–{MAX_DUE_DAY}; never due "
    f"before {PUBLISHING_GRACE.days} days after publishing, but an item due by the start stays "
    "due by the start."
)
_TICKABLE_FROM = "From when it can be ticked: publishing, the first day or the last week."
_SKIP = "Leave it out where every need of the deployment names a contact person."


class TemplateItemIn(BaseModel):
    audience: Audience
    title_da: Title
    title_en: Title
    due_day: DueDay = Field(0, description=_DUE_DAY)
    anchor: DueAnchor = DueAnchor.START
    tickable_from: TickableFrom = Field(TickableFrom.PUBLISHING, description=_TICKABLE_FROM)
    skip_if_need_has_contact: bool = Field(False, description=_SKIP)
    position: Position | None = Field(None, description="Where in the list; by default the end.")


class TemplateItemPatch(BaseModel):
    audience: Audience | None = None
    title_da: Title | None = None
    title_en: Title | None = None
    due_day: DueDay | None = Field(None, description=_DUE_DAY)
    anchor: DueAnchor | None = None
    tickable_from: TickableFrom | None = Field(None, description=_TICKABLE_FROM)
    skip_if_need_has_contact: bool | None = Field(None, description=_SKIP)
    position: Position | None = None


class ChecklistTemplateController(Controller):
    """HR only; to everyone else these paths do not exist (404)."""

    path = "/api/checklist-templates"
    tags = ("checklist templates",)
    guards = [hr_only]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_templates(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        area_id: FromQuery[int | None] = None,
        unit_id: FromQuery[int | None] = None,
    ) -> OffsetPagination[TemplateOut]:
        """The checklist templates with their items: the default, then area and unit ones."""
        rows, total = checklists.list_templates(
            db_session, current_actor(request), paging, area_id=area_id, unit_id=unit_id
        )
        return page_of(rows, total, paging, TemplateOut.of)

    @post("/", sync_to_thread=True)
    def create_template(
        self, db_session: DB, request: AnyRequest, data: JSONBody[TemplateIn]
    ) -> TemplateOut:
        """A template whose items checklists get for one area's units or for one unit."""
        template = checklists.create_template(
            db_session,
            current_actor(request),
            name=data.name,
            area_id=data.area_id,
            unit_id=data.unit_id,
        )
        return TemplateOut.of(template)

    @get("/{template_id:int}", sync_to_thread=True)
    def get_template(
        self, db_session: DB, request: AnyRequest, template_id: FromPath[Id]
    ) -> TemplateOut:
        """One template with its items."""
        return TemplateOut.of(
            checklists.get_template(db_session, current_actor(request), template_id)
        )

    @patch("/{template_id:int}", sync_to_thread=True)
    def update_template(
        self,
        db_session: DB,
        request: AnyRequest,
        template_id: FromPath[Id],
        data: JSONBody[TemplatePatch],
    ) -> TemplateOut:
        """Rename a template or move it to another area or unit (the default stays global)."""
        template = checklists.update_template(
            db_session,
            current_actor(request),
            template_id,
            data.model_dump(exclude_unset=True, exclude={"version"}),
            version=data.version,
        )
        return TemplateOut.of(template)

    @delete("/{template_id:int}", sync_to_thread=True)
    def delete_template(
        self, db_session: DB, request: AnyRequest, template_id: FromPath[Id]
    ) -> None:
        """Delete an area or unit template (409 for the default); checklists keep their items."""
        checklists.delete_template(db_session, current_actor(request), template_id)

    @post("/{template_id:int}/items", sync_to_thread=True)
    def add_item(
        self,
        db_session: DB,
        request: AnyRequest,
        template_id: FromPath[Id],
        data: JSONBody[TemplateItemIn],
    ) -> TemplateItemOut:
        """Add an item for one audience, due relative to the start or the end."""
        item = checklists.add_template_item(
            db_session, current_actor(request), template_id, **data.model_dump()
        )
        return TemplateItemOut.of(item)

    @patch("/{template_id:int}/items/{item_id:int}", sync_to_thread=True)
    def update_item(
        self,
        db_session: DB,
        request: AnyRequest,
        template_id: FromPath[Id],
        item_id: FromPath[Id],
        data: JSONBody[TemplateItemPatch],
    ) -> TemplateItemOut:
        """Change an item; fields left out (or null) stay as they are."""
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        item = checklists.update_template_item(
            db_session, current_actor(request), template_id, item_id, changes
        )
        return TemplateItemOut.of(item)

    @delete("/{template_id:int}/items/{item_id:int}", sync_to_thread=True)
    def delete_item(
        self,
        db_session: DB,
        request: AnyRequest,
        template_id: FromPath[Id],
        item_id: FromPath[Id],
    ) -> None:
        """Remove an item; checklists already created keep theirs."""
        checklists.delete_template_item(db_session, current_actor(request), template_id, item_id)
