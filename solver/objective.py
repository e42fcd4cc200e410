"""The objective's five terms, most important first, and how they are ranked.

1. coverage: covered hours weighted by priority, Σ 2^(p−1)·h (maximised; the others are
   costs, minimised); a learner's hour covers the need's share of an hour (rule 11), and
   where any share is above 0 the term counts in hundredths (`RoundIndex.cover_scale`).
2. home load: Σ h · level, where level is the person's home load that week as a share of
   normal hours, in tenths (0 … 10): an hour from someone sent home without tasks costs
   nothing, an hour from someone still busy at home costs the most.
3. continuity: introductions (distinct (staff, need) pairs over the round) minus the
   `previous` (staff, need, week) assignments kept; fewer new faces per need.
4. fairness: Σ over staff of the half-hours planned beyond their fair share, where the fair
   share is the round's overall utilisation times their capacity over the round.
5. preferences: half-hours people who named `preferred_areas` or `rated_units` spend at a
   unit that is neither in one of those areas nor one of those units, less the half-hours
   people spend at a unit whose `welcome_back` names them (the evaluations' soft preference:
   a person is steered to units they rated well, a unit that wants them back gets them;
   docs/voice.md, "Soft preference", says why it is here and how it weighs).

A rotation round (`RoundInput.purpose`) keeps terms 1, 2 and 5 and puts in place of 3 and 4:

3. experience: half-hours at units the person worked at in earlier published rounds (2 each)
   or in areas they worked in (1 each): hours go to new experience rather than continuity.
4. fairness over the year: as 4, but over the twelve months before the round and the round
   together, counting what each person was lent already.

Where the round lets coverage be traded for fewer introductions (`Rules.coverage_trade`),
a stage between terms 1 and 2 maximises term 1 less the introductions' cost within that
share (`introduction_cost_term`).

Ranking is lexicographic by stages (`solver.search`): the plan is first optimised for term 1;
then each lower term is optimised in turn with every higher term held at least as good as
already reached (a constraint, not a weight), so a lower term can never buy a loss in a
higher one. No big-M weights are needed, which keeps the coefficients small.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from solver.contract import Purpose
from solver.index import IntArray, to_half_hours
from solver.introductions import introduction_prices
from solver.model import PlanModel

Term = Callable[[PlanModel, IntArray], cp_model.LinearExpr]
"""A term builds its expression on a plan, given the current half-hours per row."""


def coverage_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 1 (maximised): weighted half-hours covered, a learner's at the need's share
    (`RoundIndex.cover_weight`)."""
    weights = plan.index.cover_weight(plan.triples.staff, plan.triples.need)
    return cp_model.LinearExpr.weighted_sum(plan.hours, [int(w) for w in weights])


