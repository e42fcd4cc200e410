"""The upper bound of term 1: a max-weight flow per week, hours divisible.

Per week: source → staff (capacity) → need (pairs rules 1, 2, 5, 6 allow, where the person's
capacity reaches the need's smallest block) → sink (hours wanted, gain = the need's weight per
hour). A pair whose need has shift times goes through the person's days instead: staff → the
person's weekday (at most their hours a day, rule b) → need (on each weekday both allow, the
shorter of the shift and the person's day, when it holds the need's smallest block: rules a,
b and e). A day flows to several needs only in parts, so one place a day (rule c) holds for
whole days only; rules 7, 8, d and whole blocks are relaxed too, so no plan can cover more.
The flow's choices also guide the search.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from solver.index import SHARE_STEPS, BoolArray, IntArray, RoundIndex
from solver.model import Triples

WEEKDAYS = 7


def week_flow(index: RoundIndex, week: int, triples: Triples) -> tuple[int, IntArray]:
    """Term 1's best value in `week` (in its units, `RoundIndex.cover_scale`) with hours
    divisible, and the flow on each triple. Learner rows carry no flow of their own: what
    they can lend lets the holders' hours at their need gain the learners' share
    (`_WeekGraph.need_arcs_with_learners`)."""
    if len(triples) == 0:
        return 0, np.zeros(0, dtype=np.int64)
    learns = index.learners(triples.staff, triples.need)
    graph = _WeekGraph(index, week, _learnable(index, triples, learns, week))
    holders = np.flatnonzero(~learns)
    triples = triples.take(holders)
    dated, on_day = _dated_rows(index, triples, week)
    direct = np.flatnonzero(~dated)
    staff, need = triples.staff[direct], triples.need[direct]
    high = np.minimum(graph.capacity[staff], graph.wanted[need])
    high = np.minimum(high, index.day_room(staff, need, week))
    pair_arcs = graph.pairs(staff, need, high)
    rows, days = np.nonzero(on_day)
    day_arcs = graph.days(triples.staff[rows], days, triples.need[rows], on_day[rows, days])
    value = graph.solve()
    flow = np.zeros(len(triples), dtype=np.int64)
    flow[direct] = graph.flows(pair_arcs)
    np.add.at(flow, rows, graph.flows(day_arcs))
    full = np.zeros(len(learns), dtype=np.int64)
    full[holders] = flow
    return value, full


def _learnable(
    index: RoundIndex, triples: Triples, learns: BoolArray, week: int
) -> IntArray | None:
    """Per need, the half-hours the learners among `triples` can lend that week; none when
    no learner row covers part of a need."""
    if index.cover_scale == 1 or not learns.any():
        return None
    staff, need = triples.staff[learns], triples.need[learns]
    lendable = np.bincount(need, weights=index.capacity[staff, week], minlength=index.need_count)
    return lendable.astype(np.int64)


def _dated_rows(index: RoundIndex, triples: Triples, week: int) -> tuple[BoolArray, IntArray]:
    """Which rows go through the person's days (their need has shift times and some weekday
    holds its smallest block), and per row and weekday the half-hours that day can take."""
    if not index.need_by_day.any():
        return np.zeros(len(triples), dtype=np.bool_), np.zeros((len(triples), WEEKDAYS), np.int64)
    per_day, whole = index.room_per_day(triples.staff, triples.need, week)
    on_day: IntArray = per_day * whole
    dated: BoolArray = index.need_by_day[triples.need] & whole.any(axis=1)
    return dated, np.where(dated[:, None], on_day, 0)


class _WeekGraph:
    """The week's flow network: nodes are staff, needs, source, sink and the staff's weekdays."""

    def __init__(self, index: RoundIndex, week: int, learnable: IntArray | None = None) -> None:
        self.index = index
        self.scale = index.cover_scale
        self.capacity = index.capacity[:, week]
        self.wanted = index.wanted[:, week]
        staff_count, need_count = index.staff_count, index.need_count
        self.need_node = staff_count
        self.source = staff_count + need_count
        self.sink = self.source + 1
        self.day_node = self.sink + 1
        self.flow = min_cost_flow.SimpleMinCostFlow()
        self.total = int(self.capacity.sum())
        staff_nodes = np.arange(staff_count, dtype=np.int64)
        need_nodes = np.arange(need_count, dtype=np.int64)
        self._arcs(np.full(staff_count, self.source), staff_nodes, self.capacity)
        if learnable is None:
            sink = np.full(need_count, self.sink)
            self._arcs(self.need_node + need_nodes, sink, self.wanted, -index.weight * self.scale)
        else:
            self.need_arcs_with_learners(learnable)
        # Hours nobody can use go straight to the sink at no gain.
        self.flow.add_arc_with_capacity_and_unit_cost(self.source, self.sink, self.total, 0)
        self.days_added = False

    def need_arcs_with_learners(self, learnable: IntArray) -> None:
        """Need to sink in two arcs per need: the holders' first `first` half-hours gain their
        weight times (1 + share), as each may have a learner beside it (rule 11); the rest
        gain the weight alone, up to what the need asks for. A learner hour covers the
        share, at most as many learners as holders, at most what the learners can lend: the
        need's cover over holder hours h is min(wanted, h + share · min(h, learnable)),
        concave, so cheaper arcs first is exact and no plan covers more."""
        index, wanted = self.index, self.wanted
        share = np.where(learnable > 0, index.learner_share, 0)
        steps = SHARE_STEPS + share
        first = np.minimum(learnable, -(-wanted * SHARE_STEPS // steps)) * (share > 0)
        rest = np.maximum(0, wanted - first * steps // SHARE_STEPS)
        nodes = self.need_node + np.arange(index.need_count, dtype=np.int64)
        sink = np.full(index.need_count, self.sink)
        self._arcs(nodes, sink, first, -index.weight * steps)
        self._arcs(nodes, sink, rest, -index.weight * SHARE_STEPS)

    def pairs(self, staff: IntArray, need: IntArray, high: IntArray) -> IntArray:
        return self._arcs(staff, self.need_node + need, high)

    def days(self, staff: IntArray, day: IntArray, need: IntArray, hours: IntArray) -> IntArray:
        """Arcs from the person's weekday to the need; each weekday holds the person's day."""
        if not self.days_added:
            self._add_day_nodes()
        return self._arcs(self.day_node + staff * WEEKDAYS + day, self.need_node + need, hours)

    def _add_day_nodes(self) -> None:
        staff_count = self.index.staff_count
        staff = np.repeat(np.arange(staff_count, dtype=np.int64), WEEKDAYS)
        day = np.tile(np.arange(WEEKDAYS, dtype=np.int64), staff_count)
        self._arcs(staff, self.day_node + staff * WEEKDAYS + day, self.index.hours_a_day[staff])
        self.days_added = True

    def _arcs(
        self, tails: IntArray, heads: IntArray, capacities: IntArray, costs: IntArray | None = None
    ) -> IntArray:
        count = len(tails)
        arcs: IntArray = self.flow.add_arcs_with_capacity_and_unit_cost(
            np.asarray(tails, dtype=np.int64),
            np.asarray(heads, dtype=np.int64),
            np.asarray(capacities, dtype=np.int64),
            np.zeros(count, dtype=np.int64) if costs is None else np.asarray(costs, np.int64),
        )
        return arcs

    def solve(self) -> int:
        self.flow.set_node_supply(self.source, self.total)
        self.flow.set_node_supply(self.sink, -self.total)
        status = self.flow.solve()
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"flow bound failed with status {status}")
        return -int(self.flow.optimal_cost())

    def flows(self, arcs: IntArray) -> IntArray:
        return np.asarray(self.flow.flows(arcs), dtype=np.int64)
