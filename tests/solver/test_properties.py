"""Property tests over random small rounds: every plan keeps rules 1–9 (checked by an
independent checker), never beats the bound, keeps its pins, and on tiny rounds reaches the
brute-force optimum of term 1."""

from __future__ import annotations

from functools import cache
from itertools import product
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import greedy_plan, upper_bound
from solver.contract import RoundInput
from tests.solver.builders import a_need, a_round, a_staff, solve_quickly
from tests.solver.checker import violations, weighted_coverage

UNITS = ["ward", "school", "lab"]
SKILLS = ["nurse", "teacher"]
SHIFTS = ["day", "evening"]
half_hours = st.integers(min_value=0, max_value=24).map(lambda h: h / 2)


@st.composite
def rounds(
    draw: st.DrawFn, max_staff: int = 5, max_needs: int = 4, max_weeks: int = 2
) -> RoundInput:
    weeks = draw(st.integers(1, max_weeks))
    staff = [
        a_staff(
            f"s{i}",
            home_unit=draw(st.sampled_from(UNITS)),
            skills=draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2, unique=True)),
            normal_hours=draw(st.integers(0, 16)),
            home_load=draw(st.lists(half_hours, min_size=weeks, max_size=weeks)),
            available=draw(st.lists(st.booleans(), min_size=weeks, max_size=weeks)),
            shifts=draw(st.lists(st.sampled_from(SHIFTS), min_size=1, max_size=2, unique=True)),
            risk_group=draw(st.booleans()),
            avoid_units=draw(st.lists(st.sampled_from(UNITS), max_size=1)),
        )
        for i in range(draw(st.integers(1, max_staff)))
    ]
    needs = [
        a_need(
            f"n{j}",
            unit=draw(st.sampled_from(UNITS)),
            skill=draw(st.sampled_from(SKILLS)),
            hours=draw(st.lists(half_hours, min_size=weeks, max_size=weeks)),
            shift=draw(st.sampled_from(SHIFTS)),
            priority=draw(st.integers(1, 5)),
            exposed=draw(st.booleans()),
            min_block=draw(st.sampled_from([1, 2.5, 4])),
        )
        for j in range(draw(st.integers(1, max_needs)))
    ]
    max_units = draw(st.integers(1, 2))
    round_input = a_round(staff=staff, needs=needs, weeks=weeks, max_units_per_week=max_units)
    # Pins: a few entries of a plan that keeps every rule are themselves valid.
    plan = greedy_plan(round_input).assignments
    chosen = draw(st.lists(st.sampled_from(plan), max_size=2, unique=True)) if plan else []
    data = round_input.model_dump(mode="json")
    data["pinned"] = [a.model_dump(mode="json") for a in chosen]
    return RoundInput.model_validate(data)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rounds())
def test_every_plan_keeps_the_hard_rules_and_the_bound(round_input: RoundInput) -> None:
    result = solve_quickly(round_input, time_limit=3)
    assert result.status in ("optimal", "feasible")
    assert violations(round_input, result) == []
    coverage = weighted_coverage(round_input, result)
    assert abs(coverage - result.metrics.weighted_coverage) < 1e-9
    assert coverage <= upper_bound(round_input) + 1e-9
    assert result.metrics.upper_bound == upper_bound(round_input)


@SETTINGS
@given(rounds())
def test_greedy_plan_keeps_the_hard_rules(round_input: RoundInput) -> None:
    result = greedy_plan(round_input)
    assert violations(round_input, result) == []
    assert result.metrics.weighted_coverage <= result.metrics.upper_bound + 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(max_staff=3, max_needs=2, max_weeks=1))
def test_term_one_matches_brute_force_on_tiny_rounds(round_input: RoundInput) -> None:
    result = solve_quickly(round_input, time_limit=3)
    assert weighted_coverage(round_input, result) == brute_force_coverage(round_input)


def brute_force_coverage(round_input: RoundInput) -> float:
    """Best term 1 by enumerating every person's share of every need, week by week."""
    return sum(_best_week(round_input, w) for w in range(round_input.weeks))


def _best_week(round_input: RoundInput, week: int) -> float:
    needs = round_input.needs
    pinned = {(p.staff, p.need): p.hours for p in round_input.pinned if p.week == week}
    staff = round_input.staff
    limit = round_input.rules.max_units_per_week

    def options(person: Any) -> list[tuple[float, ...]]:
        cap = (
            max(0.0, person.normal_hours - person.home_load[week])
            if person.available[week]
            else 0.0
        )
        per_need: list[list[float]] = []
        for n in needs:
            allowed = (
                n.skill in person.skills
                and n.shift in person.shifts
                and n.unit != person.home_unit
                and n.unit not in person.avoid_units
                and not (person.risk_group and n.exposed)
            )
            smallest = min(n.min_block, n.hours[week])
            top = min(cap, n.hours[week])
            values = [0.0]
            if allowed:
                values += [h / 2 for h in range(1, int(top * 2) + 1) if h / 2 >= smallest]
            if (person.id, n.id) in pinned:
                values = [pinned[(person.id, n.id)]]
            per_need.append(values)
        return [
            combo
            for combo in product(*per_need)
            if sum(combo) <= cap
            and len({n.unit for n, h in zip(needs, combo, strict=True) if h > 0}) <= limit
        ]

    choices = [options(p) for p in staff]

    @cache
    def best(i: int, left: tuple[float, ...]) -> float:
        if i == len(staff):
            return 0.0
        top = -1.0
        for combo in choices[i]:
            if all(h <= r for h, r in zip(combo, left, strict=True)):
                gain = sum(2 ** (n.priority - 1) * h for n, h in zip(needs, combo, strict=True))
                rest = tuple(r - h for r, h in zip(left, combo, strict=True))
                top = max(top, gain + best(i + 1, rest))
        return top

    return best(0, tuple(n.hours[week] for n in needs))
