"""Rule 10: a unit introduces at most `Unit.intro_capacity` new people a week.

A person is new to a unit in a week when they work there that week, never worked there in an
earlier published round (`Staff.past_units`) and did not work there earlier in this round.
Someone who comes back in week 3 after weeks 1 and 2 at the unit is no new face; someone who
first comes in week 3 is, and takes one of week 3's introductions.

The rule only removes plans, so the flow bound stays an upper bound. It ties weeks together
(week 2's newcomers depend on week 1's plan), while the weekly stages plan weeks apart; so
every model counts, beside its own rows, who works where outside it (`Presence`), and
`keep_introductions` cuts, week by week in order, any newcomer beyond a unit's limit that
plans made apart may still have left (never a pin).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from solver.index import IntArray, RoundIndex
from solver.model import Triples, group_rows

NO_LIMIT = -1
"""`RoundIndex.intro_capacity` of a unit that introduces as many people as it is given."""

UnitWeek = tuple[int, int]
"""(unit, week) positions."""


@dataclass(frozen=True)
class Presence:
    """Who works at which limited unit in which week: (unit, week) -> staff positions."""

    at: dict[UnitWeek, frozenset[int]] = field(default_factory=dict)

    @staticmethod
    def of(index: RoundIndex, triples: Triples, half_hours: IntArray) -> Presence:
        """Where the plan `half_hours` over `triples` puts people, at units with a limit."""
        units = index.need_unit[triples.need]
        used = np.flatnonzero((half_hours > 0) & (index.intro_capacity[units] != NO_LIMIT))
        at: dict[UnitWeek, set[int]] = defaultdict(set)
        for s, u, w in zip(
            triples.staff[used].tolist(),
            units[used].tolist(),
            triples.week[used].tolist(),
            strict=True,
        ):
            at[(u, w)].add(s)
        return Presence({k: frozenset(v) for k, v in at.items()})

    @staticmethod
    def of_plan(index: RoundIndex, plan: dict[tuple[int, int, int], int]) -> Presence | None:
        """Where a plan of (staff, need, week) -> half-hours puts people at units with a
        limit; none when no unit limits its introductions or the plan is empty."""
        if not limits_any(index) or not plan:
            return None
        keys = list(plan)
        return Presence.of(
            index, Triples.of(keys), np.array([plan[k] for k in keys], dtype=np.int64)
        )

    def without_weeks(self, weeks: set[int]) -> Presence:
        return Presence({k: v for k, v in self.at.items() if k[1] not in weeks})

    def joined(self, other: Presence) -> Presence:
        at = dict(self.at)
        for key, staff in other.at.items():
            at[key] = at.get(key, frozenset()) | staff
        return Presence(at)

    def first_weeks(self) -> dict[tuple[int, int], int]:
        """(staff, unit) -> the first week the person works at the unit."""
        first: dict[tuple[int, int], int] = {}
        for (u, w), staff in self.at.items():
            for s in staff:
                if first.get((s, u), w + 1) > w:
                    first[(s, u)] = w
        return first


@dataclass
class IntroRoom:
    """What rule 10 leaves a week being filled offer by offer: who is known to which unit
    before the week, and how many more newcomers each unit with a limit takes."""

    known: set[tuple[int, int]]
    left: dict[int, int]

    @staticmethod
    def for_week(index: RoundIndex, known: set[tuple[int, int]]) -> IntroRoom:
        limited = np.flatnonzero(index.intro_capacity != NO_LIMIT)
        return IntroRoom(known, {int(u): int(index.intro_capacity[u]) for u in limited})

    def admits(self, staff: int, unit: int) -> bool:
        """Whether the person may come to the unit this week (they are not there yet)."""
        return unit not in self.left or (staff, unit) in self.known or self.left[unit] > 0

    def take(self, staff: int, unit: int) -> None:
        """The person comes to the unit this week (they were not there yet)."""
        if unit in self.left and (staff, unit) not in self.known:
            self.left[unit] -= 1

    def copy(self) -> IntroRoom:
        return IntroRoom(self.known, dict(self.left))


def present_pairs(
    index: RoundIndex, triples: Triples, half_hours: IntArray
) -> set[tuple[int, int]]:
    """(staff, unit) pairs the plan puts together: who is known where after it."""
    used = half_hours > 0
    units = index.need_unit[triples.need[used]]
    return set(zip(triples.staff[used].tolist(), units.tolist(), strict=True))


def trades_coverage(index: RoundIndex) -> bool:
    """Whether the round lets the plan give up coverage for fewer introductions."""
    rules = index.round_input.rules
    return rules.coverage_trade > 0 and bool((index.intro_half_hours > 0).any())


def introduction_half_hours(index: RoundIndex, triples: Triples, half_hours: IntArray) -> int:
    """Half-hours receiving units spend introducing the people the plan brings them new
    (`Unit.intro_hours` per (person, unit) pair not known from an earlier round)."""
    pairs = present_pairs(index, triples, half_hours) - index.past_units
    return sum(int(index.intro_half_hours[u]) for _, u in pairs)


def limits_any(index: RoundIndex) -> bool:
    """Whether any unit of the round limits its introductions."""
    return bool((index.intro_capacity != NO_LIMIT).any())


def newcomers(index: RoundIndex, presence: Presence) -> dict[UnitWeek, set[int]]:
    """(unit, week) -> the people new to the unit that week in the plan `presence` shows."""
    first = presence.first_weeks()
    return {
        (u, w): {s for s in staff if first[(s, u)] == w and (s, u) not in index.past_units}
        for (u, w), staff in presence.at.items()
    }


def keep_introductions(
    index: RoundIndex, triples: Triples, half_hours: IntArray, pinned: set[int] | None = None
) -> IntArray:
    """The plan with, week by week in order, every newcomer beyond a unit's limit taken off
    the unit that week: pinned people stay, then those who cover the most weighted hours."""
    if not limits_any(index) or len(triples) == 0:
        return half_hours
    kept = half_hours.copy()
    pins = pinned or set()
    units = index.need_unit[triples.need]
    value = index.weight[triples.need] * kept
    known: set[tuple[int, int]] = set(index.past_units)
    for week in range(index.weeks):
        in_week = np.flatnonzero(
            (triples.week == week) & (kept > 0) & (index.intro_capacity[units] != NO_LIMIT)
        )
        rows: dict[tuple[int, int], list[int]] = defaultdict(list)
        for r in in_week.tolist():
            rows[(int(triples.staff[r]), int(units[r]))].append(r)
        by_unit: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for s, u in rows:
            if (s, u) not in known:
                by_unit[u].append((s, u))
        for u, new in by_unit.items():
            new.sort(key=lambda key: _rank(key, rows[key], pins, value, index))
            for key in new[max(int(index.intro_capacity[u]), _pinned_count(new, rows, pins)) :]:
                kept[rows[key]] = 0
        known |= {key for key in rows if kept[rows[key][0]] > 0}
    return kept


def _pinned_count(
    new: list[tuple[int, int]], rows: dict[tuple[int, int], list[int]], pins: set[int]
) -> int:
    return sum(1 for key in new if pins_in(rows[key], pins))


def _rank(
    key: tuple[int, int], rows: list[int], pins: set[int], value: IntArray, index: RoundIndex
) -> tuple[bool, int, str]:
    return (not pins_in(rows, pins), -int(value[rows].sum()), index.staff_ids[key[0]])


def introduction_prices(index: RoundIndex, triples: Triples) -> list[tuple[IntArray, int]]:
    """Per (person, unit) pair of `triples` new to the unit that prices an introduction: its
    rows and the price, the unit's intro half-hours at the weight of the weightiest need
    among those rows (time the unit's staff spend introducing is time away from that work)."""
    units = index.need_unit[triples.need]
    prices = []
    for rows in group_rows(triples.staff, units):
        s, u = int(triples.staff[rows[0]]), int(units[rows[0]])
        weightiest = int(index.weight[triples.need[rows]].max()) * index.cover_scale
        price = int(index.intro_half_hours[u]) * weightiest
        if price and (s, u) not in index.past_units:
            prices.append((rows, price))
    return prices


def drop_costly_introductions(
    index: RoundIndex, triples: Triples, half_hours: IntArray, pinned: set[int], share: float
) -> IntArray:
    """The plan without the (person, unit) pairs new to the unit whose weighted hours there
    cover less than their introduction costs (`introduction_prices`), worst first, while the
    coverage given up stays within `share`: the trade's start, which its search improves."""
    value = index.cover_weight(triples.staff, triples.need) * half_hours
    allowance = math.floor(share * int(value.sum()))
    used = np.flatnonzero(half_hours > 0)
    losses = []
    for rows, price in introduction_prices(index, triples.take(used)):
        rows = used[rows]
        covered = int(value[rows].sum())
        if covered < price and not pins_in(rows, pinned):
            losses.append((covered - price, covered, rows))
    kept = half_hours.copy()
    for _, covered, rows in sorted(losses, key=lambda loss: loss[:2]):
        if covered <= allowance:
            kept[rows] = 0
            allowance -= covered
    return kept


def pins_in(rows: IntArray | list[int], pinned: set[int]) -> bool:
    """Whether any of `rows` is pinned."""
    return any(int(r) in pinned for r in rows)
