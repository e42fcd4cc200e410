"""The evaluations in sum: per published round (over time) and per receiving unit, for each
side, how many were written, the share that would go (take the person) again, the mean score,
and what helped and what was missing most often. Counts only, never a comment or a name: the
report shows HR how the deployments went without reading anyone's own words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput
from jobbank.db.models import (
    AllocationRound,
    Deployment,
    Evaluation,
    EvaluationSide,
    RoundStatus,
    Unit,
)
from jobbank.rounds.status import require_hr

MOST_NAMED = 3
"""How many of the most named codes each summary lists."""


class CodeCount(BaseModel):
    code: str
    count: int


class SideSummary(BaseModel):
    """One side's evaluations in sum."""

    count: int = 0
    again_share: float | None = Field(
        None, description="Share (0–1) that would go again / take the person again; null if none."
    )
    mean_score: float | None = Field(None, description="Mean score 1–5; null if none.")
    helped: list[CodeCount] = Field(default_factory=list, description="The most named, most first.")
    missing: list[CodeCount] = Field(
        default_factory=list, description="The most named, most first."
    )


class RoundEvaluations(BaseModel):
    round_id: int
    name: str
    start: dt.date
    staff: SideSummary
    receiving: SideSummary


class UnitEvaluations(BaseModel):
    """The evaluations of deployments to one receiving unit."""

    unit_id: int
    code: str
    name: str
    staff: SideSummary
    receiving: SideSummary


class EvaluationReport(BaseModel):
    start: dt.date | None
    end: dt.date | None
    rounds: list[RoundEvaluations]
    """Published rounds in date order (those with no evaluation too)."""
    units: list[UnitEvaluations]
    """Receiving units with at least one evaluation, by name."""


def evaluation_report(
    session: Session, actor: Actor, *, start: dt.date | None = None, end: dt.date | None = None
) -> EvaluationReport:
    """The evaluations of the published rounds whose weeks meet [`start`, `end`], for HR."""
    require_hr(actor)
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            "end",
            f"{end.isoformat()} is before the start {start.isoformat()}",
            code="ends_before_start",
        )
    query = select(AllocationRound).where(AllocationRound.status == RoundStatus.PUBLISHED)
    if end is not None:
        query = query.where(AllocationRound.start <= end)
    rounds = [
        rnd
        for rnd in session.scalars(query.order_by(AllocationRound.start, AllocationRound.id))
        if start is None or rnd.end + dt.timedelta(days=6) >= start
    ]
    rows = session.execute(
        select(Deployment.round_id, Deployment.unit_id, Evaluation)
        .join(Evaluation, Evaluation.deployment_id == Deployment.id)
        .where(Deployment.round_id.in_([rnd.id for rnd in rounds]))
    ).tuples()
    by_round: dict[tuple[int, EvaluationSide], list[Evaluation]] = defaultdict(list)
    by_unit: dict[tuple[int, EvaluationSide], list[Evaluation]] = defaultdict(list)
    for round_id, unit_id, evaluation in rows:
        by_round[round_id, evaluation.side].append(evaluation)
        by_unit[unit_id, evaluation.side].append(evaluation)
    units = session.scalars(
        select(Unit).where(Unit.id.in_({unit_id for unit_id, _ in by_unit})).order_by(Unit.name)
    ).all()
    return EvaluationReport(
        start=start,
        end=end,
        rounds=[
            RoundEvaluations(
                round_id=rnd.id,
                name=rnd.name,
                start=rnd.start,
                staff=summary(by_round[rnd.id, EvaluationSide.STAFF]),
                receiving=summary(by_round[rnd.id, EvaluationSide.RECEIVING]),
            )
            for rnd in rounds
        ],
        units=[
            UnitEvaluations(
                unit_id=unit.id,
                code=unit.code,
                name=unit.name,
                staff=summary(by_unit[unit.id, EvaluationSide.STAFF]),
                receiving=summary(by_unit[unit.id, EvaluationSide.RECEIVING]),
            )
            for unit in units
        ],
    )


def summary(evaluations: list[Evaluation]) -> SideSummary:
    """One side's evaluations in sum."""
    if not evaluations:
        return SideSummary()
    count = len(evaluations)
    return SideSummary(
        count=count,
        again_share=sum(e.again for e in evaluations) / count,
        mean_score=sum(e.score for e in evaluations) / count,
        helped=_most_named(code for e in evaluations for code in e.helped),
        missing=_most_named(code for e in evaluations for code in e.missing),
    )


def _most_named(codes: Iterable[str]) -> list[CodeCount]:
    counted = sorted(Counter(codes).items(), key=lambda item: (-item[1], item[0]))
    return [CodeCount(code=code, count=count) for code, count in counted[:MOST_NAMED]]
