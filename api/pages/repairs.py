"""HR repairs a published plan on the pages: proposes changes for the open events from the
round's page, reads the proposal as a diff, pins or leaves out a person and proposes again,
and applies it; and the urgent call, the shortlist of one need-week with a direct assignment.

Each form posts to the services the API calls. A refusal answers the page again with the
refusal's sentence (422 for what was typed, 409 for a proposal the plan has outgrown).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, AnyRequest
from api.pages.i18n import language_of
from api.pages.reasons import WordedReason, word_reason
from api.pages.refusals import sentence, sentences
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.db.models import AllocationRound, Need
from jobbank.live_plan import change_sets
from jobbank.live_plan.change_sets import Pin, RepairSettings, published_round
from jobbank.live_plan.reading import ChangeSetView, change_set_view
from jobbank.live_plan.shortlist import assign_directly, shortlist_for
from jobbank.rounds import UnfilledNeedWeek
from solver.contract import MAX_MOVES

SHORTLIST_SHOWN = 10


class RepairForm(BaseModel):
    """The round page's "Propose changes", or a proposal's "pin"/"leave out" (then `base`
    names the proposal whose settings are kept)."""

    moves: str = "none"
    max_moves: str = ""
    base: str = ""
    pin: str = ""
    leave_out: str = ""


class AssignForm(BaseModel):
    person_id: str = ""
    need_id: str = ""
    week: str = ""
    hours: str = ""


class OpenLine(NamedTuple):
    """A need-week the proposal leaves open, with its reasons in the reader's words."""

    need_id: int | None
    need_ref: str
    unit: str
    skill: str
    week: dt.date
    hours: float
    reasons: list[WordedReason]


