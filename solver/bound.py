"""The upper bound of term 1: a max-weight flow per week, hours divisible.

Per week: source → staff (capacity) → need (pairs rules 1, 2, 5, 6 allow, where the person's
capacity reaches the need's smallest block, each at most the room day rules a and b leave the
pair) → sink (hours wanted, gain = the need's weight per
hour). Rules 7 and 8 and whole blocks are relaxed, so no plan can cover more; the flow's
choices also guide the search.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from solver.index import IntArray, RoundIndex
from solver.model import Triples


def week_flow(index: RoundIndex, week: int, triples: Triples) -> tuple[int, IntArray]:
    """Best weighted half-hours of `week` with hours divisible, and the flow on each triple."""
    if len(triples) == 0:
        return 0, np.zeros(0, dtype=np.int64)
    staff_count, need_count = index.staff_count, index.need_count
    source, sink = staff_count + need_count, staff_count + need_count + 1
    capacity = index.capacity[:, week]
    wanted = index.wanted[:, week]
    high = np.minimum(capacity[triples.staff], wanted[triples.need])
    high = np.minimum(high, index.day_room(triples.staff, triples.need, triples.week))
    staff_nodes = np.arange(staff_count, dtype=np.int64)
    need_nodes = np.arange(need_count, dtype=np.int64)
    total = int(capacity.sum())

    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        triples.staff, staff_count + triples.need, high, np.zeros(len(triples), dtype=np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(staff_count, source, dtype=np.int64),
        staff_nodes,
        capacity,
        np.zeros(staff_count, dtype=np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        staff_count + need_nodes, np.full(need_count, sink, dtype=np.int64), wanted, -index.weight
    )
    # Hours nobody can use go straight to the sink at no gain.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"week {week}: flow bound failed with status {status}")
    return -int(flow.optimal_cost()), np.asarray(flow.flows(pair_arcs), dtype=np.int64)
