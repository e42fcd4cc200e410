"""Each hard rule alone on a fixed plan: one plan it refuses and one it allows."""

from __future__ import annotations

from solver.rules import (
    buddy_rule,
    capacity_rule,
    days_rule,
    introductions_rule,
    lending_rule,
    need_rule,
    no_slivers_rule,
    pins_rule,
    protection_rule,
    shift_rule,
    skill_rule,
    spread_rule,
)
from tests.solver.builders import a_need, a_round, a_shift, a_staff, an_assignment
from tests.solver.verdicts import verdict


def test_skill_rule_alone() -> None:
    round_input = a_round(
        staff=[a_staff("anne", skills=["nurse"]), a_staff("tom", skills=["teacher"])],
        needs=[a_need("n1", skill="nurse")],
    )
    assert verdict(skill_rule, round_input, {("anne", "n1", 0): 8}) == "allowed"
    assert verdict(skill_rule, round_input, {("tom", "n1", 0): 8}) == "refused"
    assert verdict(skill_rule, round_input, {("tom", "n1", 0): 0}) == "allowed"


def test_shift_rule_alone() -> None:
    round_input = a_round(
        staff=[a_staff("dan", shifts=["day"]), a_staff("eve", shifts=["day", "evening"])],
        needs=[a_need("n1", shift="evening")],
    )
    assert verdict(shift_rule, round_input, {("eve", "n1", 0): 8}) == "allowed"
    assert verdict(shift_rule, round_input, {("dan", "n1", 0): 8}) == "refused"


def test_capacity_rule_alone() -> None:
    # 37 normal hours less 17 at home: 20 to lend.
    round_input = a_round(
        staff=[a_staff("anne", normal_hours=37, home_load=[17])],
        needs=[a_need("n1", hours=[20]), a_need("n2", unit="lab", hours=[20])],
    )
    within = {("anne", "n1", 0): 10, ("anne", "n2", 0): 10}
    beyond = {("anne", "n1", 0): 10.5, ("anne", "n2", 0): 10}
    assert verdict(capacity_rule, round_input, within) == "allowed"
    assert verdict(capacity_rule, round_input, beyond) == "refused"


def test_capacity_rule_alone_counts_hours_planned_outside_the_model() -> None:
    round_input = a_round(staff=[a_staff("anne")], needs=[a_need("n1"), a_need("n2", unit="lab")])
    plan = {("anne", "n1", 0): 8, ("anne", "n2", 0): 8}
    left = {("anne", 0): 16.0}
    assert verdict(capacity_rule, round_input, plan, capacity_left=left) == "allowed"
    left = {("anne", 0): 15.5}
    assert verdict(capacity_rule, round_input, plan, capacity_left=left) == "refused"


def test_need_rule_alone() -> None:
    round_input = a_round(staff=[a_staff("anne"), a_staff("bob")], needs=[a_need(hours=[20])])
    assert verdict(need_rule, round_input, {("anne", "n1", 0): 10, ("bob", "n1", 0): 10}) == (
        "allowed"
    )
    assert verdict(need_rule, round_input, {("anne", "n1", 0): 12, ("bob", "n1", 0): 10}) == (
        "refused"
    )


def test_lending_rule_alone() -> None:
    round_input = a_round(
        staff=[
            a_staff("olga", home_unit="ward"),
            a_staff("ava", avoid_units=["ward"]),
            a_staff("anne", home_unit="school"),
        ],
        needs=[a_need("n1", unit="ward")],
    )
    assert verdict(lending_rule, round_input, {("anne", "n1", 0): 8}) == "allowed"
    assert verdict(lending_rule, round_input, {("olga", "n1", 0): 8}) == "refused"
    assert verdict(lending_rule, round_input, {("ava", "n1", 0): 8}) == "refused"


def test_protection_rule_alone() -> None:
    round_input = a_round(
        staff=[a_staff("rita", risk_group=True), a_staff("anne")],
        needs=[a_need("n1", exposed=True), a_need("n2", unit="lab")],
    )
    assert verdict(protection_rule, round_input, {("rita", "n2", 0): 8}) == "allowed"
    assert verdict(protection_rule, round_input, {("anne", "n1", 0): 8}) == "allowed"
    assert verdict(protection_rule, round_input, {("rita", "n1", 0): 8}) == "refused"


