"""What changed since you last looked, for calendar-less clients and apps: the changes to
published plans that concern you (your own; as a leader your units' incoming and your people;
as HR all), newest first, each marked new until you mark it seen."""

from __future__ import annotations

import datetime as dt
from typing import Self

from litestar import Controller, get, post
from litestar.pagination import OffsetPagination
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Paging
from api.paging import page_of
from jobbank.live_plan.changes_seen import SeenChange, changes_to_read, mark_changes_seen
from solver.bounds import RowId


class ChangeOut(BaseModel):
    """One assignment-week a change to a published plan added, changed or ended."""

    id: int
    round_id: int
    round_name: str
    person_id: int
    person: str
    home_unit: str
    unit_id: int
    unit: str
    skill_da: str
    skill_en: str
    week: dt.date = Field(description="The Monday of the week.")
    hours_before: float = Field(description="0: the week was added.")
    hours_after: float = Field(description="0: the week was ended.")
    kind: str = Field(description="`added`, `changed` or `ended`.")
    changed_at: dt.datetime
    new: bool = Field(description="Not seen by you yet.")

    @classmethod
    def of(cls, change: SeenChange) -> Self:
        return cls(
            id=change.id,
            round_id=change.round_id,
            round_name=change.round_name,
            person_id=change.person_id,
            person=change.person,
            home_unit=change.home_unit,
            unit_id=change.unit_id,
            unit=change.unit,
            skill_da=change.skill_da,
            skill_en=change.skill_en,
            week=change.week,
            hours_before=change.hours_before,
            hours_after=change.hours_after,
            kind=change.kind,
            changed_at=change.changed_at,
            new=change.new,
        )


class MarkSeen(BaseModel):
    through: RowId = Field(description="The newest change you were shown.")


class SeenThrough(BaseModel):
    seen_through: int = Field(description="Every change up to this id is seen by you.")


class MyChangesController(Controller):
    path = "/api/me/changes"
    tags = ("changes",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_my_changes(
        self, db_session: DB, request: AnyRequest, paging: Paging
    ) -> OffsetPagination[ChangeOut]:
        """The changes to published plans that concern you, newest first; `new` marks those
        you have not seen."""
        found = changes_to_read(db_session, current_actor(request), paging)
        return page_of(found.changes, found.total, paging, ChangeOut.of)

    @post("/seen", sync_to_thread=True, status_code=200)
    def mark_seen(
        self, db_session: DB, request: AnyRequest, data: JSONBody[MarkSeen]
    ) -> SeenThrough:
        """Mark every change up to `through` seen (never back, nor past the newest there is)."""
        through = mark_changes_seen(db_session, current_actor(request), data.through)
        return SeenThrough(seen_through=through)
