"""A deployment's thread: the lent person and the leaders of both units write to each other.
Nobody else reaches it, HR included (404)."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Id, Paging
from api.paging import page_of
from jobbank.core.texts import Description
from jobbank.db.models import DeploymentMessage
from jobbank.deployments import threads


class AuthorOut(BaseModel):
    id: int
    name: str


class DeploymentMessageOut(BaseModel):
    """One message of a thread; `author` is null once its author's personal data is erased."""

    id: int
    deployment_id: int
    author: AuthorOut | None
    body: str
    created_at: dt.datetime

    @classmethod
    def of(cls, message: DeploymentMessage) -> DeploymentMessageOut:
        author = message.author
        return cls(
            id=message.id,
            deployment_id=message.deployment_id,
            author=AuthorOut(id=author.id, name=author.name) if author is not None else None,
            body=message.body,
            created_at=message.created_at,
        )


class NewMessage(BaseModel):
    body: Description = Field(
        description="The message (required). Do not write about health here: HR reads "
        "absence reasons elsewhere."
    )


class DeploymentMessageController(Controller):
    """The thread of one deployment, for its person and both units' leaders."""

    path = "/api/deployments/{deployment_id:int}/messages"
    tags = ("deployments",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_deployment_messages(
        self, db_session: DB, request: AnyRequest, paging: Paging, deployment_id: FromPath[Id]
    ) -> OffsetPagination[DeploymentMessageOut]:
        """The thread's messages, oldest first. Only the lent person and the leaders of their
        home unit and of the receiving unit reach it; to anyone else (HR too) it is 404."""
        rows, total = threads.list_messages(
            db_session, current_actor(request), deployment_id, paging
        )
        return page_of(rows, total, paging, DeploymentMessageOut.of)

    @post("/", sync_to_thread=True, status_code=201)
    def post_deployment_message(
        self,
        db_session: DB,
        request: AnyRequest,
        deployment_id: FromPath[Id],
        data: JSONBody[NewMessage],
    ) -> DeploymentMessageOut:
        """Write in the thread as yourself; each other party is told through the outbox, in
        their language. An empty body answers 422 (`required`), a body beyond 4000 characters
        422 (`too_long`), both naming `body`."""
        message = threads.post_message(db_session, current_actor(request), deployment_id, data.body)
        return DeploymentMessageOut.of(message)
