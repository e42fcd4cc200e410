"""A plan in half-hours per triple becomes a `RoundResult`: assignments, unfilled need-weeks
with their reasons, and the metrics.

Metric definitions:

- `weighted_coverage`: Σ 2^(priority−1) · hours over assignments; `upper_bound`: the flow bound.
- `introductions`: distinct (staff, need) pairs in the plan — each is one person to introduce.
- `introduction_hours`: Σ `Unit.intro_hours` over (person, unit) pairs new to the unit (not in
  `Staff.past_units`); `new_experiences`: how many such pairs; `coverage_traded`: the share of
  weighted coverage the search gave up for fewer introductions (`Rules.coverage_trade`).
- `changed_vs_previous`: (staff, need, week) entries that differ between `previous` and the
  plan (added, removed, or other hours); 0 when there is no previous plan.
- `max_utilisation`: the highest planned hours / capacity over staff-weeks with capacity.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

import numpy as np

from solver.contract import (
    Assignment,
    Metrics,
    Reason,
    ReasonCode,
    ReasonDetail,
    ReasonValues,
    RoundInput,
    RoundResult,
    StopReason,
    Unfilled,
    WorkDay,
)
from solver.day_rules import DayRule
from solver.day_stage import DayPlan, Placement
from solver.explain import PlannedWeek, explain_unfilled
from solver.index import HALF_HOURS, IntArray, RoundIndex, to_hours
from solver.introductions import Presence, introduction_half_hours, newcomers, present_pairs
from solver.learners import covered_per_need_week
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
    days: DayPlan | None = None,
    coverage_traded: float = 0.0,
) -> RoundResult:
    """The contract's result for a plan; `bound` is term 1's bound in weighted half-hours;
    `days` where the day stage put the assignment-weeks of needs with shift times;
    `coverage_traded` the share of term 1 given up for fewer introductions."""
    rows = np.flatnonzero(half_hours > 0)
    plan = triples.take(rows)
    hours = half_hours[rows]
    assignments = plan_assignments(index, plan, hours, days)
    planned = np.zeros((index.staff_count, index.weeks), dtype=np.int64)
    np.add.at(planned, (plan.staff, plan.week), hours)
    covered = covered_per_need_week(index, plan, hours)
    learning = index.learners(plan.staff, plan.need)
    unfilled = unfilled_need_weeks(index, plan, hours)
    if days is not None and days.kept_off():
        unfilled = with_day_reasons(index, unfilled, days)

    return RoundResult(
        status=status,
        assignments=assignments,
        unfilled=unfilled,
        metrics=Metrics(
            weighted_coverage=int((index.weight[:, None] * covered).sum()) / HALF_HOURS,
            upper_bound=bound / (HALF_HOURS * index.cover_scale),
            covered_hours=int(covered.sum()) / HALF_HOURS,
            wanted_hours=int(index.wanted.sum()) / HALF_HOURS,
            introductions=len(
                {(int(s), int(n)) for s, n in zip(plan.staff, plan.need, strict=True)}
            ),
            introduction_hours=introduction_half_hours(index, plan, hours) / HALF_HOURS,
            coverage_traded=round(coverage_traded, 6),
            new_experiences=len(present_pairs(index, plan, hours) - index.past_units),
            learners_placed=len(
                {
                    (int(s), int(n))
                    for s, n in zip(plan.staff[learning], plan.need[learning], strict=True)
                }
            ),
            changed_vs_previous=changed_vs_previous(index.round_input, assignments),
            max_utilisation=_max_utilisation(index, planned),
            solve_seconds=round(seconds, 3),
            stop_reason=stop_reason,
        ),
    )


def plan_assignments(
    index: RoundIndex, plan: Triples, hours: IntArray, days: DayPlan | None = None
) -> list[Assignment]:
    """A plan's used triples as the contract's assignments, by week, need and staff, each
    with its days where the day stage placed it."""
    order = np.lexsort((plan.staff, plan.need, plan.week))
    placed = days.days if days is not None else {}
    learning = index.learners(plan.staff, plan.need)
    assignments = []
    for i in order.tolist():
        s, n, w = int(plan.staff[i]), int(plan.need[i]), int(plan.week[i])
        assignments.append(
            Assignment(
                staff=index.staff_ids[s],
                need=index.need_ids[n],
                week=w,
                hours=to_hours(int(hours[i])),
                days=work_days(index, n, w, placed.get((s, n, w), [])),
                learner=bool(learning[i]),
            )
        )
    return assignments


def work_days(index: RoundIndex, need: int, week: int, placement: Placement) -> tuple[WorkDay, ...]:
    """A placement's days as the contract's: date, times from the shift's start, hours."""
    monday = index.round_input.week_start(week)
    days = []
    for weekday, half_hours in placement:
        start = int(index.shift_start[need, weekday]) * 30
        begins = dt.datetime.combine(monday, dt.time()) + dt.timedelta(minutes=start)
        ends = begins + dt.timedelta(minutes=half_hours * 30)
        days.append(
            WorkDay(
                date=monday + dt.timedelta(days=weekday),
                start=begins.time(),
                end=ends.time(),
                hours=to_hours(half_hours),
            )
        )
    return tuple(days)


