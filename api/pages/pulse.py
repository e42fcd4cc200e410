"""The weekly pulse on the pages: the lent person answers on a phone in seconds
(`/deployment/{id}/pulse`); receiving leaders and HR read it per unit-week (`/pulse`); the
front page shows their flags and the person's prompt for this week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, Id
from api.pages.i18n import language_of
from api.pages.refusals import sentences
from api.pages.rendering import rendered
from api.pulse import open_items
from jobbank.checklists import ItemLine
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput, NotFound, Problems
from jobbank.deployments import (
    PulseFlag,
    PulsePrompt,
    Side,
    answer_pulse,
    deployment_in_reach,
    pulse_flags,
    pulse_of_units,
    pulse_prompts,
    pulse_sheet,
)

PERSON = frozenset({Side.PERSON})
SCORES = range(1, 6)
"""The buttons of each question, 1 … 5."""


class PulseForm(BaseModel):
    """The form as typed: every value a string, parsed here so a refusal names its field."""

    week: str = ""
    meaningful: str = ""
    pressed: str = ""
    comment: str = ""
    named: str = ""


def _score(field: str, text: str) -> int:
    if not text.strip():
        raise InvalidInput(field, "is required", code="required")
    if not text.strip().lstrip("-").isdigit():
        raise InvalidInput(field, f"{text!r} is not a whole number", code="not_a_whole_number")
    return int(text)


def _week(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date", code="not_a_date") from None


def _page_of(deployment_id: int) -> str:
    return f"/deployment/{deployment_id}/pulse"


@get("/deployment/{deployment_id:int}/pulse", sync_to_thread=True)
def pulse_page(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[Id],
    week: FromQuery[str | None] = None,
    saved: FromQuery[str | None] = None,
) -> Template:
    """The person's pulse: this week's two questions (or the week chosen), and the weeks
    answered before. Anyone else: 404."""
    actor = current_actor(request)
    return _person_page(db_session, actor, deployment_id, week=week, saved=saved)


def _parsed(form: PulseForm) -> tuple[dt.date, int, int]:
    """The week and the two scores as typed, or every field that cannot be read refused."""
    problems = Problems()
    week = problems.check(_week, "week", form.week)
    meaningful = problems.check(_score, "meaningful", form.meaningful)
    pressed = problems.check(_score, "pressed", form.pressed)
    problems.refuse()  # none of the three is None past here
    return week or dt.date.min, meaningful or 0, pressed or 0


@post("/deployment/{deployment_id:int}/pulse", sync_to_thread=True, status_code=303)
def answer_page(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[Id],
    data: URLEncodedBody[PulseForm],
) -> Template | Redirect:
    """Save the answer; a refusal shows the form again as typed, each field's sentence
    beside it."""
    actor = current_actor(request)
    deployment_in_reach(db_session, actor, deployment_id, sides=PERSON)  # 404 before 422
    try:
        week, meaningful, pressed = _parsed(data)
        answer_pulse(
            db_session,
            actor,
            deployment_id,
            week,
            meaningful=meaningful,
            pressed=pressed,
            comment=data.comment,
            named=bool(data.named),
        )
    except InvalidInput as error:
        db_session.rollback()  # nothing half-written
        told = sentences(language_of(request), error)
        return _person_page(
            db_session, actor, deployment_id, week=data.week, form=data, errors=told
        )
    return Redirect(f"{_page_of(deployment_id)}?week={week}&saved=1", status_code=303)


def _person_page(
    session: Session,
    actor: Actor,
    deployment_id: int,
    *,
    week: str | None,
    saved: str | None = None,
    form: PulseForm | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    sheet = pulse_sheet(session, actor, deployment_id)
    chosen = next((w for w in sheet.weeks if w.isoformat() == week), None) or (
        sheet.weeks[0] if sheet.weeks else None
    )
    answer = sheet.answers.get(chosen) if chosen else None
    if form is None:
        form = PulseForm(
            week=chosen.isoformat() if chosen else "",
            meaningful=str(answer.meaningful) if answer else "",
            pressed=str(answer.pressed) if answer else "",
            comment=answer.comment if answer else "",
            named="on" if answer and answer.named else "",
        )
    return Template(
        "pulse/answer.html",
        context={
            "actor": actor,
            "sheet": sheet,
            "unit": sheet.deployment.unit.name,
            "week": chosen,
            "form": form,
            "errors": errors or {},
            "saved": bool(saved) and not errors,
            "scores": SCORES,
        },
        status_code=422 if errors else 200,
    )


# --- leaders and HR --------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagView:
    """A flag as a page shows it: the low answers, and the open checklist items beside them."""

    flag: PulseFlag
    items: list[ItemLine]


def flag_views(session: Session, actor: Actor) -> list[FlagView]:
    found = pulse_flags(session, actor)
    return [
        FlagView(flag, items)
        for flag, items in zip(found, open_items(session, actor, found), strict=True)
    ]


@get("/pulse", sync_to_thread=True)
def units_page(
    db_session: DB, request: HTMXRequest, unit_id: FromQuery[Id | None] = None
) -> Response[bytes]:
    """The pulse of the units the caller receives people at (HR: all), a card per unit-week,
    newest first, with the flags of the last two weeks above. Anyone else: 404."""
    actor = current_actor(request)
    weeks = pulse_of_units(db_session, actor, unit_id=unit_id)
    page = Template(
        "pulse/units.html",
        context={"actor": actor, "weeks": weeks, "flags": flag_views(db_session, actor)},
    )
    return rendered(request, page)


# --- the front page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FrontPulse:
    """The pulse's part of the front page: flags for readers, prompts for the lent person."""

    flags: list[FlagView] = field(default_factory=list)
    prompts: list[PulsePrompt] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.flags or self.prompts)


def front_part(session: Session, actor: Actor) -> FrontPulse:
    """What the front page shows of the pulse to the caller (often nothing)."""
    flags: list[FlagView] = []
    if actor.is_hr or actor.is_leader:
        try:
            flags = flag_views(session, actor)
        except NotFound:
            flags = []  # a leader who only lends people out reads no pulse
    prompts = pulse_prompts(session, actor) if actor.is_staff else []
    return FrontPulse(flags, prompts)


ROUTES = [pulse_page, answer_page, units_page]
