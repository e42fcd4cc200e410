"""The round snapshot's schema version 2 (days and shift times): version 1 is read and
upgraded, and each new field's errors name the field and the id."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.bounds import hours_a_day
from solver.contract import WEEKDAYS, ContractError, parse_round_input, parse_round_result
from tests.solver.test_contract import DESIGN_EXAMPLE

A_RESULT_OF_VERSION_1: dict[str, Any] = {
    "schema_version": 1,
    "status": "optimal",
    "assignments": [{"staff": "e1042", "need": "n17", "week": 0, "hours": 12}],
    "metrics": {"weighted_coverage": 192, "upper_bound": 200},
}


def a_version_2_round(**changes: Any) -> dict[str, Any]:
    """The design's example as version 2, without pins or previous assignments."""
    data = copy.deepcopy(DESIGN_EXAMPLE)
    data.update(schema_version=2, pinned=[], previous=[])
    data.update(changes)
    return data


def with_staff(**fields: Any) -> dict[str, Any]:
    data = a_version_2_round()
    data["staff"][0].update(fields)
    return data


def with_shift_times(*shift_times: dict[str, Any]) -> dict[str, Any]:
    data = a_version_2_round()
    data["needs"][0]["shift_times"] = list(shift_times)
    return data


def a_shift(days: list[str], start: str = "07:00", end: str = "15:00") -> dict[str, Any]:
    return {"days": days, "start": start, "end": end}


def a_day(date: str, start: str = "07:00", end: str = "13:00", hours: float = 6) -> dict[str, Any]:
    return {"date": date, "start": start, "end": end, "hours": hours}


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ContractError) as caught:
        parse_round_input(data)
    return caught.value.messages


def test_a_version_1_round_is_read_as_version_2_with_the_defaults() -> None:
    round_input = parse_round_input(DESIGN_EXAMPLE)
    anne, n17 = round_input.staff[0], round_input.needs[0]
    assert round_input.schema_version == 2
    assert anne.away_days == list(WEEKDAYS)
    assert anne.daily_hours is None
    assert anne.hours_a_day == 7.5
    assert anne.capacity(0) == 17  # as in version 1: normal hours less home load
    assert n17.shift_times == []
    assert round_input.pinned[0].days == ()
    assert round_input.previous[0].days == ()
    written = json.loads(round_input.model_dump_json())
    assert written["schema_version"] == 2
    assert parse_round_input(written) == round_input


def test_a_version_1_result_is_read_as_version_2_without_days() -> None:
    result = parse_round_result(A_RESULT_OF_VERSION_1)
    assert result.schema_version == 2
    assert result.assignments[0].days == ()
    assert result.metrics.upper_bound == 200


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("staff", "away_days", ["mon"]),
        ("staff", "daily_hours", 7.5),
        ("needs", "shift_times", [a_shift(["mon"])]),
        ("pinned", "days", []),
        ("previous", "days", [a_day("2026-03-16", hours=12, end="19:00")]),
    ],
)
def test_a_version_1_round_may_not_use_a_version_2_field(
    section: str, field: str, value: Any
) -> None:
    data = copy.deepcopy(DESIGN_EXAMPLE)
    data[section][0][field] = value
    assert errors_of(data) == [
        f"schema_version 1 has no {section}[0].{field}; use schema_version 2"
    ]


def test_a_version_1_result_may_not_have_days() -> None:
    data = copy.deepcopy(A_RESULT_OF_VERSION_1)
    data["assignments"][0]["days"] = [a_day("2026-03-16", hours=12, end="19:00")]
    with pytest.raises(ContractError) as caught:
        parse_round_result(data)
    assert caught.value.messages == [
        "schema_version 1 has no assignments[0].days; use schema_version 2"
    ]


def test_a_version_2_round_with_every_new_field_is_read_and_written_again() -> None:
    data = a_version_2_round(
        pinned=[
            {
                "staff": "e1042",
                "need": "n17",
                "week": 1,
                "hours": 12,
                "days": [a_day("2026-03-23"), a_day("2026-03-25")],
            }
        ]
    )
    data["staff"][0].update(away_days=["mon", "wed", "sat"], daily_hours=6)
    data["needs"][0]["shift_times"] = [
        a_shift(["mon", "wed"], "07:00", "15:00"),
        a_shift(["sat"], "22:00", "06:00"),
    ]
    round_input = parse_round_input(data)
    n17 = round_input.needs[0]
    assert [s.hours for s in n17.shift_times] == [8, 8]
    assert [d.date.isoformat() for d in round_input.pinned[0].days] == ["2026-03-23", "2026-03-25"]
    assert parse_round_input(json.loads(round_input.model_dump_json())) == round_input


