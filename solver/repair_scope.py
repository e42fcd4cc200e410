"""What a repair may change (steps 1–2 of `solver.repair`): the touched staff-weeks and
need-weeks, and the published plan with what today's facts forbid trimmed away.

A staff-week is touched when an event names it, or when the person's published hours that
week now break rule 3 (capacity) or 8 (spread). A need-week is touched when an event names
it, when its published hours now break rule 4 (more than it wants) or 11 (learners beyond
their holders' hours), when a published hour of it breaks a pair rule or rule 7, when a pin
changes it, and whenever a touched person was planned on it that week. Everything else is
fixed: it stays as published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from solver.candidates import learner_pairs
from solver.contract import Assignment, RepairInput
from solver.index import SHARE_STEPS, IntArray, PinKey, RoundIndex, to_half_hours, to_hours
from solver.learners import buddy_room, covered_per_need_week
from solver.model import Triples

StaffWeekPos = tuple[int, int]
NeedWeekPos = tuple[int, int]


@dataclass
class RepairScope:
    """The published plan by position, and what the repair touches."""

    index: RoundIndex
    allowed: list[IntArray]
    published: dict[PinKey, int]
    """(staff, need, week) -> half-hours as published."""
    pinned: dict[PinKey, int]
    touched_staff: set[StaffWeekPos] = field(default_factory=set)
    touched_needs: set[NeedWeekPos] = field(default_factory=set)

    @property
    def weeks(self) -> list[int]:
        """The weeks the repair touches."""
        return sorted({w for _, w in self.touched_needs} | {w for _, w in self.touched_staff})

    def is_allowed(self, staff: int, need: int) -> bool:
        """Rules 1, 2, 5 and 6 allow `staff` on `need`."""
        return staff in self._allowed_sets[need]

    def may_work(self, staff: int, need: int) -> bool:
        """`staff` may work `need`: as a holder of its skill, or as a learner (rule 11)."""
        return self.is_allowed(staff, need) or staff in self._learner_sets[need]

    @cached_property
    def _allowed_sets(self) -> _LazySets:
        return _LazySets(self.allowed)

    @cached_property
    def _learner_sets(self) -> _LazySets:
        if not self.index.may_learn:
            return _LazySets([np.zeros(0, dtype=np.int64)] * self.index.need_count)
        return _LazySets(learner_pairs(self.index))

    def fixed(self) -> dict[PinKey, int]:
        """Published assignment-weeks outside the touched need-weeks: they stay as they are."""
        return {k: h for k, h in self.published.items() if (k[1], k[2]) not in self.touched_needs}


class _LazySets(dict[int, frozenset[int]]):
    """Per need, its allowed staff as a set, made the first time it is asked for."""

    def __init__(self, allowed: list[IntArray]) -> None:
        super().__init__()
        self.allowed = allowed

    def __missing__(self, need: int) -> frozenset[int]:
        made = frozenset(int(s) for s in self.allowed[need])
        self[need] = made
        return made


def repair_scope(
    index: RoundIndex, repair_input: RepairInput, allowed: list[IntArray]
) -> RepairScope:
    """Step 1: the published plan by position, and every staff-week and need-week touched."""
    pos = index
    scope = RepairScope(
        index=index,
        allowed=allowed,
        published=_by_position(index, repair_input.published),
        pinned=_by_position(index, repair_input.round.pinned),
        touched_staff={(pos.staff_pos[t.staff], t.week) for t in repair_input.touched_staff},
        touched_needs={(pos.need_pos[t.need], t.week) for t in repair_input.touched_needs},
    )
    _touch_what_breaks(scope)
    for (s, n, w), half_hours in scope.pinned.items():
        if scope.published.get((s, n, w)) != half_hours:
            scope.touched_needs.add((n, w))
    for s, n, w in scope.published:
        if (s, w) in scope.touched_staff:
            scope.touched_needs.add((n, w))
    return scope


def _by_position(index: RoundIndex, entries: Sequence[Assignment]) -> dict[PinKey, int]:
    return {
        (index.staff_pos[a.staff], index.need_pos[a.need], a.week): to_half_hours(a.hours)
        for a in entries
    }


def _touch_what_breaks(scope: RepairScope) -> None:
    """Touch the staff-weeks and need-weeks whose published hours today's facts forbid."""
    index = scope.index
    per_staff: dict[StaffWeekPos, int] = defaultdict(int)
    units: dict[StaffWeekPos, set[int]] = defaultdict(set)
    most = _most(index, list(scope.published))
    for (s, n, w), half_hours in scope.published.items():
        per_staff[(s, w)] += half_hours
        units[(s, w)].add(int(index.need_unit[n]))
        if not scope.may_work(s, n) or half_hours < index.block[n, w]:
            scope.touched_needs.add((n, w))
        if half_hours > most[(s, n, w)]:
            scope.touched_needs.add((n, w))
    for (s, w), half_hours in per_staff.items():
        if half_hours > index.capacity[s, w] or len(units[(s, w)]) > index.max_units:
            scope.touched_staff.add((s, w))
    keys = list(scope.published)
    triples = Triples.of(keys)
    hours = np.array([scope.published[k] for k in keys], dtype=np.int64)
    over = covered_per_need_week(index, triples, hours) > index.wanted
    scope.touched_needs |= {(int(n), int(w)) for n, w in zip(*np.nonzero(over), strict=True)}
    need_weeks = {(n, w) for _, n, w in keys}
    for key, room in buddy_room(index, scope.published, need_weeks).items():
        if room < 0:
            scope.touched_needs.add(key)


