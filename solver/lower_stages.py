"""Stages 2–5 of the search, over the whole round (weeks meet in continuity and fairness):
each lower term is minimised in turn while every week keeps its term-1 value and earlier
terms stay as good."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.budget import MIN_STAGE_SECONDS, Budget
from solver.contract import StopReason
from solver.cpsat import make_solver, read_hours
from solver.greedy import weighted
from solver.index import IntArray, RoundIndex
from solver.introductions import (
    drop_costly_introductions,
    introduction_prices,
    trades_coverage,
)
from solver.model import PlanModel, Triples
from solver.objective import (
    LOWER_TERMS,
    Term,
    coverage_term,
    introduction_cost_term,
    lower_terms,
    net_introduction_term,
)
from solver.options import SolveOptions
from solver.rules import apply_rules
from solver.stopping import StallWatch, stage_stop_reason
from solver.weeks import WeekPlan, round_rows

log = logging.getLogger(__name__)

RESULT_RESERVE = 0.03
"""Share of the time limit kept for writing the result and its explanations."""

BUILD_SECONDS_PER_ROW = 3e-5
"""Rough Python cost of one row in a whole-round model: the lower stages start only if
building the model takes a small part of the time left."""


def improve_lower_terms(
    index: RoundIndex, weeks: list[WeekPlan], options: SolveOptions, budget: Budget
) -> LowerStages:
    """Stages 2–5 over the whole round, after the trade of coverage for fewer introductions
    where the round allows one: the triples, their half-hours, whether every stage was
    proven optimal over a complete model, why each stage stopped (none when the round has
    nothing to plan) and the share of term 1 traded."""
    triples, half_hours, pinned = round_rows(weeks)
    triples, half_hours = _with_continuity_rows(index, triples, half_hours)
    complete = all(w.complete for w in weeks)
    if len(triples) == 0:
        return LowerStages(triples, half_hours, complete, [])
    reserve = RESULT_RESERVE * budget.limit
    build_estimate = BUILD_SECONDS_PER_ROW * len(triples)
    if budget.left() - reserve < 2 * build_estimate + MIN_STAGE_SECONDS * len(LOWER_TERMS):
        return LowerStages(triples, half_hours, False, ["time_limit"])

    plan = PlanModel(index, triples, pinned)
    apply_rules(plan)
    coverage = {w.week: w.value for w in weeks}
    stages = LowerStages(triples, half_hours, complete, [])
    if trades_coverage(index):
        _trade_for_introductions(plan, stages, sum(coverage.values()), options, budget, reserve)
        coverage = _coverage_per_week(plan, stages.half_hours)
    for rows in plan.groups("week"):
        week = int(triples.week[rows[0]])
        weights = index.cover_weight(triples.staff[rows], triples.need[rows])
        plan.model.add(
            cp_model.LinearExpr.weighted_sum(
                [plan.hours[i] for i in rows], [int(x) for x in weights]
            )
            >= coverage[week]
        )
    terms = lower_terms(index.round_input.purpose)
    stages.half_hours, lower_proven, reasons = minimize_in_turn(
        plan, terms, stages.half_hours, options, budget, reserve=reserve, complete=complete
    )
    stages.proven = stages.proven and lower_proven
    stages.reasons += reasons
    return stages


@dataclass
class LowerStages:
    """What the stages after term 1 made of the round."""

    triples: Triples
    half_hours: IntArray
    proven: bool
    reasons: list[StopReason]
    traded: float = 0.0
    """The share of term 1 given up for fewer introductions."""


def _trade_for_introductions(
    plan: PlanModel,
    stages: LowerStages,
    reached: int,
    options: SolveOptions,
    budget: Budget,
    reserve: float,
) -> None:
    """Term 1 less introduction cost, maximised with term 1 at least `Rules.coverage_trade`
    short of what it reached; then each week's term 1 and the cost are held."""
    share = plan.index.round_input.rules.coverage_trade
    plan.model.add(coverage_term(plan, stages.half_hours) >= math.ceil((1 - share) * reached))
    stages.half_hours = drop_costly_introductions(
        plan.index, plan.triples, stages.half_hours, set(plan.pinned), share
    )
    stages.half_hours, proven, reasons = minimize_in_turn(
        plan,
        [net_introduction_term],
        stages.half_hours,
        options,
        budget,
        reserve=reserve,
        complete=stages.proven,
        held=len(LOWER_TERMS),
    )
    stages.proven = stages.proven and proven
    stages.reasons += reasons
    kept = weighted(plan.index, plan.triples, stages.half_hours)
    stages.traded = max(0.0, 1 - kept / reached) if reached else 0.0
    cost = introduction_cost_term(plan, stages.half_hours)
    plan.model.add(cost <= _introduction_cost(plan, stages.half_hours))
    log.info("traded %.4f of term 1 for fewer introductions", stages.traded)


