"""Each hard rule alone: one assignment it forbids and one it allows."""

from __future__ import annotations

from solver import greedy_plan, solve, upper_bound
from solver.contract import RoundInput
from solver.lp_bound import lp_upper_bound
from tests.solver.builders import (
    a_need,
    a_round,
    a_staff,
    an_assignment,
    hours_of,
    reason_codes,
    solve_quickly,
)
from tests.solver.checker import violations


def test_skill_rule_needs_the_skill() -> None:
    teacher = a_staff("tom", skills=["teacher"])
    nurse = a_staff("anne", skills=["teacher", "nurse"])
    result = solve_quickly(a_round(staff=[teacher, nurse], needs=[a_need(skill="nurse")]))
    assert hours_of(result, "tom") == 0
    assert hours_of(result, "anne") == 20


def test_shift_rule_only_shifts_the_person_works() -> None:
    days = a_staff("dan", shifts=["day"])
    evenings = a_staff("eve", shifts=["day", "evening"])
    result = solve_quickly(a_round(staff=[days, evenings], needs=[a_need(shift="evening")]))
    assert hours_of(result, "dan") == 0
    assert hours_of(result, "eve") == 20


def test_capacity_rule_leaves_room_for_home_load() -> None:
    anne = a_staff(normal_hours=37, home_load=[30])
    result = solve_quickly(a_round(staff=[anne], needs=[a_need(hours=[20])]))
    assert hours_of(result, "anne") == 7


def test_capacity_rule_gives_nothing_in_a_week_away() -> None:
    anne = a_staff(available=[False, True])
    result = solve_quickly(a_round(staff=[anne], needs=[a_need(hours=[20, 20])], weeks=2))
    assert hours_of(result, "anne", week=0) == 0
    assert hours_of(result, "anne", week=1) == 20


def test_need_rule_never_covers_more_than_asked() -> None:
    staff = [a_staff("anne"), a_staff("bob")]
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[20])]))
    assert hours_of(result, need="n1") == 20


def test_lending_rule_not_to_the_home_unit() -> None:
    own = a_staff("olga", home_unit="ward")
    other = a_staff("anne", home_unit="school")
    result = solve_quickly(a_round(staff=[own, other], needs=[a_need(unit="ward", hours=[40])]))
    assert hours_of(result, "olga") == 0
    assert hours_of(result, "anne") == 37


def test_lending_rule_not_to_an_avoided_unit() -> None:
    avoider = a_staff("ava", avoid_units=["ward"])
    result = solve_quickly(
        a_round(staff=[avoider], needs=[a_need(unit="ward"), a_need("n2", unit="lab")])
    )
    assert hours_of(result, "ava", need="n1") == 0
    assert hours_of(result, "ava", need="n2") == 20


def test_protection_rule_keeps_risk_group_from_exposed_needs() -> None:
    risk = a_staff("rita", risk_group=True)
    needs = [a_need("n1", exposed=True), a_need("n2", exposed=False)]
    result = solve_quickly(a_round(staff=[risk], needs=needs))
    assert hours_of(result, "rita", need="n1") == 0
    assert hours_of(result, "rita", need="n2") == 20


def test_no_slivers_rule_forbids_less_than_the_block() -> None:
    short = a_staff("sam", normal_hours=3)
    result = solve_quickly(a_round(staff=[short], needs=[a_need(hours=[20], min_block=4)]))
    assert hours_of(result, "sam") == 0


def test_no_slivers_rule_allows_the_whole_of_a_small_need() -> None:
    short = a_staff("sam", normal_hours=3)
    result = solve_quickly(a_round(staff=[short], needs=[a_need(hours=[3], min_block=4)]))
    assert hours_of(result, "sam") == 3


def test_no_slivers_rule_splits_into_whole_blocks() -> None:
    staff = [a_staff("anne", normal_hours=18), a_staff("bob", normal_hours=18)]
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[20], min_block=4)]))
    assert hours_of(result, need="n1") == 20
    assert all(a.hours >= 4 for a in result.assignments)


def test_spread_rule_caps_units_per_week() -> None:
    needs = [a_need(f"n{i}", unit=f"unit{i}", hours=[10]) for i in range(3)]
    two = solve_quickly(a_round(staff=[a_staff()], needs=needs, max_units_per_week=2))
    three = solve_quickly(a_round(staff=[a_staff()], needs=needs, max_units_per_week=3))
    assert hours_of(two, "anne") == 20
    assert hours_of(three, "anne") == 30


