"""Unit leaders' needs pages: the list, a form to post or edit a need, close and reopen.

The form checks itself as the leader types: HTMX posts it to a `validate` endpoint, which
runs the very service that saves (so the rules live in one place) and rolls it back, then
answers each field's error as an out-of-band swap. Saving is an ordinary form post, so the
page works without scripts too; an error answers the form again with 422 (nothing is kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.filters import LimitOffset
from babel.numbers import format_decimal
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest, HTMXTemplate
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB
from api.pages.i18n import language_of, translate
from api.pages.numbers import percent_typed, share_of_percent, typed_number
from api.pages.refusals import STALE, sentences
from jobbank.core.access import Actor
from jobbank.core.bounds import shaped, shaped_within
from jobbank.core.days import ShiftTimeBody, shift_times_of
from jobbank.core.errors import Conflict, InvalidInput, NotFound, Problems
from jobbank.core.weeks import first_week_not_started, monday_of, week_starts
from jobbank.coverage import needs_coverage
from jobbank.db.models import Need, Unit
from jobbank.needs import (
    NeedDraft,
    NeedPatch,
    check_new_need,
    close_need,
    contact_choices,
    edit_need,
    get_need,
    list_needs,
    post_need,
    reopen_need,
)
from jobbank.organisation import led_units, skills_by_label
from solver.contract import DEFAULT_MIN_BLOCK, WEEKDAYS, Shift, Weekday

ALL = LimitOffset(limit=1000, offset=0)
WEEKDAY_NAMES = {day.value for day in WEEKDAYS}
WEEKS_AHEAD = 26
"""How many weeks from this one the week pickers offer."""
FIELDS = (
    "unit_id",
    "skill",
    "hours",
    "shift",
    "priority",
    "exposed",
    "min_block",
    "first_week",
    "last_week",
    "description",
    "contact_person_id",
    "shift_times",
    "accepts_learners",
    "learner_share",
)


# --- what the form sends -------------------------------------------------------------------


class NeedForm(BaseModel):
    """The form as typed: text, checked by the service once parsed."""

    unit_id: str = ""
    skill: str = ""
    hours: str = ""
    shift: str = Shift.DAY.value
    priority: str = "3"
    exposed: str = ""
    min_block: str = f"{DEFAULT_MIN_BLOCK:g}"
    accepts_learners: str = ""
    learner_share: str = "0"
    """A percentage: how much of a learner's hour counts as covered."""
    first_week: str = ""
    last_week: str = ""
    description: str = ""
    contact_person_id: str = ""
    shift_form: str = ""
    """`one` when the form shows one shift's weekdays and times to change; a need with
    different times on different days (set through the API) keeps them, shown only."""
    shift_days: list[str] = Field(default_factory=list)
    shift_start: str = ""
    shift_end: str = ""
    version: str = ""

    @field_validator("shift_days", mode="before")
    @classmethod
    def _ticked(cls, value: Any) -> Any:
        """One ticked box is sent as text, several as a list."""
        return [value] if isinstance(value, str) else value


def _whole(field: str, text: str) -> int:
    value = typed_number(field, text)
    if value != int(value):
        raise InvalidInput(field, f"{text!r} is not a number", code="not_a_number")
    return int(value)


