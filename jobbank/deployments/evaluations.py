"""A deployment's evaluation at its end: the lent person says whether they would go again,
the receiving unit's leader whether they would take the person again; both score how it went
and tick what helped and what was missing from short lists.

Who writes and reads which side (anyone outside the deployment's reach gets `NotFound`):

- the staff side is written and read by the lent person only, and read by HR;
- the receiving side is written and read by the leaders of the receiving unit, and read by HR;
- the home unit's leader reads neither: the person's answer is their own voice, given more
  freely when their line manager does not read it; the impact report shows every unit its
  evaluations in sum (`jobbank.report.evaluations`).

A side may be written once the deployment's last planned week has begun, or once a change to
the plan ended it (`planned_weeks` is then empty; the row stays). Writing again replaces the
side's one row (optimistic locking by `version`). The audit entry holds everything but the
comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import annotated_types
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, check_version
from jobbank.core.texts import Comment
from jobbank.db.models import AllocationRound, Deployment, Evaluation, EvaluationSide, RoundStatus
from jobbank.deployments.reach import Side, deployment_in_reach, sides_of
from jobbank.deployments.records import planned_weeks, planned_weeks_of
from solver.bounds import Version

NOT_YET_OPEN = "evaluation_not_yet_open"
"""The 409's code when a side is written before the deployment's last planned week began."""
PROMPT_WEEKS = 26
"""Deployments of rounds that started longer ago than this are no longer prompted for."""
PROMPT_MOST = 20
"""The front page prompts for at most this many evaluations at once."""


class Helped(StrEnum):
    """What helped the deployment go well."""

    INTRODUCTION = "introduction"
    CLEAR_TASKS = "clear_tasks"
    CONTACT_PERSON = "contact_person"
    TEAM_WELCOME = "team_welcome"
    HOME_TASKS_PAUSED = "home_tasks_paused"


class Missing(StrEnum):
    """What was missing."""

    INTRODUCTION = "introduction"
    CLEAR_TASKS = "clear_tasks"
    EQUIPMENT = "equipment"
    TIME_FOR_HOME_TASKS = "time_for_home_tasks"
    FEEDBACK = "feedback"


E = TypeVar("E", Helped, Missing)

Score = Annotated[int, annotated_types.Interval(ge=1, le=5)]
"""How it went overall: 1 badly … 5 very well."""


def _in_list_order(codes: list[E]) -> list[E]:
    """Each code once, in the order of its list (a code ticked twice counts once)."""
    return sorted(set(codes), key=lambda code: list(type(code).__members__).index(code.name))


class EvaluationAnswer(BaseModel):
    """What one side writes; the same shape for the API's body and the page's form."""

    model_config = ConfigDict(extra="forbid")

    again: bool = Field(
        description="Staff: would you go again? Receiving leader: would you take this person again?"
    )
    score: Score = Field(description="How it went overall: 1 badly … 5 very well.")
    helped: Annotated[list[Helped], AfterValidator(_in_list_order)] = Field(
        default_factory=list, max_length=len(Helped), description="What helped (codes)."
    )
    missing: Annotated[list[Missing], AfterValidator(_in_list_order)] = Field(
        default_factory=list, max_length=len(Missing), description="What was missing (codes)."
    )
    comment: Comment = Field("", description="A short comment, at most 2000 characters.")
    version: Version | None = Field(
        None,
        description="The version of the side's evaluation you saw, to replace it; 409 if stale.",
    )


WRITERS: dict[EvaluationSide, Side] = {
    EvaluationSide.STAFF: Side.PERSON,
    EvaluationSide.RECEIVING: Side.RECEIVING_LEADER,
}
"""The one part in a deployment that writes each side."""


def readable_sides(sides: frozenset[Side]) -> frozenset[EvaluationSide]:
    """The evaluation sides someone playing `sides` in a deployment reads."""
    if Side.HR in sides:
        return frozenset(EvaluationSide)
    return frozenset(side for side, writer in WRITERS.items() if writer in sides)


def opens_on(session: Session, deployment: Deployment) -> dt.date | None:
    """The Monday of the deployment's last planned week, from which it may be evaluated; None
    once a change to the plan ended it (it may be evaluated at once)."""
    weeks = planned_weeks(session, deployment)
    return weeks[-1].week if weeks else None


def is_open(opens: dt.date | None, today: dt.date) -> bool:
    return opens is None or opens <= today


@dataclass(frozen=True)
class EvaluationsView:
    """A deployment's evaluations as one caller sees them."""

    deployment: Deployment
    evaluations: list[Evaluation]
    """The sides the caller reads that have been written."""
    writable: frozenset[EvaluationSide]
    """The sides the caller writes (whether or not open yet)."""
    opens_on: dt.date | None
    open: bool