def test_spread_rule_counts_units_not_needs() -> None:
    needs = [a_need(f"n{i}", unit="ward", hours=[10]) for i in range(3)]
    result = solve_quickly(a_round(staff=[a_staff()], needs=needs, max_units_per_week=1))
    assert hours_of(result, "anne") == 30


def test_pins_rule_keeps_a_pin_exactly() -> None:
    round_input = a_round(
        staff=[a_staff()], needs=[a_need(hours=[20])], pinned=[an_assignment("anne", "n1", 0, 6)]
    )
    result = solve_quickly(round_input)
    assert hours_of(result, "anne", "n1", 0) == 6
    assert violations(round_input, result) == []


def test_pins_rule_a_pin_breaking_a_rule_makes_the_round_infeasible() -> None:
    round_input = a_round(
        staff=[a_staff(skills=["teacher"])],
        needs=[a_need(skill="nurse")],
        pinned=[an_assignment("anne", "n1", 0, 8)],
    )
    result = solve(round_input)
    assert result.status == "infeasible"
    assert result.assignments == []
    assert any("pin (anne, n1, week 0, 8 h)" in m and "rule 1" in m for m in result.messages)


def test_pins_rule_names_capacity_and_sliver_breaks() -> None:
    round_input = a_round(
        staff=[a_staff(normal_hours=10)],
        needs=[a_need("n1"), a_need("n2", unit="lab")],
        pinned=[an_assignment("anne", "n1", 0, 8), an_assignment("anne", "n2", 0, 3)],
    )
    result = solve(round_input)
    assert result.status == "infeasible"
    text = "\n".join(result.messages)
    assert "rule 3 (capacity)" in text
    assert "rule 7 (no slivers)" in text
    assert "pin (anne, n2, week 0, 3 h)" in text


def test_introductions_rule_brings_one_new_person_a_week() -> None:
    # The ward wants 70 hours a week and can introduce one new person a week: anne in week 0,
    # then, known, she stays beside one more.
    staff = [a_staff("anne"), a_staff("bob"), a_staff("carl")]
    needs = [a_need(hours=[70, 70])]
    round_input = a_round(staff=staff, needs=needs, weeks=2, intro_capacity={"ward": 1})
    result = solve_quickly(round_input)
    assert violations(round_input, result) == []
    people = {w: {a.staff for a in result.assignments if a.week == w} for w in (0, 1)}
    assert len(people[0]) == 1
    assert len(people[1]) == 2
    assert people[0] < people[1]
    assert "introductions" in reason_codes(result, week=0)


def test_introductions_rule_lets_people_known_to_the_unit_come() -> None:
    staff = [a_staff("anne", past_units=["ward"]), a_staff("bob", past_units=["ward"])]
    result = solve_quickly(
        a_round(staff=staff, needs=[a_need(hours=[70])], intro_capacity={"ward": 0})
    )
    assert hours_of(result) == 70


def test_introductions_rule_a_pin_beyond_the_limit_makes_the_round_infeasible() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob")],
        needs=[a_need(hours=[40])],
        pinned=[an_assignment("anne", "n1"), an_assignment("bob", "n1")],
        intro_capacity={"ward": 1},
    )
    result = solve(round_input)
    assert result.status == "infeasible"
    assert any("rule 10 (introductions)" in m for m in result.messages)


def test_introductions_rule_the_greedy_takes_known_people_when_a_unit_is_full() -> None:
    # The ward takes one new person a week; bob has worked there before. Anne, first in the
    # greedy's order (no home load), comes new; carl would be a second newcomer, so the
    # greedy passes him by for bob rather than planning him and cutting him afterwards.
    staff = [
        a_staff("anne"),
        a_staff("carl", home_load=[5]),
        a_staff("bob", home_load=[10], past_units=["ward"]),
    ]
    round_input = a_round(staff=staff, needs=[a_need(hours=[70])], intro_capacity={"ward": 1})
    result = greedy_plan(round_input)
    assert violations(round_input, result) == []
    assert {a.staff for a in result.assignments} == {"anne", "bob"}
    assert hours_of(result) == 37 + 27


LEARNERS = [
    a_staff("anne", normal_hours=20),
    a_staff("leo", skills=["cook"], learn_skills=["nurse"]),
    a_staff("lia", skills=["cook"], learn_skills=["nurse"], home_load=[30]),
]


