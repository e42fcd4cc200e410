"""What earlier evaluations wish for later rounds: the units each person rated well, and the
people each unit would take again. A round's snapshot gives them to the solver as soft
preferences (`Staff.rated_units`, `Unit.welcome_back`), which never cost coverage.

Only evaluations of published rounds that started before the new round count; where a pair
(person, unit) was evaluated in several rounds, the latest round's answer stands, so a
"not again" after a good first time takes the wish back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db.models import (
    AllocationRound,
    Deployment,
    Evaluation,
    EvaluationSide,
    Person,
    RoundStatus,
    Unit,
)

WELL = 4
"""The least score with `again` that counts as the person rating a unit well."""


@dataclass(frozen=True)
class Wishes:
    """By employee number and unit code, as the round's snapshot names them."""

    rated_units: dict[str, set[str]] = field(default_factory=dict)
    """Per person, the units they would go to again and scored at least `WELL`."""
    welcome_back: dict[str, set[str]] = field(default_factory=dict)
    """Per unit, the people its leader would take again."""


def wishes_before(session: Session, start: dt.date) -> Wishes:
    """The wishes of the evaluations of published rounds that started before `start`."""
    rows = session.execute(
        select(Person.employee_no, Unit.code, Evaluation.side, Evaluation.again, Evaluation.score)
        .join(Deployment, Deployment.id == Evaluation.deployment_id)
        .join(AllocationRound, AllocationRound.id == Deployment.round_id)
        .join(Person, Person.id == Deployment.person_id)
        .join(Unit, Unit.id == Deployment.unit_id)
        .where(AllocationRound.status == RoundStatus.PUBLISHED, AllocationRound.start < start)
        .order_by(AllocationRound.start, AllocationRound.id)
    ).tuples()
    latest: dict[tuple[str, str, EvaluationSide], bool] = {}
    for person, unit, side, again, score in rows:
        latest[person, unit, side] = again and (side is EvaluationSide.RECEIVING or score >= WELL)
    rated: dict[str, set[str]] = defaultdict(set)
    welcome: dict[str, set[str]] = defaultdict(set)
    for (person, unit, side), wished in latest.items():
        if wished and side is EvaluationSide.STAFF:
            rated[person].add(unit)
        elif wished:
            welcome[unit].add(person)
    return Wishes(rated_units=dict(rated), welcome_back=dict(welcome))