def test_no_slivers_rule_alone() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("sam", normal_hours=3)],
        needs=[a_need("n1", hours=[20], min_block=4), a_need("n2", unit="lab", hours=[3])],
    )
    assert verdict(no_slivers_rule, round_input, {("anne", "n1", 0): 4}) == "allowed"
    assert verdict(no_slivers_rule, round_input, {("anne", "n1", 0): 3.5}) == "refused"
    # A need smaller than its block is taken whole or not at all.
    assert verdict(no_slivers_rule, round_input, {("anne", "n2", 0): 3}) == "allowed"
    assert verdict(no_slivers_rule, round_input, {("anne", "n2", 0): 2}) == "refused"
    # Sam's 3 hours cannot reach n1's block of 4: nothing of it at all.
    assert verdict(no_slivers_rule, round_input, {("sam", "n1", 0): 3}) == "refused"


def test_spread_rule_alone() -> None:
    round_input = a_round(
        staff=[a_staff("anne")],
        needs=[
            a_need("n1", unit="ward", hours=[8]),
            a_need("n2", unit="ward", hours=[8]),
            a_need("n3", unit="lab", hours=[8]),
            a_need("n4", unit="school", hours=[8]),
        ],
        max_units_per_week=2,
    )
    two_units = {("anne", "n1", 0): 8, ("anne", "n2", 0): 8, ("anne", "n3", 0): 8}
    three_units = {**two_units, ("anne", "n4", 0): 8}
    assert verdict(spread_rule, round_input, two_units) == "allowed"
    assert verdict(spread_rule, round_input, three_units) == "refused"


def test_spread_rule_alone_counts_units_planned_outside_the_model() -> None:
    round_input = a_round(
        staff=[a_staff("anne")],
        needs=[a_need("n1", unit="ward", hours=[8]), a_need("n3", unit="lab", hours=[8])],
        max_units_per_week=2,
    )
    plan = {("anne", "n1", 0): 8, ("anne", "n3", 0): 8}
    assert verdict(spread_rule, round_input, plan, elsewhere={("anne", 0): ["ward"]}) == "allowed"
    assert verdict(spread_rule, round_input, plan, elsewhere={("anne", 0): ["home"]}) == "refused"


def test_pins_rule_alone() -> None:
    round_input = a_round(
        staff=[a_staff("anne")],
        needs=[a_need(hours=[20])],
        pinned=[an_assignment("anne", "n1", 0, 6)],
    )
    assert verdict(pins_rule, round_input, {("anne", "n1", 0): 6}) == "allowed"
    assert verdict(pins_rule, round_input, {("anne", "n1", 0): 8}) == "refused"
    assert verdict(pins_rule, round_input, {}) == "refused"


def test_days_rule_alone() -> None:
    # Anne may be away Monday–Wednesday, 7.5 hours a day; n1 and n2 are Monday-only shifts.
    round_input = a_round(
        staff=[a_staff("anne", away_days=["mon", "tue", "wed"])],
        needs=[
            a_need("n1", unit="ward", hours=[7.5], shift_times=[a_shift(["mon"])]),
            a_need("n2", unit="lab", hours=[7.5], shift_times=[a_shift(["mon"])]),
            a_need("n3", unit="lab", hours=[15], shift_times=[a_shift(["mon", "tue", "wed"])]),
            a_need(
                "n4", unit="ward", hours=[15], min_block=6, shift_times=[a_shift(["tue", "wed"])]
            ),
        ],
    )
    # One place a day: two Monday-only needs want the one Monday; beside a need that may use
    # Tuesday and Wednesday, Monday is free.
    assert verdict(days_rule, round_input, {("anne", "n1", 0): 7.5, ("anne", "n2", 0): 7.5}) == (
        "refused"
    )
    assert verdict(days_rule, round_input, {("anne", "n1", 0): 7.5, ("anne", "n3", 0): 15}) == (
        "allowed"
    )
    # Days of 6 to 7.5 hours hold 6–7.5 hours or 12–15, never 10.
    assert verdict(days_rule, round_input, {("anne", "n4", 0): 10}) == "refused"
    assert verdict(days_rule, round_input, {("anne", "n4", 0): 12}) == "allowed"


