"""The shortlist for one need-week: who could take it at once, best first, and why."""

from __future__ import annotations

from solver.contract import Assignment, RoundInput, WorkDay
from solver.shortlist import shortlist
from tests.solver.builders import a_need, a_round, a_staff


def urgent_round() -> RoundInput:
    return a_round(
        staff=[
            a_staff("free", normal_hours=20, home_load=10),
            a_staff("calm", normal_hours=20),
            a_staff("known", normal_hours=20, home_load=10),
            a_staff("busy", normal_hours=20),
            a_staff("teacher", skills=["teacher"]),
            a_staff("home", home_unit="ward"),
        ],
        needs=[
            a_need("urgent", hours=16, priority=5),
            a_need("low", unit="school", hours=20, priority=1),
            a_need("old", unit="ward", hours=[0, 8]),
        ],
        weeks=2,
    )


PLAN = [
    Assignment(staff="busy", need="low", week=0, hours=20),
    Assignment(staff="known", need="old", week=1, hours=8),
]


def test_people_the_rules_allow_are_ranked_free_first_then_introduced_then_least_home_load() -> (
    None
):
    names = [c.staff for c in shortlist(urgent_round(), PLAN, "urgent", 0)]
    assert names == ["known", "calm", "free", "busy"]


def test_each_candidate_says_why() -> None:
    by_id = {c.staff: c for c in shortlist(urgent_round(), PLAN, "urgent", 0)}
    assert by_id["known"].introduced and not by_id["calm"].introduced
    assert (by_id["free"].free_hours, by_id["free"].home_load, by_id["free"].hours) == (10, 10, 10)
    assert by_id["calm"].hours == 16
    assert [(o.need, o.hours) for o in by_id["busy"].leaves_open] == [("low", 20)]
    assert by_id["busy"].free_hours == 0


def test_nobody_is_taken_from_a_need_of_the_same_or_higher_priority() -> None:
    names = [c.staff for c in shortlist(urgent_round(), PLAN, "low", 0)]
    assert "busy" not in names
    assert "teacher" not in names


def test_the_limit_cuts_the_list() -> None:
    assert len(shortlist(urgent_round(), PLAN, "urgent", 0, limit=2)) == 2


def test_someone_at_as_many_units_as_allowed_must_leave_one_for_a_third() -> None:
    spread = a_round(
        staff=[a_staff("two", normal_hours=37)],
        needs=[
            a_need("urgent", hours=8, priority=5),
            a_need("a", unit="school", hours=8, priority=1),
            a_need("b", unit="lab", hours=8, priority=5),
        ],
    )
    plan = [
        Assignment(staff="two", need="a", week=0, hours=8),
        Assignment(staff="two", need="b", week=0, hours=8),
    ]
    (only,) = shortlist(spread, plan, "urgent", 0)
    assert (only.free_hours, [o.need for o in only.leaves_open]) == (21, ["a"])


def test_hours_an_absence_took_away_are_open_to_the_shortlist() -> None:
    data = urgent_round().model_dump(mode="json")
    data["staff"][1]["available"] = [False, True]
    away = RoundInput.model_validate(data)
    plan = [Assignment(staff="calm", need="urgent", week=0, hours=16)]
    names = [c.staff for c in shortlist(away, plan, "urgent", 0)]
    assert names and "calm" not in names


def test_the_offer_is_what_the_persons_free_days_hold() -> None:
    """Anne may be away Monday and Tuesday and works Monday at the clinic: the ward's
    Monday–Tuesday day shift gets at most her Tuesday."""
    monday_tuesday = [{"days": ["mon", "tue"], "start": "07:00", "end": "15:00"}]
    round_input = a_round(
        staff=[{**a_staff("anne"), "away_days": ["mon", "tue"]}],
        needs=[
            {**a_need("ward", hours=15), "shift_times": monday_tuesday},
            {**a_need("clinic", unit="clinic", hours=7.5), "shift_times": monday_tuesday},
        ],
    )
    monday = round_input.start
    at_the_clinic = Assignment(
        staff="anne",
        need="clinic",
        week=0,
        hours=7.5,
        days=[WorkDay(date=monday, start="07:00", end="14:30", hours=7.5)],
    )

    assert [c.hours for c in shortlist(round_input, [], "ward", 0)] == [15]
    assert [c.hours for c in shortlist(round_input, [at_the_clinic], "ward", 0)] == [7.5]


def test_a_unit_that_introduces_no_more_this_week_is_offered_only_people_it_knows() -> None:
    # The ward takes one new person a week and anne came new this week; bob worked there
    # before, carl never did.
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob", past_units=["ward"]), a_staff("carl")],
        needs=[a_need("n1", hours=[60])],
        intro_capacity={"ward": 1},
    )
    plan = [Assignment(staff="anne", need="n1", week=0, hours=30)]
    assert [c.staff for c in shortlist(round_input, plan, "n1", 0)] == ["bob"]
    room = a_round(
        staff=[a_staff("anne"), a_staff("bob", past_units=["ward"]), a_staff("carl")],
        needs=[a_need("n1", hours=[60])],
        intro_capacity={"ward": 2},
    )
    assert {c.staff for c in shortlist(room, plan, "n1", 0)} == {"bob", "carl"}
