"""Deployments: each (person, receiving unit) pair of a published plan, made when the plan is
published or a change to it brings a new pair, and the weeks and hours the plan gives it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.assignments import last_monday
from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, Assignment, Deployment, Need, RoundStatus


def open_deployments(session: Session, rnd: AllocationRound) -> list[Deployment]:
    """A deployment for each (person, receiving unit) pair `rnd`'s plan holds that has none
    yet; safe to call twice. A pair the plan later ends keeps its deployment (and history)."""
    pairs = session.execute(
        select(Assignment.person_id, Need.unit_id)
        .join(Need, Need.id == Assignment.need_id)
        .where(Assignment.round_id == rnd.id, Assignment.hours > 0)
        .group_by(Assignment.person_id, Need.unit_id)
        .order_by(func.min(Assignment.week), Assignment.person_id, Need.unit_id)
    ).all()
    known = set(
        session.execute(
            select(Deployment.person_id, Deployment.unit_id).where(Deployment.round_id == rnd.id)
        ).tuples()
    )
    made = [
        Deployment(round_id=rnd.id, person_id=person_id, unit_id=unit_id)
        for person_id, unit_id in pairs
        if (person_id, unit_id) not in known
    ]
    session.add_all(made)
    session.flush()
    return made


def deployments_of_person(
    session: Session,
    person_id: int | None,
    *,
    started_by: dt.date | None = None,
    running_from: dt.date | None = None,
) -> list[Deployment]:
    """A person's deployments in published rounds, newest round first; with `started_by`,
    only those of rounds begun by that day; with `running_from`, only those of rounds whose
    last week is that day's week or later (a front page does not grow with the years)."""
    if person_id is None:
        return []
    query = (
        select(Deployment)
        .join(AllocationRound, AllocationRound.id == Deployment.round_id)
        .where(AllocationRound.status == RoundStatus.PUBLISHED, Deployment.person_id == person_id)
        .order_by(AllocationRound.start.desc(), Deployment.id)
    )
    if started_by is not None:
        query = query.where(AllocationRound.start <= started_by)
    if running_from is not None:
        query = query.where(
            last_monday(AllocationRound.start, AllocationRound.weeks) >= monday_of(running_from)
        )
    return list(session.scalars(query).unique())


@dataclass(frozen=True)
class PlannedWeek:
    """The hours a deployment's plan gives one week (summed over the unit's needs)."""

    week: dt.date
    hours: float


def planned_weeks(session: Session, deployment: Deployment) -> list[PlannedWeek]:
    """The weeks the current plan lends the person to the unit, with hours, in order; empty
    once a change to the plan ended the deployment."""
    return planned_weeks_of(session, [deployment])[deployment.id]


def planned_weeks_of(
    session: Session, deployments: list[Deployment]
) -> dict[int, list[PlannedWeek]]:
    """`planned_weeks` of several deployments in one statement per round."""
    by_round: dict[int, list[Deployment]] = defaultdict(list)
    for deployment in deployments:
        by_round[deployment.round_id].append(deployment)
    weeks: dict[int, list[PlannedWeek]] = {d.id: [] for d in deployments}
    for round_id, group in by_round.items():
        ids = {(d.person_id, d.unit_id): d.id for d in group}
        rows = session.execute(
            select(Assignment.person_id, Need.unit_id, Assignment.week, func.sum(Assignment.hours))
            .join(Need, Need.id == Assignment.need_id)
            .where(
                Assignment.round_id == round_id,
                Assignment.person_id.in_({d.person_id for d in group}),
                Assignment.hours > 0,
            )
            .group_by(Assignment.person_id, Need.unit_id, Assignment.week)
            .order_by(Assignment.week)
        ).tuples()
        for person_id, unit_id, week, hours in rows:
            deployment_id = ids.get((person_id, unit_id))
            if deployment_id is not None:
                weeks[deployment_id].append(PlannedWeek(week, float(hours)))
    return weeks
