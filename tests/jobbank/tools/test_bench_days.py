"""`jobbank bench --days` on the small size: a row with days beside the same round without them,
and the issue's targets judged (not the timing itself)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from jobbank.cli.main import main
from jobbank.tools.bench import SIZES
from jobbank.tools.bench_days import DAY_HEADINGS, DAY_TARGETS, DayTarget, day_row


@pytest.mark.slow
def test_bench_days_reports_the_small_round_with_days_beside_it_without() -> None:
    result = CliRunner().invoke(
        main,
        ["bench", "--days", "--size", "small", "--time-limit", "2", "--workers", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    heading, row, *rest = result.output.splitlines()
    assert rest == []
    assert heading.split()[:5] == ["size", "seed", "staff", "needs", "weeks"]
    for words in ("solve s", "a-weeks", "no days", "week share", "bound kept", "day cost"):
        assert words in heading
    assert heading.endswith(DAY_HEADINGS["target"])
    fields = row.split()
    assert fields[:5] == ["small", "1", *map(str, SIZES["small"])]
    assert fields[-1] == "–"  # no target for the small size
    share, week_share, bound_kept, day_cost = (
        float(fields[7]), float(fields[15]), float(fields[16]), float(fields[17])
    )  # fmt: skip
    assert 0 < share <= 1 and 0 < week_share <= 1
    # The round really has days: away days and hours a day lower the flow bound.
    assert bound_kept < 1
    assert -1 < day_cost < 1
    assignment_weeks = int(fields[12])
    assert assignment_weeks > 0


def test_a_target_names_what_it_misses() -> None:
    large = DAY_TARGETS["large"]
    assert large.verdict(0.98, 140, 3000, 0) == "≥ 0.975 in ≤ 150 s, ≤ 6 GiB ✔"
    assert (
        large.verdict(0.97, 151, 7000, 2)
        == "≥ 0.975 in ≤ 150 s, ≤ 6 GiB ✗ (share, time, memory, days)"
    )
    medium = DayTarget(share=0.985, seconds=40)
    assert medium.verdict(0.99, 41, 9e9, 0) == "≥ 0.985 in ≤ 40 s ✗ (time)"


def test_a_row_sets_the_round_with_days_against_the_one_without() -> None:
    with_days = {
        "size": "medium", "seed": 1, "staff": 2000, "needs": 1500, "weeks": 4,
        "build_seconds": 0.4, "solve_seconds": 33.0, "share": 0.99, "introductions": 3800,
        "peak_mib": 500.0, "greedy_share": 0.97, "status": "feasible",
        "stop_reason": "time_limit", "assignment_weeks": 5000, "days_placed": 16000,
        "without_days": 0, "weighted_coverage": 891.0, "upper_bound": 900.0,
    }  # fmt: skip
    row = day_row(with_days, {"weighted_coverage": 990.0, "upper_bound": 1000.0, "share": 0.99})
    assert row.bound_kept == pytest.approx(0.9)
    assert row.day_cost == pytest.approx(0.1)
    assert row.week_share == 0.99
    assert row.target == "≥ 0.985 in ≤ 40 s ✔"


def test_days_are_refused_with_repairs_and_the_regional_pool() -> None:
    for other in (["--repair"], ["--pool", "regional"]):
        result = CliRunner().invoke(main, ["bench", "--days", *other])
        assert result.exit_code == 2
        assert "--days runs single rounds" in result.output
