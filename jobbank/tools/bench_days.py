"""`jobbank bench --days`: the solver on generated rounds with days, against the same rounds
planned by the week alone, so the table says what the day rules cost.

Per size and seed, two fresh processes (so the first's peak memory is its own):

1. generate the round with days (`fixtures.generator.generate_round(days=True)`: needs with
   weekdays and shift times, staff with away days and hours a day), solve it, and make the
   coordinator's greedy plan of it;
2. generate the same round, take its days off (`fixtures.generator.without_days`: no shift
   times, everybody away every day, default hours a day) and solve that with the same limits.

Each solve has the size's limit in `DAY_TIME_LIMITS` (the issue's wall times, less what
building the round and the result take), unless `--time-limit` gives one.

Columns:

- build s, share, intros, peak MiB, greedy, stopped: as `jobbank bench` (`jobbank.tools.bench`),
  of the round with days;
- solve s: the wall time of `solve` on the round with days, its day stage included;
- a-weeks: assignment-weeks of the plan; days: the days they are placed on;
- no days: assignment-weeks of a need with shift times whose days are missing or do not add
  up to their hours (the day stage failed to place them);
- day n-w: need-weeks left unfilled where the day stage kept planned people from hours
  (their reasons say so, with the day rule); kept off: the assignment-weeks those reasons
  count, cut or re-planned elsewhere (weeks the re-plan filled again are not counted, so
  this is a floor);
- week share: the round without days, its coverage over its own flow bound;
- bound kept: the flow bound with days over the one without;
- day cost: 1 − coverage with days / coverage without, the share of the weekly plan's
  weighted coverage the day rules cost;
- target: the issue's target for the size, ✔ when every part of it holds and every
  assignment-week of a need with shift times has its days.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobbank.tools.bench import (
    SIZES,
    Columns,
    Target,
    in_fresh_process,
    measure_sizes,
    peak_mib,
    spread_line,
)

if TYPE_CHECKING:
    from solver.contract import RoundInput, RoundResult

DAY_COLUMNS: Columns = (
    ("size", "{:<7}"),
    ("seed", "{:>5}"),
    ("staff", "{:>6}"),
    ("needs", "{:>6}"),
    ("weeks", "{:>5}"),
    ("build_seconds", "{:>8.2f}"),
    ("solve_seconds", "{:>8.2f}"),
    ("share", "{:>7.4f}"),
    ("introductions", "{:>7}"),
    ("peak_mib", "{:>9.0f}"),
    ("greedy_share", "{:>7.4f}"),
    ("stop_reason", "{:>14}"),
    ("assignment_weeks", "{:>8}"),
    ("days_placed", "{:>7}"),
    ("without_days", "{:>8}"),
    ("day_need_weeks", "{:>8}"),
    ("kept_off", "{:>9}"),
    ("week_share", "{:>10.4f}"),
    ("bound_kept", "{:>10.4f}"),
    ("day_cost", "{:>8.4f}"),
    ("target", "  {}"),
)
DAY_HEADINGS = {
    "build_seconds": "build s",
    "solve_seconds": "solve s",
    "introductions": "intros",
    "peak_mib": "peak MiB",
    "greedy_share": "greedy",
    "stop_reason": "stopped",
    "assignment_weeks": "a-weeks",
    "days_placed": "days",
    "without_days": "no days",
    "day_need_weeks": "day n-w",
    "kept_off": "kept off",
    "week_share": "week share",
    "bound_kept": "bound kept",
    "day_cost": "day cost",
    "target": "  target",
}


DAY_TARGETS = {
    "medium": Target(share=0.985, seconds=40),
    "large": Target(share=0.975, seconds=150, mib=6 * 1024),
}
"""Issue 23: a plan with days keeps these shares of the flow bound in this time (2 cores);
its assignment-weeks of needs with shift times all have their days."""

DAY_TIME_LIMITS = {"small": 9.0, "medium": 35.0, "large": 135.0}
"""Solver seconds per size with days: the targets' wall time, less what building the round
and the result take beside the solve."""


@dataclass(frozen=True)
class DayBenchRow:
    """One size and seed with days, and the same round without them."""

    size: str
    seed: int
    staff: int
    needs: int
    weeks: int
    build_seconds: float
    solve_seconds: float
    share: float
    introductions: int
    peak_mib: float
    greedy_share: float
    status: str
    stop_reason: str
    assignment_weeks: int
    days_placed: int
    without_days: int
    day_need_weeks: int
    kept_off: int
    weighted_coverage: float
    upper_bound: float
    week_coverage: float
    week_upper_bound: float
    week_share: float
    bound_kept: float
    day_cost: float
    target: str


def run_day_bench(
    sizes: list[str],
    *,
    seeds: Sequence[int] = (1,),
    time_limit: float | None = None,
    workers: int = 2,
    out: Callable[[str], None] = print,
) -> list[DayBenchRow]:
    """Measure each size once per seed with days and without, each solve in a fresh process,
    printing the table as rows arrive; with more than one seed, then the spread per size."""

    def measured(size: str, seed: int, limit: float) -> list[DayBenchRow]:
        task = (size, seed, limit, workers)
        return [
            day_row(
                in_fresh_process(measure_with_days, *task), in_fresh_process(measure_by_week, *task)
            )
        ]

    return measure_sizes(
        sizes,
        seeds,
        measured,
        time_limit=time_limit,
        out=out,
        columns=DAY_COLUMNS,
        headings=DAY_HEADINGS,
        spread=spread_line,
        time_limits=DAY_TIME_LIMITS,
    )


def day_row(with_days: dict[str, Any], by_week: dict[str, float]) -> DayBenchRow:
    """The row of one size and seed: its measures with days beside those without."""
    coverage, week_coverage = with_days["weighted_coverage"], by_week["weighted_coverage"]
    target = DAY_TARGETS.get(with_days["size"])
    return DayBenchRow(
        **with_days,
        week_coverage=week_coverage,
        week_upper_bound=by_week["upper_bound"],
        week_share=by_week["share"],
        bound_kept=_ratio(with_days["upper_bound"], by_week["upper_bound"]),
        day_cost=1 - _ratio(coverage, week_coverage),
        target=(
            target.verdict(
                with_days["share"],
                with_days["solve_seconds"],
                with_days["peak_mib"],
                ("days", with_days["without_days"] == 0),
            )
            if target
            else "–"
        ),
    )


def measure_with_days(size: str, seed: int, time_limit: float, workers: int) -> dict[str, Any]:
    """Generate the size's round with days, solve it and greedy-plan it (in this process);
    a `DayBenchRow` dict but the measures without days."""
    from fixtures.generator import generate_round
    from solver import Progress, SolveOptions, greedy_plan, solve

    staff, needs, weeks = SIZES[size]
    round_input = generate_round(staff=staff, needs=needs, weeks=weeks, seed=seed, days=True)
    reports: list[Progress] = []
    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, progress=reports.append
    )
    started = time.monotonic()
    result = solve(round_input, options)
    wall = time.monotonic() - started
    greedy = greedy_plan(round_input)
    m = result.metrics
    return {
        "size": size,
        "seed": seed,
        "staff": staff,
        "needs": needs,
        "weeks": weeks,
        "build_seconds": reports[0].elapsed if reports else wall,
        "solve_seconds": wall,
        "share": m.share_of_bound,
        "introductions": m.introductions,
        "peak_mib": peak_mib(),
        "greedy_share": greedy.metrics.share_of_bound,
        "status": result.status,
        "stop_reason": m.stop_reason or "",
        "assignment_weeks": len(result.assignments),
        "days_placed": sum(len(a.days) for a in result.assignments),
        "without_days": len(assignment_weeks_without_days(round_input, result)),
        **day_reasons(result),
        "weighted_coverage": m.weighted_coverage,
        "upper_bound": m.upper_bound,
    }


def measure_by_week(size: str, seed: int, time_limit: float, workers: int) -> dict[str, float]:
    """Generate the size's round with days, take the days off and solve it (in this process):
    its weighted coverage, flow bound and share of that bound."""
    from fixtures.generator import generate_round, without_days
    from solver import SolveOptions, solve

    staff, needs, weeks = SIZES[size]
    dated = generate_round(staff=staff, needs=needs, weeks=weeks, seed=seed, days=True)
    result = solve(
        without_days(dated), SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    )
    m = result.metrics
    return {
        "weighted_coverage": m.weighted_coverage,
        "upper_bound": m.upper_bound,
        "share": m.share_of_bound,
    }


def assignment_weeks_without_days(
    round_input: RoundInput, result: RoundResult
) -> list[tuple[str, str, int]]:
    """(staff, need, week) of each assignment-week of a need with shift times whose days are
    missing or do not add up to its hours."""
    by_day = {n.id for n in round_input.needs if n.planned_by_day}
    return [
        (a.staff, a.need, a.week)
        for a in result.assignments
        if a.need in by_day and sum(d.hours for d in a.days) != a.hours
    ]


def day_reasons(result: RoundResult) -> dict[str, int]:
    """Unfilled need-weeks where the day stage kept planned people from hours
    (`day_need_weeks`), and how many people their reasons count (`kept_off`). People a day
    rule keeps off a need before planning (too few days or hours a day for its block) are
    not counted."""
    from solver.contract import ReasonCode, ReasonDetail

    kept_off = [
        [
            r.values.people
            for r in u.reasons
            if r.code is ReasonCode.DAYS
            and r.values is not None
            and r.values.detail is not ReasonDetail.EXCLUDED
        ]
        for u in result.unfilled
    ]
    return {
        "day_need_weeks": sum(1 for people in kept_off if people),
        "kept_off": sum(sum(people) for people in kept_off),
    }


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 1.0
