"""HR's allocation rounds: list and create, choose a draft's purpose and coverage trade, solve
with live progress, read the proposal, pin and unpin, solve again and publish after a
confirmation.

Solving goes through `jobbank.runtime.solves`, the same path as the API, and the page
follows the solve on the API's own progress stream (`/api/rounds/{id}/progress`).
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any, NamedTuple

from advanced_alchemy.filters import LimitOffset
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, AnyRequest, job_runner
from api.pages.i18n import language_of, translate
from api.pages.numbers import percent_typed, share_of_percent
from api.pages.reasons import WordedReason, word_reason
from api.pages.refusals import sentences
from jobbank import rounds, solving
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.weeks import first_week_not_started
from jobbank.db.models import AllocationRound, Assignment, RoundStatus
from jobbank.live_plan.change_sets import change_sets_of
from jobbank.live_plan.events import list_events
from jobbank.runtime.solves import cancel_solving, start_solving
from jobbank.solving import SolveRequest
from solver.contract import MAX_MOVES, MAX_WEEKS, Purpose

ROUNDS_SHOWN = LimitOffset(limit=100, offset=0)
PAGE_TIME_LIMIT = 30.0
"""The solve form's suggested time limit, in seconds."""
VIEWS = ("need", "person")


class NewRoundForm(BaseModel):
    name: str = ""
    start: str = ""
    weeks: str = ""


class SolveForm(BaseModel):
    time_limit: str = ""


class BackForm(BaseModel):
    back: str = ""


class PurposeForm(BaseModel):
    """Why the round is planned and the coverage it may trade, as typed (a percentage)."""

    purpose: str = ""
    coverage_trade: str = ""

    @classmethod
    def of(cls, rnd: AllocationRound, language: str) -> PurposeForm:
        trade = percent_typed(language, rounds.coverage_trade_of(rnd))
        return cls(purpose=rnd.purpose.value, coverage_trade=trade)


# --- list and create ----------------------------------------------------------------------


def _list_page(
    db: Session, actor: Actor, form: NewRoundForm, errors: dict[str, str], status: int = 200
) -> Template:
    rows, _ = rounds.find_rounds(db, actor, ROUNDS_SHOWN)
    return Template(
        "rounds.html",
        context={
            "actor": actor,
            "rounds": rows,
            "form": form,
            "errors": errors,
            "max_weeks": MAX_WEEKS,
        },
        status_code=status,
    )


@get("/rounds", sync_to_thread=True)
def round_list(db_session: DB, request: AnyRequest) -> Template:
    """The rounds, newest first, and the form to create one."""
    form = NewRoundForm(start=first_week_not_started().isoformat(), weeks="2")
    return _list_page(db_session, current_actor(request), form, {})


def _parse_new_round(form: NewRoundForm) -> tuple[dt.date, int]:
    try:
        start = dt.date.fromisoformat(form.start.strip())
    except ValueError:
        raise InvalidInput("start", "not a date", code="not_a_date") from None
    try:
        weeks = int(form.weeks.strip())
    except ValueError:
        raise InvalidInput("weeks", "not a whole number", code="not_a_whole_number") from None
    return start, weeks


@post("/rounds", sync_to_thread=True, status_code=303)
def create_round(
    db_session: DB, data: URLEncodedBody[NewRoundForm], request: AnyRequest
) -> Template | Redirect:
    """Create a draft round and open it; a bad start or length is told next to its field."""
    actor = current_actor(request)
    rounds.require_hr(actor)
    try:
        start, weeks = _parse_new_round(data)
        rnd = rounds.create_round(
            db_session,
            start=start,
            weeks=weeks,
            name=data.name.strip(),
            by=actor.user_id,
            max_size=request.app.state["settings"].round_max_size,
        )
    except InvalidInput as bad:
        db_session.rollback()
        return _list_page(db_session, actor, data, {bad.field: bad.message}, status=422)
    db_session.flush()
    return Redirect(f"/rounds/{rnd.id}", status_code=303)


# --- one round ----------------------------------------------------------------------------


