"""Telling a deployment's thread's other parties of a new message in it: the lent person and
the leaders of both units, but not its author.

Each recipient gets one message per thread message, in their own language, with the unit, the
author's name, the message and where to answer it. Nothing else of the deployment is told:
never an event's reason (absence reasons stay HR's), never the risk-group flag.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from jobbank.db.models import Deployment, DeploymentMessage, MessageKind, Person
from jobbank.notifications.writing import add_message


def thread_path(deployment_id: int) -> str:
    """Where a deployment's thread is read and answered in Jobbank."""
    return f"/deployment/{deployment_id}/thread"


def tell_thread_message(
    session: Session,
    deployment: Deployment,
    message: DeploymentMessage,
    author: Person,
    recipients: Sequence[Person],
) -> int:
    """One outbox message to each of `recipients` about `message`; returns how many were
    written (telling the same message twice writes none)."""
    return sum(
        add_message(
            session,
            recipient,
            MessageKind.THREAD_MESSAGE,
            f"thread:{deployment.id}:message:{message.id}:to:{recipient.id}",
            lent=deployment.person,
            unit=deployment.unit,
            author=author,
            body=message.body,
            link=thread_path(deployment.id),
        )
        for recipient in recipients
    )
