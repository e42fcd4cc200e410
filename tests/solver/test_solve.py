"""Options, progress, the bound, the greedy plan and the metrics of `solve`."""

from __future__ import annotations

import random

import pytest

from solver import Progress, SolveOptions, candidates, greedy_plan, solve, upper_bound
from solver.contract import RoundInput
from tests.solver.builders import a_need, a_round, a_staff, an_assignment
from tests.solver.checker import violations

UNITS = [f"unit{i}" for i in range(6)]


def a_busy_round(seed: int = 3, staff: int = 30, needs: int = 20, weeks: int = 2) -> RoundInput:
    """A round with competition for people: enough for the search to make choices."""
    rng = random.Random(seed)
    people = [
        a_staff(
            f"s{i}",
            home_unit=rng.choice(UNITS),
            skills=rng.sample(["nurse", "helper", "cook"], rng.randint(1, 2)),
            normal_hours=rng.choice([20, 30, 37]),
            home_load=[rng.choice([0, 5, 10, 20]) for _ in range(weeks)],
        )
        for i in range(staff)
    ]
    wants = [
        a_need(
            f"n{j}",
            unit=rng.choice(UNITS),
            skill=rng.choice(["nurse", "helper", "cook"]),
            hours=[rng.choice([7.5, 12, 20, 37]) for _ in range(weeks)],
            priority=rng.randint(1, 5),
            min_block=rng.choice([4, 6]),
        )
        for j in range(needs)
    ]
    return a_round(staff=people, needs=wants, weeks=weeks)


def test_same_seed_and_one_worker_give_the_same_plan() -> None:
    round_input = a_busy_round()
    options = SolveOptions(time_limit=1, workers=1, seed=7)
    first, second = solve(round_input, options), solve(round_input, options)
    assert first.assignments == second.assignments


def test_progress_reports_improving_plans_below_the_bound() -> None:
    reports: list[Progress] = []
    round_input = a_busy_round()
    result = solve(round_input, SolveOptions(time_limit=2, workers=1, progress=reports.append))
    assert reports
    objectives = [p.objective for p in reports]
    assert objectives == sorted(objectives)
    assert all(p.objective <= p.bound for p in reports)
    assert reports[-1].objective == result.metrics.weighted_coverage


def test_solve_is_no_worse_than_the_greedy_plan() -> None:
    round_input = a_busy_round(seed=5)
    result = solve(round_input, SolveOptions(time_limit=2, workers=1))
    greedy = greedy_plan(round_input)
    assert violations(round_input, result) == []
    assert violations(round_input, greedy) == []
    assert result.metrics.weighted_coverage >= greedy.metrics.weighted_coverage


def test_upper_bound_is_the_flow_over_allowed_pairs() -> None:
    # anne's 3 h are below n1's block, so only bob's 10 h count: 10 h at priority 3 (weight 4).
    staff = [a_staff("anne", normal_hours=3), a_staff("bob", normal_hours=10)]
    round_input = a_round(staff=staff, needs=[a_need(hours=[20], min_block=4)])
    assert upper_bound(round_input) == 40


def test_metrics_of_a_small_plan() -> None:
    staff = [a_staff("anne", normal_hours=20, home_load=[10]), a_staff("bob")]
    previous = [an_assignment("anne", "n1", 0, 5)]
    round_input = a_round(staff=staff, needs=[a_need(hours=[30])], previous=previous)
    result = solve(round_input, SolveOptions(time_limit=5, workers=1))
    m = result.metrics
    assert result.status == "optimal"
    assert m.covered_hours == 30
    assert m.wanted_hours == 30
    assert m.weighted_coverage == m.upper_bound == 120
    assert m.introductions == len(result.assignments)
    assert m.max_utilisation <= 1
    assert m.changed_vs_previous >= 1  # anne cannot keep exactly 5 h when bob covers 30


def test_an_empty_round() -> None:
    round_input = a_round(staff=[a_staff()], needs=[a_need(hours=[0])])
    result = solve(round_input, SolveOptions(time_limit=2, workers=1))
    assert result.status == "optimal"
    assert result.assignments == []
    assert result.unfilled == []


def test_large_round_path_keeps_every_rule_and_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    # Make every week "large": candidates are pruned and weeks go to neighbourhood search.
    monkeypatch.setattr(candidates, "FULL_MODEL_TRIPLES", 0)
    monkeypatch.setattr(candidates, "SPARE_CANDIDATES", 1)
    plain = a_busy_round(seed=11, staff=40, needs=25, weeks=2)
    pins = greedy_plan(plain).assignments[::7]
    data = plain.model_dump(mode="json")
    data["pinned"] = [p.model_dump(mode="json") for p in pins]
    data["previous"] = [p.model_dump(mode="json") for p in greedy_plan(plain).assignments[::3]]
    round_input = RoundInput.model_validate(data)
    result = solve(round_input, SolveOptions(time_limit=3, workers=2))
    assert violations(round_input, result) == []
    assert result.metrics.weighted_coverage <= result.metrics.upper_bound
    assert result.metrics.weighted_coverage >= greedy_plan(round_input).metrics.weighted_coverage