def gaps_left_open(scope: RepairScope) -> dict[PinKey, int]:
    """Step 2: the published plan as today's facts still allow it, nothing added: fixed
    assignments as they are, then pins, then the touched ones by priority (highest first),
    each cut to what capacity, need and block still allow. It keeps every hard rule."""
    index = scope.index
    spare = index.capacity.copy()
    remaining = index.wanted.copy()
    units: dict[StaffWeekPos, set[int]] = defaultdict(set)
    plan: dict[PinKey, int] = {}

    def place(key: PinKey, half_hours: int) -> None:
        s, n, w = key
        plan[key] = half_hours
        spare[s, w] -= half_hours
        remaining[n, w] -= half_hours
        units[(s, w)].add(int(index.need_unit[n]))

    for key, half_hours in scope.fixed().items():
        place(key, half_hours)
    for key, half_hours in scope.pinned.items():
        if key not in plan:
            place(key, half_hours)
    touched = [k for k in scope.published if k not in plan and (k[1], k[2]) in scope.touched_needs]
    touched.sort(key=lambda k: (-int(index.weight[k[1]]), k))
    most = _most(index, touched)
    for key in touched:
        s, n, w = key
        unit = int(index.need_unit[n])
        amount = min(scope.published[key], int(spare[s, w]), int(remaining[n, w]), most[key])
        fits_spread = unit in units[(s, w)] or len(units[(s, w)]) < index.max_units
        allowed = not index.learns(s, n) and scope.is_allowed(s, n)
        if allowed and amount >= index.block[n, w] and amount > 0 and fits_spread:
            place(key, amount)
    return _with_learners(scope, plan, touched, spare, units)


def _with_learners(
    scope: RepairScope,
    plan: dict[PinKey, int],
    touched: list[PinKey],
    spare: IntArray,
    units: dict[StaffWeekPos, set[int]],
) -> dict[PinKey, int]:
    """The touched learners kept beside the holders `plan` keeps (rule 11), each cut to what
    capacity, their holders' hours, the need and the block still allow."""
    index = scope.index
    learns = index.learners(
        np.array([k[0] for k in touched], dtype=np.int64),
        np.array([k[1] for k in touched], dtype=np.int64),
    )
    learners = [k for k, learner in zip(touched, learns.tolist(), strict=True) if learner]
    learners = [k for k in learners if scope.may_work(k[0], k[1])]
    if not learners:
        return plan
    keys = list(plan)
    covered = covered_per_need_week(
        index, Triples.of(keys), np.array([plan[k] for k in keys], dtype=np.int64)
    )
    room = buddy_room(index, plan, {(n, w) for _, n, w in learners})
    most = _most(index, learners)
    for s, n, w in learners:
        key, share = (s, n, w), int(index.learner_share[n])
        beside = room.get((n, w), 0)
        amount = min(scope.published[key], int(spare[s, w]), beside, most[key])
        if share:
            amount = min(amount, (int(index.wanted[n, w] - covered[n, w]) * SHARE_STEPS) // share)
        unit = int(index.need_unit[n])
        fits_spread = unit in units[(s, w)] or len(units[(s, w)]) < index.max_units
        if amount >= index.block[n, w] and amount > 0 and fits_spread:
            plan[key] = amount
            spare[s, w] -= amount
            units[(s, w)].add(unit)
            room[(n, w)] = beside - amount
            covered[n, w] += amount * share // SHARE_STEPS
    return plan


def _most(index: RoundIndex, keys: Sequence[PinKey]) -> dict[PinKey, int]:
    """Per (staff, need, week), the most half-hours the day rules let the person take."""
    if not keys:
        return {}
    staff, need, week = (np.array(part, dtype=np.int64) for part in zip(*keys, strict=True))
    most = index.most_half_hours(staff, need, week)
    return dict(zip(keys, most.tolist(), strict=True))


def weighted_of(index: RoundIndex, plan: dict[PinKey, int], weeks: list[int]) -> tuple[int, int]:
    """Term 1 of `plan` over `weeks`, and its half-hours covered there (learners' at their
    needs' shares)."""
    chosen = set(weeks)
    keys = [k for k in plan if k[2] in chosen]
    if not keys:
        return 0, 0
    hours = np.array([plan[k] for k in keys], dtype=np.int64)
    covered = covered_per_need_week(index, Triples.of(keys), hours)
    return int((index.weight[:, None] * covered).sum()), int(covered.sum())


def plan_still_possible(
    index: RoundIndex, allowed: list[IntArray], plan: Sequence[Assignment]
) -> list[Assignment]:
    """`plan` as today's facts (the round `index` was made of) still allow it: `gaps_left_open`
    with no event named, so what an absence or a shrunk need took away is no longer planned.
    An assignment-week that keeps its hours keeps its days."""
    repair_input = RepairInput(round=index.round_input, published=list(plan))
    scope = repair_scope(index, repair_input, allowed)
    days = {(a.staff, a.need, a.week, a.hours): a.days for a in plan}
    still = []
    for (s, n, w), half_hours in sorted(gaps_left_open(scope).items()):
        staff, need, hours = index.staff_ids[s], index.need_ids[n], to_hours(half_hours)
        kept = days.get((staff, need, w, hours), ())
        still.append(Assignment(staff=staff, need=need, week=w, hours=hours, days=kept))
    return still
