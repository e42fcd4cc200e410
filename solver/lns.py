"""Large-neighbourhood search for term 1 within one week.

A round too big for one CP-SAT model is improved piece by piece: pick a need-week that is
still short, free it and the needs its candidates work on (a few steps out), keep everything
else fixed, and let CP-SAT re-plan the freed needs over all their compatible candidates (not
only the kept ones) with the capacity and units the fixed part leaves. A new piece is taken
when it covers more, or as much with less home load (terms 1 and 2, in that order: the
home-load weight is below one unit of term 1 over the whole piece).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from solver.index import SHARE_STEPS, IntArray, RoundIndex
from solver.introductions import NO_LIMIT, Presence, limits_any
from solver.model import PlanModel, Triples, days_taken
from solver.objective import coverage_term, home_load_levels
from solver.rules import apply_rules

PIECE_NEEDS = 12
"""Needs freed per neighbourhood."""

PIECE_CANDIDATES = 8
"""Candidates per freed need besides the people already on it."""

PIECE_SECONDS = 0.5


@dataclass
class WeekState:
    """One week's plan as (staff, need) -> half-hours, with running totals per person and need."""

    index: RoundIndex
    week: int
    allowed: list[IntArray]
    hours: dict[tuple[int, int], int]
    pinned: dict[tuple[int, int], int]
    others: Presence = field(default_factory=Presence)
    """Who works at units that limit their introductions in the other weeks (rule 10)."""

    def __post_init__(self) -> None:
        self.used = np.zeros(self.index.staff_count, dtype=np.int64)
        self.covered = np.zeros(self.index.need_count, dtype=np.int64)
        self.by_staff: dict[int, set[int]] = {}
        self.by_need: dict[int, set[int]] = {}
        self.at_unit: dict[int, Counter[int]] = {}
        """Unit that limits its introductions -> staff there this week -> how many needs."""
        for (s, n), h in self.hours.items():
            self._add(s, n, h)

    def _covers(self, s: int, n: int, h: int) -> int:
        """Half-hours `h` of person `s` cover at need `n`: a learner's at the need's share."""
        if not self.index.learns(s, n):
            return h
        return h * int(self.index.learner_share[n]) // SHARE_STEPS

    def _add(self, s: int, n: int, h: int) -> None:
        self.used[s] += h
        self.covered[n] += self._covers(s, n, h)
        self.by_staff.setdefault(s, set()).add(n)
        self.by_need.setdefault(n, set()).add(s)
        unit = int(self.index.need_unit[n])
        if self.index.intro_capacity[unit] != NO_LIMIT:
            self.at_unit.setdefault(unit, Counter())[s] += 1

    def _remove(self, s: int, n: int) -> None:
        h = self.hours.pop((s, n))
        self.used[s] -= h
        self.covered[n] -= self._covers(s, n, h)
        self.by_staff[s].discard(n)
        self.by_need[n].discard(s)
        unit = int(self.index.need_unit[n])
        if unit in self.at_unit:
            self.at_unit[unit][s] -= 1

    def present_beside(self, piece: set[int]) -> Presence:
        """Who works at the piece's limited units this week outside it, and in other weeks."""
        beside: Counter[tuple[int, int]] = Counter()
        for n in piece:
            unit = int(self.index.need_unit[n])
            for s in self.by_need.get(n, ()):
                if unit in self.at_unit:
                    beside[(s, unit)] += 1
        at: dict[tuple[int, int], frozenset[int]] = {}
        for unit in {int(self.index.need_unit[n]) for n in piece} & self.at_unit.keys():
            staff = self.at_unit[unit]
            at[(unit, self.week)] = frozenset(
                s for s, count in staff.items() if count - beside[(s, unit)] > 0
            )
        return self.others.joined(Presence(at))

    def value(self) -> int:
        """Term 1 of the week's plan, in its units (learners at their needs' shares)."""
        if self.index.cover_scale == 1:
            return int((self.index.weight * self.covered).sum())
        triples, half_hours = self.as_triples()
        return int((self.index.cover_weight(triples.staff, triples.need) * half_hours).sum())

    def candidates(self, need: int) -> IntArray:
        """Everyone compatible with `need` this week (rules 1, 2, 5, 6; capacity ≥ block)."""
        staff = self.allowed[need]
        block = self.index.block[need, self.week]
        found: IntArray = staff[self.index.capacity[staff, self.week] >= block]
        if self.index.need_by_day[need]:
            room = self.index.day_room(found, np.full(len(found), need, dtype=np.int64), self.week)
            found = found[room >= block]
        return found

    def as_triples(self) -> tuple[Triples, IntArray]:
        keys = sorted(self.hours)
        staff = np.array([k[0] for k in keys], dtype=np.int64)
        need = np.array([k[1] for k in keys], dtype=np.int64)
        week = np.full(len(keys), self.week, dtype=np.int64)
        return Triples(staff, need, week), np.array([self.hours[k] for k in keys], dtype=np.int64)

    def replace(self, needs: set[int], rows: Triples, half_hours: IntArray) -> None:
        for n in needs:
            for s in list(self.by_need.get(n, ())):
                self._remove(s, n)
        for s, n, h in zip(rows.staff, rows.need, half_hours, strict=True):
            if h > 0:
                self.hours[(int(s), int(n))] = int(h)
                self._add(int(s), int(n), int(h))


