"""CP-SAT variables for a set of candidate (staff, need, week) triples.

Only triples that the pair rules and capacity allow get variables (see `solver.candidates`).
Each triple has `hours` (half-hours, 0 … `high`) and `used` (whether the person takes any
of the need that week); the rules in `solver.rules` tie them together.

Every variable is named in the round's own ids, so a written model (`SolveOptions.dump_model`)
reads: `hours[anne,n1,w0]` and `used[anne,n1,w0]` per triple, `goes_to[anne,ward,w0]` (rule
8), `introduces[anne,n1]` (term 3), `beyond_fair_share[anne]` (term 4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from ortools.sat.python import cp_model

from solver.index import BoolArray, IntArray, RoundIndex

if TYPE_CHECKING:
    from solver.introductions import Presence


@dataclass(frozen=True)
class Triples:
    """Columns of (staff, need, week) positions, one row per candidate assignment."""

    staff: IntArray
    need: IntArray
    week: IntArray

    def __len__(self) -> int:
        return len(self.staff)

    @staticmethod
    def empty() -> Triples:
        nothing = np.zeros(0, dtype=np.int64)
        return Triples(nothing, nothing, nothing)

    @staticmethod
    def concat(parts: list[Triples]) -> Triples:
        if not parts:
            return Triples.empty()
        return Triples(
            np.concatenate([p.staff for p in parts]),
            np.concatenate([p.need for p in parts]),
            np.concatenate([p.week for p in parts]),
        )

    @staticmethod
    def of(keys: Sequence[tuple[int, int, int]]) -> Triples:
        """Triples from (staff, need, week) position tuples, in their order."""
        column = np.array(keys, dtype=np.int64).reshape(-1, 3)
        return Triples(column[:, 0].copy(), column[:, 1].copy(), column[:, 2].copy())

    @staticmethod
    def from_plan(plan: dict[tuple[int, int, int], int]) -> tuple[Triples, IntArray]:
        """A plan of (staff, need, week) -> half-hours as triples in key order, with hours."""
        keys = sorted(plan)
        return Triples.of(keys), np.array([plan[k] for k in keys], dtype=np.int64)

    def plan(self, half_hours: IntArray) -> dict[tuple[int, int, int], int]:
        """The used rows as (staff, need, week) -> half-hours."""
        used = np.flatnonzero(half_hours > 0)
        return {
            (int(self.staff[r]), int(self.need[r]), int(self.week[r])): int(half_hours[r])
            for r in used
        }

    def take(self, rows: IntArray) -> Triples:
        return Triples(self.staff[rows], self.need[rows], self.week[rows])

    def keys(self, index: RoundIndex) -> IntArray:
        """One integer per triple, unique within a round: for lookups and set operations."""
        key: IntArray = (self.staff * index.need_count + self.need) * index.weeks + self.week
        return key

    def find(self, index: RoundIndex, staff: IntArray, need: IntArray, week: IntArray) -> IntArray:
        """Row of each given triple, or -1 where it is not among these triples."""
        wanted = (staff * index.need_count + need) * index.weeks + week
        keys = self.keys(index)
        if len(keys) == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        pos = np.searchsorted(sorted_keys, wanted).clip(0, len(keys) - 1)
        rows: IntArray = np.where(sorted_keys[pos] == wanted, order[pos], -1).astype(np.int64)
        return rows


def days_taken(
    index: RoundIndex, planned: list[tuple[int, int, int]], week: int
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """(staff, week) -> (usable weekdays, days needed) of `planned` (staff, need, half-hours)
    at needs with shift times: what stays fixed beside a model (`solver.rules.days_rule`)."""
    if not planned:
        return {}
    column = np.array(planned, dtype=np.int64).reshape(-1, 3)
    days = index.days_needed(column[:, 0], column[:, 1], column[:, 2])
    usable = index.usable_days(column[:, 0], column[:, 1], week)
    taken: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for s, u, d in zip(column[:, 0].tolist(), usable.tolist(), days.tolist(), strict=True):
        if d:
            taken.setdefault((s, week), []).append((u, d))
    return taken


def days_taken_in(
    index: RoundIndex, plan: dict[tuple[int, int, int], int]
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """`days_taken` of a plan of (staff, need, week) -> half-hours, over all its weeks."""
    taken: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for week in sorted({w for _, _, w in plan}):
        planned = [(s, n, h) for (s, n, w), h in plan.items() if w == week]
        taken.update(days_taken(index, planned, week))
    return taken


def group_rows(*columns: IntArray) -> list[IntArray]:
    """Rows grouped by equal values in `columns`, each group in ascending row order."""
    if len(columns[0]) == 0:
        return []
    order = np.lexsort(columns[::-1])
    stacked = np.stack([c[order] for c in columns])
    change = np.flatnonzero(np.any(stacked[:, 1:] != stacked[:, :-1], axis=0)) + 1
    return list(np.split(order, change))


@dataclass
class PlanModel:
    """A CP-SAT model with `hours` and `used` variables for each candidate triple."""

    index: RoundIndex
    triples: Triples
    pinned: dict[int, int] = field(default_factory=dict)
    """row -> pinned half-hours"""
    capacity_left: IntArray | None = None
    """Per row, the person's capacity that week less hours fixed outside this model."""
    fixed_units: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    """(staff, week) -> units the person already goes to outside this model (rule 8)."""
    fixed_days: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    """(staff, week) -> (usable weekdays, days needed) of what the person already works at
    needs with shift times outside this model (`solver.rules.days_rule`)."""
    most: IntArray | None = None
    """Per row, the most half-hours it may take besides capacity and need (a repair lets a
    published assignment only shrink)."""
    present_outside: Presence | None = None
    """Who works at units that limit their introductions, outside this model (rule 10)."""
    buddies_outside: dict[tuple[int, int], int] = field(default_factory=dict)
    """(need, week) -> holders' less learners' half-hours there outside this model (rule 11)."""

    def __post_init__(self) -> None:
        index, t = self.index, self.triples
        self.model = cp_model.CpModel()
        self.capacity: IntArray = (
            index.capacity[t.staff, t.week] if self.capacity_left is None else self.capacity_left
        )
        self.wanted: IntArray = index.wanted[t.need, t.week]
        self.high: IntArray = np.maximum(0, np.minimum(self.capacity, self.wanted))
        self.high = np.minimum(self.high, index.most_half_hours(t.staff, t.need, t.week))
        if self.most is not None:
            self.high = np.minimum(self.high, self.most)
        self.low: IntArray = index.block[t.need, t.week]
        self.learner: BoolArray = index.learners(t.staff, t.need)
        """Per row, whether the person works it as a learner (rule 11)."""
        new_int, new_bool = self.model.new_int_var, self.model.new_bool_var
        names = self.row_names()
        highs = self.high.tolist()
        self.hours = [new_int(0, h, f"hours[{r}]") for h, r in zip(highs, names, strict=True)]
        self.used = [new_bool(f"used[{r}]") for r in names]
        self.derived: list[tuple[cp_model.IntVar, Callable[[IntArray], int]]] = []
        """Helper variables and how to compute them from half-hours per row (for hints)."""
        self._goes_to: dict[tuple[int, int, int], cp_model.IntVar] = {}

    def row_names(self) -> list[str]:
        """Per row, `staff,need,wN` in the round's own ids: the variables' names say which
        assignment they are about, so a written model reads."""
        index, t = self.index, self.triples
        return [
            f"{index.staff_ids[s]},{index.need_ids[n]},w{w}"
            for s, n, w in zip(t.staff.tolist(), t.need.tolist(), t.week.tolist(), strict=True)
        ]

    def row_name(self, row: int) -> str:
        """`staff,need,wN` of one row."""
        t, index = self.triples, self.index
        return (
            f"{index.staff_ids[int(t.staff[row])]},{index.need_ids[int(t.need[row])]},"
            f"w{int(t.week[row])}"
        )

    @property
    def size(self) -> int:
        return len(self.triples)

    def groups(self, kind: str) -> list[IntArray]:
        """Rows per staff-week, need-week, staff-need or week."""
        return self._groups[kind]

    @cached_property
    def _groups(self) -> dict[str, list[IntArray]]:
        t = self.triples
        return {
            "staff_week": group_rows(t.staff, t.week),
            "need_week": group_rows(t.need, t.week),
            "staff_need": group_rows(t.staff, t.need),
            "week": group_rows(t.week),
        }

    def previous_rows(self) -> IntArray:
        """Rows that repeat an assignment of the previous round (same staff, need, week)."""
        previous = self.index.round_input.previous
        if not previous:
            return np.zeros(0, dtype=np.int64)
        pos = self.index
        rows = self.triples.find(
            pos,
            np.array([pos.staff_pos[a.staff] for a in previous], dtype=np.int64),
            np.array([pos.need_pos[a.need] for a in previous], dtype=np.int64),
            np.array([a.week for a in previous], dtype=np.int64),
        )
        found: IntArray = rows[rows >= 0]
        return found

    def add_hint(self, half_hours: IntArray) -> None:
        """Start the search from a plan given as half-hours per row."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for i in range(self.size):
            h = int(half_hours[i])
            self.model.add_hint(self.hours[i], h)
            self.model.add_hint(self.used[i], h > 0)
        for var, value in self.derived:
            self.model.add_hint(var, value(half_hours))

    def goes_to(self, rows: IntArray) -> cp_model.IntVar:
        """Whether the person goes to the unit that week: `rows` are all of one (staff, unit,
        week) in this model; one variable per such triple, whichever rule asks."""
        t, index = self.triples, self.index
        first = int(rows[0])
        staff, week = int(t.staff[first]), int(t.week[first])
        unit = int(index.need_unit[int(t.need[first])])
        key = (staff, unit, week)
        if key not in self._goes_to:
            name = f"goes_to[{index.staff_ids[staff]},{index.unit_ids[unit]},w{week}]"
            self._goes_to[key] = self.any_used(rows, name)
        return self._goes_to[key]

    def goes_to_unit(self, rows: IntArray) -> cp_model.IntVar:
        """Whether the person works at the unit in any week: `rows` are all of one (staff,
        unit) in this model."""
        t, index = self.triples, self.index
        first = int(rows[0])
        staff, unit = int(t.staff[first]), int(index.need_unit[int(t.need[first])])
        return self.any_used(rows, f"at_unit[{index.staff_ids[staff]},{index.unit_ids[unit]}]")

    def any_used(self, rows: IntArray, name: str) -> cp_model.IntVar:
        """A boolean named `name` that is 1 when any of `rows` is used (the row's own `used`
        if only one)."""
        if len(rows) == 1:
            return self.used[int(rows[0])]
        var = self.model.new_bool_var(name)
        for i in rows:
            self.model.add_implication(self.used[int(i)], var)
        self.model.add_bool_or([self.used[int(i)] for i in rows]).only_enforce_if(var)
        self.derived.append((var, lambda hh: int(bool((hh[rows] > 0).any()))))
        return var
