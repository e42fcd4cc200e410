"""The day stage: each assignment-week of a need with shift times placed on days.

The weekly plan says how many hours; this stage says which days, keeping day rules a–e
(`solver.day_rules`). People are independent here, so each is placed on their own, week by
week in order (rest is counted across the week's end): first as a coordinator would
(`_place_greedily`), and where that leaves hours off, by a small exact model of the person's
week (`solver.day_model`). Preferences, in order: the same weekdays as the week before for the
same need (a stable pattern; the previous round's days seed week 0), whole days (fewest days),
and days where the need has fewest people so far.

What cannot be placed is reported per assignment-week with the day rule that kept it off, so
the weekly stage can re-plan that week (`solver.day_feedback`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from solver.day_model import place_week_exactly
from solver.day_rules import (
    REST,
    DayRule,
    WorkedDay,
    day_allowed,
    day_block,
    longest_before,
    most_on_day,
    rest_between,
)
from solver.index import IntArray, PinKey, RoundIndex, to_half_hours
from solver.model import Triples

Placement = list[tuple[int, int]]
"""(weekday, half-hours) of one assignment-week, by weekday."""


@dataclass
class DayPlan:
    """Where the day stage put each assignment-week of a need with shift times."""

    days: dict[PinKey, Placement] = field(default_factory=dict)
    short: dict[PinKey, tuple[int, DayRule]] = field(default_factory=dict)
    """(staff, need, week) -> (half-hours placed, the day rule that kept the rest off)."""
    limited: dict[PinKey, DayRule] = field(default_factory=dict)
    """Assignment-weeks the weekly stage re-planned because the days could not hold them,
    with the day rule that kept hours off (their people may have gone elsewhere since)."""

    def kept_off(self) -> dict[PinKey, DayRule]:
        """Every assignment-week whose hours a day rule cut or moved, with the rule."""
        return {**self.limited, **{k: rule for k, (_, rule) in self.short.items()}}


@dataclass(frozen=True)
class WeekItem:
    """One assignment-week of a person to place: the need, its weight and half-hours."""

    need: int
    half_hours: int
    weight: int


@dataclass
class PersonDays:
    """One person's worked days so far (day of the round -> worked day) and weekday pattern
    per need."""

    staff: int
    timeline: dict[int, WorkedDay] = field(default_factory=dict)
    pattern: dict[int, set[int]] = field(default_factory=dict)


def place_days(
    index: RoundIndex,
    triples: Triples,
    half_hours: IntArray,
    only: Iterable[int] | None = None,
    kept: dict[PinKey, Placement] | None = None,
) -> DayPlan:
    """Place every assignment-week of a need with shift times on days (of the people in
    `only`, if given); pins that name their days, and `kept`, keep theirs."""
    plan = DayPlan()
    wanted = set(only) if only is not None else None
    by_person: dict[int, dict[int, list[WeekItem]]] = defaultdict(lambda: defaultdict(list))
    for row in np.flatnonzero(half_hours > 0).tolist():
        s, n, w = int(triples.staff[row]), int(triples.need[row]), int(triples.week[row])
        if not index.need_by_day[n] or (wanted is not None and s not in wanted):
            continue
        item = WeekItem(n, int(half_hours[row]), int(index.weight[n]))
        by_person[s][w].append(item)
    load: dict[tuple[int, int, int], int] = defaultdict(int)
    seeds = previous_patterns(index)
    fixed = {**(kept or {}), **pinned_days(index)}
    for (_, n, w), placement in fixed.items():
        for d, h in placement:
            load[(n, w, d)] += h
    for s in sorted(by_person):
        person = PersonDays(s, pattern={n: set(d) for (p, n), d in seeds.items() if p == s})
        for (p, n, w), placement in fixed.items():
            if p == s:
                for d, h in placement:
                    person.timeline[w * 7 + d] = WorkedDay(n, int(index.shift_start[n, d]), h)
        for w in sorted(by_person[s]):
            items = [i for i in by_person[s][w] if (s, i.need, w) not in fixed]
            place_person_week(index, person, w, items, load, plan)
            for i in by_person[s][w]:
                if (s, i.need, w) in fixed:
                    plan.days[(s, i.need, w)] = fixed[(s, i.need, w)]
    return plan


def pinned_days(index: RoundIndex) -> dict[PinKey, Placement]:
    """Pins that name their days: (staff, need, week) -> (weekday, half-hours) per day."""
    return {
        (index.staff_pos[p.staff], index.need_pos[p.need], p.week): sorted(
            (d.date.weekday(), to_half_hours(d.hours)) for d in p.days
        )
        for p in index.round_input.pinned
        if p.days
    }


def previous_patterns(index: RoundIndex) -> dict[tuple[int, int], set[int]]:
    """(staff, need) -> the weekdays of the previous round's last week they worked it."""
    last: dict[tuple[int, int], tuple[int, set[int]]] = {}
    for a in index.round_input.previous:
        if not a.days or a.staff not in index.staff_pos or a.need not in index.need_pos:
            continue
        key = (index.staff_pos[a.staff], index.need_pos[a.need])
        if key not in last or last[key][0] < a.week:
            last[key] = (a.week, {d.date.weekday() for d in a.days})
    return {k: days for k, (_, days) in last.items()}