def _person(field: str, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(
            field,
            f"person {text!r} neither works at nor leads the unit",
            code="contact_not_at_unit",
        )
    return int(text)


def _date(field: str, text: str) -> dt.date:
    if not text:
        raise InvalidInput(field, "is required", code="required")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a Monday", code="not_a_monday") from None


def _clock(field: str, text: str) -> dt.time:
    if not text.strip():
        raise InvalidInput(field, "is required", code="required")
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a time", code="not_a_time") from None


def _shift_times(form: NeedForm) -> list[ShiftTimeBody]:
    """The one shift the form shows: its weekdays and times; nothing ticked or typed is a
    need planned by the week alone. The service checks the rest (a weekday, a half hour)."""
    days = [Weekday(day) for day in form.shift_days if day in WEEKDAY_NAMES]
    if not days and not form.shift_start.strip() and not form.shift_end.strip():
        return []
    problems = Problems()
    start = problems.check(_clock, "shift_times[0].start", form.shift_start)
    end = problems.check(_clock, "shift_times[0].end", form.shift_end)
    problems.refuse()
    assert start is not None  # refused above otherwise
    assert end is not None
    return [ShiftTimeBody(days=days, start=start, end=end)]


def _fields(form: NeedForm) -> tuple[dict[str, Any], dict[str, InvalidInput]]:
    """The form's values parsed for the service, and the fields that cannot even be parsed."""
    parsers: dict[str, Any] = {
        "skill": lambda f, t: t,
        "hours": typed_number,
        "shift": lambda f, t: Shift(t) if t in {s.value for s in Shift} else Shift.DAY,
        "priority": _whole,
        "min_block": typed_number,
        "learner_share": share_of_percent,
        "first_week": _date,
        "last_week": _date,
        "description": lambda f, t: t,
        "contact_person_id": _person,
    }
    values: dict[str, Any] = {
        "exposed": form.exposed == "on",
        "accepts_learners": form.accepts_learners == "on",
    }
    errors: dict[str, InvalidInput] = {}
    for name, parse in parsers.items():
        try:
            values[name] = parse(name, getattr(form, name))
        except InvalidInput as error:
            errors[name] = error
    if form.shift_form == "one":
        try:
            values["shift_times"] = _shift_times(form)
        except InvalidInput as error:
            errors["shift_times"] = error
    return values, errors


def _save(session: Session, actor: Actor, form: NeedForm, need_id: int | None) -> Need:
    """Post or edit through the services, which check every rule and write the audit. Every
    wrong field is refused at once (`InvalidFields`): those that cannot even be read, those
    beyond their bounds, and the service's refusals of the others. A refused form leaves
    changes the caller rolls back."""
    values, unparsed = _fields(form)
    problems = Problems()
    for error in unparsed.values():
        problems.add(error)
    read = {name: value for name, value in values.items() if name not in unparsed}
    need = problems.check(_post_or_edit, session, actor, form, need_id, read, problems)
    problems.refuse()
    assert need is not None  # refused above otherwise
    return need


def _post_or_edit(
    session: Session,
    actor: Actor,
    form: NeedForm,
    need_id: int | None,
    values: dict[str, Any],
    problems: Problems,
) -> Need | None:
    """Save the fields read; values beyond their bounds go to `problems` and are left out, so
    the service still checks the rest. A new need with fields missing is only checked (None)."""
    if need_id is not None:
        version = _whole("version", form.version)
        patch = shaped_within(NeedPatch, problems, version=version, **values)
        return None if patch is None else edit_need(session, actor, need_id, patch)
    # a new need has no version yet: any within its bound will do, check_new_need reads none
    fields = shaped_within(NeedPatch, problems, version=1, **values)
    if problems.found or fields is None:
        if fields is not None:
            check_new_need(session, actor, _unit_id(form), fields)
        return None
    return post_need(session, actor, shaped(NeedDraft, unit_id=_unit_id(form), **values))


def _unit_id(form: NeedForm) -> int:
    try:
        return int(form.unit_id)
    except ValueError:
        raise InvalidInput("unit_id", "is required", code="required") from None


def errors_of(
    session: Session, actor: Actor, form: NeedForm, need_id: int | None, language: str
) -> dict[str, str]:
    """Each field's error in the caller's words, found by a dry run of the saving service
    (rolled back, so nothing is kept), which tells every wrong field at once."""
    try:
        _save(session, actor, form, need_id)
    except InvalidInput as error:
        return sentences(language, error)
    except Conflict:
        return {"version": translate(language, STALE)}
    finally:
        session.rollback()
    return {}


# --- what the pages show --------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    group: str = ""


def _contacts(session: Session, actor: Actor, units: Sequence[Unit]) -> list[Option]:
    """People who may meet a lent person: those working at or leading each unit."""
    options = []
    for unit in units:
        people = contact_choices(session, actor, unit.id)
        options += [Option(str(p.id), p.name, unit.name) for p in people]
    return options


def _weeks(*also: dt.date) -> list[dt.date]:
    """The weeks to choose from: this one and the next ones, and any the need already has."""
    offered = set(week_starts(monday_of(dt.date.today()), WEEKS_AHEAD)) | set(also)
    return sorted(offered)


def form_of(need: Need, language: str) -> NeedForm:
    shifts = shift_times_of(need.shift_times)
    one = shifts[0] if len(shifts) == 1 else None
    return NeedForm(
        shift_form="one" if len(shifts) <= 1 else "",
        shift_days=[day.value for day in one.days] if one else [],
        shift_start=one.start.isoformat("minutes") if one else "",
        shift_end=one.end.isoformat("minutes") if one else "",
        unit_id=str(need.unit_id),
        skill=need.skill.code,
        hours=format_decimal(need.hours, "0.#", locale=language),
        shift=need.shift.value,
        priority=str(need.priority),
        exposed="on" if need.exposed else "",
        min_block=format_decimal(need.min_block, "0.#", locale=language),
        accepts_learners="on" if need.accepts_learners else "",
        learner_share=percent_typed(language, need.learner_share),
        first_week=need.first_week.isoformat(),
        last_week=need.last_week.isoformat(),
        description=need.description,
        contact_person_id=str(need.contact_person_id or ""),
        version=str(need.version),
    )


def _form_page(
    session: Session,
    actor: Actor,
    request: HTMXRequest,
    form: NeedForm,
    need: Need | None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    units = led_units(session, actor) if need is None else [need.unit]
    chosen = [dt.date.fromisoformat(w) for w in (form.first_week, form.last_week) if _iso(w)]
    skills = skills_by_label(session)
    return Template(
        "needs_form.html",
        context={
            "actor": actor,
            "need": need,
            "form": form,
            "errors": errors or {},
            "units": units,
            "skills": skills,
            "shifts": list(Shift),
            "weekdays": WEEKDAYS,
            "shift_times": shift_times_of(need.shift_times) if need else [],
            "weeks": _weeks(*chosen),
            "contacts": _contacts(session, actor, units),
            "action": "/needs" if need is None else f"/needs/{need.id}",
        },
        status_code=status_code,
    )


def _iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- handlers --------------------------------------------------------------------------------


@get("/needs", sync_to_thread=True)
def needs_page(
    db_session: DB, request: HTMXRequest, saved: FromQuery[str | None] = None
) -> Template:
    """The needs of the units you lead, open and closed, with what you can do to each."""
    actor = current_actor(request)
    if not actor.is_leader:
        raise NotFound("needs: not found")
    needs, _ = list_needs(db_session, actor, ALL)
    mine = [need for need in needs if actor.leads(need.unit_id)]
    return Template(
        "needs.html",
        context={
            "actor": actor,
            "coverage": needs_coverage(db_session, mine),
            "open": [n for n in mine if n.status.value == "open"],
            "closed": [n for n in mine if n.status.value == "closed"],
            "saved": saved,
        },
    )


@get("/needs/new", sync_to_thread=True)
def new_need_page(db_session: DB, request: HTMXRequest) -> Template:
    """An empty form for a new need, in the first week not yet started."""
    actor = current_actor(request)
    if not actor.is_leader:
        raise NotFound("needs: not found")
    next_week = first_week_not_started().isoformat()
    form = NeedForm(first_week=next_week, last_week=next_week, shift_form="one")
    units = led_units(db_session, actor)
    if len(units) == 1:
        form.unit_id = str(units[0].id)
    return _form_page(db_session, actor, request, form, None)


@get("/needs/{need_id:int}/edit", sync_to_thread=True)
def edit_need_page(db_session: DB, request: HTMXRequest, need_id: FromPath[int]) -> Template:
    actor = current_actor(request)
    need = _led_need(db_session, actor, need_id)
    return _form_page(db_session, actor, request, form_of(need, language_of(request)), need)


def _led_need(session: Session, actor: Actor, need_id: int) -> Need:
    """A need of a unit the caller leads (these pages are the leaders' own)."""
    need = get_need(session, actor, need_id)
    if not actor.leads(need.unit_id):
        raise NotFound(f"need {need_id}: not found")
    return need


@post("/needs/validate", sync_to_thread=True, status_code=200)
def validate_new_need(
    db_session: DB, request: HTMXRequest, data: URLEncodedBody[NeedForm]
) -> Template:
    """Each field's error of a new need as typed so far (nothing is saved)."""
    actor = current_actor(request)
    if not actor.is_leader:
        raise NotFound("needs: not found")
    errors = errors_of(db_session, actor, data, None, language_of(request))
    return HTMXTemplate(
        template_name="needs_errors.html", context={"errors": errors, "fields": FIELDS}
    )


@post("/needs/{need_id:int}/validate", sync_to_thread=True, status_code=200)
def validate_need_edit(
    db_session: DB, request: HTMXRequest, need_id: FromPath[int], data: URLEncodedBody[NeedForm]
) -> Template:
    """Each field's error of a change as typed so far (nothing is saved)."""
    actor = current_actor(request)
    _led_need(db_session, actor, need_id)
    errors = errors_of(db_session, actor, data, need_id, language_of(request))
    return HTMXTemplate(
        template_name="needs_errors.html", context={"errors": errors, "fields": FIELDS}
    )


@post("/needs", sync_to_thread=True, status_code=303)
def save_new_need(
    db_session: DB, request: HTMXRequest, data: URLEncodedBody[NeedForm]
) -> Template | Redirect:
    """Post the need and go to the list; errors answer the form again, next to each field."""
    return _save_or_show(db_session, request, data, None)


@post("/needs/{need_id:int}", sync_to_thread=True, status_code=303)
def save_need(
    db_session: DB, request: HTMXRequest, need_id: FromPath[int], data: URLEncodedBody[NeedForm]
) -> Template | Redirect:
    """Save the change and go to the list; a stale copy is told, nothing is lost on the page."""
    return _save_or_show(db_session, request, data, need_id)


def _save_or_show(
    session: Session, request: HTMXRequest, form: NeedForm, need_id: int | None
) -> Template | Redirect:
    actor, language = current_actor(request), language_of(request)
    need = _led_need(session, actor, need_id) if need_id is not None else None
    if need is None and not actor.is_leader:
        raise NotFound("needs: not found")
    try:
        saved = _save(session, actor, form, need_id)
    except InvalidInput as error:
        errors, status = sentences(language, error), 422
    except Conflict:
        errors, status = {"version": translate(language, STALE)}, 409
    else:
        return Redirect(f"/needs?saved={saved.ref}", status_code=303)
    session.rollback()  # nothing half-done is kept (the 4xx answer would roll back too)
    return _form_page(session, actor, request, form, need, errors, status)


class VersionForm(BaseModel):
    version: int


@post("/needs/{need_id:int}/close", sync_to_thread=True, status_code=303)
def close_need_page(
    db_session: DB, request: HTMXRequest, need_id: FromPath[int], data: URLEncodedBody[VersionForm]
) -> Template | Redirect:
    """Close an open need; it drops out of future rounds."""
    return _set_status(db_session, request, need_id, data.version, close=True)


@post("/needs/{need_id:int}/reopen", sync_to_thread=True, status_code=303)
def reopen_need_page(
    db_session: DB, request: HTMXRequest, need_id: FromPath[int], data: URLEncodedBody[VersionForm]
) -> Template | Redirect:
    """Open a closed need again."""
    return _set_status(db_session, request, need_id, data.version, close=False)


def _set_status(
    session: Session, request: HTMXRequest, need_id: int, version: int, *, close: bool
) -> Template | Redirect:
    actor = current_actor(request)
    need = _led_need(session, actor, need_id)
    try:
        (close_need if close else reopen_need)(session, actor, need_id, version)
    except Conflict:
        return Template("needs_stale.html", context={"actor": actor, "need": need}, status_code=409)
    return Redirect(f"/needs?saved={need.ref}", status_code=303)


ROUTES = [
    needs_page,
    new_need_page,
    edit_need_page,
    validate_new_need,
    validate_need_edit,
    save_new_need,
    save_need,
    close_need_page,
    reopen_need_page,
]
