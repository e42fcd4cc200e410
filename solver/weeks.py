"""Each week before the search (steps 1–3 of `solver.search`): its compatible triples, flow
bound and starting plan, and the candidates kept for its model."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from solver.bound import week_flow
from solver.candidates import compatible_triples, keep_candidates
from solver.contract import StopReason
from solver.greedy import greedy_week, previous_week, rounded_flow_week, weighted
from solver.index import IntArray, PinKey, RoundIndex, to_half_hours
from solver.introductions import IntroRoom, keep_introductions, limits_any, present_pairs
from solver.learners import learns_on_top
from solver.model import Triples
from solver.pins import pinned_half_hours
from solver.stopping import bound_reached

log = logging.getLogger(__name__)


@dataclass
class WeekPlan:
    """One week's kept triples, pins (row -> half-hours), bound and current plan."""

    week: int
    triples: Triples
    pinned: dict[int, int]
    bound: int
    half_hours: IntArray
    complete: bool
    """Every compatible triple is kept, so the week's model is exact."""
    proven: bool = False
    stop_reason: StopReason = "time_limit"
    """Why term 1's search of this week ended; a week never searched ran out of time."""
    value: int = field(init=False)

    def __post_init__(self) -> None:
        self.value = 0


def prepare_weeks(index: RoundIndex, allowed: list[IntArray]) -> list[WeekPlan]:
    """Steps 1–3 for every week: triples, flow bound, starting plan, kept candidates."""
    pins = {k: h for k, h in pinned_half_hours(index).items() if not learns_on_top(index, k)}
    previous = {
        (index.staff_pos[a.staff], index.need_pos[a.need], a.week): to_half_hours(a.hours)
        for a in index.round_input.previous
    }
    weeks = []
    known: set[tuple[int, int]] = set(index.past_units)
    for week in range(index.weeks):
        room = IntroRoom.for_week(index, known) if limits_any(index) else None
        triples = compatible_triples(index, allowed, week)
        bound, flow = week_flow(index, week, triples)
        pinned = rows_of(index, triples, {k: v for k, v in pins.items() if k[2] == week})
        kept_previous = rows_of(index, triples, {k: h for k, h in previous.items() if k[2] == week})
        start = best_start(index, triples, pinned, flow, kept_previous, room)
        must_keep = start > 0
        must_keep[list(pinned)] = True
        must_keep[list(kept_previous)] = True
        keep = keep_candidates(index, triples, must_keep, flow)
        kept = triples.take(keep)
        new_row = {int(old): new for new, old in enumerate(keep)}
        plan = WeekPlan(
            week=week,
            triples=kept,
            pinned={new_row[r]: h for r, h in pinned.items()},
            bound=bound,
            half_hours=start[keep],
            complete=len(keep) == len(triples),
        )
        plan.value = weighted(index, kept, plan.half_hours)
        plan.proven = bound_reached(plan.value, bound)
        if plan.proven:
            plan.stop_reason = "bound_reached"
        weeks.append(plan)
        if room:
            known |= present_pairs(index, kept, plan.half_hours)
    keep_introductions_in_weeks(index, weeks)
    return weeks


def keep_introductions_in_weeks(index: RoundIndex, weeks: list[WeekPlan]) -> None:
    """Rule 10 over the weeks' plans, which were made apart: each newcomer beyond a unit's
    limit taken off it (`solver.introductions.keep_introductions`)."""
    if not limits_any(index):
        return
    triples, half_hours, pinned = round_rows(weeks)
    kept = keep_introductions(index, triples, half_hours, set(pinned))
    log.info(
        "rule 10 cut %d of %d weighted half-hours",
        weighted(index, triples, half_hours) - weighted(index, triples, kept),
        weighted(index, triples, half_hours),
    )
    offset = 0
    for week in weeks:
        part = kept[offset : offset + len(week.triples)]
        offset += len(week.triples)
        if np.array_equal(part, week.half_hours):
            continue
        week.half_hours = part
        week.value = weighted(index, week.triples, part)
        week.proven = bound_reached(week.value, week.bound)


def rows_of(index: RoundIndex, triples: Triples, keyed: dict[PinKey, int]) -> dict[int, int]:
    """Rows in `triples` of the given (staff, need, week) keys, with their values."""
    if not keyed:
        return {}
    keys = list(keyed)
    rows = triples.find(
        index,
        np.array([k[0] for k in keys], dtype=np.int64),
        np.array([k[1] for k in keys], dtype=np.int64),
        np.array([k[2] for k in keys], dtype=np.int64),
    )
    return {int(r): keyed[k] for r, k in zip(rows, keys, strict=True) if r >= 0}


def best_start(
    index: RoundIndex,
    triples: Triples,
    pinned: dict[int, int],
    flow: IntArray,
    previous: dict[int, int],
    room: IntroRoom | None = None,
) -> IntArray:
    """The best (by term 1) of: the previous plan where it still fits, topped up greedily;
    the coordinator's greedy; the rounded flow; each within the week's `room` (rule 10). On
    a tie the previous plan wins."""
    if len(triples) == 0:
        return np.zeros(0, dtype=np.int64)
    plans = [
        previous_week(index, triples, pinned, previous, room),
        greedy_week(index, triples, pinned, room),
        rounded_flow_week(index, triples, pinned, flow, room),
    ]
    return max(plans, key=lambda p: weighted(index, triples, p))


def round_rows(weeks: list[WeekPlan]) -> tuple[Triples, IntArray, dict[int, int]]:
    """Every week's triples in one table, with their half-hours and pins (row -> half-hours)."""
    triples = Triples.concat([w.triples for w in weeks])
    half_hours = (
        np.concatenate([w.half_hours for w in weeks]) if weeks else np.zeros(0, dtype=np.int64)
    )
    pinned: dict[int, int] = {}
    offset = 0
    for w in weeks:
        pinned.update({offset + r: h for r, h in w.pinned.items()})
        offset += len(w.triples)
    return triples, half_hours, pinned
