"""What people said about their deployments — a decline's note, pulse comments, thread
messages, evaluations — in a person's export, erasure and retention.

The numbers stay (answers, scores, hours worked, again-or-not: they are what the impact report
counts, and they name nobody once the person is a pseudonym); the words go, because people
write about themselves and each other in them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from jobbank.db.models import (
    Deployment,
    DeploymentMessage,
    Evaluation,
    PulseAnswer,
    WorkedWeek,
)


class OwnPulse(BaseModel):
    week: dt.date
    meaningful: int
    pressed: int
    comment: str
    named: bool


class OwnThreadMessage(BaseModel):
    """A message they wrote in the deployment's thread (others' messages are theirs)."""

    body: str
    written_at: dt.datetime


class OwnWorkedWeek(BaseModel):
    week: dt.date
    hours: float
    confirmed: bool


class OwnEvaluation(BaseModel):
    """Both sides' evaluations: the receiving leader's is about them."""

    side: str
    again: bool
    score: int
    helped: list[str]
    missing: list[str]
    comment: str


class OwnDeployment(BaseModel):
    """A deployment of the person: their answer, and what was said and worked in it."""

    round_id: int
    unit: str
    answer: str | None
    answered_at: dt.datetime | None
    decline_reason: str | None
    decline_note: str
    pulse: list[OwnPulse]
    messages_written: list[OwnThreadMessage]
    worked: list[OwnWorkedWeek]
    evaluations: list[OwnEvaluation]


def own_deployments(session: Session, person_id: int) -> list[OwnDeployment]:
    """The person's deployments with what was said and worked in them, oldest first."""
    deployments = session.scalars(
        select(Deployment).where(Deployment.person_id == person_id).order_by(Deployment.id)
    ).all()
    return [_own(session, deployment) for deployment in deployments]


def _own(session: Session, deployment: Deployment) -> OwnDeployment:
    of = Deployment.id == deployment.id
    pulse = _rows(session, PulseAnswer, of, PulseAnswer.week)
    written = _rows(
        session,
        DeploymentMessage,
        of & (DeploymentMessage.author_id == deployment.person_id),
        DeploymentMessage.id,
    )
    worked = _rows(session, WorkedWeek, of, WorkedWeek.week)
    evaluations = _rows(session, Evaluation, of, Evaluation.side)
    return OwnDeployment(
        round_id=deployment.round_id,
        unit=deployment.unit.code,
        answer=deployment.answer.value if deployment.answer else None,
        answered_at=deployment.answered_at,
        decline_reason=deployment.decline_reason.value if deployment.decline_reason else None,
        decline_note=deployment.decline_note,
        pulse=[
            OwnPulse(
                week=p.week,
                meaningful=p.meaningful,
                pressed=p.pressed,
                comment=p.comment,
                named=p.named,
            )
            for p in pulse
        ],
        messages_written=[OwnThreadMessage(body=m.body, written_at=m.created_at) for m in written],
        worked=[
            OwnWorkedWeek(week=w.week, hours=w.hours, confirmed=w.confirmed_at is not None)
            for w in worked
        ],
        evaluations=[
            OwnEvaluation(
                side=e.side.value,
                again=e.again,
                score=e.score,
                helped=list(e.helped),
                missing=list(e.missing),
                comment=e.comment,
            )
            for e in evaluations
        ],
    )


def _rows(session: Session, model: Any, where: Any, order: Any) -> Sequence[Any]:
    """Rows of a table that belongs to a deployment (`where` speaks of `Deployment`)."""
    return session.scalars(
        select(model)
        .join(Deployment, Deployment.id == model.deployment_id)
        .where(where)
        .order_by(order)
    ).all()


@dataclass(frozen=True)
class Forgotten:
    """What forgetting people's words changed, by count."""

    notes: int = 0
    comments: int = 0
    messages_deleted: int = 0

    def __bool__(self) -> bool:
        return bool(self.notes or self.comments or self.messages_deleted)

    def audit_fields(self) -> dict[str, int]:
        return {
            "decline_notes": self.notes,
            "comments": self.comments,
            "thread_messages_deleted": self.messages_deleted,
        }


def forget_person_words(
    session: Session, person_id: int, texts: Sequence[str], replace: Callable[[Any], Any]
) -> Forgotten:
    """Erasure: the person's decline notes and pulse comments are blanked, the messages they
    wrote deleted, and the evaluations of their deployments lose their comments (the receiving
    leader's is about them); any other comment or message that names them names the
    pseudonym."""
    theirs = select(Deployment.id).where(Deployment.person_id == person_id)
    notes = _blank(session, Deployment, Deployment.id.in_(theirs), "decline_note")
    comments = _blank(session, PulseAnswer, PulseAnswer.deployment_id.in_(theirs), "comment")
    comments += _blank(session, Evaluation, Evaluation.deployment_id.in_(theirs), "comment")
    deleted = _delete(session, DeploymentMessage.author_id == person_id)
    for model, column in (
        (DeploymentMessage, "body"),
        (PulseAnswer, "comment"),
        (Evaluation, "comment"),
        (Deployment, "decline_note"),
    ):
        naming = [getattr(model, column).contains(text) for text in texts if text]
        if naming:
            for row in session.scalars(select(model).where(or_(*naming))):
                setattr(row, column, replace(getattr(row, column)))
    return Forgotten(notes=notes, comments=comments, messages_deleted=deleted)


def forget_round_words(session: Session, round_ids: Sequence[int], *, dry_run: bool) -> Forgotten:
    """Retention of ended rounds: their deployments' notes and comments are blanked and their
    threads deleted; answers, scores and hours stay. With `dry_run`, only counted."""
    if not round_ids:
        return Forgotten()
    of_rounds = select(Deployment.id).where(Deployment.round_id.in_(round_ids))
    kept = (
        (Deployment, Deployment.id.in_(of_rounds), "decline_note"),
        (PulseAnswer, PulseAnswer.deployment_id.in_(of_rounds), "comment"),
        (Evaluation, Evaluation.deployment_id.in_(of_rounds), "comment"),
    )
    counts = [
        _count(session, model, where & (getattr(model, column) != ""))
        if dry_run
        else _blank(session, model, where, column)
        for model, where, column in kept
    ]
    threads = DeploymentMessage.deployment_id.in_(of_rounds)
    deleted = _count(session, DeploymentMessage, threads) if dry_run else _delete(session, threads)
    return Forgotten(notes=counts[0], comments=counts[1] + counts[2], messages_deleted=deleted)


def _blank(session: Session, model: Any, where: Any, column: str) -> int:
    """Blank `column` of the rows that match and still say something; how many."""
    rows = session.scalars(select(model).where(where, getattr(model, column) != "")).all()
    for row in rows:
        setattr(row, column, "")
    return len(rows)


def _count(session: Session, model: Any, where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(where)) or 0


def _delete(session: Session, where: Any) -> int:
    count = _count(session, DeploymentMessage, where)
    session.execute(delete(DeploymentMessage).where(where))
    return count