def test_buddy_rule_places_a_learner_beside_a_holder_for_at_most_her_hours() -> None:
    # Anne, the only nurse, gives 20 hours; leo (nothing left at home) learns beside her for
    # as many hours, no more, and on top of what the need asks for (share 0).
    round_input = a_round(staff=LEARNERS, needs=[a_need(hours=[30], learner_share=0)])
    result = solve_quickly(round_input)
    assert violations(round_input, result) == []
    assert {(a.staff, a.hours, a.learner) for a in result.assignments} == {
        ("anne", 20, False),
        ("leo", 20, True),
    }
    assert result.metrics.covered_hours == 20
    assert result.metrics.learners_placed == 1


def test_buddy_rule_places_no_learner_where_no_holder_works() -> None:
    unavailable = [a_staff("anne", available=[False]), *LEARNERS[1:]]
    round_input = a_round(staff=unavailable, needs=[a_need(hours=[30], learner_share=1)])
    result = solve_quickly(round_input)
    assert result.assignments == []


def test_a_need_that_takes_no_learners_gets_none() -> None:
    result = solve_quickly(a_round(staff=LEARNERS, needs=[a_need(hours=[30])]))
    assert [a.staff for a in result.assignments] == ["anne"]


def test_a_learner_covers_the_need_at_its_share() -> None:
    # Half an hour covered per learner hour: anne's 20 and leo's 20 cover 30, all asked for.
    round_input = a_round(staff=LEARNERS, needs=[a_need(hours=[30], learner_share=0.5)])
    result = solve_quickly(round_input)
    assert violations(round_input, result) == []
    assert hours_of(result, staff="leo") == 20
    assert result.metrics.covered_hours == 30
    assert result.unfilled == []


def test_learners_on_top_never_take_hours_from_term_1() -> None:
    # Leo is the only cook for the kitchen (priority 1); the ward takes learners on top
    # (share 0), so his hours stay where they cover.
    result = solve_quickly(learner_or_cook(share=0))
    assert hours_of(result, staff="leo", need="n2") == 37
    assert hours_of(result, staff="leo", need="n1") == 0


def test_a_learner_who_covers_counts_in_term_1_at_the_share() -> None:
    # At share 1, leo's hour beside anne covers a priority-5 hour (16) rather than a
    # kitchen hour (1): term 1 sends him to learn for as long as anne is there.
    round_input = learner_or_cook(share=1)
    result = solve_quickly(round_input)
    assert violations(round_input, result) == []
    assert hours_of(result, staff="leo", need="n1") == 20
    assert hours_of(result, staff="leo", need="n2") == 17


def learner_or_cook(share: float) -> RoundInput:
    return a_round(
        staff=[
            a_staff("anne", normal_hours=20),
            a_staff("leo", skills=["cook"], learn_skills=["nurse"]),
        ],
        needs=[
            a_need("n1", hours=[40], priority=5, learner_share=share),
            a_need("n2", unit="kitchen", skill="cook", hours=[37], priority=1),
        ],
    )


def test_a_pinned_learner_needs_pinned_holder_hours_beside_them() -> None:
    needs = [a_need(hours=[30], learner_share=0)]
    alone = a_round(staff=LEARNERS, needs=needs, pinned=[an_assignment("leo", "n1", hours=8)])
    result = solve(alone)
    assert result.status == "infeasible"
    assert any("rule 11 (learners)" in m for m in result.messages)
    beside = a_round(
        staff=LEARNERS,
        needs=needs,
        pinned=[an_assignment("leo", "n1", hours=8), an_assignment("anne", "n1", hours=8)],
    )
    result = solve_quickly(beside)
    assert violations(beside, result) == []
    assert hours_of(result, staff="leo") >= 8


def test_the_linear_relaxation_counts_a_learner_once_where_the_flow_counts_them_twice() -> None:
    # Leo may learn at both wards beside anne and bo (share 1); the flow bound lets each
    # ward gain his 20 hours, the linear relaxation only once: 60 hours at weight 4.
    round_input = a_round(
        staff=[
            a_staff("anne", normal_hours=20),
            a_staff("bo", normal_hours=20),
            a_staff("leo", skills=["cook"], learn_skills=["nurse"], normal_hours=20),
        ],
        needs=[
            a_need("n1", hours=[40], learner_share=1),
            a_need("n2", unit="lab", hours=[40], learner_share=1),
        ],
    )
    result = solve_quickly(round_input)
    assert upper_bound(round_input) == 80 * 4
    assert lp_upper_bound(round_input) == 60 * 4
    assert result.metrics.weighted_coverage == 60 * 4
