"""How the weekly stage hears the day stage: where days cannot hold a week's hours, that
assignment-week's limit becomes what the days hold (`RoundIndex.day_limits`), and the weeks
it touches are re-planned as a repair would (coverage first, then fewest changes), so other
people may take the hours; the people whose weeks changed are placed on days again. After
`DAY_ROUNDS` rounds, what is still short is cut to what its days hold.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from solver.budget import Clock
from solver.contract import Assignment, NeedWeek, RepairInput, StaffWeek
from solver.day_stage import DayPlan, cut_short_to_days, place_days
from solver.index import IntArray, PinKey, RoundIndex, to_hours
from solver.model import Triples
from solver.options import SolveOptions
from solver.repair import replan

log = logging.getLogger(__name__)

DAY_ROUNDS = 3
"""Re-plans of the weeks the day stage could not hold; each usually halves what is short."""
REPLAN_SECONDS = 5.0
"""The most one re-plan of the touched weeks may take."""


def settle_days(
    index: RoundIndex,
    triples: Triples,
    half_hours: IntArray,
    options: SolveOptions,
    clock: Clock,
) -> tuple[Triples, IntArray, DayPlan]:
    """Days for the plan, the plan re-planned where days cannot hold it, and at last cut to
    what its days hold."""
    if not index.need_by_day.any():
        return triples, half_hours, DayPlan()
    plan = place_days(index, triples, half_hours)
    for attempt in range(DAY_ROUNDS):
        if not plan.short or clock.left() < 1.0:
            break
        log.info("day stage, round %d: %d assignment-weeks short", attempt, len(plan.short))
        limited = {**plan.limited}
        for (s, n, w), (got, rule) in plan.short.items():
            index.day_limits[(s, n, w)] = got if got >= index.block[n, w] else 0
            limited[(s, n, w)] = rule
        before = triples.plan(half_hours)
        triples, half_hours = _replan(index, before, plan, options, clock)
        after = triples.plan(half_hours)
        changed = {k[0] for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        changed |= {s for s, _, _ in plan.short}
        plan = _merge(plan, place_days(index, triples, half_hours, only=changed), changed)
        plan.limited = limited
    return (*cut_short_to_days(index, triples, half_hours, plan), plan)


def _replan(
    index: RoundIndex,
    before: dict[PinKey, int],
    plan: DayPlan,
    options: SolveOptions,
    clock: Clock,
) -> tuple[Triples, IntArray]:
    """The weeks of what is short, re-planned under the day limits."""
    published = [
        Assignment(staff=index.staff_ids[s], need=index.need_ids[n], week=w, hours=to_hours(h))
        for (s, n, w), h in sorted(before.items())
    ]
    repair_input = RepairInput(
        round=index.round_input,
        published=published,
        touched_needs=[NeedWeek(need=index.need_ids[n], week=w) for (_, n, w) in plan.short],
        touched_staff=[StaffWeek(staff=index.staff_ids[s], week=w) for (s, _, w) in plan.short],
    )
    seconds = min(REPLAN_SECONDS, clock.left())
    done = replan(index, repair_input, replace(options, time_limit=seconds), Clock(seconds))
    return Triples.from_plan(done.after)


def _merge(old: DayPlan, new: DayPlan, people: set[int]) -> DayPlan:
    """`new` for `people`, `old` for everyone else."""
    merged = DayPlan(
        days={k: v for k, v in old.days.items() if k[0] not in people},
        short={k: v for k, v in old.short.items() if k[0] not in people},
    )
    merged.days.update(new.days)
    merged.short.update(new.short)
    return merged