class UnfilledLine(NamedTuple):
    """One need-week left (partly) open, with its reasons in the reader's words."""

    need_ref: str
    need_id: int | None
    skill: str
    week: dt.date
    hours: float
    reasons: list[WordedReason]


class UnfilledUnit(NamedTuple):
    """A unit's open need-weeks: how leaders and HR talk about what stays open."""

    unit: str
    hours: float
    lines: list[UnfilledLine]


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the reader's words."""
    return message


NO_LONGER_KNOWN = _("Needs no longer in Jobbank")


def _unfilled_by_unit(rows: list[rounds.UnfilledNeedWeek], language: str) -> list[UnfilledUnit]:
    """The open need-weeks grouped by unit (by name), each by need and week."""
    skills = {
        row.need.skill.code: row.need.skill.label_da
        if language == "da"
        else row.need.skill.label_en
        for row in rows
        if row.need is not None
    }
    lines = sorted(
        (
            (
                row.need.unit.name if row.need else translate(language, NO_LONGER_KNOWN),
                UnfilledLine(
                    need_ref=row.need_ref,
                    need_id=row.need.id if row.need else None,
                    skill=skills.get(row.need.skill.code, "") if row.need else "",
                    week=row.week,
                    hours=row.hours,
                    reasons=[
                        word_reason(
                            language, reason, skills, row.need.unit.name if row.need else ""
                        )
                        for reason in row.reasons
                    ],
                ),
            )
            for row in rows
        ),
        key=lambda pair: (pair[0], pair[1].need_ref, pair[1].week),
    )
    return [
        UnfilledUnit(unit, sum(line.hours for line in group), group)
        for unit, pairs in groupby(lines, key=lambda pair: pair[0])
        for group in [[line for _unit, line in pairs]]
    ]


def _names(rows: list[Assignment]) -> dict[str, list[tuple[int, str]]]:
    """The choices of the proposal's filters: units, needs and people that occur in it."""
    units = {row.need.unit_id: row.need.unit.name for row in rows}
    needs = {row.need_id: f"{row.need.ref} · {row.need.unit.name}" for row in rows}
    people = {row.person_id: row.person.name for row in rows}
    return {
        "units": sorted(units.items(), key=lambda item: item[1]),
        "needs": sorted(needs.items(), key=lambda item: item[1]),
        "people": sorted(people.items(), key=lambda item: item[1]),
    }


def _round_page(
    db: Session,
    actor: Actor,
    request: AnyRequest,
    round_id: int,
    *,
    filters: dict[str, int | None] | None = None,
    view: str = "need",
    problem: str | None = None,
    time_error: bool = False,
    purpose: tuple[PurposeForm, dict[str, str]] | None = None,
    status: int = 200,
) -> Template:
    chosen = filters or {}
    job = solving.job_of_round(db, actor, round_id, alive=job_runner(request).is_alive)
    rnd = rounds.round_for(db, actor, round_id)
    result = rounds.round_result(rnd)
    every = list(rounds.plan_rows(db, rnd))
    unit_id, need_id, person_id = chosen.get("unit"), chosen.get("need"), chosen.get("person")
    shown = rounds.plan_rows(db, rnd, unit_id=unit_id, need_id=need_id, person_id=person_id)
    unfilled = (
        []
        if person_id is not None
        else rounds.unfilled_need_weeks(db, rnd, need_id=need_id, unit_id=unit_id)
    )
    if view == "person":
        shown = sorted(shown, key=lambda row: (row.person.name, row.week, row.need.ref))
    else:
        shown = sorted(shown, key=lambda row: (row.need.ref, row.week, row.person.name))
    time_limit = job.options.get("time_limit", PAGE_TIME_LIMIT) if job else PAGE_TIME_LIMIT
    purpose_form, purpose_errors = purpose or (PurposeForm.of(rnd, language_of(request)), {})
    return Template(
        "rounds_detail.html",
        context={
            "actor": actor,
            "round": rnd,
            "job": job,
            "solving": rnd.status is RoundStatus.SOLVING,
            "changeable": rnd.status in rounds.CHANGEABLE,
            "coverage_trade": rounds.coverage_trade_of(rnd),
            "purpose_form": purpose_form,
            "purpose_errors": purpose_errors,
            "purposes": list(Purpose),
            "metrics": result.metrics if result else None,
            "messages": result.messages if result else [],
            "counts": rounds.round_counts(db, rnd),
            "solved": rounds.plan_is_solved(db, rnd),
            "assignments": shown,
            "unfilled": _unfilled_by_unit(unfilled, language_of(request)),
            "choices": _names(every),
            "filters": chosen,
            "view": view,
            "back": _here(request),
            "time_limit": time_limit,
            "problem": problem,
            "time_error": time_error,
            "max_time_limit": request.app.state["settings"].solve_max_seconds,
            "events": (
                list_events(db, actor, rnd.id) if rnd.status is RoundStatus.PUBLISHED else []
            ),
            "max_moves": MAX_MOVES,
            "change_sets": (
                change_sets_of(db, actor, rnd.id, limit=5)
                if rnd.status is RoundStatus.PUBLISHED
                else []
            ),
        },
        status_code=status,
    )