@pytest.mark.parametrize("time", ["07:15", "07:00:30", "07:00+01:00"])
def test_shift_times_are_on_the_hour_or_half_hour(time: str) -> None:
    (message,) = errors_of(with_shift_times(a_shift(["mon"], start=time)))
    assert message.startswith(
        "need n17: shift_times[0].start: must be a local time on the hour or half hour, got "
    )


def test_a_half_hour_is_a_shift_time() -> None:
    round_input = parse_round_input(with_shift_times(a_shift(["mon"], "06:30", "14:30")))
    assert round_input.needs[0].shift_times[0].hours == 8


def test_a_weekday_twice_in_one_shift_is_refused() -> None:
    assert errors_of(with_shift_times(a_shift(["mon", "tue", "mon"]))) == [
        "need n17: shift_times[0]: days: a weekday is named twice"
    ]


def test_a_weekday_in_two_shifts_of_one_need_is_refused() -> None:
    data = with_shift_times(a_shift(["mon", "tue"]), a_shift(["tue"], "15:00", "23:00"))
    assert errors_of(data) == ["need n17: shift_times: a weekday has two shifts"]


def test_two_needs_may_want_the_same_weekday() -> None:
    data = with_shift_times(a_shift(["mon"]))
    data["needs"].append({**data["needs"][0], "id": "n18"})
    assert len(parse_round_input(data).needs) == 2


@pytest.mark.parametrize(
    ("start", "end"), [("06:00", "19:30"), ("07:00", "07:00"), ("20:00", "09:30")]
)
def test_a_shift_longer_than_13_hours_is_refused(start: str, end: str) -> None:
    assert errors_of(with_shift_times(a_shift(["mon"], start, end))) == [
        f"need n17: shift_times[0]: a shift is at most 13 hours (11 hours' rest a day), "
        f"got {start}–{end}"
    ]


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [("06:00", "19:00", 13), ("22:00", "06:00", 8), ("16:00", "00:00", 8), ("23:30", "00:00", 0.5)],
)
def test_a_shift_s_hours_run_past_midnight(start: str, end: str, hours: float) -> None:
    round_input = parse_round_input(with_shift_times(a_shift(["mon"], start, end)))
    assert round_input.needs[0].shift_times[0].hours == hours


def test_a_shift_names_at_least_one_weekday() -> None:
    (message,) = errors_of(with_shift_times(a_shift([])))
    assert message.startswith("need n17: shift_times[0].days: ")


def test_away_days_named_twice_are_refused() -> None:
    assert errors_of(with_staff(away_days=["mon", "tue", "mon"])) == [
        "staff e1042: away_days: a weekday is named twice"
    ]


@pytest.mark.parametrize(
    ("daily_hours", "problem"),
    [(0, "must be more than 0, got 0"), (13.5, "must be at most 13, got 13.5")],
)
def test_daily_hours_lie_above_0_and_at_most_13(daily_hours: float, problem: str) -> None:
    assert errors_of(with_staff(daily_hours=daily_hours)) == [
        f"staff e1042: daily_hours: {problem}"
    ]


def test_thirteen_daily_hours_are_accepted() -> None:
    assert parse_round_input(with_staff(daily_hours=13)).staff[0].hours_a_day == 13


@pytest.mark.parametrize(
    ("normal_hours", "hours_a_day"), [(37, 7.5), (30, 6), (38, 8), (48, 10), (1, 0.5), (0, 0)]
)
def test_hours_a_day_default_to_a_fifth_of_normal_hours_rounded_up(
    normal_hours: float, hours_a_day: float
) -> None:
    assert parse_round_input(with_staff(normal_hours=normal_hours)).staff[0].hours_a_day == (
        hours_a_day
    )


def test_normal_hours_of_70_cannot_make_14_hours_a_day() -> None:
    assert errors_of(with_staff(normal_hours=70)) == [
        "staff e1042: normal_hours: must be at most 48, got 70"
    ]


