"""The round-snapshot contract: what it accepts, and errors that name the field and the id."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.contract import (
    ContractError,
    RoundInput,
    RoundResult,
    parse_round_input,
    parse_round_result,
)

DESIGN_EXAMPLE: dict[str, Any] = {
    "schema_version": 1,
    "start": "2026-03-16",
    "weeks": 4,
    "rules": {"max_units_per_week": 2},
    "units": [
        {"id": "solgaarden", "name": "Plejecenter Solgården", "area": "Social og Sundhed"},
        {"id": "borgerservice", "name": "Borgerservice", "area": "Administration"},
    ],
    "staff": [
        {
            "id": "e1042",
            "name": "Anne Jensen",
            "home_unit": "borgerservice",
            "skills": ["nurse"],
            "normal_hours": 37,
            "home_load": [20, 20, 10, 10],
            "available": [True, True, True, False],
            "shifts": ["day"],
            "risk_group": False,
            "avoid_units": [],
            "preferred_areas": ["Social og Sundhed"],
        }
    ],
    "needs": [
        {
            "id": "n17",
            "unit": "solgaarden",
            "skill": "nurse",
            "hours": [30, 30, 30, 0],
            "shift": "day",
            "priority": 5,
            "exposed": True,
            "min_block": 4,
        }
    ],
    "pinned": [{"staff": "e1042", "need": "n17", "week": 0, "hours": 12}],
    "previous": [{"staff": "e1042", "need": "n17", "week": 0, "hours": 12}],
}


def a_round(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(DESIGN_EXAMPLE)
    data.update(changes)
    return data


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ContractError) as caught:
        parse_round_input(data)
    return caught.value.messages


def test_design_example_is_valid() -> None:
    round_input = parse_round_input(DESIGN_EXAMPLE)
    anne = round_input.staff[0]
    assert anne.capacity(0) == 17
    assert anne.capacity(3) == 0  # unavailable that week
    assert round_input.needs[0].weight == 16
    assert round_input.week_start(2).isoformat() == "2026-03-30"


def test_optional_parts_take_the_design_defaults() -> None:
    data = a_round()
    for key in ("rules", "pinned", "previous"):
        del data[key]
    for key in ("name", "avoid_units", "preferred_areas", "shifts", "risk_group"):
        del data["staff"][0][key]
    for key in ("shift", "min_block"):
        del data["needs"][0][key]
    round_input = parse_round_input(data)
    assert round_input.rules.max_units_per_week == 2
    assert round_input.needs[0].min_block == 4
    assert round_input.needs[0].shift == "day"
    assert round_input.staff[0].shifts == ["day"]


def test_single_value_means_every_week() -> None:
    data = a_round()
    data["staff"][0].update(home_load=10, available=True)
    data["needs"][0]["hours"] = 8.5
    round_input = parse_round_input(data)
    assert round_input.staff[0].home_load == [10, 10, 10, 10]
    assert round_input.staff[0].available == [True] * 4
    assert round_input.needs[0].hours == [8.5] * 4


def test_round_trip_through_json_is_lossless() -> None:
    round_input = parse_round_input(DESIGN_EXAMPLE)
    again = parse_round_input(json.loads(round_input.model_dump_json()))
    assert again == round_input


def test_unknown_field_names_the_row() -> None:
    data = a_round()
    data["needs"][0]["colour"] = "red"
    assert errors_of(data) == ["need n17: colour: unknown field"]


def test_unknown_top_level_field() -> None:
    assert errors_of(a_round(horizon=4)) == ["horizon: unknown field"]


def test_unknown_unit_ids_are_named() -> None:
    data = a_round()
    data["staff"][0]["home_unit"] = "nowhere"
    data["staff"][0]["avoid_units"] = ["atlantis"]
    data["needs"][0]["unit"] = "mars"
    assert errors_of(data) == [
        "staff e1042: home_unit: unknown unit 'nowhere'",
        "staff e1042: avoid_units: unknown unit 'atlantis'",
        "need n17: unit: unknown unit 'mars'",
    ]


def test_unknown_ids_in_pins_and_previous() -> None:
    data = a_round()
    data["pinned"][0]["staff"] = "e9999"
    data["previous"][0]["need"] = "n404"
    messages = errors_of(data)
    assert "pinned[0] (e9999, n17, week 0): unknown staff 'e9999'" in messages
    assert "previous[0] (e1042, n404, week 0): unknown need 'n404'" in messages


def test_preferred_area_must_exist() -> None:
    data = a_round()
    data["staff"][0]["preferred_areas"] = ["Månen"]
    assert errors_of(data) == ["staff e1042: preferred_areas: no unit is in area 'Månen'"]


@pytest.mark.parametrize("section", ["units", "staff", "needs"])
def test_duplicate_ids(section: str) -> None:
    data = a_round()
    data[section].append(copy.deepcopy(data[section][0]))
    kind = {"units": "unit", "staff": "staff", "needs": "need"}[section]
    assert f"{kind} {data[section][0]['id']}: duplicate id" in errors_of(data)


def test_wrong_week_list_lengths_name_the_row() -> None:
    data = a_round()
    data["staff"][0]["home_load"] = [20, 20]
    data["needs"][0]["hours"] = [1, 2, 3, 4, 5]
    assert errors_of(data) == [
        "staff e1042: home_load has 2 values, expected 4 (one per week) or a single value",
        "need n17: hours has 5 values, expected 4 (one per week) or a single value",
    ]


def test_negative_hours() -> None:
    data = a_round()
    data["needs"][0]["hours"] = [30, -2, 30, 0]
    assert errors_of(data) == ["need n17: hours[1]: hours must be 0 or more, got -2"]


def test_hours_must_be_half_hours() -> None:
    data = a_round()
    data["staff"][0]["normal_hours"] = 37.25
    assert errors_of(data) == [
        "staff e1042: normal_hours: hours must be a multiple of 0.5, got 37.25"
    ]


@pytest.mark.parametrize("priority", [0, 6, 9])
def test_priority_outside_1_to_5(priority: int) -> None:
    data = a_round()
    data["needs"][0]["priority"] = priority
    (message,) = errors_of(data)
    assert message.startswith("need n17: priority: ")
    assert f"got {priority}" in message


def test_unknown_shift_type() -> None:
    data = a_round()
    data["needs"][0]["shift"] = "dusk"
    data["staff"][0]["shifts"] = ["day", "siesta"]
    messages = errors_of(data)
    assert messages[0].startswith("staff e1042: shifts[1]: input should be 'day', 'evening'")
    assert messages[1].startswith("need n17: shift: input should be 'day', 'evening'")
    assert "'siesta'" in messages[0] and "'dusk'" in messages[1]


@pytest.mark.parametrize("weeks", [0, 27, -1])
def test_weeks_outside_1_to_26(weeks: int) -> None:
    (message,) = errors_of(a_round(weeks=weeks))
    assert message.startswith("weeks: ")
    assert f"got {weeks}" in message


def test_start_must_be_a_monday() -> None:
    assert errors_of(a_round(start="2026-03-17")) == [
        "start: 2026-03-17 is a Tuesday; a round starts on a Monday"
    ]


def test_pin_outside_the_horizon() -> None:
    data = a_round()
    data["pinned"][0]["week"] = 4
    assert errors_of(data) == ["pinned[0] (e1042, n17, week 4): week must be below 4"]


def test_missing_required_field_names_the_row() -> None:
    data = a_round()
    del data["staff"][0]["normal_hours"]
    assert errors_of(data) == ["staff e1042: normal_hours: required field is missing"]


def test_several_problems_are_reported_together() -> None:
    data = a_round()
    data["needs"][0]["priority"] = 9
    data["staff"][0]["colour"] = "red"
    assert len(errors_of(data)) == 2


def test_result_example_is_valid_and_unknown_status_is_not() -> None:
    result = parse_round_result(
        {
            "schema_version": 1,
            "status": "optimal",
            "assignments": [{"staff": "e1042", "need": "n17", "week": 0, "hours": 12}],
            "unfilled": [
                {
                    "need": "n17",
                    "week": 3,
                    "hours": 18,
                    "reasons": [{"code": "no_capacity", "message": "…"}],
                }
            ],
            "metrics": {"weighted_coverage": 192, "upper_bound": 200},
        }
    )
    assert result.metrics.share_of_bound == pytest.approx(0.96)
    with pytest.raises(ContractError, match="status"):
        parse_round_result({"status": "splendid"})
    with pytest.raises(
        ContractError, match=r"unfilled\[0\]: reasons\[0\]\.code: input should be .no_skill."
    ):
        parse_round_result(
            {
                "status": "feasible",
                "unfilled": [
                    {"need": "n1", "week": 0, "hours": 1, "reasons": [{"code": "x", "message": ""}]}
                ],
            }
        )


def test_json_schema_documents_per_week_values() -> None:
    schema = RoundInput.model_json_schema()
    staff = schema["$defs"]["Staff"]["properties"]
    load = {"type": "number", "minimum": 0, "maximum": 48, "multipleOf": 0.5}
    assert load in staff["home_load"]["anyOf"]
    assert schema["properties"]["weeks"]["maximum"] == 26
    assert "status" in RoundResult.model_json_schema()["properties"]


@given(
    hours=st.floats(min_value=0, max_value=200, allow_nan=False),
    weeks=st.integers(min_value=1, max_value=26),
)
def test_hours_accepted_exactly_when_half_hours_within_the_week(hours: float, weeks: int) -> None:
    data = a_round(weeks=weeks, pinned=[], previous=[])
    data["staff"][0].update(home_load=0, available=True)
    data["needs"][0]["hours"] = hours
    if hours * 2 != int(hours * 2):
        assert errors_of(data)[0].startswith("need n17: hours[0]: hours must be a multiple of 0.5")
    elif hours > 168:
        assert errors_of(data)[0] == f"need n17: hours[0]: must be at most 168, got {hours:g}"
    else:
        assert parse_round_input(data).needs[0].hours == [hours] * weeks


@pytest.mark.parametrize(
    ("section", "change", "problem"),
    [
        ("needs", {"hours": 1e30}, "need n17: hours[0]: must be at most 168, got 1e+30"),
        ("staff", {"normal_hours": 90}, "staff e1042: normal_hours: must be at most 48, got 90"),
        ("staff", {"home_load": 49}, "staff e1042: home_load[0]: must be at most 48, got 49"),
        ("needs", {"min_block": 60}, "need n17: min_block: must be at most 48, got 60"),
    ],
)
def test_every_number_has_its_real_world_bound(
    section: str, change: dict[str, Any], problem: str
) -> None:
    data = a_round(pinned=[], previous=[])
    data[section][0].update(change)
    assert problem in errors_of(data)


def test_a_round_starts_in_this_century() -> None:
    data = a_round(pinned=[], previous=[]) | {"start": "9999-12-27"}
    assert errors_of(data) == ["start: must lie in the years 2000–2099, got 9999-12-27"]
