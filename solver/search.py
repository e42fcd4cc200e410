"""`solve`: flow bound, starting plan, then CP-SAT in lexicographic stages.

Steps, each a plain function below:

1. Per week, list the compatible triples and solve the flow relaxation (the bound of term 1).
2. Per week, a starting plan: the better of the coordinator's greedy and the rounded flow.
3. Per week, keep only the triples that can matter (`solver.candidates`).
4. Stage 1, per week: CP-SAT maximises term 1 from the starting plan. Term 1 and every hard
   rule are separate per week, so weeks are independent here.
5. Stages 2–5, over the whole round (weeks meet in continuity and fairness): each lower term
   is minimised in turn while every week keeps its term-1 value and earlier terms stay as good.

Each stage stops early when it reaches the bound, is proven optimal or stalls
(`solver.stopping`); the time it leaves goes to the stages after it.
"""

from __future__ import annotations

import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from solver.bound import week_flow
from solver.budget import MIN_STAGE_SECONDS, Budget, Clock
from solver.candidates import allowed_pairs, compatible_triples, keep_candidates
from solver.contract import RoundInput, RoundResult, StopReason
from solver.cpsat import make_solver, read_hours, write_model
from solver.greedy import greedy_week, previous_week, rounded_flow_week, weighted
from solver.index import HALF_HOURS, IntArray, RoundIndex, index_round, to_half_hours
from solver.lns import PIECE_SECONDS, WeekState, choose_piece, improve_piece
from solver.model import PlanModel, Triples
from solver.objective import LOWER_TERMS, coverage_term
from solver.options import Progress, SolveOptions
from solver.pins import PinKey, check_pins, pinned_half_hours
from solver.result import build_result, infeasible_result
from solver.rules import apply_rules
from solver.stopping import (
    PROVEN,
    StallWatch,
    bound_reached,
    solve_stop_reason,
    stage_stop_reason,
    stalled,
)

log = logging.getLogger(__name__)

FIRST_STAGE_SHARE = 0.8
"""Share of the time left after preparation that term 1 may use before the lower terms."""

SECOND_PASS_SECONDS = 0.5
"""Least time worth a second CP-SAT run of a week cut at its share of stage 1."""

RESULT_RESERVE = 0.03
"""Share of the time limit kept for writing the result and its explanations."""

BUILD_SECONDS_PER_ROW = 3e-5
"""Rough Python cost of one row in a whole-round model: the lower stages start only if
building the model takes a small part of the time left."""


@dataclass
class WeekPlan:
    """One week's kept triples, pins (row -> half-hours), bound and current plan."""

    week: int
    triples: Triples
    pinned: dict[int, int]
    bound: int
    half_hours: IntArray
    complete: bool
    """Every compatible triple is kept, so the week's model is exact."""
    proven: bool = False
    stop_reason: StopReason = "time_limit"
    """Why term 1's search of this week ended; a week never searched ran out of time."""
    value: int = field(init=False)

    def __post_init__(self) -> None:
        self.value = 0


def solve(round_input: RoundInput, options: SolveOptions | None = None) -> RoundResult:
    """Plan the round: every hard rule kept, term 1 first, then the lower terms in turn."""
    options = options or SolveOptions()
    clock = Clock(options.time_limit)
    index = index_round(round_input)
    problems = check_pins(index)
    if problems:
        return infeasible_result(index, problems, clock.elapsed())

    allowed = allowed_pairs(index)
    weeks = prepare_weeks(index, allowed)
    bound = sum(w.bound for w in weeks)
    log.info(
        "prepared %d weeks in %.2fs: %d kept triples, start %.4f of bound",
        len(weeks),
        clock.elapsed(),
        sum(len(w.triples) for w in weeks),
        sum(w.value for w in weeks) / max(1, bound),
    )
    if options.dump_model is not None:
        write_model(round_model(index, weeks).model, options.dump_model)
    reporter = Reporter(options, clock, weeks, bound)
    reporter.report()

    budget = Budget(clock, options)
    first = budget.left() * FIRST_STAGE_SHARE
    improve_coverage(index, weeks, allowed, options, budget, first, reporter)
    all_proven = all(w.proven for w in weeks)

    triples, half_hours, lower_proven, lower_reasons = improve_lower_terms(
        index, weeks, options, budget
    )
    for week in weeks:
        in_week = triples.week == week.week
        week.value = weighted(index, triples.take(np.flatnonzero(in_week)), half_hours[in_week])
    reporter.report()
    return build_result(
        index,
        triples,
        half_hours,
        status="optimal" if all_proven and lower_proven else "feasible",
        bound=bound,
        seconds=clock.elapsed(),
        stop_reason=solve_stop_reason([w.stop_reason for w in weeks], lower_reasons),
    )


