"""Needs over HTTP: unit leaders post and keep the needs of their units; HR reaches all."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from api.auth import current_actor, leader_or_hr
from api.deps import DB, AnyRequest, Id, Paging
from api.paging import page_of
from api.shapes import ContactOut
from jobbank import needs
from jobbank.core.days import shift_times_of
from jobbank.db.models import Need, NeedStatus
from jobbank.needs import NeedDraft, NeedPatch, WeekHours
from solver.bounds import Version
from solver.contract import Shift, ShiftTime


class NeedUnit(BaseModel):
    id: int
    code: str
    name: str


class NeedOut(BaseModel):
    id: int
    ref: str = Field(description="The need's name in rounds and exports, e.g. `n17`.")
    unit: NeedUnit
    skill: str
    hours: float = Field(description="Hours wanted each week unless `weeks` says otherwise.")
    weeks: list[WeekHours]
    first_week: dt.date
    last_week: dt.date
    shift: Shift
    priority: int
    exposed: bool
    min_block: float
    accepts_learners: bool = Field(
        description="People learning the skill may work it beside someone who holds it."
    )
    learner_share: float = Field(description="How much of a learner's hour counts, 0 … 1.")
    shift_times: list[ShiftTime] = Field(
        description="Weekdays wanted with the shift's local times; empty: by the week alone."
    )
    description: str
    status: NeedStatus
    contact_person: ContactOut | None
    created_by_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, need: Need) -> NeedOut:
        return cls(
            id=need.id,
            ref=need.ref,
            unit=NeedUnit(id=need.unit.id, code=need.unit.code, name=need.unit.name),
            skill=need.skill.code,
            hours=need.hours,
            weeks=[
                WeekHours(week=row.week, hours=row.hours)
                for row in sorted(need.weeks, key=lambda row: row.week)
            ],
            first_week=need.first_week,
            last_week=need.last_week,
            shift=need.shift,
            priority=need.priority,
            exposed=need.exposed,
            min_block=need.min_block,
            accepts_learners=need.accepts_learners,
            learner_share=need.learner_share,
            shift_times=shift_times_of(need.shift_times),
            description=need.description,
            status=need.status,
            contact_person=ContactOut.of(need.contact_person) if need.contact_person else None,
            created_by_id=need.created_by_id,
            version=need.version,
            created_at=need.created_at,
            updated_at=need.updated_at,
        )


class VersionOf(BaseModel):
    version: Version = Field(description="The version you read; a stale one answers 409.")


class NeedController(Controller):
    """Needs of units under pressure."""

    path = "/api/needs"
    tags = ("needs",)
    guards = (leader_or_hr,)

    @get(sync_to_thread=True)
    def list_needs(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        unit_id: FromQuery[int | None] = None,
        status: FromQuery[NeedStatus | None] = None,
        skill: FromQuery[str | None] = None,
        week: FromQuery[dt.date | None] = None,
    ) -> OffsetPagination[NeedOut]:
        """Needs, earliest first: HR sees all, a unit leader those of the units they lead.
        Filter by unit, status, skill code and a week (a Monday) the need covers."""
        rows, total = needs.list_needs(
            db_session,
            current_actor(request),
            paging,
            unit_id=unit_id,
            status=status,
            skill=skill,
            week=week,
        )
        return page_of(rows, total, paging, NeedOut.of)

    @get("/{need_id:int}", sync_to_thread=True)
    def read(self, db_session: DB, need_id: FromPath[Id], request: AnyRequest) -> NeedOut:
        """One need of a unit you lead (any need for HR)."""
        return NeedOut.of(needs.get_need(db_session, current_actor(request), need_id))

    @post(sync_to_thread=True)
    def post_need(self, db_session: DB, data: JSONBody[NeedDraft], request: AnyRequest) -> NeedOut:
        """Post a need for a unit you lead (any unit for HR): skill, hours a week (and weeks
        that differ), first and last week (Mondays), shift type, priority 1–5, exposure,
        minimum block, the concrete tasks, a contact person at the unit, and the weekdays
        with the shift's times (each weekday once; a shift of at most 13 hours)."""
        return NeedOut.of(needs.post_need(db_session, current_actor(request), data))

    @patch("/{need_id:int}", sync_to_thread=True)
    def edit(
        self,
        db_session: DB,
        need_id: FromPath[Id],
        data: JSONBody[NeedPatch],
        request: AnyRequest,
    ) -> NeedOut:
        """Change a need; send the `version` you read (409 when someone changed it meanwhile)."""
        return NeedOut.of(needs.edit_need(db_session, current_actor(request), need_id, data))

    @post("/{need_id:int}/close", sync_to_thread=True, status_code=200)
    def close(
        self, db_session: DB, need_id: FromPath[Id], data: JSONBody[VersionOf], request: AnyRequest
    ) -> NeedOut:
        """Close a need: it drops out of future rounds."""
        actor = current_actor(request)
        return NeedOut.of(needs.close_need(db_session, actor, need_id, data.version))

    @post("/{need_id:int}/reopen", sync_to_thread=True, status_code=200)
    def reopen(
        self, db_session: DB, need_id: FromPath[Id], data: JSONBody[VersionOf], request: AnyRequest
    ) -> NeedOut:
        """Open a closed need again: future rounds plan it."""
        actor = current_actor(request)
        return NeedOut.of(needs.reopen_need(db_session, actor, need_id, data.version))
