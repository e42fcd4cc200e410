"""The objective's terms in their order: a lower term never buys a loss in a higher one."""

from __future__ import annotations

import numpy as np
import pytest

from solver.contract import Purpose, ReasonDetail, RoundInput
from solver.index import index_round
from solver.introductions import drop_costly_introductions
from solver.model import Triples
from tests.solver.builders import (
    a_need,
    a_round,
    a_staff,
    an_assignment,
    hours_of,
    solve_quickly,
)


def test_priority_weighs_more_than_hours() -> None:
    needs = [
        a_need("low", priority=1, hours=[37]),
        a_need("high", unit="lab", priority=5, hours=[10]),
    ]
    result = solve_quickly(a_round(staff=[a_staff(normal_hours=20)], needs=needs))
    assert hours_of(result, need="high") == 10


def test_low_home_load_first() -> None:
    staff = [a_staff("busy", home_load=[20]), a_staff("free", home_load=[0])]
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[10])]))
    assert hours_of(result, "free") == 10
    assert hours_of(result, "busy") == 0


def test_higher_load_person_only_when_the_low_load_one_cannot_cover() -> None:
    staff = [a_staff("busy", home_load=[20]), a_staff("free", home_load=[0])]
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[45])]))
    assert hours_of(result, "free") == 37
    assert hours_of(result, "busy") == 8


def test_home_load_never_buys_lost_coverage() -> None:
    # Only the busy person can cover the critical need; the free one covers what it can.
    staff = [a_staff("busy", home_load=[20]), a_staff("free", skills=["teacher"])]
    needs = [a_need("n1", priority=5, hours=[10]), a_need("n2", skill="teacher", hours=[10])]
    result = solve_quickly(a_round(staff=staff, needs=needs))
    assert hours_of(result, "busy", "n1") == 10
    assert hours_of(result, "free", "n2") == 10


def test_continuity_keeps_one_person_per_need_across_weeks() -> None:
    staff = [a_staff("anne"), a_staff("bob")]
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[10, 10, 10])], weeks=3))
    assert result.metrics.introductions == 1


def test_continuity_keeps_previous_assignments() -> None:
    staff = [a_staff("anne"), a_staff("bob")]
    previous = [an_assignment("bob", "n1", 0, 10)]
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[10])], previous=previous))
    assert hours_of(result, "bob") == 10
    assert result.metrics.changed_vs_previous == 0


def test_fairness_spreads_load_relative_to_capacity() -> None:
    staff = [a_staff("anne", normal_hours=20), a_staff("bob", normal_hours=20)]
    needs = [a_need("n1", hours=[10]), a_need("n2", unit="lab", hours=[10])]
    result = solve_quickly(a_round(staff=staff, needs=needs))
    assert hours_of(result, "anne") == 10
    assert hours_of(result, "bob") == 10


def test_preferred_areas_last() -> None:
    staff = [
        a_staff("anne", normal_hours=10, preferred_areas=["Health"]),
        a_staff("bob", normal_hours=10),
    ]
    needs = [a_need("n1", unit="clinic", hours=[10]), a_need("n2", unit="school", hours=[10])]
    areas = {"clinic": "Health", "school": "Schools", "home": "Admin"}
    result = solve_quickly(a_round(staff=staff, needs=needs, areas=areas))
    assert hours_of(result, "anne", "n1") == 10
    assert hours_of(result, "bob", "n2") == 10


def test_a_coverage_trade_drops_a_sliver_that_covers_less_than_its_introduction() -> None:
    # Anne (new) and bob (known) fill 74 of the ward's 76 hours; carl, new, could add his
    # last 2 hours, but introducing him costs the ward 4.
    staff = [
        a_staff("anne"),
        a_staff("bob", past_units=["ward"]),
        a_staff("carl", home_load=[35]),
    ]
    needs = [a_need(hours=[76], min_block=1)]
    plain = solve_quickly(a_round(staff=staff, needs=needs, intro_hours={"ward": 4}))
    assert hours_of(plain, "carl") == 2
    assert plain.metrics.introduction_hours == 8
    assert plain.metrics.coverage_traded == 0

    trading = a_round(staff=staff, needs=needs, intro_hours={"ward": 4}, coverage_trade=0.05)
    result = solve_quickly(trading)
    assert hours_of(result, "carl") == 0
    assert hours_of(result) == 74
    assert result.metrics.introduction_hours == 4
    assert result.metrics.coverage_traded == pytest.approx(2 / 76, abs=1e-6)
    (reason,) = [
        r
        for r in result.unfilled[0].reasons
        if r.values and r.values.detail is ReasonDetail.INTRODUCTION_COST
    ]
    assert "1 person who could help is new to Ward" in reason.message
    assert "the 4 h introducing them would cost it" in reason.message


