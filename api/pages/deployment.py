"""A deployment's own pages: the hub (`/deployment/{id}`) with where and when, whom to ask,
the person's answer (confirm or decline, for the person) and links to the sections each
reader may use; and "why me" (`/why`), written for an anxious employee on a phone.

The answer form posts to the very service the API calls; a refusal shows the hub again with
the sentence beside the field (422) or above the form (409), nothing written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

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
from jobbank.db.models import DeclineReason, DeploymentAnswer
from jobbank.deployments import answers
from jobbank.deployments.reach import Side
from jobbank.deployments.views import DeploymentView, deployment_view
from jobbank.deployments.why import why_chosen

PAGE = "/deployment"
REASONS = [reason.value for reason in DeclineReason]


class AnswerForm(BaseModel):
    """The answer as the form sends it, every field as typed."""

    answer: str = ""
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A link to one of the deployment's sections, for those who may use it."""

    path: str
    key: str


def sections(view: DeploymentView, today: dt.date) -> list[Section]:
    """The sections the reader may use: why (everyone who reads the deployment), pulse
    (the person), thread (the person and both leaders), hours (the person and the receiving
    leader), evaluation (the same two, once the last week has begun)."""
    sides = view.sides
    person, receiving = Side.PERSON in sides, Side.RECEIVING_LEADER in sides
    shown = [Section(f"{PAGE}/{view.id}/why", "why")]
    if person:
        shown.append(Section(f"{PAGE}/{view.id}/pulse", "pulse"))
    if sides & {Side.PERSON, Side.HOME_LEADER, Side.RECEIVING_LEADER}:
        shown.append(Section(f"{PAGE}/{view.id}/thread", "thread"))
    if person or receiving:
        shown.append(Section(f"{PAGE}/{view.id}/hours", "hours"))
        if view.last_week is not None and today >= view.last_week:
            shown.append(Section(f"{PAGE}/{view.id}/evaluation", "evaluation"))
    return shown


def may_answer(view: DeploymentView, today: dt.date) -> bool:
    """The person may answer while unanswered, or turn a confirmation into a decline until
    the first planned week begins."""
    if Side.PERSON not in view.sides or view.answer is DeploymentAnswer.DECLINED:
        return False
    return view.first_week is not None and (view.answer is None or today < view.first_week)


def _hub(
    session: Session,
    actor: Actor,
    deployment_id: int,
    *,
    form: AnswerForm | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Template:
    today = dt.date.today()
    view = deployment_view(session, actor, deployment_id)
    context: dict[str, Any] = {
        "actor": actor,
        "view": view,
        "deployment": view.deployment,
        "sections": sections(view, today),
        "may_answer": may_answer(view, today),
        "may_decline": may_answer(view, today) and today < (view.first_week or today),
        "is_person": Side.PERSON in view.sides,
        "reasons": REASONS,
        "form": form or AnswerForm(),
        "errors": errors or {},
        "problem": problem,
        "saved": saved,
    }
    return Template("deployment/hub.html", context=context, status_code=status)


@get(PAGE + "/{deployment_id:int}", sync_to_thread=True)
def hub_page(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[int],
    saved: FromQuery[str | None] = None,
) -> Response[bytes]:
    """One deployment: where, when, whom to ask, the answer, and the sections."""
    page = _hub(db_session, current_actor(request), deployment_id, saved=saved)
    return rendered(request, page)


@post(PAGE + "/{deployment_id:int}/answer", sync_to_thread=True, status_code=303)
def answer_page(
    db_session: DB,
    request: HTMXRequest,
    deployment_id: FromPath[int],
    data: URLEncodedBody[AnswerForm],
) -> Response[bytes] | Redirect:
    """The person's answer; a refusal shows the hub again with the form as typed."""
    actor = current_actor(request)
    language = language_of(request)
    try:
        given = _choice(DeploymentAnswer, "answer", data.answer)
        reason = _choice(DeclineReason, "reason", data.reason) if data.reason else None
        answers.answer(db_session, actor, deployment_id, given, reason, data.note)
    except InvalidInput as error:
        db_session.rollback()  # nothing half-written
        page = _hub(
            db_session,
            actor,
            deployment_id,
            form=data,
            errors=sentences(language, error),
            status=422,
        )
        return rendered(request, page)
    except Conflict as error:
        db_session.rollback()
        page = _hub(
            db_session,
            actor,
            deployment_id,
            form=data,
            problem=sentence(language, error),
            status=409,
        )
        return rendered(request, page)
    return Redirect(f"{PAGE}/{deployment_id}?saved={given.value}", status_code=303)


E = TypeVar("E", DeploymentAnswer, DeclineReason)


def _choice(kind: type[E], field: str, text: str) -> E:
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput(
            field, f"choose one of the list, got {text!r}", code="not_chosen"
        ) from None


@get(PAGE + "/{deployment_id:int}/why", sync_to_thread=True)
def why_page(db_session: DB, request: HTMXRequest, deployment_id: FromPath[int]) -> Response[bytes]:
    """Why the person was chosen, in plain words."""
    actor = current_actor(request)
    view = deployment_view(db_session, actor, deployment_id)
    why = why_chosen(db_session, actor, deployment_id)
    page = Template(
        "deployment/why.html",
        context={"actor": actor, "view": view, "why": why, "is_person": Side.PERSON in view.sides},
    )
    return rendered(request, page)


ROUTES = [hub_page, answer_page, why_page]
