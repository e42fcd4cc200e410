"""The objective's terms in their order: a lower term never buys a loss in a higher one."""

from __future__ import annotations

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
