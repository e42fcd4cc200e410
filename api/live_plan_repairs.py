"""Repairing a published plan over HTTP (HR only; to anyone else the routes do not exist):
change sets built for the open events, read, and applied once; the urgent call's shortlist
for one need-week and a direct assignment from it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from annotated_types import Interval
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, ConfigDict, Field

from api.auth import current_actor, hr_only
from api.deps import DB, AnyRequest, Id
from api.openapi_docs import READ_CAN_CONFLICT
from api.rounds import UnfilledOut
from jobbank.db.models import AssignmentChange, ChangeSetStatus, EventKind
from jobbank.live_plan import change_sets
from jobbank.live_plan.change_sets import MAX_CHOSEN, Pin, RepairSettings
from jobbank.live_plan.reading import ChangeSetView, PersonLine, change_set_view
from jobbank.live_plan.shortlist import Shortlisted, assign_directly, shortlist_for
from solver.bounds import BlockHours, Day, RowId
from solver.contract import MAX_MOVES
from solver.shortlist import MAX_SHORTLIST

Moves = Annotated[int, Interval(ge=0, le=MAX_MOVES)]
ShortlistLength = Annotated[int, Interval(ge=1, le=MAX_SHORTLIST)]


class PinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: RowId
    need_id: RowId
    week: Day = Field(description="The Monday of the week.")
    hours: BlockHours = Field(description="More than 0, at most 48, a multiple of 0.5.")


class RepairIn(BaseModel):
    """How HR asks for a repair."""

    model_config = ConfigDict(extra="forbid")

    max_moves: Moves = Field(
        0,
        description=f"People planned elsewhere who may be moved to a need of strictly higher "
        f"priority, 0–{MAX_MOVES}; 0: nobody outside what the events touch is disturbed.",
    )
    pins: list[PinIn] = Field(
        default_factory=list,
        max_length=MAX_CHOSEN,
        description="Hours the repair must keep (e.g. a person as a previous proposal had them).",
    )
    excluded: list[RowId] = Field(
        default_factory=list, max_length=MAX_CHOSEN, description="People given no new hours."
    )

    def settings(self) -> RepairSettings:
        return RepairSettings(
            max_moves=self.max_moves,
            pins=[Pin(p.person_id, p.need_id, p.week, p.hours) for p in self.pins],
            excluded=list(self.excluded),
        )


class ChangeSetPersonOut(BaseModel):
    id: int
    employee_no: str
    name: str

    @classmethod
    def of(cls, person: PersonLine) -> ChangeSetPersonOut:
        return cls(id=person.id, employee_no=person.employee_no, name=person.name)


class ChangeSetChangeOut(BaseModel):
    person: ChangeSetPersonOut
    need_id: int
    need_ref: str
    unit_id: int
    unit: str
    week: dt.date = Field(description="The Monday of the week.")
    hours_before: float = Field(description="0: the change adds this week.")
    hours_after: float = Field(description="0: the change ends this week.")
    kind: str = Field(description="`added`, `changed` or `ended`.")


class CoverageOut(BaseModel):
    """Priority-weighted coverage of the touched weeks, before and after, and its bound."""

    weeks: list[dt.date] = Field(description="The Mondays of the weeks the events touch.")
    before: float
    after: float
    bound: float
    hours_before: float
    hours_after: float


class RepairedEventOut(BaseModel):
    """An event the change set repairs; its reason is read where events are listed."""

    id: int
    kind: EventKind
    person: ChangeSetPersonOut | None
    need_ref: str | None
    first_day: dt.date
    last_day: dt.date | None
    hours: float | None


class ChangeSetOut(BaseModel):
    id: int
    round_id: int
    status: ChangeSetStatus = Field(
        description="`proposed`; `applied`; `stale` once the plan changed after it was built."
    )
    result_status: str = Field(description="The repair's: optimal, feasible or infeasible.")
    plan_revision: int = Field(description="The revision of the plan it was built on.")
    settings: dict[str, Any] = Field(description="max_moves, pins and excluded as asked.")
    changes: list[ChangeSetChangeOut]
    newly_lent: list[ChangeSetPersonOut] = Field(description="People with no assignment before.")
    losing: list[ChangeSetPersonOut] = Field(description="People who lose a deployment.")
    coverage: CoverageOut
    unfilled: list[UnfilledOut] = Field(description="What stays open, and why.")
    people_disturbed: int
    people_moved: int
    hours_moved: float
    messages: list[str] = Field(description="Why it cannot be applied, when infeasible.")
    events: list[RepairedEventOut]
    built_at: dt.datetime
    built_by: str | None
    applied_at: dt.datetime | None
    applied_by: str | None

    @classmethod
    def of(cls, view: ChangeSetView) -> ChangeSetOut:
        cov = view.coverage
        return cls(
            id=view.id,
            round_id=view.round_id,
            status=view.status,
            result_status=view.result_status,
            plan_revision=view.plan_revision,
            settings=view.settings,
            changes=[
                ChangeSetChangeOut(
                    person=ChangeSetPersonOut.of(c.person),
                    need_id=c.need_id,
                    need_ref=c.need_ref,
                    unit_id=c.unit_id,
                    unit=c.unit,
                    week=c.week,
                    hours_before=c.hours_before,
                    hours_after=c.hours_after,
                    kind=c.kind,
                )
                for c in view.changes
            ],
            newly_lent=[ChangeSetPersonOut.of(p) for p in view.newly_lent],
            losing=[ChangeSetPersonOut.of(p) for p in view.losing],
            coverage=CoverageOut(
                weeks=view.touched_weeks,
                before=cov.before,
                after=cov.after,
                bound=cov.bound,
                hours_before=cov.hours_before,
                hours_after=cov.hours_after,
            ),
            unfilled=[UnfilledOut.of(u) for u in view.unfilled],
            people_disturbed=view.metrics.people_disturbed,
            people_moved=view.metrics.people_moved,
            hours_moved=view.metrics.hours_moved,
            messages=view.messages,
            events=[
                RepairedEventOut(
                    id=e.id,
                    kind=e.kind,
                    person=ChangeSetPersonOut.of(e.person) if e.person else None,
                    need_ref=e.need_ref,
                    first_day=e.first_day,
                    last_day=e.last_day,
                    hours=e.hours,
                )
                for e in view.events
            ],
            built_at=view.built_at,
            built_by=view.built_by,
            applied_at=view.applied_at,
            applied_by=view.applied_by,
        )


class CandidateOut(BaseModel):
    """One person who could take the need-week now, and why they rank where they do."""

    person: ChangeSetPersonOut
    hours: float = Field(description="Hours they could take of the need that week.")
    free_hours: float = Field(description="Capacity beside what they are planned on.")
    home_load: float = Field(description="Work they still owe their home unit that week.")
    normal_hours: float
    introduced: bool = Field(description="Already planned at the need's unit.")
    preferred_area: bool = Field(description="The unit is in an area they prefer.")
    leaves_open: list[dict[str, Any]] = Field(
        description="What they would leave open elsewhere that week: need ref and hours."
    )

    @classmethod
    def of(cls, found: Shortlisted) -> CandidateOut:
        c = found.candidate
        return cls(
            person=ChangeSetPersonOut(
                id=found.person.id, employee_no=found.person.employee_no, name=found.person.name
            ),
            hours=c.hours,
            free_hours=c.free_hours,
            home_load=c.home_load,
            normal_hours=c.normal_hours,
            introduced=c.introduced,
            preferred_area=c.preferred_area,
            leaves_open=[{"need_ref": left.need, "hours": left.hours} for left in c.leaves_open],
        )


class DirectAssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: RowId = Field(description="Someone on the need-week's shortlist.")
    need_id: RowId
    week: Day = Field(description="The Monday of the week.")
    hours: BlockHours = Field(description="At most what the shortlist says they can give.")


class AssignmentChangeOut(BaseModel):
    person_id: int
    need_id: int
    week: dt.date
    hours_before: float
    hours_after: float
    kind: str

    @classmethod
    def of(cls, row: AssignmentChange) -> AssignmentChangeOut:
        return cls(
            person_id=row.person_id,
            need_id=row.need_id,
            week=row.week,
            hours_before=row.hours_before,
            hours_after=row.hours_after,
            kind=row.kind,
        )


class RepairController(Controller):
    """HR's repair of a published plan."""

    path = "/api/rounds/{round_id:int}"
    tags = ("repairs",)
    guards = (hr_only,)

    @post("/change-sets", sync_to_thread=True)
    def build(
        self, db_session: DB, round_id: FromPath[Id], data: JSONBody[RepairIn], request: AnyRequest
    ) -> ChangeSetOut:
        """Repair the plan for its open events as asked; nothing changes until it is applied.
        Change sets proposed before become stale."""
        built = change_sets.build_change_set(
            db_session, current_actor(request), round_id, data.settings()
        )
        return ChangeSetOut.of(change_set_view(db_session, built))

    @get("/change-sets", sync_to_thread=True)
    def latest(
        self, db_session: DB, round_id: FromPath[Id], request: AnyRequest
    ) -> list[ChangeSetOut]:
        """The round's latest change sets (up to 20), newest first."""
        found = change_sets.change_sets_of(db_session, current_actor(request), round_id)
        return [ChangeSetOut.of(change_set_view(db_session, cs)) for cs in found]

    @get("/change-sets/{change_set_id:int}", sync_to_thread=True)
    def read(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        change_set_id: FromPath[Id],
        request: AnyRequest,
    ) -> ChangeSetOut:
        """One change set: its changes, coverage and what stays open, and why."""
        found = change_sets.change_set_for(
            db_session, current_actor(request), round_id, change_set_id
        )
        return ChangeSetOut.of(change_set_view(db_session, found))

    @post("/change-sets/{change_set_id:int}/apply", sync_to_thread=True, status_code=200)
    def apply(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        change_set_id: FromPath[Id],
        request: AnyRequest,
    ) -> ChangeSetOut:
        """Make the change set's changes, in one transaction; applying again changes nothing.
        409 `change_set_stale` when the plan changed since it was built (build it again),
        409 `change_set_infeasible` when it cannot be made."""
        applied = change_sets.apply_change_set(
            db_session, current_actor(request), round_id, change_set_id
        )
        return ChangeSetOut.of(change_set_view(db_session, applied))

    @get("/shortlist", sync_to_thread=True, opt={READ_CAN_CONFLICT: True})
    def shortlist(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        request: AnyRequest,
        need_id: FromQuery[Id],
        week: FromQuery[Day],
        limit: FromQuery[ShortlistLength] = 10,
    ) -> list[CandidateOut]:
        """Who could take `need_id` in the week of Monday `week` now, best first, with why;
        409 unless the round is published."""
        found = shortlist_for(db_session, current_actor(request), round_id, need_id, week, limit)
        return [CandidateOut.of(s) for s in found]

    @post("/direct-assignments", sync_to_thread=True)
    def assign(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[DirectAssignmentIn],
        request: AnyRequest,
    ) -> list[AssignmentChangeOut]:
        """Give a shortlisted person hours of a need-week now, checked against the rules;
        what the shortlist said they leave open ends with it."""
        rows = assign_directly(
            db_session,
            current_actor(request),
            round_id,
            person_id=data.person_id,
            need_id=data.need_id,
            week=data.week,
            hours=data.hours,
        )
        return [AssignmentChangeOut.of(row) for row in rows]
