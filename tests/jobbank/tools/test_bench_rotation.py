"""`jobbank bench --purpose rotation` and `--introductions` on the small size: the table's shape,
figures that come from the plan, and each variant's round as it claims (not the timing)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from click.testing import CliRunner

from jobbank.cli.main import main
from jobbank.tools.bench import CRISIS_TARGETS, SIZES, format_row
from jobbank.tools.bench_rotation import (
    INTRODUCTION_COLUMNS,
    ROTATION_COLUMNS,
    RULE_10,
    TRADE,
    VARIANTS,
    RotationRow,
    plan_figures,
    run_introduction_bench,
    spread_by_variant,
    variant_round,
)
from solver.contract import Purpose, RoundResult


@pytest.mark.slow
def test_bench_rotation_reports_the_small_rotation_round() -> None:
    result = CliRunner().invoke(
        main,
        ["bench", "--purpose", "rotation", "--size", "small", "--time-limit", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    heading, row, *rest = result.output.splitlines()
    assert rest == []
    for words in ("solve s", "share", "new exp", "learners", "intros", "per vol", "h/intro"):
        assert words in heading
    assert heading.endswith("target")
    names = [name for name, _ in ROTATION_COLUMNS]
    values = dict(zip(names, row.split(maxsplit=len(names) - 1), strict=True))
    assert [values[k] for k in ("size", "seed", "staff", "needs", "weeks")] == [
        "small", "1", *map(str, SIZES["small"])
    ]  # fmt: skip
    assert 0 < float(values["share"]) <= 1
    introductions, used = int(values["introductions"]), int(values["volunteers"])
    assert used > 0  # some used may only go to units they worked at before: no introduction
    assert float(values["per_volunteer"]) == pytest.approx(introductions / used, abs=0.005)
    assert int(values["new_experiences"]) >= 0 and int(values["learners_placed"]) >= 0
    assert values["target"].startswith("≥ 0.99 in ≤ 10 s ")


@pytest.mark.slow
def test_bench_introductions_solves_each_variant_of_the_same_round() -> None:
    lines: list[str] = []
    rows = run_introduction_bench(["small"], time_limit=1, workers=1, out=lines.append)
    assert [r.variant for r in rows] == list(VARIANTS)
    assert {(r.size, r.seed, r.purpose) for r in rows} == {("small", 1, "crisis")}
    assert lines == [lines[0], *(format_row(r, INTRODUCTION_COLUMNS) for r in rows)]
    for words in ("variant", "traded", "intros", "used", "per vol", "h/intro", "intro h"):
        assert words in lines[0]
    for row in rows:
        assert 0 < row.share <= 1 and row.share == row.weighted_coverage / row.upper_bound
        assert 0 < row.volunteers <= row.introductions
        assert row.per_volunteer == row.introductions / row.volunteers
        assert row.hours_per_introduction == row.covered_hours / row.introductions
    plain, rule_10, crisis, trade = rows
    assert plain.coverage_traded == rule_10.coverage_traded == crisis.coverage_traded == 0
    assert trade.coverage_traded <= TRADE.coverage_trade
    assert plain.introduction_hours == 0  # no unit spends hours introducing


def test_each_variant_sets_only_its_introduction_settings() -> None:
    plain, rule_10, crisis, trade = (
        variant_round("small", 3, "crisis", v) for v in VARIANTS.values()
    )
    assert all(u.intro_capacity is None and u.intro_hours == 0 for u in plain.units)
    assert {u.intro_capacity for u in rule_10.units} <= {2, 3, 4}
    asked = {u.id: sum(n.hours[0] for n in crisis.needs if n.unit == u.id) for u in crisis.units}
    assert [u.intro_capacity for u in crisis.units] == [
        min(50, max(2, math.ceil(asked[u.id] / 37))) for u in crisis.units
    ]
    assert {u.intro_hours for u in rule_10.units} == {4.0}
    assert all(u.intro_capacity is None and u.intro_hours == 4 for u in trade.units)
    coverage_trades = [r.rules.coverage_trade for r in (plain, rule_10, trade)]
    assert coverage_trades == [0, 0, 0.005]
    settings = {"intro_capacity", "intro_hours"}
    for changed in (rule_10, crisis, trade):
        assert (changed.staff, changed.needs) == (plain.staff, plain.needs)
        assert [u.model_dump(exclude=settings) for u in changed.units] == [
            u.model_dump(exclude=settings) for u in plain.units
        ]
    assert plain.purpose is Purpose.CRISIS
    rotation = variant_round("small", 3, "rotation", RULE_10)
    assert rotation.purpose is Purpose.ROTATION and rotation.units == rule_10.units
    assert any(s.past_units for s in rotation.staff)


def test_plan_figures_come_from_the_result() -> None:
    result = RoundResult.model_validate(
        {
            "status": "feasible",
            "assignments": [
                {"staff": "anne", "need": "n1", "week": 0, "hours": 10},
                {"staff": "anne", "need": "n1", "week": 1, "hours": 10},
                {"staff": "anne", "need": "n2", "week": 0, "hours": 8},
                {"staff": "bob", "need": "n1", "week": 0, "hours": 12, "learner": True},
                {"staff": "carl", "need": "n3", "week": 0, "hours": 20},
            ],
            "metrics": {
                "weighted_coverage": 95, "upper_bound": 100, "covered_hours": 60,
                "wanted_hours": 80, "introductions": 4, "introduction_hours": 16,
                "coverage_traded": 0.004, "new_experiences": 3, "learners_placed": 1,
            },
        }
    )  # fmt: skip
    assert plan_figures(result) == {
        "share": 0.95,
        "flow_share": 0.95,
        "weighted_coverage": 95,
        "upper_bound": 100,
        "coverage_traded": 0.004,
        "covered_hours": 60,
        "new_experiences": 3,
        "learners_placed": 1,
        "introductions": 4,
        "volunteers": 3,
        "per_volunteer": 4 / 3,
        "hours_per_introduction": 15,
        "introduction_hours": 16,
    }
    empty = plan_figures(RoundResult.model_validate({"status": "feasible"}))
    assert (empty["volunteers"], empty["per_volunteer"], empty["hours_per_introduction"]) == (
        0, 0, 0
    )  # fmt: skip


def a_row(variant: str, share: float, seconds: float) -> RotationRow:
    """A row of the medium size measured at `share` in `seconds`, zero elsewhere."""
    zeros: dict[str, Any] = {f.name: 0 for f in dataclasses.fields(RotationRow)}
    words = {"size": "medium", "purpose": "crisis", "status": "feasible", "stop_reason": ""}
    measured = {"variant": variant, "share": share, "solve_seconds": seconds, "target": "–"}
    return RotationRow(**(zeros | words | measured))


def test_the_spread_of_several_seeds_is_per_variant() -> None:
    rows = [a_row("plain", 0.99, 28), a_row("rule 10", 0.6, 20), a_row("plain", 0.98, 29)]
    assert spread_by_variant("medium", rows).splitlines() == [
        "medium plain over 2 seeds: share min 0.9800 median 0.9850 max 0.9900; "
        "solve s min 28.0 median 28.5 max 29.0",
        "medium rule 10 over 1 seeds: share min 0.6000 median 0.6000 max 0.6000; "
        "solve s min 20.0 median 20.0 max 20.0",
    ]
    assert spread_by_variant("medium", rows[::2]).startswith("medium over 2 seeds")


def test_the_rotation_round_is_held_to_the_crisis_round_s_targets() -> None:
    medium = CRISIS_TARGETS["medium"]
    assert medium.verdict(0.986, 29.5, 600) == "≥ 0.985 in ≤ 30 s, ≤ 2 GiB ✔"
    assert medium.verdict(0.98, 31, 600) == "≥ 0.985 in ≤ 30 s, ≤ 2 GiB ✗ (share, time)"


@pytest.mark.parametrize(
    "other",
    [["--days"], ["--repair"], ["--pool", "regional"]],
    ids=lambda o: " ".join(o),
)
def test_rotation_and_introductions_are_refused_with_other_benches(other: list[str]) -> None:
    for asked in (["--purpose", "rotation"], ["--introductions"]):
        result = CliRunner().invoke(main, ["bench", *asked, *other])
        assert result.exit_code == 2, result.output
        assert f"{asked[0]} runs single rounds by the week" in result.output


def test_bench_help_names_rotation_and_introductions() -> None:
    result = CliRunner().invoke(main, ["bench", "--help"], catch_exceptions=False)
    words = " ".join(result.output.split())
    assert "--purpose [crisis|rotation]" in words
    assert "rotation: rotation rounds" in words
    assert "--introductions Each round solved four times" in words
    assert "coverage_trade 0.005" in words