@given(st.integers(min_value=0, max_value=96), st.none() | st.integers(min_value=1, max_value=26))
def test_the_contract_and_the_profile_count_hours_a_day_by_one_rule(
    half_hours: int, daily_half_hours: int | None
) -> None:
    """One function says a person's hours a day, for the round's staff and for the profile
    pages alike (`solver.bounds.hours_a_day`): given daily hours win, else a fifth."""
    normal_hours = half_hours / 2
    daily_hours = None if daily_half_hours is None else daily_half_hours / 2
    anne = parse_round_input(with_staff(normal_hours=normal_hours, daily_hours=daily_hours))
    assert anne.staff[0].hours_a_day == hours_a_day(normal_hours, daily_hours)
    if daily_hours is not None:
        assert hours_a_day(normal_hours, daily_hours) == daily_hours


@given(st.integers(min_value=0, max_value=96))
def test_the_default_hours_a_day_are_the_least_half_hours_five_times_over_normal_hours(
    half_hours: int,
) -> None:
    normal_hours = half_hours / 2
    anne = parse_round_input(with_staff(normal_hours=normal_hours)).staff[0]
    assert anne.hours_a_day * 5 >= normal_hours
    assert (anne.hours_a_day - 0.5) * 5 < normal_hours or anne.hours_a_day == 0
    assert anne.hours_a_day <= 10  # 48 / 5, rounded up: far from the 13 a day
    assert math.isclose(anne.hours_a_day * 2, round(anne.hours_a_day * 2))


@pytest.mark.parametrize(
    ("fields", "capacity"),
    [
        ({"away_days": ["mon", "tue"]}, 15),  # 2 × 7.5 below 37
        ({"away_days": ["mon", "tue", "wed"], "daily_hours": 4}, 12),
        ({"away_days": ["mon", "tue"], "home_load": 30}, 7),  # the home load leaves less
        ({"away_days": []}, 0),
        ({"away_days": ["mon", "tue"], "available": False}, 0),
        ({}, 37),  # every day: 7 × 7.5 is above normal hours
    ],
)
def test_capacity_is_at_most_a_day_s_hours_on_each_away_day(
    fields: dict[str, Any], capacity: float
) -> None:
    data = with_staff(**{"home_load": 0, "available": True} | fields)
    assert parse_round_input(data).staff[0].capacity(0) == capacity


@pytest.mark.parametrize("field", ["pinned", "previous"])
@pytest.mark.parametrize(
    ("week", "days", "problem"),
    [
        (
            0,
            [a_day("2026-03-23", end="19:00", hours=12)],
            "2026-03-23 is not in the week of 2026-03-16",
        ),
        (
            1,
            [a_day("2026-03-22", end="19:00", hours=12)],
            "2026-03-22 is not in the week of 2026-03-23",
        ),
        (0, [a_day("2026-03-16"), a_day("2026-03-16")], "a date is named twice"),
        (
            0,
            [a_day("2026-03-16"), a_day("2026-03-17", end="12:00", hours=5)],
            "the days add up to 11 hours, not 12",
        ),
    ],
)
def test_an_assignment_s_days_lie_in_its_week_once_and_add_up(
    field: str, week: int, days: list[dict[str, Any]], problem: str
) -> None:
    entry = {"staff": "e1042", "need": "n17", "week": week, "hours": 12, "days": days}
    assert errors_of(a_version_2_round(**{field: [entry]})) == [
        f"{field}[0] (e1042, n17, week {week}): days: {problem}"
    ]


@pytest.mark.parametrize("field", ["pinned", "previous"])
def test_a_day_s_times_are_its_hours(field: str) -> None:
    entry = {
        "staff": "e1042",
        "need": "n17",
        "week": 0,
        "hours": 5,
        "days": [a_day("2026-03-16", "07:00", "13:00", 5)],
    }
    assert errors_of(a_version_2_round(**{field: [entry]})) == [
        f"{field}[0]: days[0]: 2026-03-16: 07:00–13:00 is not 5 hours"
    ]


def test_a_night_day_ends_the_next_morning() -> None:
    entry = {
        "staff": "e1042",
        "need": "n17",
        "week": 0,
        "hours": 8,
        "days": [a_day("2026-03-16", "22:00", "06:00", 8)],
    }
    round_input = parse_round_input(a_version_2_round(pinned=[entry]))
    assert round_input.pinned[0].days[0].hours == 8
