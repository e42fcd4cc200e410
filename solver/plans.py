"""The bound of term 1 and the coordinator's greedy plan as whole-round results."""

from __future__ import annotations

import time

import numpy as np

from solver.bound import week_flow
from solver.candidates import allowed_with_learners, compatible_triples
from solver.contract import RoundInput, RoundResult
from solver.day_stage import cut_to_days
from solver.greedy import greedy_week
from solver.index import HALF_HOURS, index_round
from solver.introductions import IntroRoom, keep_introductions, limits_any
from solver.learners import holders_index, keep_buddies, learns_on_top
from solver.model import Triples
from solver.pins import check_pins, pinned_half_hours, pinned_rows
from solver.result import build_result, infeasible_result


def upper_bound(round_input: RoundInput) -> float:
    """Term 1's bound: per week a max-weight flow over the pairs rules 1–6 allow whose
    capacity reaches the need's smallest block, hours divisible; summed over weeks, and
    counting learners where they cover part of a need (`solver.bound.week_flow`)."""
    index = index_round(round_input)
    allowed = allowed_with_learners(index)
    total = 0
    for week in range(index.weeks):
        total += week_flow(index, week, compatible_triples(index, allowed, week))[0]
    return total / (HALF_HOURS * index.cover_scale)


def greedy_plan(round_input: RoundInput) -> RoundResult:
    """The plain greedy a coordinator would do by hand, valid under every hard rule:
    pins first; then needs by priority, highest first; for each, people with little home
    load first, each taking as much as they can of what is left (at least the block); then
    the day stage puts the hours on days, and what days cannot hold is left open."""
    started = time.monotonic()
    index = index_round(round_input)
    problems = check_pins(index)
    if problems:
        return infeasible_result(index, problems, time.monotonic() - started)
    allowed = allowed_with_learners(index)
    full, index = index, holders_index(index)
    pins = {k: h for k, h in pinned_half_hours(index).items() if not learns_on_top(index, k)}
    parts, plans, bound = [], [], 0
    known: set[tuple[int, int]] = set(index.past_units)
    for week in range(index.weeks):
        triples = compatible_triples(index, allowed, week)
        bound += week_flow(index, week, triples)[0]
        keys = [k for k in pins if k[2] == week]
        rows = triples.find(
            index,
            np.array([k[0] for k in keys], dtype=np.int64),
            np.array([k[1] for k in keys], dtype=np.int64),
            np.array([k[2] for k in keys], dtype=np.int64),
        )
        pinned = {int(r): pins[k] for r, k in zip(rows, keys, strict=True)}
        parts.append(triples)
        room = IntroRoom.for_week(index, known) if limits_any(index) else None
        plans.append(greedy_week(index, triples, pinned, room))
        used = plans[-1] > 0
        known |= set(
            zip(
                triples.staff[used].tolist(),
                index.need_unit[triples.need[used]].tolist(),
                strict=True,
            )
        )
    # Learners on top are the coordinator's to add by hand; pinned ones stay.
    learner_pins = {k: h for k, h in pinned_half_hours(full).items() if learns_on_top(full, k)}
    index = full
    triples = Triples.concat([*parts, Triples.of(list(learner_pins))])
    half_hours = np.concatenate([*plans, np.array(list(learner_pins.values()), dtype=np.int64)])
    half_hours = keep_introductions(index, triples, half_hours, pinned_rows(index, triples))
    triples, half_hours, days = cut_to_days(index, triples, half_hours)
    half_hours = keep_introductions(index, triples, half_hours, pinned_rows(index, triples))
    half_hours = keep_buddies(index, triples, half_hours, pinned_rows(index, triples))
    return build_result(
        index,
        triples,
        half_hours,
        status="feasible",
        bound=bound,
        seconds=time.monotonic() - started,
        days=days,
    )
