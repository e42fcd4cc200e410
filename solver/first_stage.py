"""Stage 1 of the search: per week, CP-SAT maximises term 1 from the starting plan, one
exact model for a small week and large-neighbourhood search (`solver.lns`) for a large one.
Term 1 and every hard rule are separate per week, so weeks are independent here."""

from __future__ import annotations

import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from ortools.sat.python import cp_model

from solver.budget import MIN_STAGE_SECONDS, Budget, Clock
from solver.cpsat import make_solver, read_hours
from solver.greedy import weighted
from solver.index import HALF_HOURS, IntArray, RoundIndex
from solver.introductions import Presence, limits_any
from solver.lns import PIECE_SECONDS, WeekState, choose_piece, improve_piece
from solver.model import PlanModel, Triples
from solver.objective import coverage_term
from solver.options import Progress, SolveOptions
from solver.rules import apply_rules
from solver.stopping import (
    PROVEN,
    StallWatch,
    bound_reached,
    stage_stop_reason,
    stalled,
)
from solver.weeks import WeekPlan, round_rows, rows_of

log = logging.getLogger(__name__)

SECOND_PASS_SECONDS = 0.5
"""Least time worth a second CP-SAT run of a week cut at its share of stage 1."""


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
            beside = presence_beside(index, weeks, week.week)
            solve_week(index, week, options, budget, week_seconds, reporter, beside)
            _log_week(week)
    # Weeks that stopped early (proven, stalled) leave time that only the weeks after them
    # could use; weeks cut at their share get it now, from their best plan so far.
    again = [w for w in exact if w.stop_reason == "time_limit"]
    for i, week in enumerate(again):
        week_seconds = (budget.left() - exact_stop) / (len(again) - i)
        if week_seconds >= SECOND_PASS_SECONDS:
            beside = presence_beside(index, weeks, week.week)
            solve_week(index, week, options, budget, week_seconds, reporter, beside)
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

    # Each week's search sees the others as they were before it (threads change them).
    others = {w.week: presence_beside(index, weeks, w.week) for w in large}

    def run(week: WeekPlan) -> None:
        seen = others[week.week]
        search_week(index, week, allowed, options, budget, week_seconds, reporter, seen)
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


def presence_beside(index: RoundIndex, weeks: list[WeekPlan], week: int) -> Presence:
    """Who works at units that limit their introductions in the plans of the other weeks."""
    if not limits_any(index):
        return Presence()
    triples, half_hours, _ = round_rows([w for w in weeks if w.week != week])
    return Presence.of(index, triples, half_hours)


def solve_week(
    index: RoundIndex,
    week: WeekPlan,
    options: SolveOptions,
    budget: Budget,
    seconds: float,
    reporter: Reporter,
    beside: Presence | None = None,
) -> None:
    """Term 1 of one week as one CP-SAT model over all its compatible triples; `beside`:
    who works where in the other weeks (rule 10)."""
    plan = PlanModel(index, week.triples, week.pinned, present_outside=beside)
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
    beside: Presence | None = None,
) -> None:
    """Term 1 of one large week by large-neighbourhood search (`solver.lns`); `beside`: who
    works where in the other weeks (rule 10)."""
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
        beside or Presence(),
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
    week.pinned = rows_of(index, merged, pinned_keys)
    week.value = weighted(index, merged, hours)
    week.proven = bound_reached(week.value, week.bound)
    if week.proven:
        week.stop_reason = "bound_reached"


def round_model(index: RoundIndex, weeks: list[WeekPlan]) -> PlanModel:
    """Stage 1's models of every week in one: the kept triples under every hard rule,
    term 1 maximised, the starting plan as hint (for `SolveOptions.dump_model`)."""
    triples, half_hours, pinned = round_rows(weeks)
    plan = PlanModel(index, triples, pinned)
    apply_rules(plan)
    plan.model.maximize(coverage_term(plan, half_hours))
    plan.add_hint(half_hours)
    return plan