def evaluations_of(
    session: Session, actor: Actor, deployment_id: int, *, today: dt.date | None = None
) -> EvaluationsView:
    """The evaluations of a deployment in the caller's reach that the caller may read."""
    deployment = deployment_in_reach(session, actor, deployment_id)
    sides = sides_of(actor, deployment)
    readable = readable_sides(sides)
    rows = sorted(
        session.scalars(select(Evaluation).where(Evaluation.deployment_id == deployment.id)),
        key=lambda row: list(EvaluationSide).index(row.side),
    )
    opens = opens_on(session, deployment)
    return EvaluationsView(
        deployment=deployment,
        evaluations=[row for row in rows if row.side in readable],
        writable=frozenset(side for side, writer in WRITERS.items() if writer in sides),
        opens_on=opens,
        open=is_open(opens, today or dt.date.today()),
    )


AUDITED = ("deployment_id", "side", "again", "score", "helped", "missing")
"""An evaluation's fields in its audit entry: everything but the comment."""


def write_evaluation(
    session: Session,
    actor: Actor,
    deployment_id: int,
    side: EvaluationSide,
    answer: EvaluationAnswer,
    *,
    today: dt.date | None = None,
) -> Evaluation:
    """Write (or replace) one side's evaluation of a deployment, if the caller writes that
    side and the deployment's last planned week has begun (or the plan ended it)."""
    deployment = deployment_in_reach(
        session, actor, deployment_id, sides=frozenset({WRITERS[side]})
    )
    opens = opens_on(session, deployment)
    if not is_open(opens, today or dt.date.today()):
        assert opens is not None
        raise Conflict(
            f"deployment {deployment_id}: can be evaluated from {opens.isoformat()}, "
            "when its last planned week begins",
            code=NOT_YET_OPEN,
            params={"opens": opens.isoformat()},
        )
    evaluation = session.scalar(
        select(Evaluation).where(Evaluation.deployment_id == deployment.id, Evaluation.side == side)
    )
    before = None
    if evaluation is None:
        evaluation = Evaluation(deployment_id=deployment.id, side=side)
        session.add(evaluation)
    else:
        check_version(
            f"deployment {deployment_id}: {side} evaluation", evaluation.version, answer.version
        )
        before = audit.fields_of(evaluation, AUDITED)
    evaluation.again = answer.again
    evaluation.score = answer.score
    evaluation.helped = [str(code) for code in answer.helped]
    evaluation.missing = [str(code) for code in answer.missing]
    evaluation.comment = answer.comment
    evaluation.written_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="evaluate",
        entity="evaluation",
        entity_id=evaluation.id,
        before=before,
        after=audit.fields_of(evaluation, AUDITED),
    )
    return evaluation


@dataclass(frozen=True)
class AwaitedEvaluation:
    """A deployment the caller has yet to evaluate, and as which side."""

    deployment: Deployment
    side: EvaluationSide


def awaited_evaluations(
    session: Session, actor: Actor, *, today: dt.date | None = None
) -> list[AwaitedEvaluation]:
    """The caller's own deployments and those at the units they lead that are open for
    evaluation and that the caller's side has not evaluated yet, oldest round first."""
    today = today or dt.date.today()
    awaited = []
    for side in EvaluationSide:
        mine = _written_by(actor, side)
        if mine is None:
            continue
        candidates = session.scalars(
            select(Deployment)
            .join(AllocationRound, AllocationRound.id == Deployment.round_id)
            .outerjoin(
                Evaluation,
                and_(Evaluation.deployment_id == Deployment.id, Evaluation.side == side),
            )
            .where(
                mine,
                Evaluation.id.is_(None),
                AllocationRound.status == RoundStatus.PUBLISHED,
                AllocationRound.start <= today,
                AllocationRound.start >= today - dt.timedelta(weeks=PROMPT_WEEKS),
            )
            .order_by(AllocationRound.start, Deployment.id)
        ).all()
        weeks = planned_weeks_of(session, list(candidates))
        awaited += [
            AwaitedEvaluation(d, side)
            for d in candidates
            if is_open(weeks[d.id][-1].week if weeks[d.id] else None, today)
        ]
    return awaited[:PROMPT_MOST]


def _written_by(actor: Actor, side: EvaluationSide) -> Any:
    """SQL for the deployments whose `side` the caller writes, or None for none."""
    if side is EvaluationSide.STAFF:
        return Deployment.person_id == actor.person_id if actor.person_id is not None else None
    if actor.is_leader:
        return Deployment.unit_id.in_(actor.led_unit_ids)
    return None
