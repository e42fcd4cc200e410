"""Fast plans that keep every hard rule: the coordinator's greedy, and the rounded flow.

Both fill one week at a time through a `WeekFiller`, which refuses any offer that would
break rules 3, 4, 7, 8 or 10 (given the week's `IntroRoom`), or ask for more days than a
person may be away (day rules b and c in the week, `solver.rules.days_rule`); the triples it
is given already satisfy 1, 2, 5 and 6, and pins are placed first and never touched: rule 9.
"""

from __future__ import annotations

import numpy as np

from solver.index import SHARE_STEPS, IntArray, RoundIndex
from solver.introductions import IntroRoom
from solver.model import Triples
from solver.week_days import days_fit


class WeekFiller:
    """Hours per row of one week's triples, grown by offers that keep every hard rule."""

    def __init__(
        self,
        index: RoundIndex,
        triples: Triples,
        pinned: dict[int, int],
        room: IntroRoom | None = None,
    ) -> None:
        self.index = index
        self.room = room.copy() if room else None
        """Rule 10: the newcomers each unit still takes this week."""
        self.triples = triples
        week = int(triples.week[0]) if len(triples) else 0
        self.spare: IntArray = index.capacity[:, week].copy()
        self.remaining: IntArray = index.wanted[:, week].copy()
        self.block: IntArray = index.block[:, week]
        self.most: IntArray = index.most_half_hours(triples.staff, triples.need, triples.week)
        self.longest: IntArray = index.longest_day(triples.staff, triples.need)
        self.usable: IntArray = index.usable_days(triples.staff, triples.need, triples.week)
        self.days_of: dict[int, dict[int, tuple[int, int]]] = {}
        """staff -> row -> (usable weekdays, days needed) at needs with shift times."""
        self.units: dict[int, set[int]] = {}
        self.hours: IntArray = np.zeros(len(triples), dtype=np.int64)
        self.learner = index.learners(triples.staff, triples.need)
        self.share = index.learner_share[triples.need] * self.learner
        """Per row, a learner's share of a covered hour in hundredths; 0 for a holder."""
        self.beside: IntArray = np.zeros(index.need_count, dtype=np.int64)
        """Per need, its holders' less its learners' half-hours: what rule 11 leaves."""
        self.fixed = set(pinned)
        for row, half_hours in pinned.items():
            self._place(row, half_hours)

    def _place(self, row: int, half_hours: int) -> None:
        s, n = int(self.triples.staff[row]), int(self.triples.need[row])
        self.hours[row] += half_hours
        longest = int(self.longest[row])
        if longest:
            days = -(-int(self.hours[row]) // longest)
            self.days_of.setdefault(s, {})[row] = (int(self.usable[row]), days)
        self.spare[s] -= half_hours
        if self.learner[row]:
            self.beside[n] -= half_hours
            self.remaining[n] -= -(-half_hours * int(self.share[row]) // SHARE_STEPS)
        else:
            self.beside[n] += half_hours
            self.remaining[n] -= half_hours
        unit = int(self.index.need_unit[n])
        if self.room and unit not in self.units.get(s, set()):
            self.room.take(s, unit)
        self.units.setdefault(s, set()).add(unit)

    def offer(self, row: int, half_hours: int) -> int:
        """Add up to `half_hours` to `row` if the rules allow; returns what was added."""
        if row in self.fixed or (self.learner[row] and self.share[row] == 0):
            return 0
        s, n = int(self.triples.staff[row]), int(self.triples.need[row])
        amount = min(
            half_hours,
            int(self.spare[s]),
            self._need_room(row, n),
            int(self.most[row] - self.hours[row]),
        )
        amount = self._fits_days(row, s, amount)
        if amount <= 0 or (self.hours[row] == 0 and amount < self.block[n]):
            return 0
        units, unit = self.units.get(s, set()), int(self.index.need_unit[n])
        if unit not in units and len(units) >= self.index.max_units:
            return 0
        if unit not in units and self.room and not self.room.admits(s, unit):
            return 0
        self._place(row, amount)
        return amount

    def _need_room(self, row: int, need: int) -> int:
        """The most half-hours `row` may add at its need: what is left to cover (rule 4);
        for a learner, the share of it, and no more than the holders' hours (rule 11)."""
        if not self.learner[row]:
            return int(self.remaining[need])
        cover = int(self.remaining[need]) * SHARE_STEPS // int(self.share[row])
        return min(cover, int(self.beside[need]))

    def _fits_days(self, row: int, staff: int, amount: int) -> int:
        """The most of `amount` more half-hours `row` may take while the person's rows at
        needs with shift times still find their days (`solver.week_days`)."""
        longest = int(self.longest[row])
        if longest == 0:
            return amount
        now = int(self.hours[row])
        while amount > 0:
            days = -(-(now + amount) // longest)
            planned = self.days_of.get(staff, {})
            rows = [v for r, v in planned.items() if r != row] + [(int(self.usable[row]), days)]
            block = int(self.block[int(self.triples.need[row])])
            if days * block <= now + amount and days_fit(rows):
                return amount
            amount = (days - 1) * longest - now
        return 0

    def fill(self, need_order: IntArray, rows_by_need: dict[int, IntArray]) -> None:
        """Per need in `need_order`: top up people already on it, then add others in row
        order, holders first, then learners beside them where a learner covers a share."""
        for n in need_order:
            rows = rows_by_need.get(int(n))
            if rows is None:
                continue
            taken = rows[self.hours[rows] > 0]
            for row in taken:
                if self.remaining[n] <= 0:
                    break
                self.offer(int(row), self._need_room(int(row), int(n)))
            free = rows[(self.spare[self.triples.staff[rows]] >= self.block[n])]
            for row in free[~self.learner[free]]:
                if self.remaining[n] < self.block[n]:
                    break
                if self.hours[row] == 0:
                    self.offer(int(row), int(self.remaining[n]))
            for row in free[self.learner[free]]:
                if self.remaining[n] <= 0 or self.beside[n] < self.block[n]:
                    break
                if self.hours[row] == 0:
                    self.offer(int(row), self._need_room(int(row), int(n)))


def coordinator_order(index: RoundIndex, triples: Triples) -> tuple[IntArray, dict[int, IntArray]]:
    """Needs by priority (highest first); per need, people with little home load first."""
    week = int(triples.week[0]) if len(triples) else 0
    share = index.home_load[triples.staff, week] / np.maximum(
        1, index.capacity[triples.staff, week] + index.home_load[triples.staff, week]
    )
    order = np.lexsort((-index.capacity[triples.staff, week], share, triples.need))
    rows_by_need: dict[int, IntArray] = {}
    need_sorted = triples.need[order]
    cuts = np.flatnonzero(need_sorted[1:] != need_sorted[:-1]) + 1
    for rows in np.split(order, cuts):
        if len(rows):
            rows_by_need[int(triples.need[rows[0]])] = rows
    needs = np.array(sorted(rows_by_need), dtype=np.int64)
    need_order = needs[np.argsort(-index.weight[needs], kind="stable")]
    return need_order, rows_by_need


def greedy_week(
    index: RoundIndex, triples: Triples, pinned: dict[int, int], room: IntroRoom | None = None
) -> IntArray:
    """The plain greedy a coordinator would do by hand, for one week's triples."""
    filler = WeekFiller(index, triples, pinned, room)
    filler.fill(*coordinator_order(index, triples))
    return filler.hours


def rounded_flow_week(
    index: RoundIndex,
    triples: Triples,
    pinned: dict[int, int],
    flow: IntArray,
    room: IntroRoom | None = None,
) -> IntArray:
    """The flow's choices made whole (blocks, spread), highest weight first, then greedy fill."""
    filler = WeekFiller(index, triples, pinned, room)
    rows = np.flatnonzero(flow > 0)
    rows = rows[np.lexsort((-flow[rows], -index.weight[triples.need[rows]]))]
    for row in rows:
        n = int(triples.need[row])
        filler.offer(int(row), max(int(flow[row]), int(index.block[n, int(triples.week[row])])))
    filler.fill(*coordinator_order(index, triples))
    return filler.hours


def previous_week(
    index: RoundIndex,
    triples: Triples,
    pinned: dict[int, int],
    previous: dict[int, int],
    room: IntroRoom | None = None,
) -> IntArray:
    """The previous round's assignments (row -> half-hours) where they still fit, then greedy."""
    filler = WeekFiller(index, triples, pinned, room)
    for row, half_hours in sorted(previous.items()):
        if (
            filler.hours[row] == 0
            and half_hours >= index.block[triples.need[row], triples.week[row]]
        ):
            filler.offer(row, half_hours)
    filler.fill(*coordinator_order(index, triples))
    return filler.hours


def weighted(index: RoundIndex, triples: Triples, half_hours: IntArray) -> int:
    """Term 1 of a plan, in its units (`RoundIndex.cover_weight`)."""
    return int((index.cover_weight(triples.staff, triples.need) * half_hours).sum())
