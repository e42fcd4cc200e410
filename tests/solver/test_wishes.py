"""The evaluations' soft preference in term 5: units a person rated well (`Staff.rated_units`)
and people a unit would take again (`Unit.welcome_back`). Each part alone, what the solver
prefers and allows, that it never costs coverage, and that without them the plan is the same
as before they existed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from pydantic import ValidationError

from solver import lower_stages
from solver.contract import RoundInput
from solver.index import IntArray
from solver.model import PlanModel
from solver.objective import (
    LOWER_TERMS,
    preference_term,
    welcome_term,
    wishes_term,
)
from tests.solver.builders import a_need, a_round, a_staff, hours_of, solve_quickly
from tests.solver.checker import violations, weighted_coverage
from tests.solver.test_properties import UNITS, rounds
from tests.solver.verdicts import term_value


def with_wishes(
    round_input: RoundInput,
    *,
    rated: Mapping[str, Sequence[str]] | None = None,
    welcome: Mapping[str, Sequence[str]] | None = None,
) -> RoundInput:
    """The same round with these `rated_units` (staff -> units) and `welcome_back` (unit ->
    staff)."""
    data = round_input.model_dump(mode="json")
    for s in data["staff"]:
        s["rated_units"] = list((rated or {}).get(s["id"], []))
    for u in data["units"]:
        u["welcome_back"] = list((welcome or {}).get(u["id"], []))
    return RoundInput.model_validate(data)


AREAS = {"clinic": "Health", "school": "Schools", "home": "Admin"}


def test_wishes_term_counts_half_hours_outside_rated_units_and_preferred_areas() -> None:
    round_input = with_wishes(
        a_round(
            staff=[a_staff("anne"), a_staff("bob", preferred_areas=["Health"]), a_staff("carl")],
            needs=[a_need("n1", unit="clinic"), a_need("n2", unit="school")],
            areas=AREAS,
        ),
        rated={"anne": ["school"], "bob": ["school"]},
    )
    plan = {
        ("anne", "n1", 0): 5,
        ("anne", "n2", 0): 6,
        ("bob", "n1", 0): 3,
        ("bob", "n2", 0): 2,
        ("carl", "n1", 0): 4,
    }
    # Anne rated the school: her 5 hours at the clinic are outside her wishes. Bob prefers
    # Health and rated the school: both are his wishes. Carl named nothing.
    assert term_value(wishes_term, round_input, plan) == 10


def test_welcome_term_is_a_bonus_for_half_hours_at_units_that_want_the_person_back() -> None:
    round_input = with_wishes(
        a_round(
            staff=[a_staff("anne"), a_staff("bob")],
            needs=[a_need("n1", unit="clinic"), a_need("n2", unit="school")],
            areas=AREAS,
        ),
        welcome={"clinic": ["anne"]},
    )
    plan = {("anne", "n1", 0): 5, ("anne", "n2", 0): 6, ("bob", "n1", 0): 8}
    # Only anne's 5 hours at the clinic, which would take her again, count (as a bonus).
    assert term_value(welcome_term, round_input, plan) == -10


def test_preference_term_is_the_wishes_less_the_welcomes() -> None:
    round_input = with_wishes(
        a_round(
            staff=[a_staff("anne", preferred_areas=["Schools"])],
            needs=[a_need("n1", unit="clinic"), a_need("n2", unit="school")],
            areas=AREAS,
        ),
        welcome={"clinic": ["anne"]},
    )
    plan = {("anne", "n1", 0): 5, ("anne", "n2", 0): 6}
    # 10 half-hours outside her area, each also at a unit that wants her back: 10 − 10.
    assert term_value(preference_term, round_input, plan) == 0


def two_people_two_units(**wishes: Any) -> RoundInput:
    """Anne and bob, 10 hours each; the clinic and the school each want 10 hours."""
    return with_wishes(
        a_round(
            staff=[a_staff("anne", normal_hours=10), a_staff("bob", normal_hours=10)],
            needs=[
                a_need("n1", unit="clinic", hours=[10]),
                a_need("n2", unit="school", hours=[10]),
            ],
            areas=AREAS,
        ),
        **wishes,
    )


@pytest.mark.parametrize("first", ["anne", "bob"])
def test_a_person_goes_to_the_unit_they_rated_well(first: str) -> None:
    other = "bob" if first == "anne" else "anne"
    result = solve_quickly(two_people_two_units(rated={first: ["school"]}))
    assert hours_of(result, first, "n2") == 10
    assert hours_of(result, other, "n1") == 10


@pytest.mark.parametrize("first", ["anne", "bob"])
def test_a_unit_gets_back_the_person_it_would_take_again(first: str) -> None:
    other = "bob" if first == "anne" else "anne"
    result = solve_quickly(two_people_two_units(welcome={"clinic": [first]}))
    assert hours_of(result, first, "n1") == 10
    assert hours_of(result, other, "n2") == 10


def test_a_wish_allows_other_units_when_coverage_needs_them() -> None:
    # Anne rated the school, but only the clinic needs anyone: she covers it all the same.
    round_input = with_wishes(
        a_round(
            staff=[a_staff("anne", normal_hours=10)],
            needs=[a_need("n1", unit="clinic", hours=[10])],
            areas=AREAS,
        ),
        rated={"anne": ["school"]},
        welcome={"school": ["anne"]},
    )
    assert hours_of(solve_quickly(round_input), "anne", "n1") == 10


def test_a_welcome_never_outranks_home_load() -> None:
    # The clinic wants bob back, but bob is still busy at home and anne is free: term 2
    # (home load) comes before term 5, so anne goes.
    round_input = with_wishes(
        a_round(
            staff=[
                a_staff("anne", normal_hours=10),
                a_staff("bob", normal_hours=20, home_load=[10]),
            ],
            needs=[a_need("n1", unit="clinic", hours=[10])],
            areas=AREAS,
        ),
        welcome={"clinic": ["bob"]},
    )
    result = solve_quickly(round_input)
    assert hours_of(result, "anne", "n1") == 10
    assert hours_of(result, "bob") == 0


def test_unknown_ids_are_refused_naming_the_field() -> None:
    base = two_people_two_units()
    with pytest.raises(ValidationError, match=r"staff anne: rated_units: unknown unit 'moon'"):
        with_wishes(base, rated={"anne": ["moon"]})
    with pytest.raises(ValidationError, match=r"unit clinic: welcome_back: unknown staff 'zoe'"):
        with_wishes(base, welcome={"clinic": ["zoe"]})


def test_the_schema_describes_the_fields() -> None:
    schema = RoundInput.model_json_schema()
    assert "rated well" in schema["$defs"]["Staff"]["properties"]["rated_units"]["description"]
    assert "take again" in schema["$defs"]["Unit"]["properties"]["welcome_back"]["description"]


# --- properties ---------------------------------------------------------------------------


@st.composite
def wishes_for(draw: st.DrawFn, round_input: RoundInput) -> dict[str, Any]:
    staff = [s.id for s in round_input.staff]
    units = [u.id for u in round_input.units]
    return {
        "rated": {
            s: draw(st.lists(st.sampled_from(units), max_size=2, unique=True)) for s in staff
        },
        "welcome": {
            u: draw(st.lists(st.sampled_from(staff), max_size=2, unique=True)) for u in units
        },
    }


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_wishes_never_cost_coverage(data: st.DataObject) -> None:
    round_input = data.draw(rounds(max_staff=4, max_needs=3))
    wished = with_wishes(round_input, **data.draw(wishes_for(round_input)))
    without, with_ = solve_quickly(round_input, 3), solve_quickly(wished, 3)
    assert violations(wished, with_) == []
    assert weighted_coverage(wished, with_) == weighted_coverage(round_input, without)


def preferred_areas_only(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 5 as it was before the evaluations' wishes."""
    index, t = plan.index, plan.triples
    preferred = [set(s.preferred_areas) for s in index.round_input.staff]
    areas = index.unit_area
    rows = [
        i
        for i in range(plan.size)
        if preferred[int(t.staff[i])]
        and areas[int(index.need_unit[int(t.need[i])])] not in preferred[int(t.staff[i])]
    ]
    return cp_model.LinearExpr.sum([plan.hours[i] for i in rows])


@st.composite
def rounds_with_preferred_areas(draw: st.DrawFn) -> RoundInput:
    data = draw(rounds(max_staff=4, max_needs=3)).model_dump(mode="json")
    areas = {u: draw(st.sampled_from(["Health", "Schools"])) for u in UNITS}
    for unit in data["units"]:
        unit["area"] = areas[unit["id"]]
    named = sorted({u["area"] for u in data["units"]})
    for s in data["staff"]:
        s["preferred_areas"] = draw(st.lists(st.sampled_from(named), max_size=1))
    return RoundInput.model_validate(data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds_with_preferred_areas())
def test_without_wishes_the_plan_is_the_same_as_before(round_input: RoundInput) -> None:
    now = solve_quickly(round_input, 3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lower_stages, "LOWER_TERMS", [*LOWER_TERMS[:-1], preferred_areas_only])
        before = solve_quickly(round_input, 3)
    assert now.assignments == before.assignments
