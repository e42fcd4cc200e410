"""The independent checker's day rules a–e: for each, a hand-made plan that breaks it is
reported and a near one that keeps it is not. The round starts Monday 2026-03-16."""

from __future__ import annotations

import datetime as dt
from typing import Any

from solver.contract import Assignment, RoundInput, RoundResult, WorkDay
from tests.solver.builders import a_need, a_round, a_shift, a_staff
from tests.solver.checker import day_violations, violations

WEEKDAYS_7_TO_15 = a_shift(["mon", "tue", "wed", "thu", "fri"], "07:00", "15:00")


def a_day(date: str, start: str, end: str, hours: float) -> dict[str, Any]:
    return {"date": date, "start": start, "end": end, "hours": hours}


def an_assignment(
    need: str, days: list[dict[str, Any]], *, staff: str = "anne", week: int = 0
) -> dict[str, Any]:
    return {
        "staff": staff,
        "need": need,
        "week": week,
        "hours": sum(d["hours"] for d in days),
        "days": days,
    }


def a_plan(*assignments: dict[str, Any]) -> RoundResult:
    return RoundResult.model_validate({"status": "feasible", "assignments": list(assignments)})


def a_ward_round(
    *, staff: dict[str, Any] | None = None, needs: list[dict[str, Any]] | None = None
) -> RoundInput:
    """Anne (37 h, so 7.5 h a day) and a ward's need of 20 h a week on weekdays 07–15."""
    return a_round(
        staff=[staff or a_staff("anne")],
        needs=needs or [a_need("n1", unit="ward", hours=20, shift_times=[WEEKDAYS_7_TO_15])],
        weeks=2,
    )


def test_two_whole_days_on_the_need_s_shift_keep_every_rule() -> None:
    plan = a_plan(
        an_assignment(
            "n1",
            [
                a_day("2026-03-16", "07:00", "14:30", 7.5),
                a_day("2026-03-17", "07:00", "14:30", 7.5),
            ],
        )
    )
    assert violations(a_ward_round(), plan) == []


def test_rule_a_a_day_the_need_has_no_shift() -> None:
    saturday = a_plan(an_assignment("n1", [a_day("2026-03-21", "07:00", "14:30", 7.5)]))
    friday = a_plan(an_assignment("n1", [a_day("2026-03-20", "07:00", "14:30", 7.5)]))
    assert day_violations(a_ward_round(), saturday) == [
        "anne->n1 week 0 2026-03-21: day rule a: the need has no shift on sat"
    ]
    assert day_violations(a_ward_round(), friday) == []


def test_rule_a_a_day_the_person_may_not_be_away() -> None:
    mondays_only = a_staff("anne", away_days=["mon"])
    tuesday = a_plan(an_assignment("n1", [a_day("2026-03-17", "07:00", "14:30", 7.5)]))
    monday = a_plan(an_assignment("n1", [a_day("2026-03-16", "07:00", "14:30", 7.5)]))
    assert day_violations(a_ward_round(staff=mondays_only), tuesday) == [
        "anne->n1 week 0 2026-03-17: day rule a: tue is not among the person's away days"
    ]
    assert violations(a_ward_round(staff=mondays_only), monday) == []


def test_rule_b_more_than_the_person_s_daily_hours() -> None:
    six_a_day = a_staff("anne", daily_hours=6)
    long_day = a_plan(an_assignment("n1", [a_day("2026-03-16", "07:00", "13:30", 6.5)]))
    six_hours = a_plan(an_assignment("n1", [a_day("2026-03-16", "07:00", "13:00", 6)]))
    assert day_violations(a_ward_round(staff=six_a_day), long_day) == [
        "anne->n1 week 0 2026-03-16: day rule b: 6.5 h > the person's 6 h"
    ]
    assert violations(a_ward_round(staff=six_a_day), six_hours) == []


def test_rule_b_more_than_the_day_s_shift() -> None:
    mornings = [
        a_need("n1", unit="ward", hours=20, shift_times=[a_shift(start="07:00", end="11:00")])
    ]
    beyond = a_plan(an_assignment("n1", [a_day("2026-03-16", "07:00", "12:00", 5)]))
    within = a_plan(an_assignment("n1", [a_day("2026-03-16", "07:00", "11:00", 4)]))
    assert day_violations(a_ward_round(needs=mornings), beyond) == [
        "anne->n1 week 0 2026-03-16: day rule b: 5 h > the shift's 4 h"
    ]
    assert violations(a_ward_round(needs=mornings), within) == []


