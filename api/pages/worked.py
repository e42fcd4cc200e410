"""The worked hours of a deployment on the pages: each planned week with its planned hours and
the hours entered, by whom, and whether the receiving leader confirmed them. The lent person
enters their hours here (on a phone, mostly); the receiving leader enters or confirms them;
the home leader reads them. The forms post to the very services the API calls; a refusal
answers the page again with 422 and the sentence beside the week's field."""

from __future__ import annotations

import datetime as dt

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB
from api.pages.i18n import language_of
from api.pages.refusals import sentence, sentences
from api.pages.rendering import rendered
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.deployments import worked
from jobbank.deployments.worked import MAX_WORKED_HOURS, WORKED_MARGIN


def page_of(deployment_id: int) -> str:
    return f"/deployment/{deployment_id}/hours"


class HoursForm(BaseModel):
    hours: str = ""
    version: int | None = None


class ConfirmForm(BaseModel):
    version: int | None = None


@get("/deployment/{deployment_id:int}/hours", sync_to_thread=True)
def hours_page(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[int],
    saved: FromQuery[dt.date | None] = None,
) -> Response[bytes]:
    """The deployment's weeks with planned and worked hours, for the person, both leaders
    and HR."""
    actor = current_actor(request)
    return rendered(request, _page(db_session, actor, deployment_id, saved=saved))


@post("/deployment/{deployment_id:int}/hours/{week:date}", sync_to_thread=True, status_code=303)
def enter_hours(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[int],
    week: FromPath[dt.date],
    data: URLEncodedBody[HoursForm],
) -> Response[bytes] | Redirect:
    """Enter a week's hours; a refusal shows the page again with the hours as typed."""
    actor = current_actor(request)
    try:
        worked.enter_worked(
            db_session, actor, deployment_id, week, _hours(data.hours), version=data.version
        )
    except (InvalidInput, Conflict) as error:
        db_session.rollback()  # nothing half-written
        language = language_of(request)
        told = (
            sentences(language, error)
            if isinstance(error, InvalidInput)
            else {"hours": sentence(language, error)}
        )
        status = 422 if isinstance(error, InvalidInput) else 409
        again = _page(
            db_session, actor, deployment_id, refused=(week, data.hours, told), status=status
        )
        return rendered(request, again)
    return Redirect(f"{page_of(deployment_id)}?saved={week.isoformat()}", status_code=303)


@post(
    "/deployment/{deployment_id:int}/hours/{week:date}/confirm",
    sync_to_thread=True,
    status_code=303,
)
def confirm_hours(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[int],
    week: FromPath[dt.date],
    data: URLEncodedBody[ConfirmForm],
) -> Redirect:
    """Sign off a week's hours."""
    actor = current_actor(request)
    worked.confirm_worked(db_session, actor, deployment_id, week, version=data.version)
    return Redirect(f"{page_of(deployment_id)}?saved={week.isoformat()}", status_code=303)


def _hours(text: str) -> float:
    """The hours as typed (a decimal comma is fine), or `InvalidInput` naming `hours`."""
    if not text.strip():
        raise InvalidInput("hours", "is required", code="required")
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput("hours", f"{text!r} is not a number", code="not_a_number") from None


def _page(
    session: Session,
    actor: Actor,
    deployment_id: int,
    *,
    saved: dt.date | None = None,
    refused: tuple[dt.date, str, dict[str, str]] | None = None,
    status: int = 200,
) -> Template:
    hours = worked.deployment_hours(session, actor, deployment_id)
    week, typed, errors = refused or (None, "", {})
    return Template(
        "worked/hours.html",
        context={
            "actor": actor,
            "hours": hours,
            "deployment": hours.deployment,
            "saved": saved,
            "refused_week": week,
            "typed": typed,
            "errors": errors,
            "margin": WORKED_MARGIN,
            "most": MAX_WORKED_HOURS,
        },
        status_code=status,
    )


ROUTES = [hours_page, enter_hours, confirm_hours]
