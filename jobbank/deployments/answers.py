"""The lent person's answer to a new deployment: confirm it, or decline it with a reason.

Only the person answers. A confirmation is idempotent and may still be turned into a decline
until the deployment's first planned week begins; a decline is final, and after the first
week began a person who cannot come reports an absence or withdraws (`/plan-changes`). A
decline is also an event on the live plan (`EventKind.DECLINE`), written in the same
transaction, so that HR's next repair plans someone else for those weeks. The person's note
is read by HR alone: it is kept on the deployment and as the event's reason, never audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.texts import Comment, clean
from jobbank.core.weeks import monday_of
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    DeclineReason,
    Deployment,
    DeploymentAnswer,
    EventKind,
    Need,
    PlanEvent,
    RoundStatus,
)
from jobbank.deployments.reach import Side, deployment_in_reach
from jobbank.deployments.records import planned_weeks
from jobbank.deployments.views import DeploymentView, views_of
from jobbank.live_plan.events import recorded

ENTITY = "deployment"
PERSON_ONLY = frozenset({Side.PERSON})
DECLINED = "deployment_declined"
"""Code: a declined deployment cannot be confirmed."""
STARTED = "deployment_started"
"""Code: the first planned week began; report an absence or withdraw instead."""
ENDED = "deployment_ended"
"""Code: a change to the plan ended the deployment; there is nothing to decline."""


def confirm(session: Session, actor: Actor, deployment_id: int) -> Deployment:
    """The person confirms their deployment; confirming again changes nothing. A declined
    deployment stays declined (409)."""
    deployment = _own(session, actor, deployment_id)
    if deployment.answer is DeploymentAnswer.CONFIRMED:
        return deployment
    if deployment.answer is DeploymentAnswer.DECLINED:
        raise Conflict(
            f"deployment {deployment_id}: declined already; a decline cannot be confirmed",
            code=DECLINED,
        )
    deployment.answer = DeploymentAnswer.CONFIRMED
    deployment.answered_at = _now()
    session.flush()
    _audited(session, actor, deployment, "confirm")
    return deployment


def decline(
    session: Session,
    actor: Actor,
    deployment_id: int,
    reason: DeclineReason,
    note: str,
    *,
    today: dt.date | None = None,
) -> Deployment:
    """The person declines their deployment before its first planned week begins, with a
    reason from the list and their own words (HR alone reads them); the live plan gets a
    decline event for the repair. Declining again changes nothing."""
    note = clean("note", Comment, note)
    deployment = _own(session, actor, deployment_id)
    if deployment.answer is DeploymentAnswer.DECLINED:
        return deployment
    weeks = planned_weeks(session, deployment)
    if not weeks:
        raise Conflict(
            f"deployment {deployment_id}: a change to the plan ended it; nothing to decline",
            code=ENDED,
        )
    first = weeks[0].week
    if (today or dt.date.today()) >= first:
        raise Conflict(
            f"deployment {deployment_id}: its first week ({first.isoformat()}) has begun; "
            "report an absence or withdraw on /plan-changes instead",
            code=STARTED,
            params={"first_week": first.isoformat()},
        )
    event = _decline_event(session, actor, deployment, first, note)
    deployment.answer = DeploymentAnswer.DECLINED
    deployment.answered_at = _now()
    deployment.decline_reason = reason
    deployment.decline_note = note
    deployment.decline_event_id = event.id
    session.flush()
    _audited(session, actor, deployment, "decline")
    return deployment


def answer(
    session: Session,
    actor: Actor,
    deployment_id: int,
    given: DeploymentAnswer,
    reason: DeclineReason | None = None,
    note: str = "",
    *,
    today: dt.date | None = None,
) -> Deployment:
    """The person's answer as a form or the API sends it: a decline needs its reason."""
    if given is DeploymentAnswer.CONFIRMED:
        return confirm(session, actor, deployment_id)
    if reason is None:
        deployment_in_reach(session, actor, deployment_id, sides=PERSON_ONLY)  # 404 first
        raise InvalidInput("reason", "choose why you decline", code="not_chosen")
    return decline(session, actor, deployment_id, reason, note, today=today)


