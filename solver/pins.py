"""Rule 9 before any search: every pin must itself keep rules 1–8, or the round is invalid."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from solver.contract import Assignment
from solver.day_pins import check_pinned_days
from solver.index import PinKey, RoundIndex, to_half_hours, to_hours
from solver.introductions import NO_LIMIT
from solver.model import Triples
from solver.rules import (
    PAIR_RULES,
    PairRule,
    learner_staff,
    lending_rule,
    protection_rule,
    shift_rule,
    skill_rule,
)


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
        learns = s_pos in learner_staff(index, n_pos)
        for rule in PAIR_RULES:
            if not rule(index, n_pos)[s_pos] and not (learns and rule is skill_rule):
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
        learning = [
            p for p in pins if index.learns(index.staff_pos[p.staff], index.need_pos[p.need])
        ]
        holders = sum(p.hours for p in pins if p not in learning)
        total = holders + sum(p.hours for p in learning) * needs[need_id].learner_share
        if total > wanted:
            problems += [
                f"{_label(p)} breaks rule 4 (need): {need_id} asks for {wanted:g} h in week "
                f"{week}, but pins cover {total:g} h"
                for p in pins
            ]
        if sum(p.hours for p in learning) > holders:
            problems += [
                f"{_label(p)} breaks rule 11 (learners): pinned learners work more hours at "
                f"{need_id} in week {week} than the {holders:g} h pinned beside them for "
                "holders of its skill"
                for p in learning
            ]
    problems += _pinned_newcomers(index)
    return problems or check_pinned_days(index)


def _pinned_newcomers(index: RoundIndex) -> list[str]:
    """Rule 10: pins may not bring a unit more new people in a week than it can introduce."""
    unit_of = {n.id: n.unit for n in index.round_input.needs}
    known = {(index.staff_ids[s], index.unit_ids[u]) for s, u in index.past_units}
    problems = []
    for week in range(index.weeks):
        pins = [p for p in index.round_input.pinned if p.week == week]
        new: dict[str, set[str]] = defaultdict(set)
        for pin in pins:
            if (pin.staff, unit_of[pin.need]) not in known:
                new[unit_of[pin.need]].add(pin.staff)
        for unit_id, people in new.items():
            capacity = int(index.intro_capacity[index.unit_pos[unit_id]])
            if capacity != NO_LIMIT and len(people) > capacity:
                problems += [
                    f"{_label(p)} breaks rule 10 (introductions): pins bring {len(people)} "
                    f"people new to unit {unit_id!r} in week {week}; it can introduce "
                    f"{capacity} a week"
                    for p in pins
                    if unit_of[p.need] == unit_id and p.staff in people
                ]
        known |= {(p.staff, unit_of[p.need]) for p in pins}
    return problems


def pinned_rows(index: RoundIndex, triples: Triples) -> set[int]:
    """Rows of `triples` that are pins."""
    pins = pinned_half_hours(index)
    if not pins:
        return set()
    column = np.array(list(pins), dtype=np.int64).reshape(-1, 3)
    rows = triples.find(index, column[:, 0], column[:, 1], column[:, 2])
    return {int(r) for r in rows if r >= 0}