def place_person_week(
    index: RoundIndex,
    person: PersonDays,
    week: int,
    items: list[WeekItem],
    load: dict[tuple[int, int, int], int],
    plan: DayPlan,
) -> None:
    """One person's week: greedily, and exactly where the greedy leaves hours off."""
    before = dict(person.timeline)
    placed = _place_greedily(index, person, week, items, load)
    if any(sum(h for _, h in placed[i.need]) < i.half_hours for i in items):
        person.timeline = before
        crowded = {(i.need, d) for i in items for d in range(7) if load[(i.need, week, d)] > 0}
        exact = place_week_exactly(
            index, person.staff, week, items, person.timeline, person.pattern, crowded
        )
        if _weighted(items, exact) >= _weighted(items, placed):
            placed = exact
        person.timeline = dict(before)
        for item in items:
            for weekday, h in placed[item.need]:
                start = int(index.shift_start[item.need, weekday])
                person.timeline[week * 7 + weekday] = WorkedDay(item.need, start, h)
    for item in items:
        days = sorted(placed[item.need])
        key = (person.staff, item.need, week)
        for weekday, h in days:
            load[(item.need, week, weekday)] += h
        got = sum(h for _, h in days)
        if days:
            plan.days[key] = days
            person.pattern[item.need] = {d for d, _ in days}
        if got < item.half_hours:
            plan.short[key] = (got, kept_off_by(index, person, week, item))


def _weighted(items: list[WeekItem], placed: dict[int, Placement]) -> int:
    return sum(i.weight * sum(h for _, h in placed[i.need]) for i in items)


def _place_greedily(
    index: RoundIndex,
    person: PersonDays,
    week: int,
    items: list[WeekItem],
    load: dict[tuple[int, int, int], int],
) -> dict[int, Placement]:
    """As a coordinator would: the assignment with fewest possible days first; for each, its
    pattern's weekdays, then the days its need has fewest hours on, each as full as allowed."""
    s = person.staff

    def usable(item: WeekItem) -> list[int]:
        block = day_block(index, item.need, item.half_hours)
        return [
            d
            for d in range(7)
            if day_allowed(index, s, item.need, d, week)
            and most_on_day(index, s, item.need, d) >= block
        ]

    order = sorted(items, key=lambda i: (len(usable(i)), -i.half_hours, i.need))
    placed: dict[int, Placement] = {}
    for item in order:
        n = item.need
        pattern = person.pattern.get(n, set())
        days = sorted(
            usable(item),
            key=lambda d: (
                d not in pattern,
                load[(n, week, d)] / int(index.shift_length[n, d]),
                d,
            ),
        )
        placed[n] = fill_days(index, person, week, item, days)
    return placed


def fill_days(
    index: RoundIndex,
    person: PersonDays,
    week: int,
    item: WeekItem,
    weekdays: list[int],
    *,
    relax: frozenset[DayRule] = frozenset(),
    commit: bool = True,
) -> Placement:
    """Put `item`'s half-hours on `weekdays` in that order, each day as full as rules b and
    d allow and at least its block (rule e), skipping days the person already works (rule c).
    A short last day borrows from earlier ones where all stay whole blocks."""
    n, s = item.need, person.staff
    block = day_block(index, n, item.half_hours)
    timeline = person.timeline if commit else dict(person.timeline)
    chosen: dict[int, int] = {}
    remaining = item.half_hours
    for d in weekdays:
        if remaining <= 0:
            break
        day = week * 7 + d
        if day in timeline and DayRule.ONE_PLACE not in relax:
            continue
        start = int(index.shift_start[n, d])
        room = _room(index, s, n, d, start, timeline, day, relax)
        if room < block:
            continue
        amount = min(room, remaining)
        if amount < block:
            lent = _borrow(chosen, block - amount, block)
            if lent is None:
                continue
            for donor, given in lent.items():
                chosen[donor] -= given
                timeline[week * 7 + donor] = WorkedDay(
                    n, timeline[week * 7 + donor].start, chosen[donor]
                )
            remaining += block - amount
            amount = block
        chosen[d] = amount
        timeline[day] = WorkedDay(n, start, amount)
        remaining -= amount
    return sorted(chosen.items())