def prepare_weeks(index: RoundIndex, allowed: list[IntArray]) -> list[WeekPlan]:
    """Steps 1–3 for every week: triples, flow bound, starting plan, kept candidates."""
    pins = pinned_half_hours(index)
    previous = {
        (index.staff_pos[a.staff], index.need_pos[a.need], a.week): to_half_hours(a.hours)
        for a in index.round_input.previous
    }
    weeks = []
    for week in range(index.weeks):
        triples = compatible_triples(index, allowed, week)
        bound, flow = week_flow(index, week, triples)
        pinned = _rows_of(index, triples, {k: v for k, v in pins.items() if k[2] == week})
        kept_previous = _rows_of(
            index, triples, {k: h for k, h in previous.items() if k[2] == week}
        )
        start = best_start(index, triples, pinned, flow, kept_previous)
        must_keep = start > 0
        must_keep[list(pinned)] = True
        must_keep[list(kept_previous)] = True
        keep = keep_candidates(index, triples, must_keep, flow)
        kept = triples.take(keep)
        new_row = {int(old): new for new, old in enumerate(keep)}
        plan = WeekPlan(
            week=week,
            triples=kept,
            pinned={new_row[r]: h for r, h in pinned.items()},
            bound=bound,
            half_hours=start[keep],
            complete=len(keep) == len(triples),
        )
        plan.value = weighted(index, kept, plan.half_hours)
        plan.proven = bound_reached(plan.value, bound)
        if plan.proven:
            plan.stop_reason = "bound_reached"
        weeks.append(plan)
    return weeks


def _rows_of(index: RoundIndex, triples: Triples, keyed: dict[PinKey, int]) -> dict[int, int]:
    """Rows in `triples` of the given (staff, need, week) keys, with their values."""
    if not keyed:
        return {}
    keys = list(keyed)
    rows = triples.find(
        index,
        np.array([k[0] for k in keys], dtype=np.int64),
        np.array([k[1] for k in keys], dtype=np.int64),
        np.array([k[2] for k in keys], dtype=np.int64),
    )
    return {int(r): keyed[k] for r, k in zip(rows, keys, strict=True) if r >= 0}


def best_start(
    index: RoundIndex,
    triples: Triples,
    pinned: dict[int, int],
    flow: IntArray,
    previous: dict[int, int],
) -> IntArray:
    """The best (by term 1) of: the previous plan where it still fits, topped up greedily;
    the coordinator's greedy; the rounded flow. On a tie the previous plan wins."""
    if len(triples) == 0:
        return np.zeros(0, dtype=np.int64)
    plans = [
        previous_week(index, triples, pinned, previous),
        greedy_week(index, triples, pinned),
        rounded_flow_week(index, triples, pinned, flow),
    ]
    return max(plans, key=lambda p: weighted(index, triples, p))


class Reporter:
    """Calls the progress hook whenever the plan's weighted coverage improves."""

    def __init__(
        self, options: SolveOptions, clock: Clock, weeks: list[WeekPlan], bound: int
    ) -> None:
        self.hook = options.progress
        self.clock = clock
        self.weeks = weeks
        self.bound = bound
        self.best = -1
        self.lock = threading.Lock()

    def report(self, week: int | None = None, value: int | None = None) -> None:
        if self.hook is None:
            return
        with self.lock:
            self._report(week, value)

    def _report(self, week: int | None, value: int | None) -> None:
        if self.hook is None:
            return
        total = sum(value if value is not None and w.week == week else w.value for w in self.weeks)
        if total > self.best:
            self.best = total
            self.hook(
                Progress(
                    objective=total / HALF_HOURS,
                    bound=self.bound / HALF_HOURS,
                    elapsed=self.clock.elapsed(),
                )
            )


