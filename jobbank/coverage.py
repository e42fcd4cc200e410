"""How much of each need a plan covers: hours covered of the hours wanted, and which weeks stay
open. One place for the round page, the leader's needs list and the message leaders get when a
round is published, so that they all tell the same figures.

A round's result holds both halves: its assignments (covered) and its unfilled need-weeks
(open), so wanted = covered + open for every need the round planned.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.weeks import week_starts
from jobbank.db.models import AllocationRound, Need, RoundStatus
from solver.contract import MAX_WEEKS, RoundResult, parse_round_result


@dataclass
class Coverage:
    """One need's hours in a plan; `open_weeks` are the Mondays of its weeks left open."""

    wanted_hours: float = 0.0
    covered_hours: float = 0.0
    open_weeks: dict[dt.date, float] = field(default_factory=dict)

    @property
    def open_hours(self) -> float:
        return self.wanted_hours - self.covered_hours

    @property
    def share(self) -> float:
        """Covered hours as a share of the wanted; 1.0 when none were wanted."""
        return self.covered_hours / self.wanted_hours if self.wanted_hours else 1.0


def round_coverage(
    rnd: AllocationRound, result: RoundResult, weeks: Collection[dt.date] | None = None
) -> dict[str, Coverage]:
    """Each need the round planned, by need ref; only `weeks` (Mondays) when given."""
    found: dict[str, Coverage] = defaultdict(Coverage)

    def counts(week: int) -> dt.date | None:
        monday = rnd.start + dt.timedelta(weeks=week)
        return monday if weeks is None or monday in weeks else None

    for planned in result.assignments:
        if counts(planned.week) is not None:
            found[planned.need].covered_hours += planned.hours
            found[planned.need].wanted_hours += planned.hours
    for unfilled in result.unfilled:
        monday = counts(unfilled.week)
        if monday is not None:
            need = found[unfilled.need]
            need.wanted_hours += unfilled.hours
            need.open_weeks[monday] = need.open_weeks.get(monday, 0.0) + unfilled.hours
    return dict(found)


def published_coverage(
    session: Session, need_refs: Collection[str], first: dt.date, last: dt.date
) -> dict[str, Coverage]:
    """What the published plans give each of these needs from week `first` to `last`: each
    week as the latest round published for it planned it (a later round replaces an earlier
    one's weeks). A need no published round planned is missing."""
    rounds = session.scalars(
        select(AllocationRound)
        .where(
            AllocationRound.status == RoundStatus.PUBLISHED,
            AllocationRound.start <= last,
            AllocationRound.start > first - dt.timedelta(weeks=MAX_WEEKS),
        )
        .order_by(AllocationRound.published_at, AllocationRound.id)
    ).all()
    latest: dict[dt.date, AllocationRound] = {}
    for rnd in rounds:
        for monday in week_starts(rnd.start, rnd.weeks):
            if first <= monday <= last:
                latest[monday] = rnd
    weeks_of: dict[int, set[dt.date]] = defaultdict(set)
    for monday, rnd in latest.items():
        weeks_of[rnd.id].add(monday)
    wanted = set(need_refs)
    total: dict[str, Coverage] = {}
    for rnd in rounds:
        if rnd.id in weeks_of and rnd.result is not None:
            parts = round_coverage(rnd, parse_round_result(rnd.result), weeks_of[rnd.id])
            _add(total, ((ref, part) for ref, part in parts.items() if ref in wanted))
    return total


def _add(total: dict[str, Coverage], parts: Iterable[tuple[str, Coverage]]) -> None:
    for ref, part in parts:
        need = total.setdefault(ref, Coverage())
        need.wanted_hours += part.wanted_hours
        need.covered_hours += part.covered_hours
        need.open_weeks.update(part.open_weeks)


def needs_coverage(session: Session, needs: Collection[Need]) -> dict[str, Coverage]:
    """`published_coverage` of these needs over all their weeks, by need ref."""
    if not needs:
        return {}
    first = min(need.first_week for need in needs)
    last = max(need.last_week for need in needs)
    return published_coverage(session, [need.ref for need in needs], first, last)
