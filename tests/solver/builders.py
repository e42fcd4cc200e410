"""Tiny rounds for solver tests: builders with sensible defaults, so a test says only what
matters to its case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from solver import SolveOptions, solve
from solver.contract import RoundInput, RoundResult

PerWeek = float | Sequence[float]
Flags = bool | Sequence[bool]


def a_staff(
    id: str = "anne",
    *,
    home_unit: str = "home",
    skills: Iterable[str] = ("nurse",),
    normal_hours: float = 37,
    home_load: PerWeek = 0,
    available: Flags = True,
    shifts: Iterable[str] = ("day",),
    risk_group: bool = False,
    avoid_units: Iterable[str] = (),
    preferred_areas: Iterable[str] = (),
    away_days: Iterable[str] | None = None,
    daily_hours: float | None = None,
    past_units: Iterable[str] = (),
    learn_skills: Iterable[str] = (),
) -> dict[str, Any]:
    """A person; `away_days` and `daily_hours` are left out unless given (as in version 1)."""
    staff: dict[str, Any] = {
        "id": id,
        "home_unit": home_unit,
        "skills": list(skills),
        "normal_hours": normal_hours,
        "home_load": list(home_load) if isinstance(home_load, Sequence) else home_load,
        "available": list(available) if isinstance(available, Sequence) else available,
        "shifts": list(shifts),
        "risk_group": risk_group,
        "avoid_units": list(avoid_units),
        "preferred_areas": list(preferred_areas),
    }
    if away_days is not None:
        staff["away_days"] = list(away_days)
    if daily_hours is not None:
        staff["daily_hours"] = daily_hours
    if past_units:
        staff["past_units"] = list(past_units)
    if learn_skills:
        staff["learn_skills"] = list(learn_skills)
    return staff


def a_need(
    id: str = "n1",
    *,
    unit: str = "ward",
    skill: str = "nurse",
    hours: PerWeek = 20,
    shift: str = "day",
    priority: int = 3,
    exposed: bool = False,
    min_block: float = 4,
    shift_times: Sequence[dict[str, Any]] | None = None,
    learner_share: float | None = None,
) -> dict[str, Any]:
    """A need; `shift_times` is left out unless given (planned by the week, as in version 1);
    with a `learner_share` it accepts learners, whose hours count at that share."""
    need: dict[str, Any] = {
        "id": id,
        "unit": unit,
        "skill": skill,
        "hours": list(hours) if isinstance(hours, Sequence) else hours,
        "shift": shift,
        "priority": priority,
        "exposed": exposed,
        "min_block": min_block,
    }
    if shift_times is not None:
        need["shift_times"] = list(shift_times)
    if learner_share is not None:
        need["accepts_learners"] = True
        need["learner_share"] = learner_share
    return need


def a_shift(
    days: Iterable[str] = ("mon", "tue", "wed", "thu", "fri"),
    start: str = "07:00",
    end: str = "15:00",
) -> dict[str, Any]:
    """A need's shift times: these weekdays from `start` to `end` (not after `start`: next day)."""
    return {"days": list(days), "start": start, "end": end}


def an_assignment(staff: str, need: str, week: int = 0, hours: float = 8) -> dict[str, Any]:
    return {"staff": staff, "need": need, "week": week, "hours": hours}


def a_round(
    *,
    staff: Sequence[dict[str, Any]],
    needs: Sequence[dict[str, Any]],
    weeks: int = 1,
    areas: dict[str, str] | None = None,
    pinned: Sequence[dict[str, Any]] = (),
    previous: Sequence[dict[str, Any]] = (),
    max_units_per_week: int = 2,
    intro_capacity: dict[str, int] | None = None,
    intro_hours: dict[str, float] | None = None,
    coverage_trade: float = 0.0,
) -> RoundInput:
    """A round over every unit the staff and needs mention; `areas` maps unit -> area;
    `intro_capacity` unit -> people new to it it can introduce a week (rule 10), `intro_hours`
    unit -> hours one introduction costs it."""
    areas = areas or {}
    unit_ids = sorted(
        {s["home_unit"] for s in staff}
        | {u for s in staff for u in s["avoid_units"]}
        | {n["unit"] for n in needs}
        | {u for s in staff for u in s.get("past_units", ())}
        | set(areas)
    )
    wanted_areas = {a for s in staff for a in s["preferred_areas"]}
    units: list[dict[str, Any]] = [
        {"id": u, "name": u.title(), "area": areas.get(u, "")} for u in unit_ids
    ]
    for unit in units:
        if unit["id"] in (intro_capacity or {}):
            unit["intro_capacity"] = (intro_capacity or {})[unit["id"]]
        if unit["id"] in (intro_hours or {}):
            unit["intro_hours"] = (intro_hours or {})[unit["id"]]
    for area in sorted(wanted_areas - set(areas.values())):
        units.append({"id": f"unit-in-{area}", "area": area})
    return RoundInput.model_validate(
        {
            "start": "2026-03-16",
            "weeks": weeks,
            "rules": {"max_units_per_week": max_units_per_week, "coverage_trade": coverage_trade},
            "units": units,
            "staff": list(staff),
            "needs": list(needs),
            "pinned": list(pinned),
            "previous": list(previous),
        }
    )


def a_round_with_a_broken_pin() -> RoundInput:
    """Two parts: anne and carl, tied by anne's pin to n4 (a teacher's need; she is no teacher,
    so the pin breaks rule 1), and bob alone."""
    return a_round(
        staff=[
            a_staff("anne", skills=["nurse"]),
            a_staff("carl", skills=["teacher"]),
            a_staff("bob", skills=["cook"]),
        ],
        needs=[
            a_need("n1", unit="ward"),
            a_need("n4", unit="school", skill="teacher"),
            a_need("n2", unit="kitchen", skill="cook"),
        ],
        pinned=[an_assignment("anne", "n4")],
    )


def solve_quickly(round_input: RoundInput, time_limit: float = 5.0) -> RoundResult:
    """One worker and a short limit: tiny rounds are solved to optimality well within it."""
    return solve(round_input, SolveOptions(time_limit=time_limit, workers=1))


def hours_of(
    result: RoundResult, staff: str | None = None, need: str | None = None, week: int | None = None
) -> float:
    """Planned hours, optionally only for one person, one need and/or one week."""
    return sum(
        a.hours
        for a in result.assignments
        if (staff is None or a.staff == staff)
        and (need is None or a.need == need)
        and (week is None or a.week == week)
    )


def reason_codes(result: RoundResult, need: str = "n1", week: int = 0) -> list[str]:
    return [
        r.code.value
        for u in result.unfilled
        if u.need == need and u.week == week
        for r in u.reasons
    ]
