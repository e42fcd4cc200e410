"""Events on a published plan over HTTP: absences, home recalls, need changes, urgent needs
and withdrawals, reported by whoever knows; listed by reach; cancelled while open."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Id
from jobbank.db.models import DeclineReason, EventKind
from jobbank.live_plan import events
from jobbank.live_plan.events import (
    AbsenceReport,
    EventView,
    HomeRecallReport,
    NeedChangeReport,
    UrgentNeedReport,
    WithdrawalReport,
)


class EventPerson(BaseModel):
    id: int
    employee_no: str
    name: str


class EventNeed(BaseModel):
    id: int
    ref: str
    unit_id: int


class EventOut(BaseModel):
    """An event on the plan; `reason` only for HR and the person it is about."""

    id: int
    round_id: int
    kind: EventKind
    person: EventPerson | None
    need: EventNeed | None
    first_day: dt.date
    last_day: dt.date | None = Field(description="Inclusive; none: to the end of the round.")
    hours: float | None
    reason: str | None = Field(
        None, description="Why, in the reporter's words: HR and the person it is about only."
    )
    decline_reason: DeclineReason | None = Field(
        None, description="A decline's reason from the list: HR and the person only."
    )
    open: bool = Field(description="Not yet repaired for by an applied change set.")
    reported_by_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, view: EventView) -> EventOut:
        event = view.event
        person, need = event.person, event.need
        return cls(
            id=event.id,
            round_id=event.round_id,
            kind=event.kind,
            person=(
                EventPerson(id=person.id, employee_no=person.employee_no, name=person.name)
                if person is not None
                else None
            ),
            need=EventNeed(id=need.id, ref=need.ref, unit_id=need.unit_id) if need else None,
            first_day=event.first_day,
            last_day=event.last_day,
            hours=event.hours,
            reason=view.reason,
            decline_reason=view.decline_reason,
            open=view.open,
            reported_by_id=event.reported_by_id,
            created_at=event.created_at,
        )


class PlanEventController(Controller):
    """What changed on a published plan since it was published."""

    path = "/api/rounds/{round_id:int}/events"
    tags = ("plan events",)
    guards = [logged_in]  # noqa: RUF012

    @get(sync_to_thread=True)
    def list_events(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        request: AnyRequest,
        open_only: FromQuery[bool] = False,
    ) -> list[EventOut]:
        """The round's events in the order reported: HR sees all (with reasons), a unit leader
        those about the units they lead and their people, staff their own."""
        actor = current_actor(request)
        found = events.list_events(db_session, actor, round_id, open_only=open_only)
        return [EventOut.of(view) for view in found]

    @post("/absences", sync_to_thread=True)
    def report_absence(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[AbsenceReport],
        request: AnyRequest,
    ) -> EventOut:
        """Report that a person cannot come on some days: yourself, a person of a unit you
        lead, or anyone for HR. The reason is read by HR alone."""
        actor = current_actor(request)
        event = events.report_absence(db_session, actor, round_id, data)
        return EventOut.of(events.view_of(actor, event))

    @post("/home-recalls", sync_to_thread=True)
    def report_home_recall(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[HomeRecallReport],
        request: AnyRequest,
    ) -> EventOut:
        """Keep `hours` a week of a person of a unit you lead at home in the weeks given
        (HR: anyone)."""
        actor = current_actor(request)
        event = events.report_home_recall(db_session, actor, round_id, data)
        return EventOut.of(events.view_of(actor, event))

    @post("/need-changes", sync_to_thread=True)
    def report_need_change(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[NeedChangeReport],
        request: AnyRequest,
    ) -> EventOut:
        """Grow, shrink or close (0 hours) a need of a unit you lead from a week on."""
        actor = current_actor(request)
        event = events.report_need_change(db_session, actor, round_id, data)
        return EventOut.of(events.view_of(actor, event))

    @post("/urgent-needs", sync_to_thread=True)
    def report_urgent_need(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[UrgentNeedReport],
        request: AnyRequest,
    ) -> EventOut:
        """Post a need for a unit you lead that starts this week, within the round."""
        actor = current_actor(request)
        event = events.report_urgent_need(db_session, actor, round_id, data)
        return EventOut.of(events.view_of(actor, event))

    @post("/withdrawals", sync_to_thread=True)
    def report_withdrawal(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[WithdrawalReport],
        request: AnyRequest,
    ) -> EventOut:
        """Opt out of the round from a day on (yourself; HR for anyone)."""
        actor = current_actor(request)
        event = events.report_withdrawal(db_session, actor, round_id, data)
        return EventOut.of(events.view_of(actor, event))

    @delete("/{event_id:int}", sync_to_thread=True)
    def cancel(
        self, db_session: DB, round_id: FromPath[Id], event_id: FromPath[Id], request: AnyRequest
    ) -> None:
        """Take back an event not yet repaired for (409 once a change set applied it); an
        urgent need's need is closed with it."""
        events.cancel_event(db_session, current_actor(request), round_id, event_id)
