"""The learner stage (rule 11): learners placed beside the plan's holders, in what it leaves.

It runs after the lower stages and before the day stage. Its model holds the need-weeks
where holders work and someone may learn: their holders pinned at their hours, and per
need-week the `LEARNER_CANDIDATES` people who may learn there with the most capacity the
plan leaves. Everything else in the plan stays fixed beside it (capacity, units, days, who
is new to a unit), so every hard rule holds and term 1 never loses an hour. Its terms
(`solver.objective.LEARNER_TERMS`): what learners cover at the needs' shares, then how much
they learn.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from solver.budget import Budget, Clock
from solver.candidates import learner_pairs
from solver.index import IntArray, PinKey, RoundIndex
from solver.introductions import Presence
from solver.lower_stages import minimize_in_turn
from solver.model import PlanModel, Triples, days_taken_in
from solver.objective import LEARNER_TERMS
from solver.options import SolveOptions
from solver.pins import pinned_half_hours
from solver.rules import apply_rules

log = logging.getLogger(__name__)

LEARNER_CANDIDATES = 6
"""People who may learn at a need-week kept in the model, most capacity left first."""

LEARNER_SHARE = 0.04
"""Share of the time limit the learner stage may use, where anyone may learn."""


def place_learners(
    index: RoundIndex,
    triples: Triples,
    half_hours: IntArray,
    options: SolveOptions,
    clock: Clock,
) -> tuple[Triples, IntArray, bool]:
    """The plan with learners beside its holders, and whether the stage was proven optimal
    (true when nobody may learn)."""
    if not index.may_learn:
        return triples, half_hours, True
    plan = triples.plan(half_hours)
    pins = {k: h for k, h in pinned_half_hours(index).items() if index.learns(k[0], k[1])}
    candidates = _candidates(index, plan, pins)
    if not candidates and not pins:
        return triples, half_hours, True
    need_weeks = {(n, w) for _, n, w in [*candidates, *pins]}
    inside = {k: h for k, h in plan.items() if (k[1], k[2]) in need_weeks}
    outside = {k: h for k, h in plan.items() if k not in inside}
    keys = sorted(set(inside) | set(pins) | set(candidates))
    rows = Triples.of(keys)
    model = _learner_model(index, rows, keys, {**inside, **pins}, outside)
    start = np.array([inside.get(k, pins.get(k, 0)) for k in keys], dtype=np.int64)
    seconds = min(LEARNER_SHARE * options.time_limit, clock.left())
    budget = Budget(Clock(seconds), replace(options, time_limit=seconds))
    found, proven, _ = minimize_in_turn(
        model, LEARNER_TERMS, start, options, budget, reserve=0.0, complete=True
    )
    log.info("learner stage: %d learner rows used", int((found[model.learner] > 0).sum()))
    placed = {k: int(h) for k, h in zip(keys, found.tolist(), strict=True) if h > 0}
    return (*Triples.from_plan({**outside, **placed}), proven)


def _candidates(
    index: RoundIndex, plan: dict[PinKey, int], pins: dict[PinKey, int]
) -> list[PinKey]:
    """Per need-week where holders work, the people who may learn there with capacity left
    for the need's smallest block and room on its days: most capacity left first, then the
    least home load."""
    learner_staff = learner_pairs(index)
    lent = np.zeros((index.staff_count, index.weeks), dtype=np.int64)
    held: dict[tuple[int, int], int] = {}
    for (s, n, w), h in plan.items():
        lent[s, w] += h
        if not index.learns(s, n):
            held[(n, w)] = held.get((n, w), 0) + h
    for key, h in pins.items():
        if key not in plan:
            lent[key[0], key[2]] += h
    left = index.capacity - lent
    found: list[PinKey] = []
    for (n, w), holders in sorted(held.items()):
        staff = learner_staff[n]
        block = int(index.block[n, w])
        if len(staff) == 0 or holders < block:
            continue
        staff = staff[left[staff, w] >= block]
        if index.need_by_day[n] and len(staff):
            room = index.day_room(staff, np.full(len(staff), n, dtype=np.int64), w)
            staff = staff[room >= block]
        order = np.lexsort((index.home_load[staff, w], -left[staff, w]))
        found += [(int(s), n, w) for s in staff[order[:LEARNER_CANDIDATES]].tolist()]
    return [k for k in found if k not in pins]


def _learner_model(
    index: RoundIndex,
    rows: Triples,
    keys: list[PinKey],
    pinned: dict[PinKey, int],
    outside: dict[PinKey, int],
) -> PlanModel:
    """The stage's model: every hard rule over its rows, beside the plan outside it."""
    lent = np.zeros((index.staff_count, index.weeks), dtype=np.int64)
    fixed_units: dict[tuple[int, int], set[int]] = {}
    for (s, n, w), h in outside.items():
        lent[s, w] += h
        fixed_units.setdefault((s, w), set()).add(int(index.need_unit[n]))
    model = PlanModel(
        index,
        rows,
        pinned={i: pinned[k] for i, k in enumerate(keys) if k in pinned},
        capacity_left=index.capacity[rows.staff, rows.week] - lent[rows.staff, rows.week],
        fixed_units=fixed_units,
        fixed_days=days_taken_in(index, outside),
        present_outside=Presence.of_plan(index, outside),
    )
    apply_rules(model)
    return model
