"""One hard rule or one objective term alone, on a plan fixed in advance.

`verdict(rule, round_input, plan)` builds the solver's own `PlanModel` over the plan's rows,
fixes every variable to the plan, adds that one rule and asks CP-SAT: "allowed" (FEASIBLE)
or "refused" (INFEASIBLE). `term_value` does the same for a term and returns its value.

A plan maps (staff, need, week) ids to hours. Each row's hours must fit its variable
(0 … the least of the person's capacity and the need's hours that week): sums over several
rows are what the rules check, so a verdict of "refused" is always the rule's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, cast

import numpy as np
from ortools.sat.python import cp_model

from solver.contract import RoundInput
from solver.index import IntArray, index_round, to_half_hours
from solver.introductions import Presence
from solver.model import PlanModel, Triples
from solver.objective import Term
from solver.rules import PAIR_RULES, ModelRule, PairRule

Plan = Mapping[tuple[str, str, int], float]
Verdict = Literal["allowed", "refused"]


def verdict(
    rule: PairRule | ModelRule,
    round_input: RoundInput,
    plan: Plan,
    *,
    capacity_left: dict[tuple[str, int], float] | None = None,
    elsewhere: dict[tuple[str, int], Iterable[str]] | None = None,
    present: Mapping[tuple[str, int], Iterable[str]] | None = None,
) -> Verdict:
    """What `rule` alone says of `plan`. `capacity_left` (staff, week) -> hours,
    `elsewhere` (staff, week) -> unit ids and `present` (unit, week) -> staff ids stand for
    assignments outside the model, as in a neighbourhood of the search."""
    fixed, _ = fixed_plan(
        round_input, plan, capacity_left=capacity_left, elsewhere=elsewhere, present=present
    )
    if rule in PAIR_RULES:
        refuse_pairs(fixed, rule)
    else:
        cast(ModelRule, rule)(fixed)
    status, _ = solve_fixed(fixed.model)
    if status == cp_model.INFEASIBLE:
        return "refused"
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), status
    return "allowed"


def term_value(term: Term, round_input: RoundInput, plan: Plan) -> int:
    """The value of `term` alone for `plan`, in the solver's units (half-hours, weighted as
    the term weighs them). Helper variables take their least value, as under minimising."""
    fixed, half_hours = fixed_plan(round_input, plan)
    fixed.model.minimize(term(fixed, half_hours))
    status, value = solve_fixed(fixed.model)
    assert status == cp_model.OPTIMAL, status
    return round(value)


def refuse_pairs(fixed: PlanModel, rule: PairRule) -> None:
    """A pair rule as the search applies it: a row it refuses gets no variable, so here it
    stays at 0."""
    t = fixed.triples
    for i in range(fixed.size):
        if not rule(fixed.index, int(t.need[i]))[int(t.staff[i])]:
            fixed.model.add(fixed.hours[i] == 0)


def fixed_plan(
    round_input: RoundInput,
    plan: Plan,
    *,
    capacity_left: dict[tuple[str, int], float] | None = None,
    elsewhere: dict[tuple[str, int], Iterable[str]] | None = None,
    present: Mapping[tuple[str, int], Iterable[str]] | None = None,
) -> tuple[PlanModel, IntArray]:
    """The solver's model over the plan's rows and every pin's, each variable fixed to the
    plan (a pin the plan leaves out gets 0 hours), and the plan's half-hours per row."""
    index = index_round(round_input)
    pins = {(p.staff, p.need, p.week): p.hours for p in round_input.pinned}
    rows = list(plan) + [key for key in pins if key not in plan]
    triples = Triples(
        np.array([index.staff_pos[s] for s, _, _ in rows], dtype=np.int64),
        np.array([index.need_pos[n] for _, n, _ in rows], dtype=np.int64),
        np.array([w for _, _, w in rows], dtype=np.int64),
    )
    left = None
    if capacity_left is not None:
        left = np.array([to_half_hours(capacity_left[(s, w)]) for s, _, w in rows], dtype=np.int64)
    fixed = PlanModel(
        index,
        triples,
        {i: to_half_hours(pins[key]) for i, key in enumerate(rows) if key in pins},
        capacity_left=left,
        fixed_units={
            (index.staff_pos[s], w): {index.unit_pos[u] for u in units}
            for (s, w), units in (elsewhere or {}).items()
        },
        present_outside=Presence(
            {
                (index.unit_pos[u], w): frozenset(index.staff_pos[s] for s in staff)
                for (u, w), staff in (present or {}).items()
            }
        ),
    )
    half_hours = np.array([to_half_hours(plan.get(key, 0)) for key in rows], dtype=np.int64)
    for i, h in enumerate(half_hours.tolist()):
        high = int(fixed.high[i])
        assert 0 <= h <= high, f"plan {rows[i]}: {h} half-hours, its variable holds {high}"
        fixed.model.add(fixed.hours[i] == h)
        fixed.model.add(fixed.used[i] == int(h > 0))
    return fixed, half_hours


def solve_fixed(model: cp_model.CpModel) -> tuple[int, float]:
    """CP-SAT's status for `model`, and its objective value (0 without one)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    status = int(solver.solve(model))
    return status, float(solver.objective_value)
