"""Which (staff, need, week) triples get a variable at all, and which are worth keeping.

`compatible_triples` lists every triple the pair rules (1, 2, 5, 6) allow where the person's
capacity that week, and the room day rules a and b leave the pair, reach the need's smallest
block (a necessary condition of rules 3 and 7 and of day rule e).
On a large round that is millions of triples; `keep_candidates` cuts each need-week down to
the ones that can matter: the flow relaxation's choices, the starting plan, pins, previous
assignments, and the few best other candidates.
"""

from __future__ import annotations

import numpy as np

from solver.index import BoolArray, IntArray, RoundIndex
from solver.model import Triples
from solver.rules import allowed_staff, learner_staff

FULL_MODEL_TRIPLES = 20_000
"""Up to this many triples in a week, every compatible triple is kept (the model is exact)."""

SPARE_CANDIDATES = 8
"""Besides the flow's and the starting plan's choices, this many candidates per need-week."""


def allowed_pairs(index: RoundIndex) -> list[IntArray]:
    """Per need, the staff positions that rules 1, 2, 5 and 6 allow."""
    return [allowed_staff(index, n) for n in range(index.need_count)]


def learner_pairs(index: RoundIndex) -> list[IntArray]:
    """Per need, the staff positions that may work it as learners (rule 11)."""
    return [learner_staff(index, n) for n in range(index.need_count)]


def allowed_with_learners(index: RoundIndex) -> list[IntArray]:
    """Per need, the staff the weekly stages plan with: those rules 1, 2, 5 and 6 allow, and
    where a learner's hour covers part of the need (a share above 0), those who may learn
    it, whose hours then count in term 1 at that share."""
    allowed = allowed_pairs(index)
    if index.cover_scale == 1:
        return allowed
    sharing = index.accepts_learners & (index.learner_share > 0)
    return [
        np.union1d(allowed[n], learner_staff(index, n)).astype(np.int64)
        if sharing[n]
        else allowed[n]
        for n in range(index.need_count)
    ]


def compatible_triples(index: RoundIndex, allowed: list[IntArray], week: int) -> Triples:
    """Every triple of `week` the pair rules allow with capacity reaching the smallest block."""
    staff_parts: list[IntArray] = []
    need_parts: list[IntArray] = []
    capacity = index.capacity[:, week]
    for n in np.flatnonzero(index.wanted[:, week] > 0):
        candidates = allowed[n]
        block = index.block[n, week]
        candidates = candidates[capacity[candidates] >= block]
        if index.need_by_day[n]:
            room = index.day_room(candidates, np.full(len(candidates), n, dtype=np.int64), week)
            candidates = candidates[room >= block]
        if len(candidates):
            staff_parts.append(candidates)
            need_parts.append(np.full(len(candidates), n, dtype=np.int64))
    if not staff_parts:
        return Triples.empty()
    staff = np.concatenate(staff_parts)
    return Triples(staff, np.concatenate(need_parts), np.full(len(staff), week, dtype=np.int64))


def keep_candidates(
    index: RoundIndex, triples: Triples, must_keep: BoolArray, flow: IntArray
) -> IntArray:
    """Rows of `triples` (one week) worth a variable: `must_keep`, flow > 0, and per need-week
    the `SPARE_CANDIDATES` people with the most capacity the flow left unused."""
    if len(triples) <= FULL_MODEL_TRIPLES:
        return np.arange(len(triples), dtype=np.int64)
    week = int(triples.week[0])
    used = np.bincount(triples.staff, weights=flow, minlength=index.staff_count)
    spare = index.capacity[:, week] - used.astype(np.int64)
    # Most spare capacity first, then little home load (the objective's second term).
    score = spare[triples.staff] * 1000 - index.home_load[triples.staff, week]
    order = np.lexsort((-score, triples.need))
    need_sorted = triples.need[order]
    first = np.r_[0, np.flatnonzero(need_sorted[1:] != need_sorted[:-1]) + 1]
    group_start = np.repeat(first, np.diff(np.r_[first, len(order)]))
    rank = np.arange(len(order)) - group_start
    keep = must_keep | (flow > 0)
    keep[order[rank < SPARE_CANDIDATES]] = True
    return np.flatnonzero(keep).astype(np.int64)
