"""What a published round means for each person concerned: their deployments, changed since
the plan before, and the coverage of the receiving leaders' needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.assignments.records import Deployment, deployments_of
from jobbank.coverage import Coverage, round_coverage
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    MessageKind,
    Need,
    Person,
    RoundStatus,
    Unit,
)
from jobbank.notifications.writing import add_message
from solver.contract import parse_round_result

Plan = dict[tuple[int, dt.date], float]
"""One person's hours by (need id, week)."""


@dataclass(frozen=True)
class Change:
    """One week of one need whose hours differ from the plan people had: 0 is none."""

    week: dt.date
    unit: str
    before: float
    after: float


def announce_round(session: Session, rnd: AllocationRound) -> int:
    """Tell everyone concerned by a round just published: each lent person their assignments
    (or, if they differ from what the earlier published plan for these weeks said, what
    changed, also to people who lost all theirs), and each receiving unit's leaders who comes
    when. Returns how many new messages were written."""
    rows = _assignments(session, [rnd.id])
    now_plans = _plans(rows)
    before_rows = _earlier_plan(session, rnd)
    before_plans = _plans(before_rows)
    units = {row.need_id: row.need.unit for row in [*rows, *before_rows]}  # by need
    rows_of: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        rows_of[row.person_id].append(row)
    written = 0
    for person_id in sorted(now_plans.keys() | before_plans.keys()):
        person = session.get_one(Person, person_id)
        now, before = now_plans.get(person_id, {}), before_plans.get(person_id, {})
        deployments = deployments_of(rnd, rows_of[person_id])
        kind = MessageKind.ROUND_PUBLISHED
        changes: list[Change] = []
        if before and before != now:
            kind = MessageKind.ASSIGNMENT_CHANGED
            changes = _changes(before, now, units)
        written += add_message(
            session,
            person,
            kind,
            f"round:{rnd.id}:person:{person_id}",
            round=rnd,
            deployments=deployments,
            changes=changes,
        )
    return written + _tell_receiving_leaders(session, rnd, rows)


def _assignments(session: Session, round_ids: Sequence[int]) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.round_id.in_(round_ids))
            .order_by(Assignment.week, Assignment.need_id, Assignment.person_id)
        )
    )


def _plans(rows: Iterable[Assignment]) -> dict[int, Plan]:
    plans: dict[int, Plan] = defaultdict(dict)
    for row in rows:
        plans[row.person_id][(row.need_id, row.week)] = row.hours
    return plans


def _earlier_plan(session: Session, rnd: AllocationRound) -> list[Assignment]:
    """What people were told for this round's weeks: each week as the latest other published
    round that covers it planned it."""
    others = session.scalars(
        select(AllocationRound)
        .where(
            AllocationRound.status == RoundStatus.PUBLISHED,
            AllocationRound.id != rnd.id,
            AllocationRound.start <= rnd.end,
        )
        .order_by(AllocationRound.published_at, AllocationRound.id)
    ).all()
    covering: dict[dt.date, int] = {}
    for other in others:
        for offset in range(other.weeks):
            week = other.start + dt.timedelta(weeks=offset)
            if rnd.start <= week <= rnd.end:
                covering[week] = other.id
    rows = _assignments(session, sorted(set(covering.values())))
    return [row for row in rows if covering.get(row.week) == row.round_id]


def _changes(before: Plan, now: Plan, units: dict[int, Unit]) -> list[Change]:
    """The weeks whose hours differ; `units` holds each need's unit, by need id."""
    changes = [
        Change(week, units[need_id].name, before.get((need_id, week), 0.0), hours)
        for (need_id, week), hours in (dict.fromkeys(before, 0.0) | now).items()
        if before.get((need_id, week), 0.0) != hours
    ]
    return sorted(changes, key=lambda change: (change.week, change.unit))


def _tell_receiving_leaders(
    session: Session, rnd: AllocationRound, rows: Sequence[Assignment]
) -> int:
    """One message per leader of a unit with a need in the round: who comes to each of their
    units, when, and how much of each need the plan covers (and which weeks stay open), so a
    leader whose need got nobody learns it too."""
    by_leader: dict[int, list[Deployment]] = defaultdict(list)
    covered_of: dict[int, list[NeedCoverage]] = defaultdict(list)
    leaders: dict[int, Person] = {}
    needs = {row.need_id: row.need for row in rows}
    for deployment in deployments_of(rnd, rows):
        for leader in needs[deployment.need.id].unit.leaders:
            leaders[leader.id] = leader
            by_leader[leader.id].append(deployment)
    for line in _coverage_of_round(session, rnd):
        for leader in line.need.unit.leaders:
            leaders[leader.id] = leader
            covered_of[leader.id].append(line)
    written = 0
    for leader_id, leader in sorted(leaders.items()):
        arrivals = sorted(
            by_leader[leader_id], key=lambda d: (d.need.unit.name, d.weeks[0][0], d.person.name)
        )
        written += add_message(
            session,
            leader,
            MessageKind.ROUND_PUBLISHED,
            f"round:{rnd.id}:leader:{leader_id}",
            template="round_published_leader",
            round=rnd,
            arrivals=arrivals,
            coverage=covered_of[leader_id],
        )
    return written


@dataclass(frozen=True)
class NeedCoverage:
    """A need of the round and what the plan gives it."""

    need: Need
    coverage: Coverage


def _coverage_of_round(session: Session, rnd: AllocationRound) -> list[NeedCoverage]:
    """Each need the round planned, by unit and need."""
    if rnd.result is None:
        return []
    found = round_coverage(rnd, parse_round_result(rnd.result))
    rows = session.scalars(select(Need).where(Need.ref.in_(found))).all()
    lines = [NeedCoverage(need, found[need.ref]) for need in rows]
    return sorted(lines, key=lambda line: (line.need.unit.name, line.need.ref))
