"""The rows a repair may change and their model (step 3 of `solver.repair`).

Rows are (staff, need, week) triples with a variable: in each touched need-week, the people
already planned there and the best others whose free capacity (capacity less what stays
fixed that week) reaches the need's block; and, when HR allows moves, published assignments
outside the touched need-weeks of people who could serve a touched need-week of strictly
higher priority that week. Such a row may only shrink (`PlanModel.most`), and `moves_rule`
counts the people whose rows shrink.

`disturbance_term` is the repair's second objective term, after coverage: ending a published
assignment-week costs 3, shrinking one 2, growing one or adding a new one 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.index import IntArray, PinKey
from solver.introductions import Presence, keep_introductions, limits_any
from solver.learners import buddy_room
from solver.model import PlanModel, Triples, days_taken_in, group_rows
from solver.objective import Term
from solver.repair_scope import RepairScope, StaffWeekPos
from solver.rules import apply_rules

SPARE_CANDIDATES = 30
"""Per touched need-week, this many people besides those planned there: the ones with the
most free capacity, then the least home load."""

END_COST, SHRINK_COST, GROW_COST = 3, 2, 1
"""Ending or moving someone's deployment disturbs more than adding one, and ending it more
than cutting its hours."""


@dataclass(frozen=True)
class RepairRows:
    """The rows with a variable, and what stays fixed around them."""

    triples: Triples
    published: IntArray
    """Per row, half-hours as published (0 for a new row)."""
    movable: IntArray
    """Rows of published assignments outside the touched need-weeks (moves)."""
    pinned: dict[int, int]
    free: IntArray
    """Per row, the person's capacity that week less what stays fixed."""
    fixed: dict[PinKey, int]
    fixed_units: dict[StaffWeekPos, set[int]]
    complete: bool
    """No candidate was left out, so the model is exact."""

    def positions(self) -> list[PinKey]:
        """Per row, its (staff, need, week) positions."""
        t = self.triples
        return list(zip(t.staff.tolist(), t.need.tolist(), t.week.tolist(), strict=True))


def repair_rows(scope: RepairScope, max_moves: int, excluded: set[int]) -> RepairRows:
    """Step 3: the rows of the touched need-weeks and, with moves allowed, the movable ones."""
    index = scope.index
    fixed = scope.fixed()
    movable = _movable(scope, fixed, excluded) if max_moves else {}
    for key in movable:
        del fixed[key]
    free = index.capacity.copy()
    fixed_units: dict[StaffWeekPos, set[int]] = defaultdict(set)
    for (s, n, w), half_hours in fixed.items():
        free[s, w] -= half_hours
        fixed_units[(s, w)].add(int(index.need_unit[n]))
    planned_on: dict[tuple[int, int], set[int]] = defaultdict(set)
    for s, n, w in [*scope.published, *scope.pinned]:
        planned_on[(n, w)].add(s)
    for s, _, w in movable:
        for n, nw in scope.touched_needs:
            if nw == w and scope.is_allowed(s, n):
                planned_on[(n, w)].add(s)
    keys: list[PinKey] = []
    complete = True
    for n, w in sorted(scope.touched_needs):
        if index.wanted[n, w] == 0:
            continue
        chosen, cut = _candidates(scope, n, w, free, fixed_units, planned_on[(n, w)], excluded)
        complete = complete and not cut
        keys += [(s, n, w) for s in chosen]
    keys += sorted(movable)
    return _rows(scope, keys, movable, free, fixed, fixed_units, complete)


def _movable(scope: RepairScope, fixed: dict[PinKey, int], excluded: set[int]) -> dict[PinKey, int]:
    """Fixed, unpinned assignment-weeks of people who could serve a touched need-week of
    strictly higher priority that week."""
    index = scope.index
    best: dict[StaffWeekPos, int] = defaultdict(int)
    for n, w in scope.touched_needs:
        if index.wanted[n, w] == 0:
            continue
        weight = int(index.weight[n])
        for s in scope.allowed[n].tolist():
            best[(s, w)] = max(best[(s, w)], weight)
    return {
        (s, n, w): h
        for (s, n, w), h in fixed.items()
        if (s, n, w) not in scope.pinned
        and s not in excluded
        and best.get((s, w), 0) > int(index.weight[n])
    }


