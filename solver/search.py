"""`solve`: flow bound, starting plan, then CP-SAT in lexicographic stages.

Steps, each a plain function (`solver.weeks`, `solver.first_stage`, `solver.lower_stages`):

1. Per week, list the compatible triples and solve the flow relaxation (the bound of term 1).
2. Per week, a starting plan: the better of the coordinator's greedy and the rounded flow.
3. Per week, keep only the triples that can matter (`solver.candidates`).
4. Stage 1, per week: CP-SAT maximises term 1 from the starting plan. Term 1 and every hard
   rule are separate per week, so weeks are independent here.
5. Stages 2–5, over the whole round (weeks meet in continuity and fairness): each lower term
   is minimised in turn while every week keeps its term-1 value and earlier terms stay as good.
6. The learner stage (`solver.learner_stage`): learners beside the plan's holders, in the
   capacity it leaves (rule 11).
7. The day stage (`solver.day_stage`): the hours of needs with shift times placed on days;
   where days cannot hold them, those weeks are re-planned (`solver.day_feedback`).

Each stage stops early when it reaches the bound, is proven optimal or stalls
(`solver.stopping`); the time it leaves goes to the stages after it.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from solver.budget import Budget, Clock
from solver.candidates import allowed_with_learners
from solver.contract import RoundInput, RoundResult
from solver.cpsat import write_model
from solver.day_feedback import settle_days
from solver.first_stage import Reporter, improve_coverage, round_model
from solver.greedy import weighted
from solver.index import RoundIndex, index_round
from solver.introductions import keep_introductions
from solver.learner_stage import LEARNER_SHARE, place_learners
from solver.learners import holders_index, keep_buddies
from solver.lower_stages import improve_lower_terms
from solver.options import SolveOptions
from solver.pins import check_pins, pinned_rows
from solver.result import build_result, infeasible_result
from solver.stopping import solve_stop_reason
from solver.weeks import keep_introductions_in_weeks, prepare_weeks

log = logging.getLogger(__name__)

FIRST_STAGE_SHARE = 0.8
"""Share of the time left after preparation that term 1 may use before the lower terms."""
WEEKLY_SHARE_WITH_DAYS = 0.9
"""Share of the time limit the weekly stages may use when needs have shift times; the day
stage and its re-plans have the rest."""


def _weekly_share(index: RoundIndex) -> float:
    """The weekly stages' share of the time limit: the day stage and the learner stage have
    the rest where the round has them."""
    share = WEEKLY_SHARE_WITH_DAYS if index.need_by_day.any() else 1.0
    return share - LEARNER_SHARE if index.may_learn else share


def solve(round_input: RoundInput, options: SolveOptions | None = None) -> RoundResult:
    """Plan the round: every hard rule kept, term 1 first, then the lower terms in turn."""
    options = options or SolveOptions()
    clock = Clock(options.time_limit)
    index = index_round(round_input)
    weekly = replace(options, time_limit=options.time_limit * _weekly_share(index))
    weekly_clock = clock.share(_weekly_share(index))
    problems = check_pins(index)
    if problems:
        return infeasible_result(index, problems, clock.elapsed())

    allowed = allowed_with_learners(index)
    full, index = index, holders_index(index)
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

    budget = Budget(weekly_clock, weekly)
    first = budget.left() * FIRST_STAGE_SHARE
    improve_coverage(index, weeks, allowed, weekly, budget, first, reporter)
    keep_introductions_in_weeks(index, weeks)
    all_proven = all(w.proven for w in weeks)

    lower = improve_lower_terms(index, weeks, weekly, budget)
    index = full
    triples, half_hours, learners_proven = place_learners(
        index, lower.triples, lower.half_hours, options, clock
    )
    triples, half_hours, days = settle_days(index, triples, half_hours, options, clock)
    pins = pinned_rows(index, triples)
    half_hours = keep_buddies(
        index, triples, keep_introductions(index, triples, half_hours, pins), pins
    )
    for week in weeks:
        in_week = triples.week == week.week
        week.value = weighted(index, triples.take(np.flatnonzero(in_week)), half_hours[in_week])
    reporter.report()
    return build_result(
        index,
        triples,
        half_hours,
        status="optimal"
        if all_proven and lower.proven and learners_proven and not index.day_limits
        else "feasible",
        bound=bound,
        seconds=clock.elapsed(),
        stop_reason=solve_stop_reason([w.stop_reason for w in weeks], lower.reasons),
        days=days,
        coverage_traded=lower.traded,
    )
