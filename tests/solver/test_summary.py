"""The words `jobbank solve` prints, and the benchmark's table."""

from __future__ import annotations

import pytest

from jobbank.bench import SIZES, run_bench
from jobbank.solving import LISTED_UNFILLED, summarize
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


@pytest.mark.slow
def test_bench_small_prints_a_row() -> None:
    lines: list[str] = []
    (row,) = run_bench(["small"], time_limit=2, out=lines.append)
    assert (row.staff, row.needs, row.weeks) == SIZES["small"]
    assert 0 < row.share <= 1
    assert row.peak_mib > 0
    assert len(lines) == 2
    assert lines[1].startswith("small")