def test_introductions_rule_alone() -> None:
    # The ward can introduce one new person a week; bob worked there in an earlier round.
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob", past_units=["ward"]), a_staff("carl")],
        needs=[a_need("n1", hours=[40])],
        intro_capacity={"ward": 1},
    )
    assert verdict(introductions_rule, round_input, {("anne", "n1", 0): 8}) == "allowed"
    one_new = {("anne", "n1", 0): 8, ("bob", "n1", 0): 8}
    assert verdict(introductions_rule, round_input, one_new) == "allowed"
    two_new = {("anne", "n1", 0): 8, ("carl", "n1", 0): 8}
    assert verdict(introductions_rule, round_input, two_new) == "refused"


def test_introductions_rule_alone_knows_people_from_earlier_weeks() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob"), a_staff("carl")],
        needs=[a_need("n1", hours=[40, 40])],
        weeks=2,
        intro_capacity={"ward": 1},
    )
    anne_stays = {("anne", "n1", 0): 8, ("anne", "n1", 1): 8, ("bob", "n1", 1): 8}
    assert verdict(introductions_rule, round_input, anne_stays) == "allowed"
    two_new_later = {("anne", "n1", 0): 8, ("bob", "n1", 1): 8, ("carl", "n1", 1): 8}
    assert verdict(introductions_rule, round_input, two_new_later) == "refused"


def test_introductions_rule_alone_counts_people_outside_the_model() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob"), a_staff("carl", past_units=["ward"])],
        needs=[a_need("n1", hours=[40, 40])],
        weeks=2,
        intro_capacity={"ward": 1},
    )
    plan = {("anne", "n1", 0): 8}
    assert verdict(introductions_rule, round_input, plan, present={("ward", 0): ["bob"]}) == (
        "refused"
    )
    assert verdict(introductions_rule, round_input, plan, present={("ward", 0): ["carl"]}) == (
        "allowed"
    )
    # Anne's week 0 is what makes her known in week 1, where bob comes new beside her: the
    # model may not drop her week 0 and leave week 1 with two new people.
    later = {("ward", 1): ["anne", "bob"]}
    assert verdict(introductions_rule, round_input, plan, present=later) == "allowed"
    dropped = {("anne", "n1", 0): 0}
    assert verdict(introductions_rule, round_input, dropped, present=later) == "refused"


def test_buddy_rule_alone() -> None:
    # Leo wants to learn nursing; anne is a nurse. Leo's hours at n1 need hers beside them.
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("leo", skills=["cook"], learn_skills=["nurse"])],
        needs=[a_need("n1", hours=[20], learner_share=0)],
    )
    beside = {("anne", "n1", 0): 12, ("leo", "n1", 0): 12}
    beyond = {("anne", "n1", 0): 12, ("leo", "n1", 0): 12.5}
    alone = {("leo", "n1", 0): 8}
    assert verdict(buddy_rule, round_input, beside) == "allowed"
    assert verdict(buddy_rule, round_input, beyond) == "refused"
    assert verdict(buddy_rule, round_input, alone) == "refused"


def test_need_rule_alone_counts_a_learner_hour_at_the_need_share() -> None:
    # n1 asks for 20 hours; a learner's hour covers half an hour of it.
    staff = [a_staff("anne"), a_staff("leo", skills=["cook"], learn_skills=["nurse"])]
    halves = a_round(staff=staff, needs=[a_need("n1", hours=[20], learner_share=0.5)])
    on_top = a_round(staff=staff, needs=[a_need("n1", hours=[20], learner_share=0)])
    assert verdict(need_rule, halves, {("anne", "n1", 0): 14, ("leo", "n1", 0): 12}) == "allowed"
    assert verdict(need_rule, halves, {("anne", "n1", 0): 15, ("leo", "n1", 0): 12}) == "refused"
    assert verdict(need_rule, on_top, {("anne", "n1", 0): 20, ("leo", "n1", 0): 20}) == "allowed"
