"""Rule 11: learners work beside holders of the skill they want to learn.

A person who names a skill in `Staff.learn_skills` and lacks it may work a need of that
skill that `accepts_learners`, as a learner. Buddy pairing: at a need in a week, learners'
hours are at most the hours holders of the skill work there, so each learner hour has a
holder beside it and no learner is ever there without one. A learner's hour covers the
need's `learner_share` of an hour (in hundredths; none by default, so learners come on top).

Where a learner's hour covers part of a need (a share above 0), learners are candidates of
the weekly stages like holders and count in term 1 at that share, so a learner beside a
holder can free another holder's hours for a need elsewhere. Learners at a share of 0 (and
more learners anywhere) are placed after the plan (`solver.learner_stage`) with the capacity
it leaves: they never take an hour from term 1. What a plan's learners cover at a need-week
is counted in whole half-hours, rounded down, the same way in the result and its reasons.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from solver.index import SHARE_STEPS, IntArray, PinKey, RoundIndex
from solver.model import Triples, group_rows
from solver.pins import pinned_half_hours

NeedWeek = tuple[int, int]
"""(need, week) positions."""


def covered_per_need_week(index: RoundIndex, triples: Triples, half_hours: IntArray) -> IntArray:
    """(need, week) half-hours a plan covers: its holders' hours, and its learners' hours at
    the need's share, rounded down to whole half-hours per need-week."""
    learners = index.learners(triples.staff, triples.need)
    covered = np.zeros((index.need_count, index.weeks), dtype=np.int64)
    np.add.at(covered, (triples.need, triples.week), half_hours * ~learners)
    learned = np.zeros((index.need_count, index.weeks), dtype=np.int64)
    shares = index.learner_share[triples.need]
    np.add.at(learned, (triples.need, triples.week), half_hours * learners * shares)
    total: IntArray = covered + learned // SHARE_STEPS
    return total


def buddy_room(
    index: RoundIndex, plan: dict[tuple[int, int, int], int], need_weeks: set[NeedWeek]
) -> dict[NeedWeek, int]:
    """Per need-week of `need_weeks` that `plan` (staff, need, week) -> half-hours works,
    its holders' less its learners' half-hours: what rule 11 leaves beside it."""
    room: dict[NeedWeek, int] = defaultdict(int)
    for (s, n, w), h in plan.items():
        if (n, w) in need_weeks:
            room[(n, w)] += -h if index.learns(s, n) else h
    return dict(room)


def keep_buddies(
    index: RoundIndex, triples: Triples, half_hours: IntArray, pinned: set[int] | None = None
) -> IntArray:
    """The plan with, per need-week where learners work more hours than holders (a cut after
    the search took a holder away), learners taken off until rule 11 holds: pinned learners
    stay, then those with the fewest hours."""
    learners = index.learners(triples.staff, triples.need) & (half_hours > 0)
    if not learners.any():
        return half_hours
    kept = half_hours.copy()
    pins = pinned or set()
    used = np.flatnonzero(kept > 0)
    for rows in group_rows(triples.need[used], triples.week[used]):
        rows = used[rows]
        learning = rows[learners[rows]]
        room = int(kept[rows[~learners[rows]]].sum())
        if len(learning) == 0 or int(kept[learning].sum()) <= room:
            continue
        order = sorted(learning.tolist(), key=lambda r: (r not in pins, int(kept[r]), r))
        for r in order:
            if room >= int(kept[r]):
                room -= int(kept[r])
            else:
                kept[r] = 0
    return kept


def holders_index(index: RoundIndex) -> RoundIndex:
    """The round as the weekly stages see it: each person's capacity less the hours pinned to
    them as a learner on top (`learns_on_top`), which the learner stage places
    (`solver.learner_stage`; the pins' holders are pinned too, `solver.pins.check_pins`)."""
    pins = {k: h for k, h in pinned_half_hours(index).items() if learns_on_top(index, k)}
    if not pins:
        return index
    capacity = index.capacity.copy()
    for (s, _, w), h in pins.items():
        capacity[s, w] -= h
    return dataclasses.replace(index, capacity=capacity)


def learns_on_top(index: RoundIndex, key: PinKey) -> bool:
    """The (staff, need, week) is a learner's whose hours cover nothing (share 0): the
    learner stage places it; the weekly stages plan one that covers like any other."""
    return index.learns(key[0], key[1]) and index.learner_share[key[1]] == 0
