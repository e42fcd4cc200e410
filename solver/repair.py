"""`repair`: a published plan re-planned where events touch it, with the least disturbance.

Steps, each a plain function:

1. Scope (`solver.repair_scope.repair_scope`): the staff-weeks and need-weeks touched.
2. The plan that leaves the gaps open (`gaps_left_open`): published, with what today's facts
   forbid trimmed away. It keeps every hard rule, so it is the search's start and its floor:
   a repair never covers less.
3. The rows that may change and their model (`solver.repair_model`); everything else stays.
4. Stages, lexicographic like a round's, from the coordinator's top-up of the gaps
   (`topped_up`): term 1 (priority-weighted coverage) and disturbance (ending a published
   assignment-week costs 3, shrinking it 2, growing it or adding one 1) in one search; then,
   each need-week's hours and the disturbance held, the round's lower terms (home load,
   continuity, fairness, preferences). Rules 1–9 hold throughout, pins included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.bound import week_flow
from solver.budget import Budget, Clock
from solver.candidates import allowed_with_learners, compatible_triples
from solver.contract import (
    Change,
    NeedWeek,
    RepairCoverage,
    RepairInput,
    RepairMetrics,
    RepairResult,
    StopReason,
)
from solver.cpsat import make_solver, read_hours
from solver.day_stage import DayPlan, cut_to_days
from solver.greedy import weighted
from solver.index import (
    HALF_HOURS,
    IntArray,
    PinKey,
    RoundIndex,
    index_round,
    to_half_hours,
    to_hours,
)
from solver.learners import keep_buddies
from solver.lower_stages import RESULT_RESERVE, minimize_in_turn
from solver.model import PlanModel, Triples
from solver.objective import LOWER_TERMS, coverage_term
from solver.options import SolveOptions
from solver.pins import check_pins
from solver.repair_model import (
    RepairRows,
    disturbance_of,
    disturbance_term,
    most_disturbance,
    repair_model,
    repair_rows,
    topped_up,
    within_introductions,
)
from solver.repair_scope import RepairScope, gaps_left_open, repair_scope, weighted_of
from solver.result import plan_assignments, unfilled_need_weeks, with_day_reasons
from solver.stopping import StallWatch, solve_stop_reason, stage_stop_reason

log = logging.getLogger(__name__)

REPAIR_TIME_LIMIT = 10.0
"""Seconds a repair may take by default; it stops sooner once every stage is proven."""

COVERAGE_SHARE = 0.6
"""Share of the time term 1 may use before disturbance and the lower terms."""

COVERAGE_STALL_SECONDS = 1.0
STALL_SECONDS = 0.25
"""A repair's model holds the rows events touch, not a round's hundreds of thousands: a
second without a better plan ends the search for coverage, a quarter of a second each later
stage (counted from each one's first plan), so a repair answers while HR waits."""


def repair(repair_input: RepairInput, options: SolveOptions | None = None) -> RepairResult:
    """Re-plan what the events touch; everything else stays as published."""
    options = options or SolveOptions(time_limit=REPAIR_TIME_LIMIT)
    clock = Clock(options.time_limit)
    index = index_round(repair_input.round)
    problems = check_pins(index)
    if problems:
        return RepairResult(status="infeasible", messages=problems)
    done = replan(index, repair_input, options, clock)
    after, days = _on_days(index, repair_input, done.scope.published, done.after)
    return _result(
        done.scope,
        done.rows,
        done.start,
        after,
        optimal=done.optimal and not days.short,
        seconds=clock.elapsed(),
        stop_reason=done.stop_reason,
        days=days,
    )


def _on_days(
    index: RoundIndex,
    repair_input: RepairInput,
    published: dict[PinKey, int],
    after: dict[PinKey, int],
) -> tuple[dict[PinKey, int], DayPlan]:
    """Days for the repaired plan: every week of a person the repair left as it was keeps
    its published days; the weeks the events touch or the repair changed are placed again
    (an absence on Tuesday moves Tuesday), and what days cannot hold is cut."""
    changed = {
        (s, w)
        for s, n, w in published.keys() | after.keys()
        if published.get((s, n, w)) != after.get((s, n, w))
    }
    changed |= {(index.staff_pos[t.staff], t.week) for t in repair_input.touched_staff}
    kept = {
        (index.staff_pos[a.staff], index.need_pos[a.need], a.week): sorted(
            (d.date.weekday(), to_half_hours(d.hours)) for d in a.days
        )
        for a in repair_input.published
        if a.days and (index.staff_pos[a.staff], a.week) not in changed
    }
    triples, half_hours = _as_triples(after)
    triples, half_hours, days = cut_to_days(index, triples, half_hours, kept=kept)
    cut = {
        (int(s), int(n), int(w)): int(h)
        for s, n, w, h in zip(triples.staff, triples.need, triples.week, half_hours, strict=True)
        if h
    }
    return cut, days


@dataclass(frozen=True)
class Replanned:
    """A repair's plan after the search, with what it started from."""

    scope: RepairScope
    rows: RepairRows
    start: dict[PinKey, int]
    after: dict[PinKey, int]
    optimal: bool
    stop_reason: StopReason


def replan(
    index: RoundIndex, repair_input: RepairInput, options: SolveOptions, clock: Clock
) -> Replanned:
    """Steps 1–4 on a round's `index` (which may carry the day stage's limits)."""
    allowed = allowed_with_learners(index)
    scope = repair_scope(index, repair_input, allowed)
    start = gaps_left_open(scope)
    excluded = {index.staff_pos[s] for s in repair_input.excluded}
    rows = repair_rows(scope, repair_input.max_moves, excluded)
    plan = repair_model(scope, rows, repair_input.max_moves)
    hint = topped_up(
        scope, rows, np.array([start.get(k, 0) for k in rows.positions()], dtype=np.int64)
    )
    hint = within_introductions(scope, rows, hint)
    hint = keep_buddies(index, rows.triples, hint, set(rows.pinned))
    log.info(
        "repair: %d touched need-weeks, %d staff-weeks, %d rows",
        len(scope.touched_needs),
        len(scope.touched_staff),
        len(rows.triples),
    )
    budget = Budget(clock, options)
    half_hours, first = _coverage_then_disturbance(plan, hint, rows, options, budget)
    hold_need_weeks(plan, half_hours)
    half_hours, proven, lower = minimize_in_turn(
        plan,
        LOWER_TERMS,
        half_hours,
        options,
        budget,
        reserve=RESULT_RESERVE * budget.limit,
        complete=rows.complete,
        stall_seconds=STALL_SECONDS,
        light=True,
    )
    after = dict(rows.fixed)
    after.update(
        {k: int(h) for k, h in zip(rows.positions(), half_hours.tolist(), strict=True) if h}
    )
    return Replanned(
        scope=scope,
        rows=rows,
        start=start,
        after=after,
        optimal=proven and first == "proven_optimal",
        stop_reason=solve_stop_reason([first], lower),
    )


def _coverage_then_disturbance(
    plan: PlanModel, hint: IntArray, rows: RepairRows, options: SolveOptions, budget: Budget
) -> tuple[IntArray, StopReason]:
    """Terms 1 and 2 in one search, from the coordinator's top-up of the gaps: coverage, then
    disturbance. One covered half-hour outweighs all the disturbance the rows can make, so
    the order is kept exactly; the disturbance found is then held for the lower terms."""
    if plan.size == 0:
        return hint, "proven_optimal"
    disturbance = disturbance_term(rows.published)(plan, hint)
    outweigh = most_disturbance(rows.published) + 1
    plan.model.maximize(outweigh * coverage_term(plan, hint) - disturbance)
    plan.add_hint(hint)
    solver = make_solver(options, budget, budget.left() * COVERAGE_SHARE, piece=True)
    watch = StallWatch(COVERAGE_STALL_SECONDS, after_first=True)
    status = watch.search(solver, plan.model)
    budget.charge(solver)
    log.info("repair coverage and disturbance: %.2fs", solver.wall_time)
    reason = stage_stop_reason(
        status=status, complete=rows.complete, value_at_bound=False, watch_fired=watch.fired
    )
    found = read_hours(solver, plan) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else hint
    index, triples = plan.index, plan.triples
    if weighted(index, triples, found) < weighted(index, triples, hint):
        found = hint
    plan.model.add(disturbance <= disturbance_of(found, rows.published))
    return found, reason


def hold_need_weeks(plan: PlanModel, half_hours: IntArray) -> None:
    """Keep each need-week's holders' hours for the lower terms: term 1 stays as good, and each
    later stage stays small enough for CP-SAT to prove in a blink."""
    for rows in plan.groups("need_week"):
        rows = rows[~plan.learner[rows]]
        held = int(half_hours[rows].sum())
        if held:
            plan.model.add(cp_model.LinearExpr.sum([plan.hours[int(i)] for i in rows]) >= held)


def _result(
    scope: RepairScope,
    rows: RepairRows,
    before: dict[PinKey, int],
    after: dict[PinKey, int],
    *,
    optimal: bool,
    seconds: float,
    stop_reason: StopReason,
    days: DayPlan,
) -> RepairResult:
    index = scope.index
    plan, hours = _as_triples(after)
    changes = _changes(index, scope.published, after)
    weeks = scope.weeks
    covered_before, hours_before = weighted_of(index, before, weeks)
    covered_after, hours_after = weighted_of(index, after, weeks)
    moved_rows = set(rows.movable.tolist())
    moved = {
        int(rows.triples.staff[i])
        for i, key in enumerate(rows.positions())
        if i in moved_rows and after.get(key, 0) < scope.published[key]
    }
    return RepairResult(
        status="optimal" if optimal else "feasible",
        assignments=plan_assignments(index, plan, hours, days),
        changes=changes,
        touched=[NeedWeek(need=index.need_ids[n], week=w) for n, w in sorted(scope.touched_needs)],
        newly_lent=_newly_lent(index, scope.published, after),
        losing=_losing(index, scope.published, after),
        unfilled=with_day_reasons(
            index, unfilled_need_weeks(index, plan, hours, only=scope.touched_needs), days
        ),
        coverage=RepairCoverage(
            weeks=weeks,
            before=covered_before / HALF_HOURS,
            after=covered_after / HALF_HOURS,
            bound=_bound(scope, weeks) / (HALF_HOURS * index.cover_scale),
            hours_before=to_hours(hours_before),
            hours_after=to_hours(hours_after),
        ),
        metrics=RepairMetrics(
            changes=len(changes),
            people_disturbed=len({c.staff for c in changes}),
            people_moved=len(moved),
            hours_moved=sum(abs(c.hours_after - c.hours_before) for c in changes),
            model_rows=len(rows.triples),
            solve_seconds=round(seconds, 3),
            stop_reason=stop_reason,
        ),
    )


def _as_triples(plan: dict[PinKey, int]) -> tuple[Triples, IntArray]:
    keys = sorted(plan)
    return Triples.of(keys), np.array([plan[k] for k in keys], dtype=np.int64)


def _changes(
    index: RoundIndex, before: dict[PinKey, int], after: dict[PinKey, int]
) -> list[Change]:
    return [
        Change(
            staff=index.staff_ids[s],
            need=index.need_ids[n],
            week=w,
            hours_before=to_hours(before.get((s, n, w), 0)),
            hours_after=to_hours(after.get((s, n, w), 0)),
            learner=index.learns(s, n),
        )
        for s, n, w in sorted(before.keys() | after.keys(), key=lambda k: (k[2], k[1], k[0]))
        if before.get((s, n, w), 0) != after.get((s, n, w), 0)
    ]


def _newly_lent(
    index: RoundIndex, before: dict[PinKey, int], after: dict[PinKey, int]
) -> list[str]:
    lent_before = {s for s, _, _ in before}
    return sorted({index.staff_ids[s] for s, _, _ in after if s not in lent_before})


def _losing(index: RoundIndex, before: dict[PinKey, int], after: dict[PinKey, int]) -> list[str]:
    """People planned on a need before who are on it in no week now."""
    pairs_after = {(s, n) for s, n, _ in after}
    return sorted({index.staff_ids[s] for s, n, _ in before if (s, n) not in pairs_after})


def _bound(scope: RepairScope, weeks: list[int]) -> int:
    """Term 1's flow bound of the touched weeks, today's facts."""
    index = scope.index
    return sum(week_flow(index, w, compatible_triples(index, scope.allowed, w))[0] for w in weeks)
