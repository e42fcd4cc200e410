"""The hard rules 1–11 of the design, one named function each, listed in `RULES`.

Rules 1, 2, 5 and 6 depend only on the person and the need, so they act as candidate
filters: `allowed_staff` keeps the staff every pair rule allows, and no variable is ever
made for anyone else. Each of them returns, for one need, a mask over all staff.

Rules 3, 4, 7, 8, 9, 10 and 11 tie variables together and are constraints on a `PlanModel`.
Rule 3 also filters (a person unavailable in a week, or whose capacity is below the need's smallest
block, gets no variable that week: see `solver.candidates`), and so does rule 7.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from solver.index import SHARE_STEPS, BoolArray, IntArray, RoundIndex
from solver.introductions import NO_LIMIT, Presence, limits_any
from solver.model import PlanModel, group_rows
from solver.week_days import days_fit, families, weekday_count, within


def skill_rule(index: RoundIndex, need: int) -> BoolArray:
    """Rule 1: only people who have the skill the need asks for."""
    mask: BoolArray = index.has_skill[index.need_skill[need]].copy()
    return mask


def shift_rule(index: RoundIndex, need: int) -> BoolArray:
    """Rule 2: only people who normally work the need's shift type."""
    mask: BoolArray = index.works_shift[index.need_shift[need]].copy()
    return mask


def lending_rule(index: RoundIndex, need: int) -> BoolArray:
    """Rule 5: never to one's own home unit, nor to a unit the person asked to avoid."""
    unit = int(index.need_unit[need])
    mask: BoolArray = index.staff_home != unit
    avoiders = index.avoiders.get(unit)
    if avoiders is not None:
        mask[avoiders] = False
    return mask


def protection_rule(index: RoundIndex, need: int) -> BoolArray:
    """Rule 6: people in a risk group never go to a need marked as exposed."""
    if index.need_exposed[need]:
        mask: BoolArray = ~index.staff_risk
        return mask
    return np.ones(index.staff_count, dtype=np.bool_)


PairRule = Callable[[RoundIndex, int], BoolArray]
PAIR_RULES: list[PairRule] = [skill_rule, shift_rule, lending_rule, protection_rule]


def allowed_staff(index: RoundIndex, need: int) -> IntArray:
    """Positions of the staff that rules 1, 2, 5 and 6 allow for `need`, in staff order."""
    mask = PAIR_RULES[0](index, need)
    for rule in PAIR_RULES[1:]:
        mask &= rule(index, need)
    return np.flatnonzero(mask).astype(np.int64)


def learner_staff(index: RoundIndex, need: int) -> IntArray:
    """Rule 11's pair side: the staff who may work `need` as learners. The need takes
    learners, the person wants to learn its skill and lacks it, and rules 2, 5 and 6 allow
    the pair as they would a holder."""
    if not index.accepts_learners[need]:
        return np.zeros(0, dtype=np.int64)
    skill = index.need_skill[need]
    mask = index.wants_skill[skill] & ~index.has_skill[skill]
    for rule in PAIR_RULES[1:]:
        mask &= rule(index, need)
    return np.flatnonzero(mask).astype(np.int64)


def capacity_rule(plan: PlanModel) -> None:
    """Rule 3: per staff-week, never beyond normal hours less home load (0 when away)."""
    for rows in plan.groups("staff_week"):
        cap = int(plan.capacity[rows[0]])
        if int(plan.high[rows].sum()) > cap:
            plan.model.add(cp_model.LinearExpr.sum([plan.hours[i] for i in rows]) <= cap)


def need_rule(plan: PlanModel) -> None:
    """Rule 4: per need-week, never more hours covered than the need asks for. A learner's
    hour covers the need's `learner_share` of an hour (rule 11), none by default."""
    shares = plan.index.learner_share[plan.triples.need]
    counts = ~plan.learner | (shares > 0)
    for rows in plan.groups("need_week"):
        rows = rows[counts[rows]]
        if len(rows) == 0:
            continue
        wanted = int(plan.wanted[rows[0]])
        if not plan.learner[rows].any():
            if int(plan.high[rows].sum()) > wanted:
                plan.model.add(cp_model.LinearExpr.sum([plan.hours[i] for i in rows]) <= wanted)
            continue
        per_hour = np.where(plan.learner[rows], shares[rows], SHARE_STEPS)
        covered = cp_model.LinearExpr.weighted_sum(
            [plan.hours[i] for i in rows], [int(c) for c in per_hour]
        )
        plan.model.add(covered <= SHARE_STEPS * wanted)