def _introduction_cost(plan: PlanModel, half_hours: IntArray) -> int:
    """The introduction cost term's value for a plan (`introduction_cost_term`)."""
    prices = introduction_prices(plan.index, plan.triples)
    return sum(price for rows, price in prices if (half_hours[rows] > 0).any())


def _coverage_per_week(plan: PlanModel, half_hours: IntArray) -> dict[int, int]:
    index, t = plan.index, plan.triples
    return {
        int(t.week[rows[0]]): weighted(index, t.take(rows), half_hours[rows])
        for rows in plan.groups("week")
    }


def minimize_in_turn(
    plan: PlanModel,
    terms: Sequence[Term],
    half_hours: IntArray,
    options: SolveOptions,
    budget: Budget,
    *,
    reserve: float,
    complete: bool,
    stall_seconds: float | None = None,
    light: bool = False,
    held: int = 0,
) -> tuple[IntArray, bool, list[StopReason]]:
    """Minimise each term in turn, holding each at its value once done, from the plan
    `half_hours` (which must keep the model's constraints); returns the plan, whether every
    stage was proven optimal, and why each stage stopped. `reserve` seconds stay unspent;
    a stage stops after `stall_seconds` without a better plan once it has one (default: the
    options' window, from the stage's start); `light` spares CP-SAT's probing and symmetry
    search (`solver.cpsat.make_solver`), which cost more than they find on a small model."""
    reasons: list[StopReason] = []
    proven = complete
    for stage, term in enumerate(terms):
        cost = term(plan, half_hours)
        seconds = (budget.left() - reserve) / (len(terms) + held - stage)
        if seconds < MIN_STAGE_SECONDS:
            return half_hours, False, [*reasons, "time_limit"]
        plan.model.minimize(cost)
        plan.add_hint(half_hours)
        solver = make_solver(options, budget, seconds, piece=light)
        watch = StallWatch(
            stall_seconds or options.stall_seconds, after_first=stall_seconds is not None
        )
        status = watch.search(solver, plan.model)
        budget.charge(solver)
        reason = stage_stop_reason(
            status=status, complete=complete, value_at_bound=False, watch_fired=watch.fired
        )
        reasons.append(reason)
        log.info("stage %s: %.2fs %s", term.__name__, solver.wall_time, reason)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # No plan within the time: keep the current one and leave the lower terms alone,
            # so no lower term can trade away this one.
            return half_hours, False, reasons
        half_hours = read_hours(solver, plan)
        proven = proven and reason == "proven_optimal"
        plan.model.add(cost <= round(solver.objective_value))
    return half_hours, proven, reasons


def _with_continuity_rows(
    index: RoundIndex, triples: Triples, half_hours: IntArray
) -> tuple[Triples, IntArray]:
    """Add, for every (staff, need) the plan uses, that pair in the other weeks where it fits,
    so the lower stages can keep the same person on a need from week to week."""
    used = half_hours > 0
    pairs = np.unique(np.stack([triples.staff[used], triples.need[used]]), axis=1)
    if pairs.shape[1] == 0 or index.weeks == 1:
        return triples, half_hours
    extra = []
    for week in range(index.weeks):
        staff, need = pairs[0], pairs[1]
        fits = (index.wanted[need, week] > 0) & (
            index.capacity[staff, week] >= index.block[need, week]
        )
        candidates = Triples(
            staff[fits], need[fits], np.full(int(fits.sum()), week, dtype=np.int64)
        )
        missing = triples.find(index, candidates.staff, candidates.need, candidates.week) < 0
        extra.append(candidates.take(np.flatnonzero(missing)))
    added = Triples.concat(extra)
    return (
        Triples.concat([triples, added]),
        np.concatenate([half_hours, np.zeros(len(added), dtype=np.int64)]),
    )