def _chosen(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@get("/rounds/{round_id:int}", sync_to_thread=True)
def round_page(
    db_session: DB,
    round_id: FromPath[int],
    request: AnyRequest,
    unit: FromQuery[str] = "",
    need: FromQuery[str] = "",
    person: FromQuery[str] = "",
    view: FromQuery[str] = "need",
) -> Template:
    """A round: its status, a running solve's progress, or the proposal with its filters
    (an empty choice of the filter form means all)."""
    filters = {"unit": _chosen(unit), "need": _chosen(need), "person": _chosen(person)}
    return _round_page(
        db_session,
        current_actor(request),
        request,
        round_id,
        filters=filters,
        view=view if view in VIEWS else "need",
    )


def _here(request: AnyRequest) -> str:
    """The filters the page was read with, for a form on it to come back to."""
    return str(request.url.query) if request.method == "GET" else ""


def _back_to(round_id: int, back: str, assignment_id: int) -> Redirect:
    """To the round's page with the filters the form was sent from (only a query string), at
    the assignment's row, so that the reader keeps their place."""
    query = back if back and "/" not in back and "\\" not in back and "#" not in back else ""
    where = f"/rounds/{round_id}" + (f"?{query}" if query else "")
    return Redirect(f"{where}#a{assignment_id}", status_code=303)


def _refused(db: Session, request: AnyRequest, round_id: int, conflict: Conflict) -> Template:
    db.rollback()
    return _round_page(
        db, current_actor(request), request, round_id, problem=str(conflict), status=409
    )


@post("/rounds/{round_id:int}/solve", sync_to_thread=True, status_code=303)
def solve(
    db_session: DB, round_id: FromPath[int], data: URLEncodedBody[SolveForm], request: AnyRequest
) -> Template | Redirect:
    """Start solving (pins are kept) and show the progress."""
    actor = current_actor(request)
    try:
        options = SolveRequest(time_limit=float(data.time_limit or PAGE_TIME_LIMIT))
    except ValueError:
        return _round_page(db_session, actor, request, round_id, time_error=True, status=422)
    try:
        start_solving(
            db_session,
            actor,
            round_id,
            options,
            job_runner(request),
            max_time_limit=request.app.state["settings"].solve_max_seconds,
        )
    except InvalidInput:
        db_session.rollback()
        return _round_page(db_session, actor, request, round_id, time_error=True, status=422)
    except Conflict as conflict:
        return _refused(db_session, request, round_id, conflict)
    return Redirect(f"/rounds/{round_id}", status_code=303)


@post("/rounds/{round_id:int}/purpose", sync_to_thread=True, status_code=303)
def choose_purpose(
    db_session: DB, round_id: FromPath[int], data: URLEncodedBody[PurposeForm], request: AnyRequest
) -> Template | Redirect:
    """Choose why the draft round is planned and the share of coverage it may trade for
    fewer introductions (typed as a percentage); a wrong value is told next to its field."""
    actor = current_actor(request)
    rounds.round_for(db_session, actor, round_id)  # out of reach: 404 before any value
    try:
        rounds.choose_purpose(
            db_session,
            actor,
            round_id,
            purpose=_purpose(data.purpose),
            coverage_trade=share_of_percent("coverage_trade", data.coverage_trade or "0"),
            alive=job_runner(request).is_alive,
        )
    except InvalidInput as error:
        db_session.rollback()
        errors = sentences(language_of(request), error)
        return _round_page(db_session, actor, request, round_id, purpose=(data, errors), status=422)
    except Conflict as conflict:
        return _refused(db_session, request, round_id, conflict)
    return Redirect(f"/rounds/{round_id}#purpose", status_code=303)


def _purpose(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        choices = [purpose.value for purpose in Purpose]
        raise InvalidInput(
            "purpose",
            f"must be one of {', '.join(choices)}, got {value!r}",
            code="not_a_choice",
            params={"choices": choices},
        ) from None


@post("/rounds/{round_id:int}/cancel", sync_to_thread=True, status_code=303)
def cancel(db_session: DB, round_id: FromPath[int], request: AnyRequest) -> Template | Redirect:
    """Cancel the running solve; the round goes back to what it was."""
    try:
        cancel_solving(db_session, current_actor(request), round_id, job_runner(request))
    except Conflict as conflict:
        return _refused(db_session, request, round_id, conflict)
    return Redirect(f"/rounds/{round_id}", status_code=303)


@post("/rounds/{round_id:int}/assignments/{assignment_id:int}/pin", sync_to_thread=True)
def pin(
    db_session: DB,
    round_id: FromPath[int],
    assignment_id: FromPath[int],
    data: URLEncodedBody[BackForm],
    request: AnyRequest,
) -> Template | Redirect:
    """Pin an assignment of the proposal in place: the next solve keeps it."""
    actor = current_actor(request)
    try:
        rounds.pin_in_place(
            db_session, actor, round_id, assignment_id, alive=job_runner(request).is_alive
        )
    except Conflict as conflict:
        return _refused(db_session, request, round_id, conflict)
    return _back_to(round_id, data.back, assignment_id)


@post("/rounds/{round_id:int}/assignments/{assignment_id:int}/unpin", sync_to_thread=True)
def unpin(
    db_session: DB,
    round_id: FromPath[int],
    assignment_id: FromPath[int],
    data: URLEncodedBody[BackForm],
    request: AnyRequest,
) -> Template | Redirect:
    """Let the next solve decide this assignment again."""
    try:
        rounds.unpin_assignment(
            db_session,
            current_actor(request),
            round_id,
            assignment_id,
            alive=job_runner(request).is_alive,
        )
    except Conflict as conflict:
        return _refused(db_session, request, round_id, conflict)
    return _back_to(round_id, data.back, assignment_id)


@get("/rounds/{round_id:int}/publish", sync_to_thread=True)
def confirm_publish(db_session: DB, round_id: FromPath[int], request: AnyRequest) -> Template:
    """Ask before publishing: what it does and that it cannot be undone."""
    actor = current_actor(request)
    rnd: AllocationRound = rounds.round_for(db_session, actor, round_id)
    context: dict[str, Any] = {
        "actor": actor,
        "round": rnd,
        "counts": rounds.round_counts(db_session, rnd),
        "solved": rounds.plan_is_solved(db_session, rnd),
    }
    return Template("rounds_publish.html", context=context)


@post("/rounds/{round_id:int}/publish", sync_to_thread=True, status_code=303)
def publish(db_session: DB, round_id: FromPath[int], request: AnyRequest) -> Template | Redirect:
    """Publish the proposal: everyone sees their part and the checklists are created."""
    try:
        rounds.publish_round(
            db_session, current_actor(request), round_id, alive=job_runner(request).is_alive
        )
    except Conflict as conflict:
        return _refused(db_session, request, round_id, conflict)
    return Redirect(f"/rounds/{round_id}", status_code=303)


ROUTES = [
    round_list,
    create_round,
    round_page,
    choose_purpose,
    solve,
    cancel,
    pin,
    unpin,
    confirm_publish,
    publish,
]