def home_load_levels(plan: PlanModel) -> IntArray:
    """Per row, the person's home load that week as tenths of normal hours (0 … 10)."""
    t = plan.triples
    load = plan.index.home_load[t.staff, t.week]
    normal = load + plan.index.capacity[t.staff, t.week]
    levels: IntArray = np.where(normal > 0, (10 * load + normal // 2) // np.maximum(normal, 1), 10)
    return levels


def home_load_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 2 (cost): hours taken from people who still have work at home."""
    levels = home_load_levels(plan)
    rows = np.flatnonzero(levels > 0)
    return cp_model.LinearExpr.weighted_sum(
        [plan.hours[i] for i in rows], [int(v) for v in levels[rows]]
    )


def continuity_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 3 (cost): introductions, less the previous assignments kept."""
    index, t = plan.index, plan.triples
    introductions = [
        plan.any_used(
            rows,
            f"introduces[{index.staff_ids[int(t.staff[rows[0]])]},"
            f"{index.need_ids[int(t.need[rows[0]])]}]",
        )
        for rows in plan.groups("staff_need")
    ]
    kept = [plan.used[i] for i in plan.previous_rows()]
    return cp_model.LinearExpr.sum(introductions) - cp_model.LinearExpr.sum(kept)


def fairness_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 4 (cost): half-hours planned beyond each person's fair share of the load."""
    nothing_lent = np.zeros(plan.index.staff_count, dtype=np.int64)
    return _beyond_fair_share(
        plan, current, plan.index.capacity.sum(axis=1), nothing_lent, "beyond_fair_share"
    )


def _beyond_fair_share(
    plan: PlanModel, current: IntArray, capacity: IntArray, lent: IntArray, name: str
) -> cp_model.LinearExpr:
    """Σ over staff of the half-hours planned beyond a fair share: the overall utilisation
    (what is planned and `lent` already, over `capacity`) times their capacity, less what
    they were lent already."""
    index, t = plan.index, plan.triples
    people = np.unique(t.staff)
    total_capacity = int(capacity[people].sum())
    if total_capacity == 0:
        return cp_model.LinearExpr.sum([])
    utilisation = (int(current.sum()) + int(lent[people].sum())) / total_capacity
    excesses = []
    for s, rows in _rows_per_staff(plan):
        fair = max(0, math.ceil(utilisation * int(capacity[s])) - int(lent[s]))
        most = int(plan.high[rows].sum())
        if most <= fair:
            continue
        excess = plan.model.new_int_var(0, most - fair, f"{name}[{index.staff_ids[s]}]")
        plan.model.add(excess >= cp_model.LinearExpr.sum([plan.hours[i] for i in rows]) - fair)
        plan.derived.append((excess, _excess_of(rows, fair)))
        excesses.append(excess)
    return cp_model.LinearExpr.sum(excesses)


def experience_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Rotation's term 3 (cost): half-hours at places the person knows, so hours go to new
    experience. An hour at a unit the person worked at in an earlier published round costs
    2, at another unit of an area they worked in 1, elsewhere nothing. Hours, not pairs: a
    new unit is worth its hours, never a sliver."""
    index, t = plan.index, plan.triples
    known_areas: dict[int, set[str]] = {}
    for s, u in index.past_units:
        known_areas.setdefault(s, set()).add(index.unit_area[u])
    units = index.need_unit[t.need]
    costs = []
    for i, (s, u) in enumerate(zip(t.staff.tolist(), units.tolist(), strict=True)):
        if (s, u) in index.past_units:
            costs.append((plan.hours[i], 2))
        elif index.unit_area[u] and index.unit_area[u] in known_areas.get(s, set()):
            costs.append((plan.hours[i], 1))
    return cp_model.LinearExpr.weighted_sum([v for v, _ in costs], [c for _, c in costs])


def year_fairness_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Rotation's term 4 (cost): half-hours planned beyond each person's fair share of the
    twelve months before the round and the round together, where the fair share is the
    overall utilisation over that time times their capacity over it, less what they were
    lent already (`Staff.lent_last_year`, `Staff.capacity_last_year`)."""
    index = plan.index
    staff = index.round_input.staff
    lent = np.array([to_half_hours(s.lent_last_year) for s in staff], dtype=np.int64)
    capacity = index.capacity.sum(axis=1) + np.array(
        [to_half_hours(s.capacity_last_year) for s in staff], dtype=np.int64
    )
    return _beyond_fair_share(plan, current, capacity, lent, "beyond_year_share")


def _excess_of(rows: IntArray, fair: int) -> Callable[[IntArray], int]:
    return lambda half_hours: max(0, int(half_hours[rows].sum()) - fair)


def _rows_per_staff(plan: PlanModel) -> list[tuple[int, IntArray]]:
    staff = plan.triples.staff
    order = np.argsort(staff, kind="stable")
    cuts = np.flatnonzero(staff[order][1:] != staff[order][:-1]) + 1
    return [(int(staff[rows[0]]), rows) for rows in np.split(order, cuts) if len(rows)]


def outside_wishes_rows(plan: PlanModel) -> list[int]:
    """Rows of people who named preferred areas or rated units, at a unit that is neither in
    one of those areas nor one of those units."""
    index, t = plan.index, plan.triples
    staff = index.round_input.staff
    preferred = [set(s.preferred_areas) for s in staff]
    rated = [{index.unit_pos[u] for u in s.rated_units} for s in staff]
    areas = index.unit_area
    rows = []
    for i in range(plan.size):
        s, unit = int(t.staff[i]), int(index.need_unit[int(t.need[i])])
        if (preferred[s] or rated[s]) and areas[unit] not in preferred[s] and unit not in rated[s]:
            rows.append(i)
    return rows


def welcomed_rows(plan: PlanModel) -> list[int]:
    """Rows at a unit whose leader would take that person again."""
    index, t = plan.index, plan.triples
    welcomed = {
        (index.staff_pos[s], u)
        for u, unit in enumerate(index.round_input.units)
        for s in unit.welcome_back
        if s in index.staff_pos
    }
    if not welcomed:
        return []
    return [
        i
        for i in range(plan.size)
        if (int(t.staff[i]), int(index.need_unit[int(t.need[i])])) in welcomed
    ]


def wishes_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 5's cost: half-hours outside the areas and units a person prefers (if they named
    any)."""
    return cp_model.LinearExpr.sum([plan.hours[i] for i in outside_wishes_rows(plan)])


def welcome_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 5's bonus (a negative cost): half-hours at units that would take the person
    again."""
    return -cp_model.LinearExpr.sum([plan.hours[i] for i in welcomed_rows(plan)])


def preference_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 5 (cost): half-hours outside what a person prefers, less half-hours at units that
    want the person back; one half-hour weighs the same in each. Without rated units and
    welcomes it is exactly the preferred-areas term."""
    if not welcomed_rows(plan):
        return wishes_term(plan, current)
    return wishes_term(plan, current) + welcome_term(plan, current)


def introduction_cost_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """Term 1's price (cost; `Rules.coverage_trade`): per (person, unit) pair new to the unit,
    the hours the unit spends introducing them, weighted as the most weighty need of that
    unit the person may take: time the unit's own staff spend on an introduction is time
    away from that work. Less term 1 makes a net plan value, so a sliver covering fewer
    weighted hours than its introduction costs is not worth planning."""
    prices = introduction_prices(plan.index, plan.triples)
    return cp_model.LinearExpr.weighted_sum(
        [plan.goes_to_unit(rows) for rows, _ in prices], [price for _, price in prices]
    )


def net_introduction_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """The trade's stage (minimised): introduction cost less term 1."""
    return introduction_cost_term(plan, current) - coverage_term(plan, current)


COVERAGE = coverage_term
LOWER_TERMS: list[Term] = [home_load_term, continuity_term, fairness_term, preference_term]
"""Terms 2–5 in rank order; each is minimised with the ones before it held."""
ROTATION_TERMS: list[Term] = [home_load_term, experience_term, year_fairness_term, preference_term]
"""Terms 2–5 of a rotation round: new experience instead of continuity, fairness over the
last twelve months instead of within the round."""


def lower_terms(purpose: Purpose) -> list[Term]:
    """Terms 2–5 of a round of `purpose`."""
    return ROTATION_TERMS if purpose is Purpose.ROTATION else LOWER_TERMS


def learner_coverage_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """The learner stage's first term (minimised, so negative): learners' half-hours weighted
    by priority and by the need's share of a covered hour, in hundredths (rule 11)."""
    index, t = plan.index, plan.triples
    rows = np.flatnonzero(plan.learner & (index.learner_share[t.need] > 0))
    weights = index.weight[t.need[rows]] * index.learner_share[t.need[rows]]
    return -cp_model.LinearExpr.weighted_sum(
        [plan.hours[i] for i in rows], [int(w) for w in weights]
    )


def learning_term(plan: PlanModel, current: IntArray) -> cp_model.LinearExpr:
    """The learner stage's second term (minimised, so negative): learners' half-hours, each
    worth more the less home load the person has that week (11 … 1), so learning is taken
    first from those their home unit misses least."""
    rows = np.flatnonzero(plan.learner)
    values = 11 - home_load_levels(plan)[rows]
    return -cp_model.LinearExpr.weighted_sum(
        [plan.hours[i] for i in rows], [int(v) for v in values]
    )


LEARNER_TERMS: list[Term] = [learner_coverage_term, learning_term]
"""The learner stage's terms in rank order: what learners cover, then how much they learn."""