def test_a_coverage_trade_keeps_an_introduction_worth_more_than_it_costs() -> None:
    staff = [a_staff("anne"), a_staff("carl", home_load=[31])]
    needs = [a_need(hours=[43], min_block=1)]
    result = solve_quickly(
        a_round(staff=staff, needs=needs, intro_hours={"ward": 4}, coverage_trade=0.05)
    )
    assert hours_of(result, "carl") == 6  # 6 hours covered for 4 spent introducing him
    assert result.metrics.coverage_traded == 0


def test_a_coverage_trade_gives_up_no_more_than_its_share() -> None:
    # Dropping carl's 2 hours would cost 2/39 of the coverage: more than the 5 % allowed.
    staff = [a_staff("anne"), a_staff("carl", home_load=[35])]
    needs = [a_need(hours=[39], min_block=1)]
    result = solve_quickly(
        a_round(staff=staff, needs=needs, intro_hours={"ward": 4}, coverage_trade=0.05)
    )
    assert hours_of(result) == 39


def rotation(round_input: RoundInput) -> RoundInput:
    return round_input.model_copy(update={"purpose": Purpose.ROTATION})


def test_a_rotation_round_sends_people_where_they_have_not_been() -> None:
    # Anne worked at the ward before, and the previous plan has her there: a crisis round
    # keeps her (continuity), a rotation round sends her to the lab, new to her.
    anne = a_staff("anne", normal_hours=20, past_units=["ward"])
    needs = [a_need("n1", unit="ward"), a_need("n2", unit="lab")]
    round_input = a_round(
        staff=[anne], needs=needs, previous=[an_assignment("anne", "n1", hours=20)]
    )
    assert hours_of(solve_quickly(round_input), need="n1") == 20
    result = solve_quickly(rotation(round_input))
    assert hours_of(result, need="n2") == 20
    assert result.metrics.new_experiences == 1


def test_a_rotation_round_is_fair_over_the_year() -> None:
    # Anne was lent 300 of her 370 lendable hours last year, bob none of his.
    staff = [
        {**a_staff("anne"), "lent_last_year": 300, "capacity_last_year": 370},
        {**a_staff("bob"), "capacity_last_year": 370},
    ]
    previous = [an_assignment("anne", "n1", hours=30)]
    round_input = a_round(staff=staff, needs=[a_need(hours=[30])], previous=previous)
    assert hours_of(solve_quickly(rotation(round_input)), "bob") == 30
    # A crisis round keeps anne where the previous plan had her (continuity), and weighs
    # fairness within the round alone, where both start from nothing.
    assert hours_of(solve_quickly(round_input), "anne") == 30


def test_the_trade_s_start_drops_the_costliest_slivers_first_within_its_share() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("carl", home_load=[35]), a_staff("dan", home_load=[34])],
        needs=[a_need(hours=[80], min_block=1)],
        intro_hours={"ward": 4},
    )
    index = index_round(round_input)
    triples = Triples.of([(0, 0, 0), (1, 0, 0), (2, 0, 0)])
    plan = np.array([74, 4, 6], dtype=np.int64)  # half-hours: 37, 2 and 3 hours
    # Carl's 2 hours lose 2 of their 4-hour price, dan's 3 hours lose 1: carl goes first,
    # and a trade of 5 % (16 of 336 weighted half-hours) pays for him but not for dan too.
    kept = drop_costly_introductions(index, triples, plan, set(), share=0.05)
    assert kept.tolist() == [74, 0, 6]
    # A pin is never dropped; dan alone costs more than the trade allows.
    assert drop_costly_introductions(index, triples, plan, {1}, share=0.05).tolist() == [74, 4, 6]
