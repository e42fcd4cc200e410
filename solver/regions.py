"""A round that falls apart into independent parts, and one result from the parts' results.

A regional pool is too big for one model, but nobody in one municipality can be lent to
another, so it falls apart. Two people or needs belong to the same part when some (staff,
need) pair joins them that a plan could ever use — the solver's own compatible triples
(rules 1, 2, 5 and 6, with capacity reaching the need's smallest block in some week) — or a
pin or a previous assignment names them together. No plan assigns outside those triples, so
the hard rules, term 1 and its bound hold part by part exactly, and so do terms 2, 3 and 5,
which are sums over assignments.

Two things are not exact: term 4 (fairness) measures fair shares against the utilisation of
the model it is solved in, so each part is fair within itself; and an unfilled need's
reasons count the people with the skill in its own part only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from solver.candidates import allowed_pairs, compatible_triples, learner_pairs
from solver.contract import Assignment, Metrics, RoundInput, RoundResult, Staff, Unfilled, Unit
from solver.index import BoolArray, IntArray, RoundIndex, index_round
from solver.result import Status, changed_vs_previous
from solver.stopping import weakest

STATUS_ORDER: tuple[Status, ...] = ("optimal", "feasible", "infeasible")
"""From best to worst: a merged result is as good as its worst part."""


# --- split ------------------------------------------------------------------------------


def independent_parts(round_input: RoundInput, *, parts: int) -> list[RoundInput]:
    """The round as at most `parts` rounds that no staff member bridges, of balanced size.

    A connected round stays one part. People and needs nothing ties to anyone go where their
    skill is, so their reasons still count the people who have it. Same input, same parts in
    the same order.
    """
    if parts < 1:
        raise ValueError(f"parts must be 1 or more, got {parts}")
    index = index_round(round_input)
    pair_staff, pair_need = tied_pairs(index)
    nodes = index.staff_count + index.need_count
    component = connected_components(nodes, pair_staff, index.staff_count + pair_need)
    group = pack_components(component, pair_staff, parts)
    place_untied(index, group)
    staff_group, need_group = group[: index.staff_count], group[index.staff_count :]
    return [
        part_input(round_input, staff_group == g, need_group == g)
        for g in range(int(group.max(initial=0)) + 1)
    ]


def tied_pairs(index: RoundIndex) -> tuple[IntArray, IntArray]:
    """Staff and need positions of every pair that must share a part: each week's compatible
    triples (the only ones a plan can use, learners' among them), pins and previous
    assignments. Pins and previous
    entries count even when a rule now forbids them, so each part names only its own ids."""
    learning = learner_pairs(index)
    allowed = [
        np.union1d(a, b).astype(np.int64)
        for a, b in zip(allowed_pairs(index), learning, strict=True)
    ]
    weeks = [compatible_triples(index, allowed, week) for week in range(index.weeks)]
    listed = [*index.round_input.pinned, *index.round_input.previous]
    staff = [*(t.staff for t in weeks), _positions(index.staff_pos, (a.staff for a in listed))]
    needs = [*(t.need for t in weeks), _positions(index.need_pos, (a.need for a in listed))]
    return np.concatenate(staff), np.concatenate(needs)


def _positions(positions: dict[str, int], ids: Iterable[str]) -> IntArray:
    return np.array([positions[i] for i in ids], dtype=np.int64)


def connected_components(nodes: int, a: IntArray, b: IntArray) -> IntArray:
    """Per node, the smallest node of its component, for edges `a[i]`–`b[i]`.

    Vectorised union–find: each pass hooks the larger root of every edge whose ends lie in
    different trees under the smaller one, then flattens the trees; parents only ever point
    to smaller nodes, so no cycle can form and every root is its tree's smallest node.
    """
    parent = np.arange(nodes, dtype=np.int64)
    while True:
        root_a, root_b = parent[a], parent[b]
        apart = root_a != root_b
        if not apart.any():
            return parent
        low = np.minimum(root_a[apart], root_b[apart])
        high = np.maximum(root_a[apart], root_b[apart])
        np.minimum.at(parent, high, low)
        while True:
            flatter = parent[parent]
            if np.array_equal(flatter, parent):
                break
            parent = flatter
        a, b = a[apart], b[apart]


def pack_components(component: IntArray, pair_staff: IntArray, parts: int) -> IntArray:
    """Per node, its group: components that pairs tie together, largest first, each into the
    lightest group so far. Size is members plus tied pairs (≈ candidate pairs × weeks, what
    the model grows with). Nodes nothing ties stay -1 for `place_untied`."""
    nodes = len(component)
    members = np.bincount(component, minlength=nodes)
    size = members + np.bincount(component[pair_staff], minlength=nodes)
    roots = np.flatnonzero((component == np.arange(nodes)) & (members > 1))
    roots = roots[np.lexsort((roots, -size[roots]))]
    count = max(1, min(parts, len(roots)))
    load = [0] * count
    group_of_root = np.full(nodes, -1, dtype=np.int64)
    for root in roots:
        lightest = min(range(count), key=lambda g: (load[g], g))
        group_of_root[root] = lightest
        load[lightest] += int(size[root])
    group: IntArray = group_of_root[component]
    return group


def place_untied(index: RoundIndex, group: IntArray) -> None:
    """Put each person and need nothing ties into the group that holds the most of their
    skill (people: needs asking one of their skills; needs: people with its skill), the
    lightest on a tie, so a need's reasons never say nobody has a skill someone has."""
    staff_count = index.staff_count
    count = int(group.max(initial=0)) + 1
    load = np.bincount(group[group >= 0], minlength=count)
    skills = len(index.skill_codes)
    needs_asking = np.zeros((count, skills), dtype=np.int64)
    placed_needs = np.flatnonzero(group[staff_count:] >= 0)
    np.add.at(needs_asking, (group[staff_count + placed_needs], index.need_skill[placed_needs]), 1)
    for s in np.flatnonzero(group[:staff_count] < 0):
        affinity = needs_asking[:, index.has_skill[:, s]].sum(axis=1)
        group[s] = _best_group(affinity, load)
    holders = np.zeros((count, skills), dtype=np.int64)
    for g in range(count):
        holders[g] = index.has_skill[:, group[:staff_count] == g].sum(axis=1)
    for n in np.flatnonzero(group[staff_count:] < 0):
        group[staff_count + n] = _best_group(holders[:, index.need_skill[n]], load)


def _best_group(affinity: IntArray, load: IntArray) -> int:
    """The group with the most affinity, then the lightest, then the first; it grows by one."""
    best = int(np.lexsort((np.arange(len(load)), load, -affinity))[0])
    load[best] += 1
    return best


def part_input(round_input: RoundInput, staff: BoolArray, needs: BoolArray) -> RoundInput:
    """The round restricted to the chosen staff and needs, with their pins, previous
    assignments and the units they name; validated like any input."""
    part_staff = [s for s, keep in zip(round_input.staff, staff, strict=True) if keep]
    part_needs = [n for n, keep in zip(round_input.needs, needs, strict=True) if keep]
    staff_ids = {s.id for s in part_staff}
    return RoundInput(
        start=round_input.start,
        weeks=round_input.weeks,
        rules=round_input.rules,
        units=units_named(round_input.units, part_staff, [n.unit for n in part_needs]),
        staff=part_staff,
        needs=part_needs,
        pinned=[a for a in round_input.pinned if a.staff in staff_ids],
        previous=[a for a in round_input.previous if a.staff in staff_ids],
    )


def units_named(units: Sequence[Unit], staff: Sequence[Staff], need_units: list[str]) -> list[Unit]:
    """The units that staff and needs name, in round order, plus one unit for each preferred
    area none of them is in (an input names only areas some unit is in); a unit's
    `welcome_back` keeps only these staff."""
    named = {s.home_unit for s in staff} | {u for s in staff for u in s.avoid_units}
    named |= {u for s in staff for u in s.rated_units}
    named |= set(need_units)
    areas = {u.area for u in units if u.id in named}
    wanted_areas = {a for s in staff for a in s.preferred_areas} - areas
    for unit in units:
        if unit.area in wanted_areas:
            named.add(unit.id)
            wanted_areas.discard(unit.area)
    staff_ids = {s.id for s in staff}
    return [_welcoming_only(u, staff_ids) for u in units if u.id in named]


def _welcoming_only(unit: Unit, staff_ids: set[str]) -> Unit:
    kept = [s for s in unit.welcome_back if s in staff_ids]
    return unit if kept == unit.welcome_back else unit.model_copy(update={"welcome_back": kept})


# --- merge ------------------------------------------------------------------------------


def merge_results(round_input: RoundInput, results: Sequence[RoundResult]) -> RoundResult:
    """One result for the whole round from the results of its independent parts.

    Like `solve` on the whole round, an infeasible part (a pin that breaks a rule) makes the
    round infeasible, with no plan; its messages name the part.
    """
    if not results:
        raise ValueError("no part results to merge")
    status = max((r.status for r in results), key=STATUS_ORDER.index)
    messages = [
        f"part {i + 1} of {len(results)}: {message}"
        for i, result in enumerate(results)
        for message in result.messages
    ]
    if status == "infeasible":
        return RoundResult(
            status=status,
            messages=messages,
            metrics=Metrics(
                wanted_hours=sum(r.metrics.wanted_hours for r in results),
                solve_seconds=max(r.metrics.solve_seconds for r in results),
            ),
        )
    assignments = merged_assignments(round_input, results)
    return RoundResult(
        status=status,
        assignments=assignments,
        unfilled=merged_unfilled(round_input, results),
        metrics=merged_metrics(round_input, results, assignments),
        messages=messages,
    )


def merged_assignments(round_input: RoundInput, results: Sequence[RoundResult]) -> list[Assignment]:
    """Every part's assignments in the order `solve` writes them: week, need, staff."""
    staff_pos = {s.id: i for i, s in enumerate(round_input.staff)}
    need_pos = {n.id: i for i, n in enumerate(round_input.needs)}
    seen: dict[tuple[str, str, int], int] = {}
    for part, result in enumerate(results, start=1):
        for a in result.assignments:
            where = f"part {part}: assignment ({a.staff}, {a.need}, week {a.week})"
            if a.staff not in staff_pos or a.need not in need_pos:
                raise ValueError(f"{where} names staff or a need not in the round")
            if (a.staff, a.need, a.week) in seen:
                raise ValueError(f"{where} is also in part {seen[(a.staff, a.need, a.week)]}")
            seen[(a.staff, a.need, a.week)] = part
    every = [a for r in results for a in r.assignments]
    return sorted(every, key=lambda a: (a.week, need_pos[a.need], staff_pos[a.staff]))


def merged_unfilled(round_input: RoundInput, results: Sequence[RoundResult]) -> list[Unfilled]:
    """Every part's unfilled need-weeks in the order `solve` writes them: week, need."""
    need_pos = {n.id: i for i, n in enumerate(round_input.needs)}
    every = [u for r in results for u in r.unfilled]
    return sorted(every, key=lambda u: (u.week, need_pos[u.need]))


def merged_metrics(
    round_input: RoundInput, results: Sequence[RoundResult], assignments: list[Assignment]
) -> Metrics:
    """The whole round's metrics (definitions in `solver.result`) from its parts'."""
    parts = [r.metrics for r in results]
    return Metrics(
        weighted_coverage=sum(m.weighted_coverage for m in parts),
        # Term 1's bound is a max-weight flow per week over the compatible triples
        # (`solver.bound`, summed over weeks in `solver.plans.upper_bound`). No triple joins
        # two parts, and a person's capacity and a need's hours and weight do not depend on
        # the rest of the round, so each week's network is the parts' networks side by side,
        # sharing only source and sink: its best flow is the sum of theirs.
        upper_bound=sum(m.upper_bound for m in parts),
        covered_hours=sum(m.covered_hours for m in parts),
        # Every need is in exactly one part.
        wanted_hours=sum(m.wanted_hours for m in parts),
        # A (staff, need) pair lies in its staff member's part, so no pair counts twice; so
        # do (staff, unit) pairs, new experiences and learners.
        introductions=sum(m.introductions for m in parts),
        introduction_hours=sum(m.introduction_hours for m in parts),
        new_experiences=sum(m.new_experiences for m in parts),
        learners_placed=sum(m.learners_placed for m in parts),
        coverage_traded=_traded(parts),
        # Not a sum: a part without previous entries reports 0 changes, yet within a round
        # that has a previous plan each of its new assignments is a change.
        changed_vs_previous=changed_vs_previous(round_input, assignments),
        # Per staff-week; each person is in one part.
        max_utilisation=max(m.max_utilisation for m in parts),
        # Parts are solved side by side; the round takes as long as its slowest part.
        solve_seconds=max(m.solve_seconds for m in parts),
        # The round is done when its last part is, and as sure as its least sure part.
        stop_reason=weakest(m.stop_reason for m in parts),
    )


def _traded(parts: Sequence[Metrics]) -> float:
    """The share of weighted coverage the parts gave up together: each part gave up its own
    share of what it had reached before the trade."""
    reached = sum(m.weighted_coverage / (1 - m.coverage_traded) for m in parts)
    kept = sum(m.weighted_coverage for m in parts)
    return round(max(0.0, 1 - kept / reached), 6) if reached else 0.0