def no_slivers_rule(plan: PlanModel) -> None:
    """Rule 7: a person takes nothing of a need in a week, or at least its smallest block."""
    model, hours, used = plan.model, plan.hours, plan.used
    for i in range(plan.size):
        low, high = int(plan.low[i]), int(plan.high[i])
        if low > high:
            model.add(used[i] == 0)
            model.add(hours[i] == 0)
        elif low == high:
            model.add(hours[i] == high * used[i])
        else:
            model.add(hours[i] >= low * used[i])
            model.add(hours[i] <= high * used[i])


def spread_rule(plan: PlanModel) -> None:
    """Rule 8: per staff-week, at most `max_units_per_week` distinct receiving units."""
    index = plan.index
    units = index.need_unit[plan.triples.need]
    for rows in plan.groups("staff_week"):
        staff, week = int(plan.triples.staff[rows[0]]), int(plan.triples.week[rows[0]])
        already = plan.fixed_units.get((staff, week), set())
        limit = index.max_units - len(already)
        row_units = units[rows]
        distinct = [int(u) for u in np.unique(row_units) if int(u) not in already]
        if len(distinct) <= limit:
            continue
        unit_used = [plan.goes_to(rows[row_units == unit]) for unit in distinct]
        plan.model.add(cp_model.LinearExpr.sum(unit_used) <= limit)


def days_rule(plan: PlanModel) -> None:
    """Day rules a, b, c and e in the week (`solver.week_days`): an assignment-week of a need
    with shift times takes at least ⌈hours / its longest day⌉ of its usable weekdays, and for
    each family of weekdays the rows within it need no more days than it has, beside the
    days the person works outside this model. The day stage places the days; this keeps the
    week from asking for days that are not there."""
    index, t = plan.index, plan.triples
    if not index.need_by_day.any():
        return
    longest = index.longest_day(t.staff, t.need)
    usable = index.usable_days(t.staff, t.need, t.week)
    most_days = index.days_needed(t.staff, t.need, plan.high)
    # Between k longest days and k + 1 smallest blocks lie hours no days can hold.
    gaps = (longest > 0) & (longest < 2 * plan.low) & (plan.high > longest)
    for rows in plan.groups("staff_week"):
        rows = rows[longest[rows] > 0]
        if len(rows) == 0:
            continue
        key = (int(t.staff[rows[0]]), int(t.week[rows[0]]))
        fixed = plan.fixed_days.get(key, [])
        widest = [(int(usable[i]), int(most_days[i])) for i in rows.tolist()]
        fits = days_fit([*widest, *fixed])
        days = {}
        chosen = rows[gaps[rows]] if fits else rows
        for i in chosen.tolist():
            days[i] = plan.model.new_int_var(0, int(most_days[i]), f"days[{plan.row_name(i)}]")
            plan.model.add(int(longest[i]) * days[i] >= plan.hours[i])
            plan.model.add(int(plan.low[i]) * days[i] <= plan.hours[i])
            plan.derived.append((days[i], _days_of(i, int(longest[i]))))
        if fits:
            continue
        for family in families([u for u, _ in widest] + [u for u, _ in fixed]):
            inside = [days[i] for i in rows.tolist() if within(int(usable[i]), family)]
            taken = sum(d for u, d in fixed if within(u, family))
            if inside:
                plan.model.add(cp_model.LinearExpr.sum(inside) <= weekday_count(family) - taken)


