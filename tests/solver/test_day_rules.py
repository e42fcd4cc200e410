"""Day rules a–e: for each, a placement it forbids and one it allows; how the weekly stage
hears the day stage; and the day stage's preferences (stable pattern, whole days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from solver import solve
from solver.contract import (
    ReasonCode,
    ReasonDetail,
    RepairInput,
    RoundResult,
    StaffWeek,
    parse_round_input,
)
from solver.day_model import place_week_exactly
from solver.day_stage import WeekItem
from solver.index import index_round
from solver.repair import repair
from tests.solver.builders import a_need, a_round, a_staff
from tests.solver.checker import violations

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def shifts(days: list[str], start: str = "07:00", end: str = "15:00") -> list[dict[str, Any]]:
    return [{"days": days, "start": start, "end": end}]


def staff(id: str = "anne", **days: Any) -> dict[str, Any]:
    return {**a_staff(id), **days}


def need(id: str = "n1", *, unit: str = "ward", times: Any = None, **fields: Any) -> dict[str, Any]:
    return {**a_need(id, unit=unit, **fields), "shift_times": times or shifts(WEEKDAYS)}


def days_of(
    result: RoundResult, person: str, need_id: str, week: int = 0
) -> list[tuple[str, str, str, float]]:
    """(weekday, start, end, hours) of each day `person` works `need_id` in `week`."""
    for a in result.assignments:
        if (a.staff, a.need, a.week) == (person, need_id, week):
            return [
                (d.date.strftime("%a").lower(), f"{d.start:%H:%M}", f"{d.end:%H:%M}", d.hours)
                for d in a.days
            ]
    return []


def planned(result: RoundResult, person: str) -> float:
    return sum(a.hours for a in result.assignments if a.staff == person)


def solved(**round_fields: Any) -> RoundResult:
    round_input = a_round(**round_fields)
    result = solve(round_input)
    assert violations(round_input, result) == []
    return result


def test_rule_a_a_day_only_where_the_need_and_the_person_both_allow_it() -> None:
    apart = solved(staff=[staff(away_days=["sat"])], needs=[need(hours=8)])
    assert apart.assignments == []
    reasons = apart.unfilled[0].reasons
    assert ReasonCode.DAYS in {r.code for r in reasons}

    monday = solved(staff=[staff(away_days=["mon", "sat"])], needs=[need(hours=8)])
    assert days_of(monday, "anne", "n1") == [("mon", "07:00", "14:30", 7.5)]


def test_rule_b_at_most_the_persons_daily_hours_a_day() -> None:
    result = solved(staff=[staff(daily_hours=6)], needs=[need(hours=24)])
    assert [d[3] for d in days_of(result, "anne", "n1")] == [6, 6, 6, 6]

    short_shift = solved(
        staff=[staff(daily_hours=10)],
        needs=[need(hours=12, times=shifts(WEEKDAYS, "08:00", "12:00"))],
    )
    assert [d[3] for d in days_of(short_shift, "anne", "n1")] == [4, 4, 4]


def test_rule_c_one_place_a_day() -> None:
    both_on_monday = [
        need("n1", unit="ward", hours=7.5, times=shifts(["mon"])),
        need("n2", unit="clinic", hours=7.5, times=shifts(["mon"])),
    ]
    result = solved(staff=[staff(away_days=["mon", "tue"])], needs=both_on_monday)
    assert planned(result, "anne") == 7.5

    monday_and_tuesday = [
        need("n1", unit="ward", hours=7.5, times=shifts(["mon"])),
        need("n2", unit="clinic", hours=7.5, times=shifts(["tue"])),
    ]
    result = solved(staff=[staff(away_days=["mon", "tue"])], needs=monday_and_tuesday)
    assert planned(result, "anne") == 15


def test_the_flow_bound_keeps_one_place_a_day() -> None:
    # Two weekend needs and one person away at weekends: the week's flow may not give each
    # need both of her weekend days, so the bound is what she can do, and the plan meets it.
    weekend = [
        need("n1", unit="ward", hours=15, shift="weekend", times=shifts(["sat", "sun"])),
        need("n2", unit="clinic", hours=15, shift="weekend", times=shifts(["sat", "sun"])),
    ]
    person = staff(away_days=[*WEEKDAYS, "sat", "sun"], shifts=["day", "weekend"])
    result = solved(staff=[person], needs=weekend)
    assert planned(result, "anne") == 15
    assert result.metrics.upper_bound == result.metrics.weighted_coverage


def test_rule_d_eleven_hours_rest_between_shifts() -> None:
    # Whole 8-hour days only (min_block 8), so a shorter evening cannot make room.
    evening = need(
        "eve", unit="ward", hours=8, min_block=8, times=shifts(["mon"], "15:00", "23:00")
    )
    too_early = need(
        "day", unit="clinic", hours=8, min_block=8, times=shifts(["tue"], "09:00", "17:00")
    )
    rested = need(
        "day", unit="clinic", hours=8, min_block=8, times=shifts(["tue"], "10:00", "18:00")
    )
    person = staff(daily_hours=8, shifts=["day", "evening"], away_days=["mon", "tue"])
    evening["shift"] = "evening"

    result = solved(staff=[person], needs=[evening, too_early])
    assert planned(result, "anne") == 8

    result = solved(staff=[person], needs=[evening, rested])
    assert planned(result, "anne") == 16
    assert days_of(result, "anne", "eve") == [("mon", "15:00", "23:00", 8)]
    assert days_of(result, "anne", "day") == [("tue", "10:00", "18:00", 8)]


def test_rule_e_a_day_at_the_unit_is_at_least_its_smallest_block() -> None:
    too_short_days = solved(staff=[staff(daily_hours=5)], needs=[need(hours=20, min_block=6)])
    assert too_short_days.assignments == []

    whole_blocks = solved(staff=[staff(daily_hours=6)], needs=[need(hours=20, min_block=6)])
    hours = [d[3] for d in days_of(whole_blocks, "anne", "n1")]
    assert sum(hours) == planned(whole_blocks, "anne")
    assert all(h >= 6 for h in hours)


def test_the_weekly_stage_hears_what_the_days_cannot_hold() -> None:
    # Anne may be away Monday and Tuesday, so the week gives her room for both Monday needs;
    # one place a day says otherwise, and Bo takes the other.
    round_fields: dict[str, Any] = {
        "staff": [staff("anne", away_days=["mon", "tue"]), staff("bo")],
        "needs": [
            need("n1", unit="ward", hours=7.5, times=shifts(["mon"])),
            need("n2", unit="clinic", hours=7.5, times=shifts(["mon"])),
        ],
    }
    result = solved(**round_fields)
    assert result.unfilled == []
    assert planned(result, "anne") == 7.5
    assert planned(result, "bo") == 7.5


def test_what_stays_short_names_the_day_rule() -> None:
    result = solved(
        staff=[staff("anne", away_days=["mon", "tue"])],
        needs=[
            need("n1", unit="ward", hours=7.5, times=shifts(["mon"]), priority=5),
            need("n2", unit="clinic", hours=7.5, times=shifts(["mon"])),
        ],
    )
    assert planned(result, "anne") == 7.5
    [open_need] = result.unfilled
    assert open_need.need == "n2"
    assert ReasonCode.DAYS in {r.code for r in open_need.reasons}


def test_the_same_weekdays_every_week_and_whole_days() -> None:
    result = solved(staff=[staff(home_load=[22, 22, 22])], needs=[need(hours=15)], weeks=3)
    weeks = [days_of(result, "anne", "n1", w) for w in range(3)]
    assert all(len(days) == 2 and {d[3] for d in days} == {7.5} for days in weeks)
    assert len({tuple(d[0] for d in days) for days in weeks}) == 1


def test_people_are_spread_over_the_days_the_need_lacks() -> None:
    # Anne gives 12 hours and Ole 18 of a Monday–Friday need whose day is at least 6 hours:
    # five days of 6 hours, one person each, rather than two on one day and none on another.
    people = [staff("anne", home_load=25), staff("ole", home_load=19)]
    result = solved(staff=people, needs=[need(hours=30, min_block=6)])
    days = days_of(result, "anne", "n1") + days_of(result, "ole", "n1")
    assert sorted(d[0] for d in days) == sorted(WEEKDAYS)
    assert {d[3] for d in days} == {6}


def test_the_exact_week_model_prefers_days_the_need_lacks() -> None:
    # Monday and Tuesday already have people at the need: 18 hours of 6-hour days go on the
    # other three weekdays, though any three would hold them as well.
    index = index_round(a_round(staff=[staff()], needs=[need(hours=18, min_block=6)]))
    item = WeekItem(need=0, half_hours=36, weight=int(index.weight[0]))

    placed = place_week_exactly(index, 0, 0, [item], {}, {}, crowded={(0, 0), (0, 1)})

    assert placed == {0: [(2, 12), (3, 12), (4, 12)]}


def test_a_night_shift_ends_the_next_morning() -> None:
    night = need(hours=7.5, shift="night", times=shifts(["fri"], "22:00", "06:00"))
    result = solved(staff=[staff(shifts=["night"])], needs=[night])
    assert days_of(result, "anne", "n1") == [("fri", "22:00", "05:30", 7.5)]


def test_needs_without_shift_times_are_planned_by_the_week_alone() -> None:
    result = solved(staff=[staff(away_days=["mon"])], needs=[a_need(hours=20)])
    assert planned(result, "anne") == 7.5
    assert all(a.days == () for a in result.assignments)
    assert ReasonDetail.FULLY_PLANNED in {
        r.values.detail for r in result.unfilled[0].reasons if r.values
    }


def test_an_absence_on_tuesday_replans_tuesday() -> None:
    # Two people cover the need two days each; a third has room. One of the two falls ill on
    # Tuesday: their Tuesday goes (the live plan also takes a day's hours off their week),
    # and the hours go to the third person, on the day the need now lacks.
    round_input = a_round(
        staff=[staff("anne", home_load=22), staff("bo", home_load=22), staff("cy", home_load=29.5)],
        needs=[need(hours=30)],
    )
    published = solve(round_input)
    tuesday = round_input.start + dt.timedelta(days=1)
    [absent] = [a.staff for a in published.assignments for d in a.days if d.date == tuesday]
    data = round_input.model_dump(mode="json")
    for person in data["staff"]:
        if person["id"] == absent:
            person["absent_dates"] = [tuesday.isoformat()]
            person["home_load"] = [person["home_load"][0] + 7.5]
    now = parse_round_input(data)
    repaired = repair(
        RepairInput(
            round=now,
            published=published.assignments,
            touched_staff=[StaffWeek(staff=absent, week=0)],
        )
    )
    assert violations(now, RoundResult(status="feasible", assignments=repaired.assignments)) == []
    assert tuesday not in [
        d.date for a in repaired.assignments if a.staff == absent for d in a.days
    ]
    on_tuesday = {a.staff for a in repaired.assignments for d in a.days if d.date == tuesday}
    assert on_tuesday and absent not in on_tuesday
    untouched = [a for a in published.assignments if a.staff != absent and a.hours]
    assert all(a in repaired.assignments for a in untouched)