def two_needs(school_shift: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a_need("n1", unit="ward", hours=20, shift_times=[WEEKDAYS_7_TO_15]),
        a_need("n2", unit="school", hours=20, shift_times=[school_shift]),
    ]


def test_rule_c_two_places_on_one_day() -> None:
    round_input = a_ward_round(needs=two_needs(a_shift(["mon", "tue"], "07:00", "15:00")))
    same_day = a_plan(
        an_assignment("n1", [a_day("2026-03-16", "07:00", "11:00", 4)]),
        an_assignment("n2", [a_day("2026-03-16", "07:00", "11:00", 4)]),
    )
    next_day = a_plan(
        an_assignment("n1", [a_day("2026-03-16", "07:00", "11:00", 4)]),
        an_assignment("n2", [a_day("2026-03-17", "07:00", "11:00", 4)]),
    )
    assert "anne->n1/n2 2026-03-16: day rule c: 2 places on one day" in day_violations(
        round_input, same_day
    )
    assert violations(round_input, next_day) == []


def test_rule_b_counts_every_need_of_the_day() -> None:
    round_input = a_ward_round(needs=two_needs(a_shift(["mon"], "15:00", "23:00")))
    plan = a_plan(
        an_assignment("n1", [a_day("2026-03-16", "07:00", "11:00", 4)]),
        an_assignment("n2", [a_day("2026-03-16", "15:00", "19:00", 4)]),
    )
    assert "anne->n1/n2 2026-03-16: day rule b: 8 h in a day > 7.5 h" in day_violations(
        round_input, plan
    )


def test_rule_d_rest_after_an_evening_before_a_morning() -> None:
    round_input = a_ward_round(needs=two_needs(a_shift(["mon"], "14:00", "22:00")))
    to_the_end = a_plan(
        an_assignment("n2", [a_day("2026-03-16", "14:00", "21:30", 7.5)]),
        an_assignment("n1", [a_day("2026-03-17", "07:00", "14:30", 7.5)]),
    )
    # A part of a shift is worked from its start: 4 hours of 14–22 end at 18:00.
    a_part = a_plan(
        an_assignment("n2", [a_day("2026-03-16", "14:00", "18:00", 4)]),
        an_assignment("n1", [a_day("2026-03-17", "07:00", "14:30", 7.5)]),
    )
    assert day_violations(round_input, to_the_end) == [
        "anne->n1 2026-03-17: day rule d rest: 9.5 h between the end of n2 on 2026-03-16 "
        "(Mon 21:30) and the start at 07:00"
    ]
    assert violations(round_input, a_part) == []


def test_rule_d_rest_across_weeks_after_a_night() -> None:
    nights = a_shift(["sun"], "22:00", "06:00")
    round_input = a_ward_round(needs=two_needs(nights))
    sunday_night = an_assignment("n2", [a_day("2026-03-22", "22:00", "05:30", 7.5)])
    monday = an_assignment("n1", [a_day("2026-03-23", "07:00", "14:30", 7.5)], week=1)
    tuesday = an_assignment("n1", [a_day("2026-03-24", "07:00", "14:30", 7.5)], week=1)
    assert day_violations(round_input, a_plan(sunday_night, monday)) == [
        "anne->n1 2026-03-23: day rule d rest: 1.5 h between the end of n2 on 2026-03-22 "
        "(Mon 05:30) and the start at 07:00"
    ]
    assert violations(round_input, a_plan(sunday_night, tuesday)) == []


def test_rule_e_a_day_below_the_block() -> None:
    round_input = a_ward_round()
    a_sliver = a_plan(
        an_assignment(
            "n1",
            [
                a_day("2026-03-16", "07:00", "14:30", 7.5),
                a_day("2026-03-17", "07:00", "09:30", 2.5),
            ],
        )
    )
    two_blocks = a_plan(
        an_assignment(
            "n1",
            [a_day("2026-03-16", "07:00", "11:00", 4), a_day("2026-03-17", "07:00", "11:00", 4)],
        )
    )
    assert day_violations(round_input, a_sliver) == [
        "anne->n1 week 0 2026-03-17: day rule e: 2.5 h < min(min_block, the week's 10 h)"
    ]
    assert violations(round_input, two_blocks) == []