def improve_coverage(
    index: RoundIndex,
    weeks: list[WeekPlan],
    allowed: list[IntArray],
    options: SolveOptions,
    budget: Budget,
    seconds: float,
    reporter: Reporter,
) -> None:
    """Stage 1: per week, maximise term 1 from the starting plan within `seconds`: one exact
    CP-SAT model when the week is small, large-neighbourhood search when it is not."""
    stop_at = budget.left() - seconds
    exact = [w for w in weeks if not w.proven and w.complete]
    large = [w for w in weeks if not w.proven and not w.complete]
    sizes = {w.week: max(1, len(w.triples)) for w in exact + large}
    exact_share = sum(sizes[w.week] for w in exact) / max(1, sum(sizes.values()))
    exact_stop = stop_at + (budget.left() - stop_at) * (1 - exact_share)
    for i, week in enumerate(exact):
        share = sizes[week.week] / sum(sizes[w.week] for w in exact[i:])
        week_seconds = (budget.left() - exact_stop) * share
        if week_seconds >= MIN_STAGE_SECONDS:
            solve_week(index, week, options, budget, week_seconds, reporter)
            _log_week(week)
    # Weeks that stopped early (proven, stalled) leave time that only the weeks after them
    # could use; weeks cut at their share get it now, from their best plan so far.
    again = [w for w in exact if w.stop_reason == "time_limit"]
    for i, week in enumerate(again):
        week_seconds = (budget.left() - exact_stop) / (len(again) - i)
        if week_seconds >= SECOND_PASS_SECONDS:
            solve_week(index, week, options, budget, week_seconds, reporter)
            _log_week(week)
    if not large:
        return
    # Neighbourhoods are small one-worker solves; CP-SAT releases the interpreter while it
    # searches, so one thread per worker searches that many weeks side by side.
    threads = min(options.worker_count(), len(large))
    rounds = -(-len(large) // threads)
    week_seconds = (budget.left() - stop_at) / rounds
    if week_seconds < MIN_STAGE_SECONDS:
        return

    def run(week: WeekPlan) -> None:
        search_week(index, week, allowed, options, budget, week_seconds, reporter)
        _log_week(week)

    if threads == 1:
        for week in large:
            run(week)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, large))


def _log_week(week: WeekPlan) -> None:
    log.info(
        "week %d: %d rows, %s, %.4f of bound",
        week.week,
        len(week.triples),
        week.stop_reason,
        week.value / max(1, week.bound),
    )


def solve_week(
    index: RoundIndex,
    week: WeekPlan,
    options: SolveOptions,
    budget: Budget,
    seconds: float,
    reporter: Reporter,
) -> None:
    """Term 1 of one week as one CP-SAT model over all its compatible triples."""
    plan = PlanModel(index, week.triples, week.pinned)
    apply_rules(plan)
    plan.model.maximize(coverage_term(plan, week.half_hours))
    plan.add_hint(week.half_hours)
    solver = make_solver(options, budget, seconds)
    watch = StallWatch(
        options.stall_seconds,
        bound=week.bound,
        on_better=lambda value: reporter.report(week.week, value),
    )
    status = watch.search(solver, plan.model)
    budget.charge(solver)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = read_hours(solver, plan)
        value = weighted(index, week.triples, found)
        if value >= week.value:
            week.half_hours, week.value = found, value
    week.stop_reason = stage_stop_reason(
        status=status,
        complete=week.complete,
        value_at_bound=bound_reached(week.value, week.bound),
        watch_fired=watch.fired,
    )
    week.proven = week.stop_reason in PROVEN
    reporter.report()


def search_week(
    index: RoundIndex,
    week: WeekPlan,
    allowed: list[IntArray],
    options: SolveOptions,
    budget: Budget,
    seconds: float,
    reporter: Reporter,
) -> None:
    """Term 1 of one large week by large-neighbourhood search (`solver.lns`)."""
    stop_at = budget.left() - seconds
    used = week.half_hours > 0
    t = week.triples
    state = WeekState(
        index,
        week.week,
        allowed,
        {
            (int(s), int(n)): int(h)
            for s, n, h in zip(t.staff[used], t.need[used], week.half_hours[used], strict=True)
        },
        {(int(t.staff[r]), int(t.need[r])): h for r, h in week.pinned.items()},
    )
    rng = random.Random(options.seed * 1_000_003 + week.week)
    tries = 0
    last_better = budget.used()
    week.stop_reason = "time_limit"
    while budget.left() - stop_at > MIN_STAGE_SECONDS:
        if bound_reached(week.value, week.bound):
            week.stop_reason = "bound_reached"
            break
        piece = choose_piece(state, rng)
        if not piece or stalled(budget.used() - last_better, options.stall_seconds):
            week.stop_reason = "stalled"
            break
        piece_seconds = min(PIECE_SECONDS, budget.left() - stop_at)
        solver = make_solver(options, budget, piece_seconds, workers=1, piece=True)
        improved = improve_piece(state, piece, solver)
        budget.charge(solver)
        budget.charge_piece()
        tries += 1
        if improved:
            week.value = state.value()
            last_better = budget.used()
            reporter.report()
    log.info("week %d: %d neighbourhoods", week.week, tries)
    plan_triples, plan_hours = state.as_triples()
    merged = Triples.concat([week.triples, plan_triples])
    keys = merged.keys(index)
    _, first = np.unique(keys, return_index=True)
    merged = merged.take(np.sort(first))
    hours = np.zeros(len(merged), dtype=np.int64)
    rows = merged.find(index, plan_triples.staff, plan_triples.need, plan_triples.week)
    hours[rows] = plan_hours
    pinned_keys = {(int(t.staff[r]), int(t.need[r]), week.week): h for r, h in week.pinned.items()}
    week.triples, week.half_hours = merged, hours
    week.pinned = _rows_of(index, merged, pinned_keys)
    week.value = weighted(index, merged, hours)
    week.proven = bound_reached(week.value, week.bound)
    if week.proven:
        week.stop_reason = "bound_reached"