def _candidates(
    scope: RepairScope,
    need: int,
    week: int,
    free: IntArray,
    fixed_units: dict[StaffWeekPos, set[int]],
    planned: set[int],
    excluded: set[int],
) -> tuple[list[int], bool]:
    """People for one touched need-week: those planned there (if still allowed), then the
    best others; and whether any were left out."""
    index = scope.index
    unit = int(index.need_unit[need])
    block = int(index.block[need, week])
    staff = scope.allowed[need]
    staff = staff[free[staff, week] >= block]
    others = [
        s
        for s in staff.tolist()
        if s not in planned
        and s not in excluded
        and _spread_allows(fixed_units.get((s, week), set()), unit, index.max_units)
    ]
    others.sort(key=lambda s: (-int(free[s, week]), int(index.home_load[s, week]), s))
    kept = [s for s in sorted(planned) if scope.may_work(s, need)]
    return kept + others[:SPARE_CANDIDATES], len(others) > SPARE_CANDIDATES


def _spread_allows(units: set[int], unit: int, max_units: int) -> bool:
    """Rule 8 beside what stays fixed: the unit is one the person goes to, or one more fits."""
    return unit in units or len(units) < max_units


def _rows(
    scope: RepairScope,
    keys: list[PinKey],
    movable: dict[PinKey, int],
    free: IntArray,
    fixed: dict[PinKey, int],
    fixed_units: dict[StaffWeekPos, set[int]],
    complete: bool,
) -> RepairRows:
    triples = Triples.of(keys)
    published = np.array([scope.published.get(k, 0) for k in keys], dtype=np.int64)
    return RepairRows(
        triples=triples,
        published=published,
        movable=np.array([i for i, k in enumerate(keys) if k in movable], dtype=np.int64),
        pinned={i: scope.pinned[k] for i, k in enumerate(keys) if k in scope.pinned},
        free=free[triples.staff, triples.week] if len(keys) else np.zeros(0, dtype=np.int64),
        fixed=fixed,
        fixed_units=dict(fixed_units),
        complete=complete,
    )