def choose_piece(state: WeekState, rng: random.Random) -> set[int]:
    """A short need-week and the needs its candidates work on, breadth first."""
    index, week = state.index, state.week
    short = np.flatnonzero(index.wanted[:, week] - state.covered >= index.block[:, week])
    short = short[index.wanted[short, week] > 0]
    if len(short) == 0:
        return set()
    weights = (index.weight[short] * (index.wanted[short, week] - state.covered[short])).astype(
        float
    )
    seed = int(short[rng.choices(range(len(short)), weights=weights.tolist())[0]])
    piece = {seed}
    frontier = [seed]
    while frontier and len(piece) < PIECE_NEEDS:
        n = frontier.pop(0)
        staff = state.candidates(n)
        rng_order = list(staff)
        rng.shuffle(rng_order)
        for s in rng_order[:PIECE_CANDIDATES]:
            for m in state.by_staff.get(int(s), ()):
                if m not in piece and len(piece) < PIECE_NEEDS:
                    piece.add(m)
                    frontier.append(m)
    return piece


def piece_rows(state: WeekState, piece: set[int]) -> Triples:
    """Rows of the freed needs: the people on them and the candidates with most room left."""
    index, week = state.index, state.week
    staff_parts, need_parts = [], []
    freed = np.zeros(index.staff_count, dtype=np.int64)
    for n in piece:
        for s in state.by_need.get(n, ()):
            freed[s] += state.hours[(s, n)]
    room = index.capacity[:, week] - state.used + freed
    for n in sorted(piece):
        staff = state.candidates(n)
        staff = staff[room[staff] >= index.block[n, week]]
        best = staff[np.argsort(-room[staff], kind="stable")[:PIECE_CANDIDATES]]
        chosen = np.union1d(best, np.array(sorted(state.by_need.get(n, ())), dtype=np.int64))
        staff_parts.append(chosen.astype(np.int64))
        need_parts.append(np.full(len(chosen), n, dtype=np.int64))
    staff = np.concatenate(staff_parts)
    return Triples(staff, np.concatenate(need_parts), np.full(len(staff), week, dtype=np.int64))


def improve_piece(state: WeekState, piece: set[int], solver: cp_model.CpSolver) -> bool:
    """Re-plan `piece` with `solver` (made for a piece: `solver.cpsat.make_solver`); returns
    whether the week got better."""
    index, week = state.index, state.week
    rows = piece_rows(state, piece)
    outside_hours = state.used.copy()
    fixed_units: dict[tuple[int, int], set[int]] = {}
    outside: list[tuple[int, int, int]] = []
    for s in np.unique(rows.staff):
        for n in state.by_staff.get(int(s), ()):
            if n in piece:
                outside_hours[s] -= state.hours[(int(s), n)]
            else:
                fixed_units.setdefault((int(s), week), set()).add(int(index.need_unit[n]))
                outside.append((int(s), n, state.hours[(int(s), n)]))
    current = np.array(
        [state.hours.get((int(s), int(n)), 0) for s, n in zip(rows.staff, rows.need, strict=True)],
        dtype=np.int64,
    )
    pinned = {
        i: state.pinned[(int(s), int(n))]
        for i, (s, n) in enumerate(zip(rows.staff, rows.need, strict=True))
        if (int(s), int(n)) in state.pinned
    }
    plan = PlanModel(
        index,
        rows,
        pinned,
        capacity_left=index.capacity[rows.staff, week] - outside_hours[rows.staff],
        fixed_units=fixed_units,
        fixed_days=days_taken(index, outside, week),
        present_outside=state.present_beside(piece) if limits_any(index) else None,
    )
    apply_rules(plan)
    levels = home_load_levels(plan)
    load_scale = int((levels * plan.high).sum()) + 1
    load = cp_model.LinearExpr.weighted_sum(plan.hours, [int(v) for v in levels])
    plan.model.maximize(load_scale * coverage_term(plan, current) - load)
    plan.add_hint(current)
    status = solver.solve(plan.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    found = np.asarray(solver.response_proto.solution, dtype=np.int64)[
        [v.index for v in plan.hours]
    ]
    weights = index.cover_weight(rows.staff, rows.need)
    before = (int((weights * current).sum()), -int((levels * current).sum()))
    after = (int((weights * found).sum()), -int((levels * found).sum()))
    if after <= before:
        return False
    state.replace(piece, rows, found)
    return True