def round_rows(weeks: list[WeekPlan]) -> tuple[Triples, IntArray, dict[int, int]]:
    """Every week's triples in one table, with their half-hours and pins (row -> half-hours)."""
    triples = Triples.concat([w.triples for w in weeks])
    half_hours = (
        np.concatenate([w.half_hours for w in weeks]) if weeks else np.zeros(0, dtype=np.int64)
    )
    pinned: dict[int, int] = {}
    offset = 0
    for w in weeks:
        pinned.update({offset + r: h for r, h in w.pinned.items()})
        offset += len(w.triples)
    return triples, half_hours, pinned


def round_model(index: RoundIndex, weeks: list[WeekPlan]) -> PlanModel:
    """Stage 1's models of every week in one: the kept triples under every hard rule,
    term 1 maximised, the starting plan as hint (for `SolveOptions.dump_model`)."""
    triples, half_hours, pinned = round_rows(weeks)
    plan = PlanModel(index, triples, pinned)
    apply_rules(plan)
    plan.model.maximize(coverage_term(plan, half_hours))
    plan.add_hint(half_hours)
    return plan


def improve_lower_terms(
    index: RoundIndex, weeks: list[WeekPlan], options: SolveOptions, budget: Budget
) -> tuple[Triples, IntArray, bool, list[StopReason]]:
    """Stages 2–5 over the whole round; returns the triples, their half-hours, whether every
    stage was proven optimal over a complete model, and why each stage stopped (none when
    the round has nothing to plan)."""
    triples, half_hours, pinned = round_rows(weeks)
    triples, half_hours = _with_continuity_rows(index, triples, half_hours)
    complete = all(w.complete for w in weeks)
    proven = complete
    if len(triples) == 0:
        return triples, half_hours, proven, []
    reserve = RESULT_RESERVE * budget.limit
    build_estimate = BUILD_SECONDS_PER_ROW * len(triples)
    if budget.left() - reserve < 2 * build_estimate + MIN_STAGE_SECONDS * len(LOWER_TERMS):
        return triples, half_hours, False, ["time_limit"]

    plan = PlanModel(index, triples, pinned)
    apply_rules(plan)
    coverage = {w.week: w.value for w in weeks}
    for rows in plan.groups("week"):
        week = int(triples.week[rows[0]])
        weights = index.weight[triples.need[rows]]
        plan.model.add(
            cp_model.LinearExpr.weighted_sum(
                [plan.hours[i] for i in rows], [int(x) for x in weights]
            )
            >= coverage[week]
        )
    reasons: list[StopReason] = []
    for stage, term in enumerate(LOWER_TERMS):
        cost = term(plan, half_hours)
        seconds = (budget.left() - reserve) / (len(LOWER_TERMS) - stage)
        if seconds < MIN_STAGE_SECONDS:
            return triples, half_hours, False, [*reasons, "time_limit"]
        plan.model.minimize(cost)
        plan.add_hint(half_hours)
        solver = make_solver(options, budget, seconds)
        watch = StallWatch(options.stall_seconds)
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
            return triples, half_hours, False, reasons
        half_hours = read_hours(solver, plan)
        proven = proven and reason == "proven_optimal"
        plan.model.add(cost <= round(solver.objective_value))
    return triples, half_hours, proven, reasons


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
