"""`jobbank bench --days` on the small size: a row with days beside the same round without them,
and the issue's targets judged (not the timing itself)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from jobbank.cli.main import main
from jobbank.tools.bench import SIZES, Target
from jobbank.tools.bench_days import (
    DAY_COLUMNS,
    DAY_HEADINGS,
    DAY_TARGETS,
    assignment_weeks_without_days,
    day_reasons,
    day_row,
)
from solver.contract import RoundResult
from tests.solver.builders import a_need, a_round, a_staff


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
    values = dict(zip([name for name, _ in DAY_COLUMNS], row.split(), strict=True))
    assert [values[k] for k in ("size", "seed", "staff", "needs", "weeks")] == [
        "small", "1", *map(str, SIZES["small"])
    ]  # fmt: skip
    assert values["target"] == "–"  # no target for the small size
    assert 0 < float(values["share"]) <= 1 and 0 < float(values["week_share"]) <= 1
    assert -1 < float(values["day_cost"]) < 1
    # The round really has days: away days and hours a day lower the flow bound, and every
    # need has shift times, so each assignment-week is placed on one day or more.
    assert float(values["bound_kept"]) < 1
    assignment_weeks = int(values["assignment_weeks"])
    assert assignment_weeks > 0
    assert int(values["days_placed"]) >= assignment_weeks
    assert values["without_days"] == "0"
    assert int(values["kept_off"]) >= int(values["day_need_weeks"]) >= 0


def test_a_target_names_what_it_misses() -> None:
    large = DAY_TARGETS["large"]
    assert large.verdict(0.98, 140, 3000, ("days", True)) == "≥ 0.975 in ≤ 150 s, ≤ 6 GiB ✔"
    assert (
        large.verdict(0.97, 151, 7000, ("days", False))
        == "≥ 0.975 in ≤ 150 s, ≤ 6 GiB ✗ (share, time, memory, days)"
    )
    medium = Target(share=0.985, seconds=40)
    assert medium.verdict(0.99, 41, 9e9) == "≥ 0.985 in ≤ 40 s ✗ (time)"


def test_a_row_sets_the_round_with_days_against_the_one_without() -> None:
    with_days = {
        "size": "medium", "seed": 1, "staff": 2000, "needs": 1500, "weeks": 4,
        "build_seconds": 0.4, "solve_seconds": 33.0, "share": 0.99, "introductions": 3800,
        "peak_mib": 500.0, "greedy_share": 0.97, "status": "feasible",
        "stop_reason": "time_limit", "assignment_weeks": 5000, "days_placed": 16000,
        "without_days": 0, "day_need_weeks": 3, "kept_off": 5, "weighted_coverage": 891.0,
        "upper_bound": 900.0,
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


def test_an_assignment_week_of_a_need_with_shift_times_needs_days_that_add_up() -> None:
    weekdays = {"days": ["mon", "tue"], "start": "07:00", "end": "15:00"}
    by_day = {**a_need("ward", unit="ward"), "shift_times": [weekdays]}
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob"), a_staff("carl")],
        needs=[by_day, a_need("office", unit="office")],
    )
    monday = {"date": "2026-03-16", "start": "07:00", "end": "15:00", "hours": 8}
    short_tuesday = {"date": "2026-03-17", "start": "07:00", "end": "09:00", "hours": 2}
    result = RoundResult.model_validate(
        {
            "status": "feasible",
            "assignments": [
                {"staff": "anne", "need": "ward", "week": 0, "hours": 8, "days": [monday]},
                {"staff": "bob", "need": "ward", "week": 0, "hours": 12,
                 "days": [monday, short_tuesday]},
                {"staff": "carl", "need": "ward", "week": 0, "hours": 4},
                {"staff": "carl", "need": "office", "week": 0, "hours": 4},
            ],
        }
    )  # fmt: skip
    assert assignment_weeks_without_days(round_input, result) == [
        ("bob", "ward", 0),
        ("carl", "ward", 0),
    ]


def test_kept_off_counts_the_people_the_day_stage_cut_not_those_never_planned() -> None:
    def days_reason(detail: str, people: int) -> dict[str, object]:
        return {
            "code": "days",
            "message": f"{people} people",
            "values": {"detail": detail, "people": people},
        }

    result = RoundResult.model_validate(
        {
            "status": "feasible",
            "unfilled": [
                {"need": "n1", "week": 0, "hours": 8,
                 "reasons": [days_reason("rest", 2), days_reason("day_block", 1),
                             days_reason("excluded", 9)]},
                {"need": "n2", "week": 0, "hours": 4, "reasons": [days_reason("excluded", 5)]},
                {"need": "n3", "week": 1, "hours": 4,
                 "reasons": [days_reason("one_place_a_day", 3)]},
            ],
        }
    )  # fmt: skip
    assert day_reasons(result) == {"day_need_weeks": 2, "kept_off": 6}
