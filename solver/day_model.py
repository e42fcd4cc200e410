"""One person's week on days as a small exact CP-SAT model, for the weeks the day stage's
greedy leaves hours off: the most weighted hours placed under day rules a–e, then the fewest
days off the pattern, then the fewest days, then the fewest days the need already has people
on.

Variables, per assignment i of the week and weekday d that rule a allows: `works[i,d]` and
`hours[i,d]` (half-hours). The rules are small functions below, one per rule.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from solver.day_rules import REST, WorkedDay, day_allowed, day_block, longest_before, most_on_day
from solver.day_rules import rest_between as rest_between_days
from solver.index import RoundIndex

if TYPE_CHECKING:
    from solver.day_stage import Placement, WeekItem

DAY_MODEL_SECONDS = 1.0
"""A person's week is a few dozen variables: proven in milliseconds; this only caps a freak."""

Slot = tuple[int, int]
"""(assignment i, weekday d)"""


class DayModel:
    """The CP-SAT model of one person's week."""

    def __init__(
        self,
        index: RoundIndex,
        staff: int,
        week: int,
        items: Sequence[WeekItem],
        timeline: dict[int, WorkedDay],
    ) -> None:
        self.index, self.staff, self.week, self.items = index, staff, week, list(items)
        self.timeline = timeline
        self.model = cp_model.CpModel()
        self.works: dict[Slot, cp_model.IntVar] = {}
        self.hours: dict[Slot, cp_model.IntVar] = {}
        for i in range(len(self.items)):
            for d in range(7):
                most = self.most_on(i, d)
                if most >= self.block(i):
                    self.works[(i, d)] = self.model.new_bool_var(f"works[{i},{d}]")
                    self.hours[(i, d)] = self.model.new_int_var(0, most, f"hours[{i},{d}]")

    def block(self, i: int) -> int:
        item = self.items[i]
        return day_block(self.index, item.need, item.half_hours)

    def start(self, i: int, d: int) -> int:
        return int(self.index.shift_start[self.items[i].need, d])

    def most_on(self, i: int, d: int) -> int:
        """Rules a and b, and rule d against fixed days outside this week; 0 if not allowed."""
        n, day = self.items[i].need, self.week * 7 + d
        if not day_allowed(self.index, self.staff, n, d, self.week) or day in self.timeline:
            return 0
        start = self.start(i, d)
        before = self.timeline.get(day - 1)
        if before is not None and rest_between_days(before, WorkedDay(n, start, 0)) < REST:
            return 0
        most = min(most_on_day(self.index, self.staff, n, d), self.items[i].half_hours)
        return min(most, longest_before(start, self.timeline.get(day + 1)))

    def slots_on(self, d: int) -> list[Slot]:
        return [(i, dd) for (i, dd) in self.works if dd == d]

    def placed(self, i: int) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.sum([self.hours[s] for s in self.works if s[0] == i])


def day_hours_rule(plan: DayModel) -> None:
    """Rules b and e: a worked day holds between its block and the most the day allows; a
    day not worked holds nothing."""
    for (i, d), works in plan.works.items():
        hours = plan.hours[(i, d)]
        plan.model.add(hours >= plan.block(i)).only_enforce_if(works)
        plan.model.add(hours == 0).only_enforce_if(~works)


def week_hours_rule(plan: DayModel) -> None:
    """No more than the week's hours of each assignment are placed."""
    for i, item in enumerate(plan.items):
        plan.model.add(plan.placed(i) <= item.half_hours)


def one_place_rule(plan: DayModel) -> None:
    """Rule c: at most one need a day."""
    for d in range(7):
        plan.model.add_at_most_one([plan.works[s] for s in plan.slots_on(d)])


def rest_rule(plan: DayModel) -> None:
    """Rule d: 11 hours from the end of a worked day to the start of the next day's work."""
    for d in range(6):
        for i, _ in plan.slots_on(d):
            for j, _ in plan.slots_on(d + 1):
                longest = longest_before(plan.start(i, d), _starting(plan, j, d + 1))
                if longest < plan.block(i):
                    plan.model.add_bool_or([~plan.works[(i, d)], ~plan.works[(j, d + 1)]])
                else:
                    plan.model.add(plan.hours[(i, d)] <= longest).only_enforce_if(
                        plan.works[(j, d + 1)]
                    )


def _starting(plan: DayModel, i: int, d: int) -> WorkedDay:
    return WorkedDay(plan.items[i].need, plan.start(i, d), 0)


DAY_RULES = (day_hours_rule, week_hours_rule, one_place_rule, rest_rule)


def place_week_exactly(
    index: RoundIndex,
    staff: int,
    week: int,
    items: Sequence[WeekItem],
    timeline: dict[int, WorkedDay],
    pattern: dict[int, set[int]],
    crowded: Collection[tuple[int, int]] = (),
) -> dict[int, Placement]:
    """The best placement of a person's week (need -> days) by the model; `crowded` are the
    (need, weekday) that already have people this week."""
    plan = DayModel(index, staff, week, items, timeline)
    for rule in DAY_RULES:
        rule(plan)
    off_pattern = [
        w for (i, d), w in plan.works.items() if d not in pattern.get(plan.items[i].need, {d})
    ]
    days = list(plan.works.values())
    on_crowded = [w for (i, d), w in plan.works.items() if (plan.items[i].need, d) in crowded]
    step = len(days) + 1
    coverage = cp_model.LinearExpr.weighted_sum(
        [plan.placed(i) for i in range(len(plan.items))], [item.weight for item in plan.items]
    )
    plan.model.maximize(
        step**3 * coverage - step**2 * sum(off_pattern) - step * sum(days) - sum(on_crowded)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = DAY_MODEL_SECONDS
    solver.parameters.num_workers = 1
    status = solver.solve(plan.model)
    found: dict[int, Placement] = {item.need: [] for item in plan.items}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return found
    for (i, d), hours in plan.hours.items():
        value = int(solver.value(hours))
        if value:
            found[plan.items[i].need].append((d, value))
    return found
