"""Rule 9 before any search: every pin must itself keep rules 1–8, or the round is invalid."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from solver.contract import Assignment
from solver.day_pins import check_pinned_days
from solver.index import PinKey, RoundIndex, to_half_hours, to_hours
from solver.rules import PAIR_RULES, PairRule, lending_rule, protection_rule, shift_rule, skill_rule


def _label(pin: Assignment) -> str:
    return f"pin ({pin.staff}, {pin.need}, week {pin.week}, {pin.hours:g} h)"


def pinned_half_hours(index: RoundIndex) -> dict[PinKey, int]:
    """(staff, need, week) positions of each pin -> its half-hours."""
    return {
        (index.staff_pos[p.staff], index.need_pos[p.need], p.week): to_half_hours(p.hours)
        for p in index.round_input.pinned
    }


def check_pins(index: RoundIndex) -> list[str]:
    """Messages naming each pin that breaks a hard rule, and the rule; empty when all fit."""
    round_input = index.round_input
    staff = {s.id: s for s in round_input.staff}
    needs = {n.id: n for n in round_input.needs}
    problems: list[str] = []
    per_staff_week: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    per_need_week: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    pair_words: dict[PairRule, str] = {
        skill_rule: "rule 1 (skill): {s} does not have the skill {skill!r} that {n} needs",
        shift_rule: "rule 2 (shift): {s} does not work {shift} shifts, which {n} needs",
        lending_rule: "rule 5 (lending): {s} cannot be lent to unit {unit!r} "
        "(their home unit or a unit they avoid)",
        protection_rule: "rule 6 (protection): {s} is in a risk group and {n} is exposed",
    }
    for pin in round_input.pinned:
        person, need = staff[pin.staff], needs[pin.need]
        s_pos, n_pos = index.staff_pos[pin.staff], index.need_pos[pin.need]
        per_staff_week[(pin.staff, pin.week)].append(pin)
        per_need_week[(pin.need, pin.week)].append(pin)
        for rule in PAIR_RULES:
            if not rule(index, n_pos)[s_pos]:
                words = pair_words[rule].format(
                    s=person.id, n=need.id, skill=need.skill, shift=need.shift.value, unit=need.unit
                )
                problems.append(f"{_label(pin)} breaks {words}")
        room = to_hours(int(index.day_room(np.array([s_pos]), np.array([n_pos]), pin.week)[0]))
        if pin.hours > room:
            problems.append(
                f"{_label(pin)} breaks day rules a and b (days): {person.id} can work at most "
                f"{room:g} h a week of {need.id} on the days both allow"
            )
        smallest = to_hours(int(index.block[n_pos, pin.week]))
        if pin.hours < smallest:
            problems.append(
                f"{_label(pin)} breaks rule 7 (no slivers): {need.id} takes at least "
                f"{smallest:g} h from one person in week {pin.week}"
            )
    for (staff_id, week), pins in per_staff_week.items():
        capacity = staff[staff_id].capacity(week)
        total = sum(p.hours for p in pins)
        if total > capacity:
            problems += [
                f"{_label(p)} breaks rule 3 (capacity): {staff_id} has {capacity:g} h to lend "
                f"in week {week}, but pins take {total:g} h"
                for p in pins
            ]
        units = {needs[p.need].unit for p in pins}
        if len(units) > index.max_units:
            problems += [
                f"{_label(p)} breaks rule 8 (spread): pins send {staff_id} to {len(units)} "
                f"units in week {week}; at most {index.max_units} are allowed"
                for p in pins
            ]
    for (need_id, week), pins in per_need_week.items():
        wanted = needs[need_id].hours[week]
        total = sum(p.hours for p in pins)
        if total > wanted:
            problems += [
                f"{_label(p)} breaks rule 4 (need): {need_id} asks for {wanted:g} h in week "
                f"{week}, but pins give {total:g} h"
                for p in pins
            ]
    return problems or check_pinned_days(index)
