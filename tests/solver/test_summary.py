"""The words `jobbank solve` prints, and the benchmark's table."""

from __future__ import annotations

from collections.abc import Callable

import click
import pytest

from jobbank.cli.bench import bench_seeds
from jobbank.solving import LISTED_UNFILLED, summarize
from jobbank.tools.bench import (
    SIZES,
    TIME_LIMITS,
    BenchRow,
    format_row,
    header,
    measure_sizes,
    run_bench,
    spread_line,
)
from jobbank.tools.bench_days import run_day_bench
from tests.solver.builders import a_need, a_round, a_staff, an_assignment, solve_quickly


def test_summary_gives_share_hours_status_and_reasons() -> None:
    round_input = a_round(staff=[a_staff()], needs=[a_need(hours=[50], priority=5)])
    text = summarize(round_input, solve_quickly(round_input))
    assert "status: optimal" in text
    assert "(100.0% of the bound)" in text
    assert "37 covered of 50 wanted" in text
    assert "n1 (priority 5), week of 2026-03-16: 13 h open" in text
    assert "no_capacity:" in text
    assert "time:" in text
    assert "stopped: the plan covers the bound and the other goals are proven best" in text


def test_summary_caps_the_unfilled_list() -> None:
    needs = [a_need(f"n{i}", skill="driver") for i in range(LISTED_UNFILLED + 3)]
    round_input = a_round(staff=[a_staff()], needs=needs)
    text = summarize(round_input, solve_quickly(round_input))
    assert "… and 3 more unfilled need-weeks" in text


def test_summary_of_an_infeasible_round_names_the_pin() -> None:
    round_input = a_round(
        staff=[a_staff(home_unit="ward")],
        needs=[a_need(unit="ward")],
        pinned=[an_assignment("anne", "n1", 0, 8)],
    )
    text = summarize(round_input, solve_quickly(round_input))
    assert "status: infeasible" in text
    assert "rule 5 (lending)" in text


def test_bench_refuses_an_unknown_size() -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        run_bench(["huge"], out=lambda _: None)


def a_bench_row(seed: int, share: float, seconds: float) -> BenchRow:
    return BenchRow(
        size="small", seed=seed, staff=200, needs=150, weeks=4, build_seconds=0.1,
        solve_seconds=seconds, share=share, gap=1 - share, introductions=100, peak_mib=200,
        greedy_share=0.96, ratio=1.03, status="feasible", stop_reason="stalled",
        weighted_coverage=share * 1000, upper_bound=1000,
    )  # fmt: skip


def test_bench_spread_gives_min_median_and_max_over_seeds() -> None:
    rows = [a_bench_row(1, 0.999, 3.0), a_bench_row(2, 0.996, 9.5), a_bench_row(3, 0.9995, 4)]
    line = spread_line("small", rows)
    assert line == (
        "small over 3 seeds: share min 0.9960 median 0.9990 max 0.9995; "
        "solve s min 3.0 median 4.0 max 9.5"
    )


def test_one_driver_measures_each_size_per_seed_at_its_time_limit() -> None:
    asked: list[tuple[str, int, float]] = []

    def measured(size: str, seed: int, limit: float) -> list[BenchRow]:
        asked.append((size, seed, limit))
        return [a_bench_row(seed, 0.99 + seed / 1000, limit)]

    lines: list[str] = []
    rows = measure_sizes(
        ["small", "medium"], [1, 2], measured, time_limit=None, out=lines.append,
        spread=spread_line,
    )  # fmt: skip
    assert asked == [
        ("small", 1, TIME_LIMITS["small"]), ("small", 2, TIME_LIMITS["small"]),
        ("medium", 1, TIME_LIMITS["medium"]), ("medium", 2, TIME_LIMITS["medium"]),
    ]  # fmt: skip
    assert lines[:5] == [header(), *map(format_row, rows)]
    assert [line.split(" over ")[0] for line in lines[5:]] == ["small", "medium"]
    one = measure_sizes(["small"], [3], measured, time_limit=2, out=lines.append)
    assert [(r.seed, r.solve_seconds) for r in one] == [(3, 2)]


@pytest.mark.parametrize("bench", [run_bench, run_day_bench])
def test_both_benches_refuse_an_unknown_size_and_no_seeds(bench: Callable[..., object]) -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'; choose from small, medium"):
        bench(["huge"], out=lambda _: None)
    with pytest.raises(ValueError, match="seeds: give at least one"):
        bench(["small"], seeds=[], out=lambda _: None)


def test_bench_seeds_are_a_list_or_a_count() -> None:
    assert bench_seeds("3,7,11") == [3, 7, 11]
    assert bench_seeds("4") == [1, 2, 3, 4]
    with pytest.raises(click.BadParameter, match="a list of seeds"):
        bench_seeds("1,x")
    with pytest.raises(click.BadParameter, match="between 1 and 100 seeds"):
        bench_seeds("0")


@pytest.mark.slow
def test_bench_over_seeds_prints_a_row_each_and_the_spread() -> None:
    lines: list[str] = []
    rows = run_bench(["small"], seeds=[1, 2], time_limit=2, out=lines.append)
    assert [r.seed for r in rows] == [1, 2]
    assert len(lines) == 4
    assert lines[3].startswith("small over 2 seeds: share min ")
    assert all(r.stop_reason for r in rows)


@pytest.mark.slow
def test_bench_small_prints_a_row() -> None:
    lines: list[str] = []
    (row,) = run_bench(["small"], time_limit=2, out=lines.append)
    assert (row.staff, row.needs, row.weeks) == SIZES["small"]
    assert 0 < row.share <= 1
    assert row.peak_mib > 0
    assert len(lines) == 2
    assert lines[1].startswith("small")
