"""Every unfilled need-week says why, with a stable code: one tiny round per code."""

from __future__ import annotations

from tests.solver.builders import a_need, a_round, a_shift, a_staff, reason_codes, solve_quickly


def test_no_skill() -> None:
    result = solve_quickly(
        a_round(staff=[a_staff(skills=["teacher"])], needs=[a_need(skill="driver")])
    )
    assert reason_codes(result) == ["no_skill"]
    assert "driver" in result.unfilled[0].reasons[0].message


def test_shift() -> None:
    result = solve_quickly(a_round(staff=[a_staff(shifts=["day"])], needs=[a_need(shift="night")]))
    assert "shift" in reason_codes(result)
    assert "night" in result.unfilled[0].reasons[0].message


def test_risk_protection() -> None:
    round_input = a_round(staff=[a_staff(risk_group=True)], needs=[a_need(exposed=True)])
    assert reason_codes(solve_quickly(round_input)) == ["risk_protection"]


def test_same_unit() -> None:
    round_input = a_round(staff=[a_staff(home_unit="ward")], needs=[a_need(unit="ward")])
    assert reason_codes(solve_quickly(round_input)) == ["same_unit"]


def test_avoided() -> None:
    round_input = a_round(staff=[a_staff(avoid_units=["ward"])], needs=[a_need(unit="ward")])
    assert reason_codes(solve_quickly(round_input)) == ["avoided"]


def test_unavailable() -> None:
    round_input = a_round(staff=[a_staff(available=[False])], needs=[a_need()])
    assert reason_codes(solve_quickly(round_input)) == ["unavailable"]


def test_no_capacity_names_the_higher_priority_need() -> None:
    needs = [a_need("urgent", priority=5, hours=[37]), a_need("n1", unit="lab", priority=1)]
    result = solve_quickly(a_round(staff=[a_staff()], needs=needs))
    assert reason_codes(result) == ["no_capacity"]
    message = result.unfilled[0].reasons[0].message
    assert "urgent (priority 5)" in message
    assert "higher-priority" in message


def test_min_block_when_candidates_have_too_few_hours() -> None:
    round_input = a_round(staff=[a_staff(normal_hours=6)], needs=[a_need(min_block=8)])
    result = solve_quickly(round_input)
    assert reason_codes(result) == ["min_block"]
    assert "minimum block of 8 h" in result.unfilled[0].reasons[0].message


def test_min_block_when_the_remainder_is_below_the_block() -> None:
    staff = [a_staff("anne", normal_hours=18), a_staff("bob", normal_hours=4)]
    # anne 18 h + bob 4 h would cover 22 of 24.5; the last 2.5 h are below the block.
    result = solve_quickly(a_round(staff=staff, needs=[a_need(hours=[24.5])]))
    assert result.unfilled[0].hours == 2.5
    assert reason_codes(result)[0] == "min_block"
    assert "remaining 2.5 h" in result.unfilled[0].reasons[0].message


def test_every_unfilled_need_week_has_a_reason() -> None:
    staff = [a_staff("anne"), a_staff("bob", skills=["teacher"], shifts=["evening"])]
    needs = [a_need("n1", hours=[60, 10]), a_need("n2", skill="teacher", hours=[10, 0])]
    result = solve_quickly(a_round(staff=staff, needs=needs, weeks=2))
    assert result.unfilled
    assert all(u.reasons for u in result.unfilled)


def test_reasons_carry_the_values_their_sentence_is_made_of() -> None:
    """Pages word reasons in the reader's language from these values, not from `message`."""
    needs = [a_need("urgent", priority=5, hours=[37]), a_need("n1", unit="lab", priority=1)]
    result = solve_quickly(a_round(staff=[a_staff()], needs=needs))
    values = result.unfilled[0].reasons[0].values
    assert values is not None
    assert values.detail == "fully_planned"
    assert values.people == 1
    assert values.week_start is not None
    assert [(t.need, t.priority) for t in values.taken_by] == [("urgent", 5)]
    assert values.all_higher_priority


def test_an_exclusion_names_its_shift_and_skill() -> None:
    result = solve_quickly(a_round(staff=[a_staff(shifts=["day"])], needs=[a_need(shift="night")]))
    shift = next(r for r in result.unfilled[0].reasons if r.code == "shift")
    assert shift.values is not None
    values = shift.values
    assert (values.detail, values.shift, values.people) == ("excluded", "night", 1)


def test_daily_hours_not_the_time_limit() -> None:
    """Three normal hours make one hour a day: one of Monday's two hours stays open, by day
    rule b (the search is proven, so the time limit is not why)."""
    anne = a_staff(normal_hours=3)
    monday = a_need(hours=2, min_block=1, shift_times=[a_shift(["mon"])])
    result = solve_quickly(a_round(staff=[anne], needs=[monday]))
    assert result.status == "optimal"
    assert reason_codes(result) == ["days"]
