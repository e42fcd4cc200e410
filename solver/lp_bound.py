"""Term 1's linear relaxation where learners cover part of a need: a tighter yardstick.

The flow bound (`solver.bound`) lets each holder hour at a need gain the learners' share up
to what all the people who may learn it can lend, counting each of them at every need they
could learn. This linear programme counts each person's capacity once over everything they
may do, holders' and learners' hours alike, and keeps rule 11 (learners' hours at a need at
most its holders') and rule 4 with the learners' share. It relaxes what the flow relaxes
(whole hours, blocks, spread, days beyond each pair's room), so no plan covers more. It takes
seconds on a medium round, so the benchmark uses it, never the solve.
"""

from __future__ import annotations

from ortools.linear_solver import pywraplp

from solver.bound import week_flow
from solver.candidates import allowed_with_learners, compatible_triples
from solver.contract import RoundInput
from solver.index import HALF_HOURS, SHARE_STEPS, RoundIndex, index_round
from solver.model import Triples


def lp_upper_bound(round_input: RoundInput) -> float:
    """Term 1's bound in weighted hours: per week the smaller of the flow bound and the linear
    relaxation with learners (the flow bound alone where no learner covers a share)."""
    index = index_round(round_input)
    allowed = allowed_with_learners(index)
    total = 0.0
    for week in range(index.weeks):
        triples = compatible_triples(index, allowed, week)
        flow = float(week_flow(index, week, triples)[0])
        if index.cover_scale > 1 and index.learners(triples.staff, triples.need).any():
            flow = min(flow, _week_relaxation(index, week, triples))
        total += flow
    return total / (HALF_HOURS * index.cover_scale)


def _week_relaxation(index: RoundIndex, week: int, triples: Triples) -> float:
    """The week's linear relaxation with learners, in term 1's units."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    capacity, wanted = index.capacity[:, week], index.wanted[:, week]
    high = capacity[triples.staff].clip(max=wanted[triples.need])
    high = high.clip(max=index.day_room(triples.staff, triples.need, week))
    learns = index.learners(triples.staff, triples.need)
    hours = [solver.NumVar(0.0, float(h), "") for h in high.tolist()]
    by_staff: dict[int, list[pywraplp.Variable]] = {}
    holders: dict[int, list[pywraplp.Variable]] = {}
    learners: dict[int, list[pywraplp.Variable]] = {}
    for var, s, n, learner in zip(
        hours, triples.staff.tolist(), triples.need.tolist(), learns.tolist(), strict=True
    ):
        by_staff.setdefault(s, []).append(var)
        (learners if learner else holders).setdefault(n, []).append(var)
    for s, vars_ in by_staff.items():
        solver.Add(solver.Sum(vars_) <= float(capacity[s]))
    objective = []
    for n in holders.keys() | learners.keys():
        held = solver.Sum(holders.get(n, []))
        learned = solver.Sum(learners.get(n, []))
        share = float(index.learner_share[n])
        covered = SHARE_STEPS * held + share * learned
        solver.Add(covered <= float(SHARE_STEPS * wanted[n]))
        solver.Add(learned <= held)
        objective.append(float(index.weight[n]) * covered)
    solver.Maximize(solver.Sum(objective))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"week {week}: the linear relaxation found no optimum")
    return float(solver.Objective().Value())