def _borrow(chosen: dict[int, int], short: int, block: int) -> dict[int, int] | None:
    """Half-hours the days already chosen give up, in order, so a short last day becomes a
    whole block while each of them stays one; None when together they cannot."""
    lent: dict[int, int] = {}
    for day, half_hours in chosen.items():
        if short <= 0:
            break
        given = min(half_hours - block, short)
        if given > 0:
            lent[day] = given
            short -= given
    return lent if short <= 0 else None


def _room(
    index: RoundIndex,
    staff: int,
    need: int,
    weekday: int,
    start: int,
    timeline: dict[int, WorkedDay],
    day: int,
    relax: frozenset[DayRule],
) -> int:
    """The most half-hours rules b and d leave this day (0 when rule d forbids it)."""
    room = most_on_day(index, staff, need, weekday)
    if DayRule.DAILY_HOURS in relax:
        room = int(index.shift_length[need, weekday])
    if DayRule.REST in relax:
        return room
    before = timeline.get(day - 1)
    if before is not None and rest_between(before, WorkedDay(need, start, 0)) < REST:
        return 0
    return min(room, longest_before(start, timeline.get(day + 1)))


RELAXED_IN_TURN = (DayRule.ONE_PLACE, DayRule.REST, DayRule.DAILY_HOURS)


def kept_off_by(index: RoundIndex, person: PersonDays, week: int, item: WeekItem) -> DayRule:
    """The day rule that keeps `item`'s hours off the days: the first whose relaxing lets the
    week's hours be placed beside what the person already works; rule a when the need's and
    the person's days barely meet, rule e when nothing else explains it."""
    n, s = item.need, person.staff
    allowed = [d for d in range(7) if day_allowed(index, s, n, d, week)]
    if not allowed:
        return DayRule.DAYS
    relax: frozenset[DayRule] = frozenset()
    for rule in RELAXED_IN_TURN:
        relax = relax | {rule}
        others = PersonDays(s, {k: v for k, v in person.timeline.items() if v.need != n})
        got = fill_days(index, others, week, item, allowed, relax=relax, commit=False)
        if sum(h for _, h in got) >= item.half_hours:
            return rule
    shift_room = sum(int(index.shift_length[n, d]) for d in allowed)
    return DayRule.DAYS if shift_room < item.half_hours else DayRule.DAY_BLOCK


def cut_to_days(
    index: RoundIndex,
    triples: Triples,
    half_hours: IntArray,
    kept: dict[PinKey, Placement] | None = None,
) -> tuple[Triples, IntArray, DayPlan]:
    """Days for the plan as it is, and what days cannot hold cut away (no re-plan)."""
    if not index.need_by_day.any():
        return triples, half_hours, DayPlan()
    plan = place_days(index, triples, half_hours, kept=kept)
    return (*cut_short_to_days(index, triples, half_hours, plan), plan)


def cut_short_to_days(
    index: RoundIndex, triples: Triples, half_hours: IntArray, plan: DayPlan
) -> tuple[Triples, IntArray]:
    """Each assignment-week still short keeps only the hours its days hold (each day is a
    whole block, so the week is too)."""
    if not plan.short:
        return triples, half_hours
    cut = half_hours.copy()
    keys = list(plan.short)
    rows = triples.find(
        index,
        np.array([k[0] for k in keys], dtype=np.int64),
        np.array([k[1] for k in keys], dtype=np.int64),
        np.array([k[2] for k in keys], dtype=np.int64),
    )
    for key, row in zip(keys, rows.tolist(), strict=True):
        if row >= 0:
            cut[row] = plan.short[key][0]
    return triples, cut