def _id(field: str, text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(field, "choose one from the list", code="not_chosen")
    return int(text.strip())


def _number(field: str, text: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a number", code="not_a_number") from None


def _day(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date", code="not_a_date") from None


def _moves(form: RepairForm) -> int:
    if form.moves != "some":
        return 0
    if not form.max_moves.strip().lstrip("-").isdigit():
        raise InvalidInput("max_moves", "not a whole number", code="not_a_whole_number")
    return int(form.max_moves.strip())


def _settings(session: Session, actor: Actor, round_id: int, form: RepairForm) -> RepairSettings:
    """The settings asked for: the base proposal's, with the person pinned to what it
    proposed for them, or left out."""
    moves = _moves(form)
    if not form.base.strip():
        return RepairSettings(max_moves=moves)
    base = change_sets.change_set_for(session, actor, round_id, _id("base", form.base))
    view = change_set_view(session, base)
    asked = view.settings
    pins = [
        Pin(int(p["person_id"]), int(p["need_id"]), dt.date.fromisoformat(p["week"]), p["hours"])
        for p in asked.get("pins", [])
    ]
    excluded = [int(p) for p in asked.get("excluded", [])]
    if form.pin.strip():
        person_id = _id("pin", form.pin)
        pins += [
            Pin(person_id, c.need_id, c.week, c.hours_after)
            for c in view.changes
            if c.person.id == person_id and c.hours_after > 0
        ]
        excluded = [p for p in excluded if p != person_id]
    if form.leave_out.strip():
        person_id = _id("leave_out", form.leave_out)
        excluded.append(person_id)
        pins = [p for p in pins if p.person_id != person_id]
    return RepairSettings(max_moves=moves, pins=pins, excluded=sorted(set(excluded)))


@post("/rounds/{round_id:int}/change-sets", sync_to_thread=True, status_code=303)
def propose(
    db_session: DB, round_id: FromPath[int], data: URLEncodedBody[RepairForm], request: AnyRequest
) -> Template | Redirect:
    """Propose changes for the open events; nothing changes until HR applies them."""
    actor = current_actor(request)
    try:
        settings = _settings(db_session, actor, round_id, data)
        built = change_sets.build_change_set(db_session, actor, round_id, settings)
    except InvalidInput as refused:
        db_session.rollback()  # nothing half-written
        errors = sentences(language_of(request), refused)
        return _build_page(db_session, actor, request, round_id, data, errors)
    return Redirect(f"/rounds/{round_id}/change-sets/{built.id}", status_code=303)


def _build_page(
    db: Session,
    actor: Actor,
    request: AnyRequest,
    round_id: int,
    form: RepairForm,
    errors: dict[str, str],
) -> Template:
    rnd = published_round(db, actor, round_id, lock=False)
    return Template(
        "repairs_proposal.html",
        context=_context(actor, rnd, None, request) | {"form": form, "errors": errors},
        status_code=422,
    )


def _context(
    actor: Actor, rnd: AllocationRound, view: ChangeSetView | None, request: AnyRequest
) -> dict[str, Any]:
    moves = int(view.settings.get("max_moves", 0)) if view else 0
    return {
        "actor": actor,
        "round": rnd,
        "view": view,
        "open": _open_lines(view.unfilled, language_of(request)) if view else [],
        "form": RepairForm(moves="some" if moves else "none", max_moves=str(moves or "")),
        "errors": {},
        "max_moves": MAX_MOVES,
        "problem": None,
    }


def _open_lines(rows: list[UnfilledNeedWeek], language: str) -> list[OpenLine]:
    """What stays open, worded as a round's unfilled need-weeks are."""
    skills = {
        row.need.skill.code: row.need.skill.label_da
        if language == "da"
        else row.need.skill.label_en
        for row in rows
        if row.need is not None
    }
    return [
        OpenLine(
            need_id=row.need.id if row.need else None,
            need_ref=row.need_ref,
            unit=row.need.unit.name if row.need else "",
            skill=skills.get(row.need.skill.code, "") if row.need else "",
            week=row.week,
            hours=row.hours,
            reasons=[
                word_reason(language, reason, skills, row.need.unit.name if row.need else "")
                for reason in row.reasons
            ],
        )
        for row in rows
    ]


@get("/rounds/{round_id:int}/change-sets/{change_set_id:int}", sync_to_thread=True)
def proposal_page(
    db_session: DB, round_id: FromPath[int], change_set_id: FromPath[int], request: AnyRequest
) -> Template:
    """A proposal as a diff: what it adds, changes and ends, week by week; who is newly lent
    and who loses a deployment; coverage before and after; what stays open and why."""
    return _proposal(db_session, current_actor(request), request, round_id, change_set_id)


def _proposal(
    db: Session,
    actor: Actor,
    request: AnyRequest,
    round_id: int,
    change_set_id: int,
    *,
    problem: str | None = None,
    status: int = 200,
) -> Template:
    found = change_sets.change_set_for(db, actor, round_id, change_set_id)
    rnd = db.get_one(AllocationRound, round_id)
    context = _context(actor, rnd, change_set_view(db, found), request)
    return Template(
        "repairs_proposal.html", context=context | {"problem": problem}, status_code=status
    )


@post("/rounds/{round_id:int}/change-sets/{change_set_id:int}/apply", sync_to_thread=True)
def apply(
    db_session: DB, round_id: FromPath[int], change_set_id: FromPath[int], request: AnyRequest
) -> Template | Redirect:
    """Apply the proposal; one the plan has outgrown is refused and can be proposed again."""
    actor = current_actor(request)
    try:
        change_sets.apply_change_set(db_session, actor, round_id, change_set_id)
    except Conflict as refused:
        db_session.commit()  # the proposal is marked stale
        words = sentence(language_of(request), refused)
        return _proposal(
            db_session, actor, request, round_id, change_set_id, problem=words, status=409
        )
    return Redirect(f"/rounds/{round_id}/change-sets/{change_set_id}", status_code=303)


# --- the urgent call ------------------------------------------------------------------------


@get("/rounds/{round_id:int}/shortlist", sync_to_thread=True)
def shortlist_page(
    db_session: DB,
    round_id: FromPath[int],
    request: AnyRequest,
    need_id: FromQuery[str] = "",
    week: FromQuery[str] = "",
    assigned: FromQuery[str] = "",
) -> Template:
    """Who could take one need-week now, best first, with why; and "Assign"."""
    form = AssignForm(need_id=need_id, week=week)
    return _shortlist(db_session, current_actor(request), round_id, form, assigned=assigned)


def _shortlist(
    db: Session,
    actor: Actor,
    round_id: int,
    form: AssignForm,
    *,
    errors: dict[str, str] | None = None,
    assigned: str = "",
    status: int = 200,
) -> Template:
    rnd = published_round(db, actor, round_id, lock=False)
    need_id, week = _id("need_id", form.need_id), _day("week", form.week)
    found = shortlist_for(db, actor, round_id, need_id, week, SHORTLIST_SHOWN)
    return Template(
        "repairs_shortlist.html",
        context={
            "actor": actor,
            "round": rnd,
            "need": db.get_one(Need, need_id),
            "week": week,
            "candidates": found,
            "form": form,
            "errors": errors or {},
            "assigned": assigned,
        },
        status_code=status,
    )


@post("/rounds/{round_id:int}/shortlist", sync_to_thread=True, status_code=303)
def assign(
    db_session: DB, round_id: FromPath[int], data: URLEncodedBody[AssignForm], request: AnyRequest
) -> Template | Redirect:
    """Give one shortlisted person hours of the need-week now, checked against the rules."""
    actor = current_actor(request)
    published_round(db_session, actor, round_id, lock=False)
    try:
        person_id = _id("person_id", data.person_id)
        need_id, week = _id("need_id", data.need_id), _day("week", data.week)
        hours = _number("hours", data.hours)
        assign_directly(
            db_session,
            actor,
            round_id,
            person_id=person_id,
            need_id=need_id,
            week=week,
            hours=hours,
        )
    except InvalidInput as refused:
        db_session.rollback()  # nothing half-written
        errors = sentences(language_of(request), refused)
        if "need_id" in errors or "week" in errors:
            raise
        return _shortlist(db_session, actor, round_id, data, errors=errors, status=422)
    return Redirect(
        f"/rounds/{round_id}/shortlist?need_id={need_id}&week={week.isoformat()}"
        f"&assigned={person_id}",
        status_code=303,
    )


ROUTES = [propose, proposal_page, apply, shortlist_page, assign]
