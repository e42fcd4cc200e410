"""Reporting changes to a published plan on the pages: staff report their own absence or
withdraw, a home leader reports an absence or a home recall for their people, a receiving
leader changes or closes a need or posts an urgent one. Each form posts to the very service
the API calls; a refusal answers the page again with 422, each field's sentence beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB
from api.pages.i18n import language_of
from api.pages.refusals import sentences
from jobbank.core.access import Actor
from jobbank.core.bounds import shaped
from jobbank.core.errors import InvalidInput, NotFound, Problems
from jobbank.db.models import AllocationRound, Person, PlanEvent
from jobbank.live_plan import events
from jobbank.live_plan.events import (
    AbsenceReport,
    HomeRecallReport,
    NeedChangeReport,
    UrgentNeedReport,
    WithdrawalReport,
)
from jobbank.organisation import led_units, skills_by_label

PAGE = "/plan-changes"


class EventForm(BaseModel):
    """Every field of every report form, as typed (one shape, so one page serves them all)."""

    person_id: str = ""
    need_id: str = ""
    unit_id: str = ""
    skill: str = ""
    first_day: str = ""
    last_day: str = ""
    hours: str = ""
    priority: str = "4"
    reason: str = ""


def _date(field: str, text: str) -> dt.date:
    if not text.strip():
        raise InvalidInput(field, "is required", code="required")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date", code="not_a_date") from None


def _number(field: str, text: str) -> float:
    if not text.strip():
        raise InvalidInput(field, "is required", code="required")
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a number", code="not_a_number") from None


def _row(field: str, text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(field, "choose one from the list", code="not_chosen")
    return int(text)


Parser = Callable[[str, str], Any]
FIELDS: dict[str, Parser] = {
    "person_id": _row,
    "need_id": _row,
    "unit_id": _row,
    "first_day": _date,
    "last_day": _date,
    "hours": _number,
    "priority": lambda field, text: int(_number(field, text)),
}
REPORTS: dict[str, tuple[type[BaseModel], Callable[..., PlanEvent]]] = {
    "absences": (AbsenceReport, events.report_absence),
    "home-recalls": (HomeRecallReport, events.report_home_recall),
    "need-changes": (NeedChangeReport, events.report_need_change),
    "urgent-needs": (UrgentNeedReport, events.report_urgent_need),
    "withdrawals": (WithdrawalReport, events.report_withdrawal),
}


def _report(kind: str, form: EventForm) -> BaseModel:
    """The form's fields that the report of `kind` has, parsed and shaped; every field that
    cannot be is refused at once."""
    shape = REPORTS[kind][0]
    problems, values = Problems(), {}
    for name in shape.model_fields:
        if name not in EventForm.model_fields:
            continue  # the form leaves it as the report's default
        text = getattr(form, name)
        if name in FIELDS:
            if name == "last_day" and not text and kind == "urgent-needs":
                continue  # to the end of the round
            values[name] = problems.check(FIELDS[name], name, text)
        else:
            values[name] = text
    problems.refuse()
    return shaped(shape, **values)


@get(PAGE, sync_to_thread=True)
def plan_changes_page(
    db_session: DB,
    request: HTMXRequest,
    round_id: FromQuery[int | None] = None,
    saved: FromQuery[str | None] = None,
) -> Template:
    """The forms the caller may use on the plan of the published round (the soonest one
    unless `round_id` names another), and the changes reported on it they may see."""
    return _page(db_session, current_actor(request), round_id, saved=saved)


@post(PAGE + "/{round_id:int}/{kind:str}", sync_to_thread=True, status_code=303)
def report_page(
    db_session: DB,
    request: HTMXRequest,
    round_id: FromPath[int],
    kind: FromPath[str],
    data: URLEncodedBody[EventForm],
) -> Template | Redirect:
    """Report one change; a refusal shows the page again with the form as typed."""
    actor = current_actor(request)
    if kind not in REPORTS:
        raise NotFound(f"{kind}: not found")
    try:
        REPORTS[kind][1](db_session, actor, round_id, _report(kind, data))
    except InvalidInput as error:
        db_session.rollback()  # nothing half-written
        errors = sentences(language_of(request), error)
        return _page(db_session, actor, round_id, form=(kind, data, errors), status=422)
    return Redirect(f"{PAGE}?round_id={round_id}&saved={kind}", status_code=303)


@post(PAGE + "/{round_id:int}/events/{event_id:int}/cancel", sync_to_thread=True, status_code=303)
def cancel_page(
    db_session: DB, request: HTMXRequest, round_id: FromPath[int], event_id: FromPath[int]
) -> Redirect:
    """Take back a change not yet repaired for."""
    events.cancel_event(db_session, current_actor(request), round_id, event_id)
    return Redirect(f"{PAGE}?round_id={round_id}&saved=cancelled", status_code=303)


def _page(
    session: Session,
    actor: Actor,
    round_id: int | None,
    *,
    saved: str | None = None,
    form: tuple[str, EventForm, dict[str, str]] | None = None,
    status: int = 200,
) -> Template:
    live = events.live_rounds(session, actor)
    rnd = _chosen(session, actor, live, round_id)
    kind, typed, errors = form or ("", EventForm(), {})
    return Template(
        "plan_changes.html",
        context={"actor": actor, "rounds": live, "round": rnd, "saved": saved}
        | ({} if rnd is None else _round_parts(session, actor, rnd))
        | {"form_kind": kind, "form": typed, "errors": errors},
        status_code=status,
    )


def _chosen(
    session: Session, actor: Actor, live: list[AllocationRound], round_id: int | None
) -> AllocationRound | None:
    if round_id is None:
        return live[0] if live else None
    return events.event_round(session, actor, round_id)


def _round_parts(session: Session, actor: Actor, rnd: AllocationRound) -> dict[str, Any]:
    me = session.get(Person, actor.person_id) if actor.person_id else None
    seen = events.list_events(session, actor, rnd.id)
    return {
        "self_service": actor.is_staff and events.is_planned(rnd, me),
        "people": events.planned_people(session, actor, rnd) if actor.is_leader else [],
        "needs": events.round_needs(session, actor, rnd) if actor.is_leader else [],
        "units": led_units(session, actor) if actor.is_leader else [],
        "skills": skills_by_label(session) if actor.is_leader else [],
        "events": seen,
        "cancellable": {
            view.event.id
            for view in seen
            if view.open and events.may_cancel(session, actor, view.event)
        },
        "today": dt.date.today(),
        "last_day": rnd.end + dt.timedelta(days=6),
    }


ROUTES = [plan_changes_page, report_page, cancel_page]