DAY_DETAILS = {
    DayRule.DAYS: ReasonDetail.DAYS_APART,
    DayRule.DAILY_HOURS: ReasonDetail.DAILY_HOURS,
    DayRule.ONE_PLACE: ReasonDetail.ONE_PLACE_A_DAY,
    DayRule.REST: ReasonDetail.REST,
    DayRule.DAY_BLOCK: ReasonDetail.DAY_BLOCK,
}
DAY_WORDS = {
    DayRule.DAYS: "can be away on too few of the need's days",
    DayRule.DAILY_HOURS: "cannot work more hours a day on the need's days",
    DayRule.ONE_PLACE: "already work elsewhere on the need's days",
    DayRule.REST: "would not get 11 hours' rest between shifts",
    DayRule.DAY_BLOCK: "have less than a whole block left on the need's days",
}


def with_day_reasons(index: RoundIndex, unfilled: list[Unfilled], days: DayPlan) -> list[Unfilled]:
    """Each unfilled need-week whose hours the day rules cut, with a reason per day rule
    first: how many planned people it kept from more hours there."""
    cut: dict[tuple[str, int], dict[DayRule, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (s, n, w), rule in days.kept_off().items():
        cut[(index.need_ids[n], w)][rule].append(s)
    changed = []
    for u in unfilled:
        rules = cut.get((u.need, u.week), {})
        reasons = [
            Reason(
                code=ReasonCode.DAYS,
                message=f"{_people_word(len(people))} planned here {DAY_WORDS[rule]}.",
                values=ReasonValues(detail=DAY_DETAILS[rule], people=len(people)),
            )
            for rule, people in sorted(rules.items(), key=lambda r: -len(r[1]))
        ]
        changed.append(u.model_copy(update={"reasons": [*reasons, *u.reasons]}) if reasons else u)
    return changed


def _people_word(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


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
    covered = covered_per_need_week(index, plan, hours)
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
    presence = Presence.of(index, plan, hours)
    first_weeks, newcomers_at = presence.first_weeks(), newcomers(index, presence)
    together = present_pairs(index, plan, hours)
    for week in np.unique(open_week):
        this_week = plan.week == week
        needs: dict[int, list[int]] = {}
        units: dict[int, set[int]] = {}
        pairs: dict[tuple[int, int], int] = {}
        for s, n, h in zip(
            plan.staff[this_week].tolist(),
            plan.need[this_week].tolist(),
            hours[this_week].tolist(),
            strict=True,
        ):
            needs.setdefault(s, []).append(n)
            units.setdefault(s, set()).add(int(index.need_unit[n]))
            pairs[(s, n)] = h
        planned_week = PlannedWeek(
            int(week),
            planned[:, week],
            needs,
            units,
            pairs,
            _day_rows(index, plan, hours, week),
            first_weeks,
            {u: len(people) for (u, w), people in newcomers_at.items() if w == week},
            together,
        )
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


def _day_rows(
    index: RoundIndex, plan: Triples, hours: IntArray, week: int
) -> dict[int, list[tuple[int, int, int]]]:
    """staff -> (need, usable weekdays, days needed) of their week's needs with shift times."""
    rows = np.flatnonzero((plan.week == week) & index.need_by_day[plan.need])
    if len(rows) == 0:
        return {}
    staff, needs = plan.staff[rows], plan.need[rows]
    usable = index.usable_days(staff, needs, week)
    days = index.days_needed(staff, needs, hours[rows])
    found: dict[int, list[tuple[int, int, int]]] = {}
    for s, n, u, d in zip(
        staff.tolist(), needs.tolist(), usable.tolist(), days.tolist(), strict=True
    ):
        found.setdefault(s, []).append((n, u, d))
    return found


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
