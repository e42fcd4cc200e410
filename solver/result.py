"""A plan in half-hours per triple becomes a `RoundResult`: assignments, unfilled need-weeks
with their reasons, and the metrics.

Metric definitions:

- `weighted_coverage`: Σ 2^(priority−1) · hours over assignments; `upper_bound`: the flow bound.
- `introductions`: distinct (staff, need) pairs in the plan — each is one person to introduce.
- `changed_vs_previous`: (staff, need, week) entries that differ between `previous` and the
  plan (added, removed, or other hours); 0 when there is no previous plan.
- `max_utilisation`: the highest planned hours / capacity over staff-weeks with capacity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from solver.contract import Assignment, Metrics, RoundInput, RoundResult, StopReason, Unfilled
from solver.explain import PlannedWeek, explain_unfilled
from solver.index import HALF_HOURS, IntArray, RoundIndex, to_hours
from solver.model import Triples

Status = Literal["optimal", "feasible", "infeasible"]


def build_result(
    index: RoundIndex,
    triples: Triples,
    half_hours: IntArray,
    *,
    status: Status,
    bound: int,
    seconds: float,
    stop_reason: StopReason | None = None,
) -> RoundResult:
    """The contract's result for a plan; `bound` is term 1's bound in weighted half-hours."""
    rows = np.flatnonzero(half_hours > 0)
    plan = triples.take(rows)
    hours = half_hours[rows]
    assignments = plan_assignments(index, plan, hours)
    planned = np.zeros((index.staff_count, index.weeks), dtype=np.int64)
    np.add.at(planned, (plan.staff, plan.week), hours)

    return RoundResult(
        status=status,
        assignments=assignments,
        unfilled=unfilled_need_weeks(index, plan, hours),
        metrics=Metrics(
            weighted_coverage=int((index.weight[plan.need] * hours).sum()) / HALF_HOURS,
            upper_bound=bound / HALF_HOURS,
            covered_hours=int(hours.sum()) / HALF_HOURS,
            wanted_hours=int(index.wanted.sum()) / HALF_HOURS,
            introductions=len(
                {(int(s), int(n)) for s, n in zip(plan.staff, plan.need, strict=True)}
            ),
            changed_vs_previous=changed_vs_previous(index.round_input, assignments),
            max_utilisation=_max_utilisation(index, planned),
            solve_seconds=round(seconds, 3),
            stop_reason=stop_reason,
        ),
    )


def plan_assignments(index: RoundIndex, plan: Triples, hours: IntArray) -> list[Assignment]:
    """A plan's used triples as the contract's assignments, by week, need and staff."""
    order = np.lexsort((plan.staff, plan.need, plan.week))
    return [
        Assignment(
            staff=index.staff_ids[int(plan.staff[i])],
            need=index.need_ids[int(plan.need[i])],
            week=int(plan.week[i]),
            hours=to_hours(int(hours[i])),
        )
        for i in order
    ]


def infeasible_result(index: RoundIndex, messages: list[str], seconds: float) -> RoundResult:
    """The result for a round that cannot be planned as given (e.g. a pin breaks a rule)."""
    return RoundResult(
        status="infeasible",
        messages=messages,
        metrics=Metrics(wanted_hours=int(index.wanted.sum()) / HALF_HOURS, solve_seconds=seconds),
    )


def unfilled_need_weeks(
    index: RoundIndex,
    plan: Triples,
    hours: IntArray,
    only: set[tuple[int, int]] | None = None,
) -> list[Unfilled]:
    """The need-weeks a plan (its used triples and their half-hours) leaves partly open, with
    their reasons; `only` (need, week) positions when given."""
    planned = np.zeros((index.staff_count, index.weeks), dtype=np.int64)
    np.add.at(planned, (plan.staff, plan.week), hours)
    covered = np.zeros((index.need_count, index.weeks), dtype=np.int64)
    np.add.at(covered, (plan.need, plan.week), hours)
    open_need, open_week = np.nonzero(index.wanted > covered)
    if only is not None:
        keep = np.array(
            [(int(n), int(w)) in only for n, w in zip(open_need, open_week, strict=True)],
            dtype=np.bool_,
        )
        open_need, open_week = open_need[keep], open_week[keep]
    if len(open_need) == 0:
        return []
    unfilled = []
    for week in np.unique(open_week):
        this_week = plan.week == week
        needs: dict[int, list[int]] = {}
        units: dict[int, set[int]] = {}
        for s, n in zip(plan.staff[this_week], plan.need[this_week], strict=True):
            needs.setdefault(int(s), []).append(int(n))
            units.setdefault(int(s), set()).add(int(index.need_unit[n]))
        planned_week = PlannedWeek(int(week), planned[:, week], needs, units)
        for n in open_need[open_week == week]:
            remaining = int(index.wanted[n, week] - covered[n, week])
            unfilled.append(
                Unfilled(
                    need=index.need_ids[int(n)],
                    week=int(week),
                    hours=to_hours(remaining),
                    reasons=explain_unfilled(index, int(n), planned_week, remaining),
                )
            )
    unfilled.sort(key=lambda u: (u.week, index.need_pos[u.need]))
    return unfilled


def changed_vs_previous(round_input: RoundInput, assignments: Sequence[Assignment]) -> int:
    """(staff, need, week) entries that differ between `previous` and the plan; 0 when the
    round has no previous plan."""
    previous = {(a.staff, a.need, a.week): a.hours for a in round_input.previous}
    if not previous:
        return 0
    now = {(a.staff, a.need, a.week): a.hours for a in assignments}
    return sum(1 for key in previous.keys() | now.keys() if previous.get(key) != now.get(key))


def _max_utilisation(index: RoundIndex, planned: IntArray) -> float:
    capacity = index.capacity
    with_capacity = capacity > 0
    if not with_capacity.any():
        return 0.0
    return round(float((planned[with_capacity] / capacity[with_capacity]).max()), 4)
