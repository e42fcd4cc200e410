"""Independent parts of a round, and one result from the parts' results: parts partition the
round, nobody is eligible across parts, pins and previous assignments follow their staff,
and solved parts merge into a plan that keeps every hard rule of the whole round."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.generator import generate_pool
from solver import SolveOptions, greedy_plan, independent_parts, merge_results, solve, upper_bound
from solver.contract import (
    Metrics,
    Need,
    RoundInput,
    RoundResult,
    Staff,
    parse_round_input,
)
from tests.solver.builders import (
    a_need,
    a_round,
    a_round_with_a_broken_pin,
    a_staff,
    an_assignment,
    solve_quickly,
)
from tests.solver.checker import violations, weighted_coverage

QUICK = SolveOptions(time_limit=2, workers=1)


def a_small_pool(municipalities: int = 3, seed: int = 1) -> RoundInput:
    return generate_pool(
        municipalities=municipalities,
        staff=30 * municipalities,
        needs=20 * municipalities,
        weeks=2,
        seed=seed,
    )


def could_ever_work(person: Staff, need: Need, weeks: int) -> bool:
    """Rules 1, 2, 5 and 6, and capacity reaching the smallest block in some week."""
    return (
        need.skill in person.skills
        and need.shift in person.shifts
        and need.unit != person.home_unit
        and need.unit not in person.avoid_units
        and not (person.risk_group and need.exposed)
        and any(
            need.hours[w] > 0 and person.capacity(w) >= min(need.min_block, need.hours[w])
            for w in range(weeks)
        )
    )


def assert_partition(round_input: RoundInput, parts: list[RoundInput]) -> None:
    """Every part is a valid input, and the parts hold every staff member, need, pin and
    previous entry of the round exactly once."""
    for part in parts:
        assert parse_round_input(part.model_dump(mode="json")) == part
        assert (part.start, part.weeks, part.rules) == (
            round_input.start,
            round_input.weeks,
            round_input.rules,
        )
    for section in ("staff", "needs"):
        ids = Counter(row.id for part in parts for row in getattr(part, section))
        assert ids == Counter(row.id for row in getattr(round_input, section))
    for section in ("pinned", "previous"):
        entries = Counter(a for part in parts for a in getattr(part, section))
        assert entries == Counter(getattr(round_input, section))


def assert_independent(round_input: RoundInput, parts: list[RoundInput]) -> None:
    for i, part in enumerate(parts):
        others = [n for j, other in enumerate(parts) if j != i for n in other.needs]
        for person in part.staff:
            assert not any(could_ever_work(person, n, round_input.weeks) for n in others)


def part_of(parts: list[RoundInput], staff: str) -> RoundInput:
    return next(p for p in parts if staff in {s.id for s in p.staff})


# --- split ------------------------------------------------------------------------------


@pytest.mark.parametrize("parts", [3, 2, 1])
def test_a_pool_of_three_splits_into_as_many_parts_as_asked(parts: int) -> None:
    pool = a_small_pool()
    split = independent_parts(pool, parts=parts)
    assert len(split) == parts
    assert_partition(pool, split)
    assert_independent(pool, split)


def test_packing_balances_the_parts() -> None:
    pool = generate_pool(municipalities=4, staff=400, needs=300, weeks=2)
    sizes = [len(p.staff) + len(p.needs) for p in independent_parts(pool, parts=4)]
    assert max(sizes) < 1.5 * min(sizes)


def test_the_same_round_splits_the_same_way() -> None:
    pool = a_small_pool()
    assert independent_parts(pool, parts=2) == independent_parts(pool, parts=2)


def test_parts_must_be_one_or_more() -> None:
    with pytest.raises(ValueError, match="parts must be 1 or more"):
        independent_parts(a_small_pool(), parts=0)


def two_groups(*, bridge: bool) -> RoundInput:
    """Nurses for a ward and cooks for a kitchen; `bridge` adds someone who is both."""
    staff = [a_staff("anne", skills=["nurse"]), a_staff("bob", skills=["cook"])]
    if bridge:
        staff.append(a_staff("carl", skills=["nurse", "cook"]))
    needs = [a_need("n1", unit="ward"), a_need("n2", unit="kitchen", skill="cook")]
    return a_round(staff=staff, needs=needs)


def test_two_groups_nobody_bridges_are_two_parts() -> None:
    parts = independent_parts(two_groups(bridge=False), parts=2)
    assert [[s.id for s in p.staff] for p in parts] == [["anne"], ["bob"]]
    assert [[n.id for n in p.needs] for p in parts] == [["n1"], ["n2"]]


def test_someone_eligible_in_both_groups_keeps_them_in_one_part() -> None:
    round_input = two_groups(bridge=True)
    assert independent_parts(round_input, parts=2) == [round_input]


def test_pins_and_previous_assignments_follow_their_staff() -> None:
    round_input = a_round(
        staff=[a_staff("anne", skills=["nurse"]), a_staff("bob", skills=["cook"])],
        needs=[a_need("n1", unit="ward"), a_need("n2", unit="kitchen", skill="cook")],
        pinned=[an_assignment("anne", "n1")],
        previous=[an_assignment("bob", "n2")],
    )
    parts = independent_parts(round_input, parts=2)
    anne, bob = part_of(parts, "anne"), part_of(parts, "bob")
    assert anne is not bob
    assert (anne.pinned, anne.previous) == (round_input.pinned, [])
    assert (bob.pinned, bob.previous) == ([], round_input.previous)


def test_a_previous_assignment_the_rules_now_forbid_keeps_its_need_with_its_staff() -> None:
    # Anne is no cook (any more): n2 is out of her reach, but her previous entry names it.
    round_input = a_round(
        staff=[a_staff("anne", skills=["nurse"]), a_staff("bob", skills=["cook"])],
        needs=[a_need("n1", unit="ward"), a_need("n2", unit="kitchen", skill="cook")],
        previous=[an_assignment("anne", "n2")],
    )
    assert independent_parts(round_input, parts=2) == [round_input]


def test_a_part_names_only_its_own_units_and_one_for_each_preferred_area() -> None:
    round_input = a_round(
        staff=[
            a_staff("anne", skills=["nurse"], preferred_areas=["care"]),
            a_staff("bob", skills=["cook"], home_unit="office"),
        ],
        needs=[a_need("n1", unit="ward"), a_need("n2", unit="kitchen", skill="cook")],
        areas={"ward": "health", "kitchen": "food", "care-home": "care"},
    )
    anne, bob = independent_parts(round_input, parts=2)
    assert [u.id for u in anne.units] == ["care-home", "home", "ward"]
    assert [u.id for u in bob.units] == ["kitchen", "office"]


def round_with_a_need_nobody_can_serve() -> RoundInput:
    """Two nurses for a ward, a cook for a kitchen, a night need only nurses could take
    (none works nights), and a cook who is away."""
    return a_round(
        staff=[
            a_staff("anne", skills=["nurse"]),
            a_staff("fay", skills=["nurse"]),
            a_staff("bob", skills=["cook"]),
            a_staff("erik", skills=["cook"], available=False),
        ],
        needs=[
            a_need("n1", unit="ward"),
            a_need("n2", unit="kitchen", skill="cook"),
            a_need("n3", unit="ward", shift="night"),
        ],
    )


def test_people_and_needs_nothing_ties_go_where_their_skill_is() -> None:
    parts = independent_parts(round_with_a_need_nobody_can_serve(), parts=2)
    nurses, cooks = part_of(parts, "anne"), part_of(parts, "bob")
    assert [n.id for n in nurses.needs] == ["n1", "n3"]
    assert [s.id for s in cooks.staff] == ["bob", "erik"]


def test_a_need_nobody_can_serve_keeps_the_reasons_of_the_whole_round() -> None:
    round_input = round_with_a_need_nobody_can_serve()
    parts = independent_parts(round_input, parts=2)
    merged = merge_results(round_input, [solve(p, QUICK) for p in parts])
    whole = solve(round_input, QUICK)
    night = [u for u in merged.unfilled if u.need == "n3"]
    assert night == [u for u in whole.unfilled if u.need == "n3"]
    assert [r.code.value for r in night[0].reasons] == ["shift"]


# --- generated pools ----------------------------------------------------------------------


def test_a_generated_pool_keeps_each_municipality_to_itself() -> None:
    pool = generate_pool(municipalities=3, staff=31, needs=20, weeks=2, seed=5)
    assert Counter(s.id[:4] for s in pool.staff) == {"m01-": 11, "m02-": 10, "m03-": 10}
    assert Counter(n.id[:4] for n in pool.needs) == {"m01-": 7, "m02-": 7, "m03-": 6}
    for person in pool.staff:
        town = person.id[:4]
        named = [person.home_unit, *person.avoid_units, *person.skills]
        assert all(name.startswith(town) for name in named)
    for need in pool.needs:
        assert need.unit.startswith(need.id[:4]) and need.skill.startswith(need.id[:4])
    assert generate_pool(municipalities=3, staff=31, needs=20, weeks=2, seed=5) == pool


# --- merge ------------------------------------------------------------------------------


def test_solved_parts_merge_into_a_valid_plan_for_the_whole_round() -> None:
    pool = a_small_pool()
    parts = independent_parts(pool, parts=3)
    results = [solve(p, QUICK) for p in parts]
    merged = merge_results(pool, results)

    assert merged.status in ("optimal", "feasible")
    assert violations(pool, merged) == []
    metrics = merged.metrics
    assert metrics.upper_bound == sum(r.metrics.upper_bound for r in results)
    assert metrics.upper_bound == upper_bound(pool)
    assert metrics.weighted_coverage == weighted_coverage(pool, merged)
    assert metrics.weighted_coverage <= metrics.upper_bound
    assert metrics.covered_hours == sum(a.hours for a in merged.assignments)
    assert metrics.wanted_hours == sum(sum(n.hours) for n in pool.needs)
    assert metrics.introductions == len({(a.staff, a.need) for a in merged.assignments})
    assert metrics.solve_seconds == max(r.metrics.solve_seconds for r in results)
    covered: dict[tuple[str, int], float] = defaultdict(float)
    for a in merged.assignments:
        covered[(a.need, a.week)] += a.hours
    open_weeks = {
        (n.id, w) for n in pool.needs for w in range(pool.weeks) if covered[(n.id, w)] < n.hours[w]
    }
    assert {(u.need, u.week) for u in merged.unfilled} == open_weeks


def test_changes_count_against_the_previous_plan_of_the_whole_round() -> None:
    # Only anne's part has a previous plan; bob's new assignment is a change all the same.
    round_input = a_round(
        staff=[a_staff("anne", skills=["nurse"]), a_staff("bob", skills=["cook"])],
        needs=[
            a_need("n1", unit="ward", hours=8),
            a_need("n2", unit="kitchen", skill="cook", hours=8),
        ],
        previous=[an_assignment("anne", "n1", hours=8)],
    )
    results = [solve_quickly(p) for p in independent_parts(round_input, parts=2)]
    merged = merge_results(round_input, results)
    assert [(a.staff, a.need, a.hours) for a in merged.assignments] == [
        ("anne", "n1", 8),
        ("bob", "n2", 8),
    ]
    assert sum(r.metrics.changed_vs_previous for r in results) == 0
    assert merged.metrics.changed_vs_previous == 1
    assert (
        merged.metrics.changed_vs_previous == solve_quickly(round_input).metrics.changed_vs_previous
    )


def test_a_part_with_a_broken_pin_makes_the_round_infeasible_and_is_named() -> None:
    # Anne is no teacher: her pin to n4 breaks rule 1 and ties her part to carl's.
    round_input = a_round_with_a_broken_pin()
    parts = independent_parts(round_input, parts=2)
    assert [[s.id for s in p.staff] for p in parts] == [["anne", "carl"], ["bob"]]
    merged = merge_results(round_input, [solve_quickly(p) for p in parts])
    alone = solve_quickly(round_input)
    assert merged.status == alone.status == "infeasible"
    assert merged.assignments == []
    assert merged.unfilled == []
    assert merged.messages == [f"part 1 of 2: {message}" for message in alone.messages]
    assert merged.metrics.wanted_hours == alone.metrics.wanted_hours


def test_merged_metrics_sum_or_take_the_largest_field_by_field() -> None:
    round_input = a_round(staff=[a_staff()], needs=[a_need()])
    first = RoundResult(
        status="optimal",
        metrics=Metrics(
            weighted_coverage=8,
            upper_bound=10,
            covered_hours=4,
            wanted_hours=12,
            introductions=1,
            introduction_hours=4,
            coverage_traded=0.2 / 8.2,
            new_experiences=1,
            learners_placed=1,
            max_utilisation=0.5,
            solve_seconds=1.5,
            stop_reason="bound_reached",
        ),
    )
    second = RoundResult(
        status="feasible",
        metrics=Metrics(
            weighted_coverage=2,
            upper_bound=3,
            covered_hours=2,
            wanted_hours=5,
            introductions=2,
            introduction_hours=8,
            new_experiences=2,
            max_utilisation=0.25,
            solve_seconds=2.5,
            stop_reason="stalled",
        ),
    )
    merged = merge_results(round_input, [first, second])
    assert merged.status == "feasible"
    assert merged.metrics == Metrics(
        weighted_coverage=10,
        upper_bound=13,
        covered_hours=6,
        wanted_hours=17,
        introductions=3,
        # The first part kept 8 of 8.2 it had reached, the second 2 of 2: 0.2 of 10.2 given up.
        introduction_hours=12,
        coverage_traded=round(0.2 / 10.2, 6),
        new_experiences=3,
        learners_placed=1,
        changed_vs_previous=0,
        max_utilisation=0.5,
        solve_seconds=2.5,
        stop_reason="stalled",
    )
    assert merge_results(round_input, [first]).status == "optimal"
    with pytest.raises(ValueError, match="no part results"):
        merge_results(round_input, [])


def test_an_assignment_in_two_parts_is_refused() -> None:
    round_input = a_round(staff=[a_staff()], needs=[a_need()])
    result = solve_quickly(round_input)
    assert result.assignments
    with pytest.raises(ValueError, match="also in part 1"):
        merge_results(round_input, [result, result])


# --- property ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    municipalities=st.integers(1, 3),
    staff=st.integers(0, 90),
    needs=st.integers(0, 60),
    weeks=st.integers(1, 2),
    seed=st.integers(0, 10_000),
    parts=st.integers(1, 4),
)
def test_split_plan_and_merge_keeps_every_hard_rule_of_the_whole_round(
    municipalities: int, staff: int, needs: int, weeks: int, seed: int, parts: int
) -> None:
    pool = generate_pool(
        municipalities=municipalities, staff=staff, needs=needs, weeks=weeks, seed=seed
    )
    split = independent_parts(pool, parts=parts)
    assert 1 <= len(split) <= parts
    assert_partition(pool, split)
    assert_independent(pool, split)
    merged = merge_results(pool, [greedy_plan(p) for p in split])
    assert violations(pool, merged) == []
    assert merged.metrics.upper_bound == upper_bound(pool)
    assert merged.metrics.weighted_coverage == weighted_coverage(pool, merged)
    assert merged.metrics.weighted_coverage <= merged.metrics.upper_bound
