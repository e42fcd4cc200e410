"""A deployment's thread on the pages: the lent person and the leaders of both units read its
messages, oldest first, and write one. Nobody else reaches it, HR included (404)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from litestar import get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, AnyRequest
from api.pages.i18n import language_of
from api.pages.refusals import sentences
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput
from jobbank.db.models import DeploymentMessage
from jobbank.deployments import Side, threads
from jobbank.notifications.threads import thread_path

LOCAL_TIME = ZoneInfo("Europe/Copenhagen")
"""The municipality's time, in which every page tells the time of day."""


class ThreadForm(BaseModel):
    body: str = ""


@dataclass(frozen=True)
class MessageRow:
    """A message as the page shows it."""

    id: int
    author: str | None
    """None once its author's personal data is erased."""
    sides: frozenset[Side]
    """The parts its author plays in the deployment now (empty: no longer one of them)."""
    own: bool
    when: str
    at: str
    """The moment as ISO 8601, for the page's `<time datetime>`."""
    body: str


@get("/deployment/{deployment_id:int}/thread", sync_to_thread=True)
def thread_page(db_session: DB, request: AnyRequest, deployment_id: FromPath[int]) -> Template:
    """The thread of a deployment, with who takes part and a form to write in it."""
    return _page(db_session, request, current_actor(request), deployment_id)


@post("/deployment/{deployment_id:int}/thread", sync_to_thread=True, status_code=303)
def post_to_thread(
    db_session: DB,
    request: AnyRequest,
    deployment_id: FromPath[int],
    data: URLEncodedBody[ThreadForm],
) -> Template | Redirect:
    """Write a message; a refusal shows the thread again with the text as typed."""
    actor = current_actor(request)
    try:
        message = threads.post_message(db_session, actor, deployment_id, data.body)
    except InvalidInput as error:
        db_session.rollback()  # nothing half-written
        errors = sentences(language_of(request), error)
        return _page(db_session, request, actor, deployment_id, typed=data.body, errors=errors)
    return Redirect(f"{thread_path(deployment_id)}#message-{message.id}", status_code=303)


def _page(
    session: Session,
    request: AnyRequest,
    actor: Actor,
    deployment_id: int,
    *,
    typed: str = "",
    errors: dict[str, str] | None = None,
) -> Template:
    thread = threads.thread_of(session, actor, deployment_id)
    language = language_of(request)
    sides = {p.person.id: p.sides for p in thread.participants}
    return Template(
        "thread/thread.html",
        context={
            "actor": actor,
            "deployment": thread.deployment,
            "participants": thread.participants,
            "messages": [_row(m, sides, actor, language) for m in thread.messages],
            "typed": typed,
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


def _row(
    message: DeploymentMessage, sides: dict[int, frozenset[Side]], actor: Actor, language: str
) -> MessageRow:
    author = message.author
    return MessageRow(
        id=message.id,
        author=author.name if author is not None else None,
        sides=sides.get(author.id, frozenset()) if author is not None else frozenset(),
        own=author is not None and actor.is_person(author.id),
        when=format_datetime(
            message.created_at, format="medium", tzinfo=LOCAL_TIME, locale=language
        ),
        at=message.created_at.isoformat(),
        body=message.body,
    )


ROUTES = [thread_page, post_to_thread]
