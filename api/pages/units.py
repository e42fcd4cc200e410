"""A unit's own page, for its leaders and HR: the unit, and the introductions it can manage
(how many people new to it it can introduce a week, and the hours introducing one takes).

Saved through `jobbank.introductions`, the service the API uses (reach, bounds, version,
audit); the page only reads the typed text into numbers, so each rule lives in one place.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, AnyRequest
from api.pages.admin_forms import whole
from api.pages.i18n import language_of, translate
from api.pages.numbers import typed_number
from api.pages.refusals import STALE, sentences
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, Problems
from jobbank.db.models import Unit
from jobbank.introductions import set_introductions, unit_to_introduce
from solver.bounds import MAX_INTRO_HOURS, MAX_INTRODUCTIONS_A_WEEK


class IntroductionsForm(BaseModel):
    """The introductions as typed: an empty capacity is no limit."""

    intro_capacity: str = ""
    intro_hours: str = ""
    version: str = ""

    @classmethod
    def of(cls, unit: Unit, language: str) -> IntroductionsForm:
        capacity = "" if unit.intro_capacity is None else str(unit.intro_capacity)
        hours = format_decimal(unit.intro_hours, format="0.#", locale=language)
        return cls(intro_capacity=capacity, intro_hours=hours, version=str(unit.version))


def _page(
    actor: Actor,
    unit: Unit,
    form: IntroductionsForm,
    errors: dict[str, str] | None = None,
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    return Template(
        "unit.html",
        context={
            "actor": actor,
            "unit": unit,
            "leaders": sorted(person.name for person in unit.leaders),
            "form": form,
            "errors": errors or {},
            "saved": saved,
            "most_people": MAX_INTRODUCTIONS_A_WEEK,
            "most_hours": MAX_INTRO_HOURS,
        },
        status_code=status_code,
    )


@get("/units/{unit_id:int}", sync_to_thread=True)
def unit_page(
    db_session: DB, unit_id: FromPath[int], request: AnyRequest, saved: FromQuery[bool] = False
) -> Template:
    """Your unit: its address and leaders, and how many new people it can introduce."""
    actor = current_actor(request)
    unit = unit_to_introduce(db_session, actor, unit_id)
    return _page(actor, unit, IntroductionsForm.of(unit, language_of(request)), saved=saved)


@post("/units/{unit_id:int}/introductions", sync_to_thread=True, status_code=303)
def save_introductions(
    db_session: DB,
    unit_id: FromPath[int],
    data: URLEncodedBody[IntroductionsForm],
    request: AnyRequest,
) -> Template | Redirect:
    """Save the unit's introductions; each wrong value is told next to its field."""
    actor = current_actor(request)
    unit_to_introduce(db_session, actor, unit_id)  # out of reach: 404 before any value
    language = language_of(request)
    try:
        _save(db_session, actor, unit_id, data)
    except InvalidInput as error:
        errors, status = sentences(language, error), 422
    except Conflict:
        errors, status = {"version": translate(language, STALE)}, 409
    else:
        return Redirect(f"/units/{unit_id}?saved=true#introductions", status_code=303)
    db_session.rollback()
    unit = unit_to_introduce(db_session, actor, unit_id)
    return _page(actor, unit, data, errors, status_code=status)


def _save(session: Session, actor: Actor, unit_id: int, form: IntroductionsForm) -> None:
    """Read the typed numbers and save them; every wrong field is refused at once. A field
    that cannot be read goes to the service as left empty, so the service still checks the
    other; the caller rolls back what a refusal leaves."""
    problems = Problems()
    capacity = problems.check(whole, "intro_capacity", form.intro_capacity, required=False)
    hours = problems.check(typed_number, "intro_hours", form.intro_hours or "0")
    version = int(form.version) if form.version.isdigit() else 0
    problems.check(
        set_introductions,
        session,
        actor,
        unit_id,
        version,
        intro_capacity=capacity,
        intro_hours=hours if hours is not None else 0.0,
    )
    problems.refuse()


ROUTES = [unit_page, save_introductions]
