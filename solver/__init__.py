"""The allocation solver: a pure function from `RoundInput` to `RoundResult`.

`solve` plans a round with CP-SAT under hard rules 1–9 of the design; `greedy_plan` is the
plain greedy a coordinator would do by hand; `upper_bound` is the bound of term 1.
"""

from __future__ import annotations

from solver.options import (
    DEFAULT_STALL_SECONDS,
    DEFAULT_TIME_LIMIT,
    MAX_STALL_SECONDS,
    MIN_STALL_SECONDS,
    Progress,
    SolveOptions,
)
from solver.plans import greedy_plan, upper_bound
from solver.regions import independent_parts, merge_results
from solver.search import solve
from solver.stopping import hard_stop_seconds

__all__ = [
    "DEFAULT_STALL_SECONDS",
    "DEFAULT_TIME_LIMIT",
    "MAX_STALL_SECONDS",
    "MIN_STALL_SECONDS",
    "Progress",
    "SolveOptions",
    "greedy_plan",
    "hard_stop_seconds",
    "independent_parts",
    "merge_results",
    "solve",
    "upper_bound",
]
