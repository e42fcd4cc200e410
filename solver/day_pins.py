"""Rule 9 on days: a pin's days, where it names them, are kept as they are, so they must keep
day rules a–e themselves; and every person's pins, with or without days, must together find
days, or the round is invalid (as a pin that breaks rules 1–8 makes it)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from solver.contract import Assignment
from solver.day_rules import REST, WorkedDay, day_allowed, day_block, most_on_day, rest_between
from solver.day_stage import place_days
from solver.index import RoundIndex, to_half_hours, to_hours
from solver.model import Triples
from solver.shift_times import WEEKDAYS

RULE_WORDS = {
    "days": "day rule a (days)",
    "daily_hours": "day rule b (daily hours)",
    "one_place_a_day": "day rule c (one place a day)",
    "rest": "day rule d (11 hours' rest)",
    "day_block": "day rule e (the day's block)",
}


def _label(pin: Assignment) -> str:
    return f"pin ({pin.staff}, {pin.need}, week {pin.week}, {pin.hours:g} h)"


def check_pinned_days(index: RoundIndex) -> list[str]:
    """Messages naming each pin whose days break a day rule, or whose person's pins cannot
    all be placed on days; empty when they can."""
    problems = [p for pin in index.round_input.pinned for p in _check_own_days(index, pin)]
    problems += _check_days_between(index)
    return problems or _check_placeable(index)


def _check_own_days(index: RoundIndex, pin: Assignment) -> list[str]:
    if not pin.days:
        return []
    s, n = index.staff_pos[pin.staff], index.need_pos[pin.need]
    need = index.round_input.needs[n]
    if not need.planned_by_day:
        return [f"{_label(pin)} names days, but {need.id} has no shift times"]
    problems = []
    block = day_block(index, n, to_half_hours(pin.hours))
    for day in pin.days:
        weekday, half_hours = day.date.weekday(), to_half_hours(day.hours)
        when = day.date.isoformat()
        if not day_allowed(index, s, n, weekday, pin.week):
            problems.append(
                f"{_label(pin)} breaks {RULE_WORDS['days']} on {when}: {need.id} has no shift "
                f"that day or {pin.staff} may not be away then"
            )
            continue
        shift = need.shift_on(WEEKDAYS[weekday])
        if shift is not None and day.start != shift.start:
            problems.append(
                f"{_label(pin)} starts at {day.start:%H:%M} on {when}; {need.id}'s shift "
                f"starts at {shift.start:%H:%M}"
            )
        if half_hours > most_on_day(index, s, n, weekday):
            problems.append(f"{_label(pin)} breaks {RULE_WORDS['daily_hours']} on {when}")
        if half_hours < block:
            problems.append(f"{_label(pin)} breaks {RULE_WORDS['day_block']} on {when}")
    return problems


def _check_days_between(index: RoundIndex) -> list[str]:
    """Rules c and d between the days pins name."""
    worked: dict[int, dict[int, tuple[Assignment, WorkedDay]]] = defaultdict(dict)
    problems = []
    for pin in index.round_input.pinned:
        s, n = index.staff_pos[pin.staff], index.need_pos[pin.need]
        for day in pin.days:
            number = pin.week * 7 + day.date.weekday()
            start = int(index.shift_start[n, day.date.weekday()])
            if number in worked[s]:
                other = worked[s][number][0]
                problems.append(
                    f"{_label(pin)} breaks {RULE_WORDS['one_place_a_day']} on "
                    f"{day.date.isoformat()}: {_label(other)} is that day too"
                )
            worked[s][number] = (pin, WorkedDay(n, start, to_half_hours(day.hours)))
    for days in worked.values():
        for number, (pin, today) in days.items():
            tomorrow = days.get(number + 1)
            if tomorrow is not None and rest_between(today, tomorrow[1]) < REST:
                problems.append(
                    f"{_label(tomorrow[0])} breaks {RULE_WORDS['rest']}: "
                    f"{to_hours(rest_between(today, tomorrow[1])):g} h after {_label(pin)}"
                )
    return problems


def _check_placeable(index: RoundIndex) -> list[str]:
    """Every person's pins placed on days together, as the day stage would."""
    pins = index.round_input.pinned
    if not pins:
        return []
    keys = [(index.staff_pos[p.staff], index.need_pos[p.need], p.week) for p in pins]
    triples = Triples.of(keys)
    half_hours = np.array([to_half_hours(p.hours) for p in pins], dtype=np.int64)
    plan = place_days(index, triples, half_hours)
    return [
        f"{_label(pin)} cannot be placed on days beside the person's other pins: breaks "
        f"{RULE_WORDS[plan.short[key][1].value]}"
        for pin, key in zip(pins, keys, strict=True)
        if key in plan.short
    ]