def repair_model(scope: RepairScope, rows: RepairRows, max_moves: int) -> PlanModel:
    """The repair's model: every hard rule over its rows, beside what stays fixed."""
    most = np.full(len(rows.triples), np.iinfo(np.int64).max // 4, dtype=np.int64)
    most[rows.movable] = rows.published[rows.movable]
    plan = PlanModel(
        scope.index,
        rows.triples,
        rows.pinned,
        capacity_left=rows.free,
        fixed_units=rows.fixed_units,
        fixed_days=days_taken_in(scope.index, rows.fixed),
        most=most,
        present_outside=Presence.of_plan(scope.index, rows.fixed),
        buddies_outside=buddy_room(
            scope.index,
            rows.fixed,
            set(zip(rows.triples.need.tolist(), rows.triples.week.tolist(), strict=True)),
        ),
    )
    apply_rules(plan)
    moves_rule(plan, rows, max_moves)
    return plan


def within_introductions(scope: RepairScope, rows: RepairRows, hours: IntArray) -> IntArray:
    """The rows' `hours` cut to rule 10 beside what stays fixed, which is never cut (nor are
    pins): a start the model accepts."""
    index = scope.index
    if not limits_any(index):
        return hours
    keys = list(rows.fixed)
    triples = Triples.concat([rows.triples, Triples.of(keys)])
    plan = np.concatenate([hours, np.array([rows.fixed[k] for k in keys], dtype=np.int64)])
    held = set(rows.pinned) | set(range(len(rows.triples), len(triples)))
    kept: IntArray = keep_introductions(index, triples, plan, held)[: len(rows.triples)]
    return kept


def moves_rule(plan: PlanModel, rows: RepairRows, max_moves: int) -> None:
    """At most `max_moves` people planned outside the touched need-weeks lose hours there."""
    if len(rows.movable) == 0:
        return
    moved = []
    staff = rows.triples.staff[rows.movable]
    for group in group_rows(staff):
        members = rows.movable[group]
        person = plan.index.staff_ids[int(rows.triples.staff[members[0]])]
        var = plan.model.new_bool_var(f"moved[{person}]")
        for i in members.tolist():
            plan.model.add(plan.hours[i] >= int(rows.published[i])).only_enforce_if(~var)
        plan.derived.append((var, _moved_of(members, rows.published)))
        moved.append(var)
    plan.model.add(cp_model.LinearExpr.sum(moved) <= max_moves)


def _moved_of(members: IntArray, published: IntArray) -> Callable[[IntArray], int]:
    return lambda half_hours: int(bool((half_hours[members] < published[members]).any()))


def disturbance_term(published: IntArray) -> Term:
    """The repair's term 2 (cost), given the published half-hours per row."""

    def disturbance(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
        names = plan.row_names()
        costs: list[cp_model.LinearExprT] = []
        weights: list[int] = []
        ended: list[cp_model.LinearExprT] = []
        for i in range(plan.size):
            before = int(published[i])
            if before == 0:
                costs.append(plan.used[i])
                weights.append(GROW_COST)
                continue
            shrinks = plan.model.new_bool_var(f"shrinks[{names[i]}]")
            grows = plan.model.new_bool_var(f"grows[{names[i]}]")
            plan.model.add(plan.hours[i] >= before).only_enforce_if(~shrinks)
            plan.model.add(plan.hours[i] <= before).only_enforce_if(~grows)
            plan.derived.append((shrinks, _compare(i, before, shrink=True)))
            plan.derived.append((grows, _compare(i, before, shrink=False)))
            costs += [shrinks, grows]
            weights += [SHRINK_COST, GROW_COST]
            ended.append(1 - plan.used[i])
        extra = (END_COST - SHRINK_COST) * cp_model.LinearExpr.sum(ended)
        return cp_model.LinearExpr.weighted_sum(costs, weights) + extra

    disturbance.__name__ = "disturbance_term"
    return disturbance


def _compare(row: int, before: int, *, shrink: bool) -> Callable[[IntArray], int]:
    if shrink:
        return lambda half_hours: int(half_hours[row] < before)
    return lambda half_hours: int(half_hours[row] > before)


def disturbance_of(half_hours: IntArray, published: IntArray) -> int:
    """The disturbance term of a plan given as half-hours per row."""
    new = published == 0
    ended = ~new & (half_hours == 0)
    shrunk = ~new & (half_hours < published)
    grown = ~new & (half_hours > published)
    return int(
        GROW_COST * ((half_hours > 0) & new).sum()
        + SHRINK_COST * shrunk.sum()
        + GROW_COST * grown.sum()
        + (END_COST - SHRINK_COST) * ended.sum()
    )


def most_disturbance(published: IntArray) -> int:
    """The most disturbance rows can make: every published one ended, every new one added."""
    return int(END_COST * (published > 0).sum() + GROW_COST * (published == 0).sum())


def topped_up(scope: RepairScope, rows: RepairRows, start: IntArray) -> IntArray:
    """The plan that leaves the gaps open, then each touched need-week topped up by priority
    (highest first) as a coordinator would: people already on it, then the others in the
    rows' order (most free capacity first), each a whole block at least, within every hard
    rule. A strong start makes CP-SAT's search short."""
    index, t = scope.index, rows.triples
    hours = start.copy()
    most = index.most_half_hours(t.staff, t.need, t.week)
    movable = np.zeros(len(t), dtype=np.bool_)
    movable[rows.movable] = True
    spare: dict[StaffWeekPos, int] = {}
    units: dict[StaffWeekPos, set[int]] = defaultdict(set)
    for i in range(len(t)):
        key = (int(t.staff[i]), int(t.week[i]))
        spare.setdefault(key, int(rows.free[i]))
        spare[key] -= int(hours[i])
        if hours[i]:
            units[key].add(int(index.need_unit[t.need[i]]))
    remaining = {
        (n, w): int(index.wanted[n, w]) - int(hours[(t.need == n) & (t.week == w)].sum())
        for n, w in scope.touched_needs
    }
    order = sorted(remaining, key=lambda nw: (-int(index.weight[nw[0]]), nw))
    by_need_week: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in np.flatnonzero(~movable).tolist():
        by_need_week[(int(t.need[i]), int(t.week[i]))].append(i)
    for n, w in order:
        unit, block = int(index.need_unit[n]), int(index.block[n, w])
        rows_here = sorted(by_need_week[(n, w)], key=lambda i: (hours[i] == 0, i))
        for i in rows_here:
            key = (int(t.staff[i]), w)
            amount = min(
                remaining[(n, w)],
                spare[key],
                int(rows.free[i]) - int(hours[i]),
                int(most[i]) - int(hours[i]),
            )
            fits = (
                unit in units[key]
                or len(units[key] | rows.fixed_units.get(key, set())) < index.max_units
            )
            if amount <= 0 or i in rows.pinned or (hours[i] == 0 and (amount < block or not fits)):
                continue
            hours[i] += amount
            spare[key] -= amount
            remaining[(n, w)] -= amount
            units[key].add(unit)
    return hours