def test_rule_e_a_week_below_the_block_is_one_short_day() -> None:
    round_input = a_ward_round(
        needs=[a_need("n1", unit="ward", hours=3, shift_times=[WEEKDAYS_7_TO_15])]
    )
    one_day = a_plan(an_assignment("n1", [a_day("2026-03-16", "07:00", "10:00", 3)]))
    two_days = a_plan(
        an_assignment(
            "n1",
            [
                a_day("2026-03-16", "07:00", "08:30", 1.5),
                a_day("2026-03-17", "07:00", "08:30", 1.5),
            ],
        )
    )
    assert violations(round_input, one_day) == []
    assert day_violations(round_input, two_days) == [
        "anne->n1 week 0 2026-03-16: day rule e: 1.5 h < min(min_block, the week's 3 h)",
        "anne->n1 week 0 2026-03-17: day rule e: 1.5 h < min(min_block, the week's 3 h)",
    ]


def test_days_only_on_needs_with_shift_times_and_always_there() -> None:
    round_input = a_ward_round(
        needs=[
            a_need("n1", unit="ward", hours=20, shift_times=[WEEKDAYS_7_TO_15]),
            a_need("n2", unit="school", hours=20),
        ]
    )
    plan = a_plan(
        {"staff": "anne", "need": "n1", "week": 0, "hours": 7.5},
        an_assignment("n2", [a_day("2026-03-17", "07:00", "14:30", 7.5)]),
    )
    assert day_violations(round_input, plan) == [
        "anne->n1 week 0: the need has shift times but the assignment has no days",
        "anne->n2 week 0: has days but the need has no shift times",
    ]


def test_days_lie_in_the_week_once_and_add_up() -> None:
    def plan(hours: float, *days: dict[str, Any]) -> RoundResult:
        return a_plan({"staff": "anne", "need": "n1", "week": 0, "hours": hours, "days": days})

    monday = a_day("2026-03-16", "07:00", "11:00", 4)
    next_monday = a_day("2026-03-23", "07:00", "11:00", 4)
    round_input = a_ward_round()
    assert day_violations(round_input, plan(4, next_monday)) == [
        "anne->n1 week 0 2026-03-23: not in the week of 2026-03-16"
    ]
    assert day_violations(round_input, plan(8, monday, monday))[0] == (
        "anne->n1 week 0 2026-03-16: named twice"
    )
    assert day_violations(round_input, plan(7.5, monday)) == [
        "anne->n1 week 0: the days add up to 4 h, not 7.5 h"
    ]


def test_a_day_starts_at_the_shift_and_ends_its_hours_later() -> None:
    late = a_plan(an_assignment("n1", [a_day("2026-03-16", "08:00", "12:00", 4)]))
    wrong_end = WorkDay.model_construct(
        date=dt.date(2026, 3, 16), start=dt.time(7), end=dt.time(12), hours=4
    )
    assignment = Assignment.model_construct(
        staff="anne", need="n1", week=0, hours=4, days=(wrong_end,)
    )
    unchecked = RoundResult.model_construct(status="feasible", assignments=[assignment])
    assert day_violations(a_ward_round(), late) == [
        "anne->n1 week 0 2026-03-16: starts 08:00, not at the shift's 07:00"
    ]
    assert day_violations(a_ward_round(), unchecked) == [
        "anne->n1 week 0 2026-03-16: ends 12:00, not 4 h after 07:00"
    ]


def test_capacity_is_at_most_a_day_s_hours_on_each_away_day() -> None:
    two_days = a_staff("anne", away_days=["mon", "tue"])
    round_input = a_round(staff=[two_days], needs=[a_need("n1", unit="ward", hours=20)])
    plan = a_plan({"staff": "anne", "need": "n1", "week": 0, "hours": 16})
    fits = a_plan({"staff": "anne", "need": "n1", "week": 0, "hours": 15})
    assert violations(round_input, plan) == ["anne week 0: rule 3 capacity 16.0 > 15.0"]
    assert violations(round_input, fits) == []


def test_a_pin_s_days_are_kept() -> None:
    monday = a_day("2026-03-16", "07:00", "14:30", 7.5)
    pinned = a_round(
        staff=[a_staff("anne")],
        needs=[a_need("n1", unit="ward", hours=20, shift_times=[WEEKDAYS_7_TO_15])],
        pinned=[an_assignment("n1", [monday])],
    )
    tuesday = a_plan(an_assignment("n1", [a_day("2026-03-17", "07:00", "14:30", 7.5)]))
    assert violations(pinned, tuesday) == ["pin anne->n1 week 0: rule 9 days not kept"]
    assert violations(pinned, a_plan(an_assignment("n1", [monday]))) == []