def _days_of(row: int, longest: int) -> Callable[[IntArray], int]:
    return lambda half_hours: -(-int(half_hours[row]) // longest)


def introductions_rule(plan: PlanModel) -> None:
    """Rule 10: per unit that limits its introductions and week, at most that many people new
    to it (`solver.introductions`), counting who works there outside this model. A week
    outside the model is held too where its newcomers depend on the model's earlier weeks; a
    limit already passed outside the model is held where it is, never made infeasible."""
    index, t = plan.index, plan.triples
    if not limits_any(index) or plan.size == 0:
        return
    units = index.need_unit[t.need]
    limited = np.flatnonzero(index.intro_capacity[units] != NO_LIMIT)
    inside: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for rows in group_rows(t.staff[limited], units[limited], t.week[limited]):
        rows = limited[rows]
        key = (int(t.staff[rows[0]]), int(units[rows[0]]), int(t.week[rows[0]]))
        inside[key] = plan.goes_to(rows)
    outside = plan.present_outside or Presence()
    first_outside = outside.first_weeks()
    for (unit, week), people in _unit_weeks(inside, outside).items():
        fixed, free = 0, []
        for s in sorted(people):
            if (s, unit) in index.past_units or first_outside.get((s, unit), week) < week:
                continue  # known to the unit already
            present = 1 if s in outside.at.get((unit, week), ()) else inside[(s, unit, week)]
            earlier = [inside[(s, unit, w)] for w in range(week) if (s, unit, w) in inside]
            if not earlier and isinstance(present, int):
                fixed += 1
            elif not earlier:
                free.append(present)
            else:
                free.append(_new_at(plan, present, earlier, f"{s},{unit},w{week}"))
        room = max(int(index.intro_capacity[unit]), fixed) - fixed
        if len(free) > room:
            plan.model.add(cp_model.LinearExpr.sum(free) <= room)


def _unit_weeks(
    inside: dict[tuple[int, int, int], cp_model.IntVar], outside: Presence
) -> dict[tuple[int, int], set[int]]:
    """(unit, week) -> the people whose newness there the model decides: the model's own
    unit-weeks, and later ones outside it where someone may be known only by its rows."""
    people: dict[tuple[int, int], set[int]] = defaultdict(set)
    for s, u, w in inside:
        people[(u, w)].add(s)
    units = {u for u, _ in people}
    for (u, w), staff in outside.at.items():
        if u not in units:
            continue
        if (u, w) in people or any((s, u, e) in inside for s in staff for e in range(w)):
            people[(u, w)] |= staff
    return people


def _new_at(
    plan: PlanModel, present: cp_model.IntVar | int, earlier: list[cp_model.IntVar], name: str
) -> cp_model.IntVar:
    """A boolean that is 1 when the person is there this week and none of `earlier`: new."""
    new = plan.model.new_bool_var(f"new_at[{name}]")
    plan.model.add(new + cp_model.LinearExpr.sum(earlier) >= present)
    return new


def buddy_rule(plan: PlanModel) -> None:
    """Rule 11 (buddy pairing): a learner works beside a holder of the skill, so at a need in
    a week the learners' hours are at most the hours holders work there, counting what
    stays fixed outside this model."""
    if not plan.learner.any() and not plan.buddies_outside:
        return
    t = plan.triples
    for rows in plan.groups("need_week"):
        key = (int(t.need[rows[0]]), int(t.week[rows[0]]))
        learners, holders = rows[plan.learner[rows]], rows[~plan.learner[rows]]
        room = plan.buddies_outside.get(key, 0)
        if len(learners) == 0 and room >= 0:
            continue
        plan.model.add(
            cp_model.LinearExpr.sum([plan.hours[i] for i in learners])
            <= cp_model.LinearExpr.sum([plan.hours[i] for i in holders]) + room
        )


def pins_rule(plan: PlanModel) -> None:
    """Rule 9: every pinned assignment is kept with exactly its hours."""
    for i, half_hours in plan.pinned.items():
        plan.model.add(plan.hours[i] == half_hours)
        plan.model.add(plan.used[i] == 1)


ModelRule = Callable[[PlanModel], None]
MODEL_RULES: list[ModelRule] = [
    capacity_rule,
    need_rule,
    no_slivers_rule,
    spread_rule,
    days_rule,
    pins_rule,
    introductions_rule,
    buddy_rule,
]

RULES: list[PairRule | ModelRule] = [
    skill_rule,
    shift_rule,
    capacity_rule,
    need_rule,
    lending_rule,
    protection_rule,
    no_slivers_rule,
    spread_rule,
    pins_rule,
    introductions_rule,
    buddy_rule,
]
"""All hard rules in the design's order (1–11)."""


def apply_rules(plan: PlanModel) -> None:
    """Add every constraint rule to `plan`; the pair rules already chose its triples."""
    for rule in MODEL_RULES:
        rule(plan)
