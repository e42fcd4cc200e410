"""Pins on needs with shift times: a pin's days are kept as pinned, and pins the day rules
cannot hold make the round infeasible with a message naming them, as pins that break rules
1–8 do (rule 9)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.solver.builders import a_need, a_round, a_shift, a_staff, solve_quickly
from tests.solver.checker import violations


def a_day(
    date: str, start: str = "07:00", end: str = "14:30", hours: float = 7.5
) -> dict[str, Any]:
    return {"date": date, "start": start, "end": end, "hours": hours}


def a_pin(
    need: str, hours: float = 7.5, days: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    pin: dict[str, Any] = {"staff": "anne", "need": need, "week": 0, "hours": hours}
    if days is not None:
        pin["days"] = days
    return pin


def test_a_pin_s_days_are_kept() -> None:
    wednesday_and_thursday = [a_day("2026-03-18"), a_day("2026-03-19")]
    round_input = a_round(
        staff=[a_staff("anne")],
        needs=[a_need("n1", unit="ward", hours=15, shift_times=[a_shift()])],
        pinned=[a_pin("n1", 15, wednesday_and_thursday)],
    )
    result = solve_quickly(round_input)
    assert violations(round_input, result) == []
    assert [d.date.isoformat() for d in result.assignments[0].days] == ["2026-03-18", "2026-03-19"]


def test_a_pinned_day_the_need_has_no_shift_on_makes_the_round_infeasible() -> None:
    round_input = a_round(
        staff=[a_staff("anne")],
        needs=[a_need("n1", unit="ward", hours=15, shift_times=[a_shift()])],
        pinned=[a_pin("n1", 7.5, [a_day("2026-03-21")])],
    )
    result = solve_quickly(round_input)
    assert result.status == "infeasible"
    assert any("pin (anne, n1, week 0" in m for m in result.messages), result.messages


MONDAY_WARD = a_need("n1", unit="ward", hours=7.5, shift_times=[a_shift(["mon"])])


@pytest.mark.parametrize(
    ("needs", "pins"),
    [
        pytest.param(
            [MONDAY_WARD, a_need("n2", unit="school", hours=7.5, shift_times=[a_shift(["mon"])])],
            [a_pin("n1"), a_pin("n2")],
            id="rule c: two places on Monday",
        ),
        pytest.param(
            [
                a_need(
                    "n1", unit="ward", hours=7.5, shift_times=[a_shift(["mon"], "15:00", "23:00")]
                ),
                a_need("n2", unit="school", hours=7.5, shift_times=[a_shift(["tue"])]),
            ],
            [a_pin("n1"), a_pin("n2")],
            id="rule d: Monday evening, Tuesday morning",
        ),
        pytest.param(
            [
                a_need(
                    "n1", unit="ward", hours=9, min_block=8, shift_times=[a_shift(["mon", "tue"])]
                )
            ],
            [a_pin("n1", 9)],
            id="rule e: 9 h in days of at least 8 h, at most 7.5 h a day",
        ),
    ],
)
def test_pins_the_day_rules_cannot_hold_make_the_round_infeasible(
    needs: list[dict[str, Any]], pins: list[dict[str, Any]]
) -> None:
    anne = a_staff("anne", shifts=["day", "evening"])
    result = solve_quickly(a_round(staff=[anne], needs=needs, pinned=pins))
    assert result.status == "infeasible", [(a.need, a.hours) for a in result.assignments]
    assert any("pin (anne, n" in m for m in result.messages), result.messages