WITHIN_DAYS = 7
"""HR's default look ahead for deployments still unanswered."""
MOST_DAYS = 60


def unconfirmed(
    session: Session, actor: Actor, within_days: int = WITHIN_DAYS, *, today: dt.date | None = None
) -> list[DeploymentView]:
    """HR: the deployments nobody has answered whose first planned week is this week or
    starts within `within_days` days (1–60), soonest first."""
    actor.require(actor.is_hr, "unconfirmed deployments")
    check_range("within_days", within_days, 1, MOST_DAYS)
    today = today or dt.date.today()
    found = unanswered_starting(session, monday_of(today), today + dt.timedelta(days=within_days))
    return views_of(session, actor, found)


def unanswered_starting(session: Session, first: dt.date, last: dt.date) -> list[Deployment]:
    """Unanswered deployments of published rounds whose first planned Monday lies within
    `first` … `last`, soonest first."""
    starts = (
        select(
            Assignment.round_id,
            Assignment.person_id,
            Need.unit_id,
            func.min(Assignment.week).label("first_week"),
        )
        .join(Need, Need.id == Assignment.need_id)
        .where(Assignment.hours > 0)
        .group_by(Assignment.round_id, Assignment.person_id, Need.unit_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Deployment)
            .join(
                starts,
                and_(
                    starts.c.round_id == Deployment.round_id,
                    starts.c.person_id == Deployment.person_id,
                    starts.c.unit_id == Deployment.unit_id,
                ),
            )
            .join(AllocationRound, AllocationRound.id == Deployment.round_id)
            .where(
                AllocationRound.status == RoundStatus.PUBLISHED,
                Deployment.answer.is_(None),
                starts.c.first_week >= first,
                starts.c.first_week <= last,
            )
            .order_by(starts.c.first_week, Deployment.id)
        ).all()
    )


def check_range(field: str, value: int, least: int, most: int) -> None:
    if not least <= value <= most:
        raise InvalidInput(
            field,
            f"must be {least}–{most}, got {value}",
            code="outside_range",
            params={"least": least, "most": most},
        )


def _own(session: Session, actor: Actor, deployment_id: int) -> Deployment:
    """The caller's own deployment, locked for their answer; 404 for anyone else."""
    deployment_in_reach(session, actor, deployment_id, sides=PERSON_ONLY)
    # `of`: PostgreSQL locks no row on the nullable side of the joined person and units.
    return session.get_one(
        Deployment,
        deployment_id,
        with_for_update={"of": Deployment},
        populate_existing=True,
    )


def _decline_event(
    session: Session, actor: Actor, deployment: Deployment, first: dt.date, note: str
) -> PlanEvent:
    """The event that tells the repair: the person is not to work at the unit from `first`
    on. It names the first need there the person is planned on."""
    need_id = session.scalars(
        select(Assignment.need_id)
        .join(Need, Need.id == Assignment.need_id)
        .where(
            Assignment.round_id == deployment.round_id,
            Assignment.person_id == deployment.person_id,
            Need.unit_id == deployment.unit_id,
            Assignment.hours > 0,
        )
        .order_by(Assignment.week, Assignment.need_id)
        .limit(1)
    ).one()
    return recorded(
        session,
        actor,
        PlanEvent(
            round_id=deployment.round_id,
            kind=EventKind.DECLINE,
            person_id=deployment.person_id,
            need_id=need_id,
            first_day=first,
            reason=note,
        ),
    )


def _audited(session: Session, actor: Actor, deployment: Deployment, action: str) -> None:
    """The answer, never the reason or the note (they may tell of health)."""
    audit.record(
        session,
        user_id=actor.user_id,
        action=action,
        entity=ENTITY,
        entity_id=deployment.id,
        after={
            "answer": deployment.answer.value if deployment.answer else None,
            "decline_event_id": deployment.decline_event_id,
        },
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


__all__ = [
    "DECLINED",
    "ENDED",
    "STARTED",
    "answer",
    "confirm",
    "decline",
    "unanswered_starting",
    "unconfirmed",
]
