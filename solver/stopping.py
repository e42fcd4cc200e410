"""When a search stops, and why: one small rule each, and the reason a whole solve gives.

Every stage of a solve (term 1 per week, then each lower term over the round) ends for one of
four reasons:

- `bound_reached`: term 1 equals its flow bound; no plan covers more.
- `proven_optimal`: CP-SAT proved that no better plan exists in a model holding every
  compatible triple.
- `stalled`: nothing better was found for the no-improvement window (`SolveOptions.stall_seconds`),
  or the search had nothing left to try.
- `time_limit`: the stage's share of the time limit ran out.

A solve stops when its last stage stops (`solve_stop_reason`): "bound reached" is said only when
the lower terms were proven too, and "time limit" only when the solve used all its time. A
round solved in parts takes the weakest of its parts' reasons (`weakest`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import get_args

from ortools.sat.python import cp_model

from solver.contract import StopReason

STOP_REASONS: tuple[StopReason, ...] = get_args(StopReason)
"""From the strongest reason (nothing better exists) to the weakest (time ran out)."""

PROVEN: tuple[StopReason, ...] = ("bound_reached", "proven_optimal")
"""Reasons that say no better plan exists."""

WATCH_INTERVAL = 0.1
"""Seconds between two looks of the stall watch at a running CP-SAT search."""

DETERMINISTIC_OVERRUN = 3.0
DETERMINISTIC_SLACK = 10.0
"""With one worker the same seed repeats the same plan as long as the wall-clock safety stop
(limit × overrun + slack) is not reached; it is there so a solve can never run away."""


def hard_stop_seconds(time_limit: float, *, deterministic: bool = True) -> float:
    """Wall seconds from its start by which a solve with `time_limit` has stopped searching,
    however busy the machine. A deterministic solve (one worker) counts CP-SAT's own time
    units, which a busy machine stretches, so it may overrun its limit up to this safety
    stop; with more workers it keeps to the limit. Without `deterministic`, the latest of
    the two, for callers that do not know the worker count."""
    if deterministic:
        return time_limit * DETERMINISTIC_OVERRUN + DETERMINISTIC_SLACK
    return time_limit


def bound_reached(value: int, bound: int) -> bool:
    """Term 1 cannot get better: the plan covers as much as the flow bound."""
    return value >= bound


def proven_optimal(status: int, complete: bool) -> bool:
    """CP-SAT proved its model optimal, and that model held every compatible triple."""
    return status == cp_model.OPTIMAL and complete


def stalled(seconds_since_improvement: float, window: float) -> bool:
    """Nothing better was found for `window` seconds."""
    return seconds_since_improvement >= window


def time_up(seconds_left: float, smallest_step: float) -> bool:
    """What is left of a stage's time is too little for another step of search."""
    return seconds_left < smallest_step


def stage_stop_reason(
    *, status: int, complete: bool, value_at_bound: bool, watch_fired: bool
) -> StopReason:
    """Why one CP-SAT stage ended: the strongest reason that holds."""
    if value_at_bound:
        return "bound_reached"
    if proven_optimal(status, complete):
        return "proven_optimal"
    if watch_fired or status == cp_model.OPTIMAL:
        # An optimum over kept candidates only means nothing better was found among them.
        return "stalled"
    return "time_limit"


def weakest(reasons: Iterable[StopReason | None]) -> StopReason | None:
    """The weakest of several reasons, in the order of `STOP_REASONS` (a time limit is the
    weakest); None when there are none."""
    known = [r for r in reasons if r is not None]
    return max(known, key=STOP_REASONS.index) if known else None


def solve_stop_reason(first: Sequence[StopReason], lower: Sequence[StopReason]) -> StopReason:
    """Why a whole solve stopped, from its term-1 stages (`first`, one per week) and its lower
    stages in the order they ran.

    "Bound reached" when every week reached its bound and every lower term was proven;
    "proven optimal" when every stage was proven (or reached the bound); otherwise
    "time limit" when the last stage ran out of time (so the solve used all of it), and
    "stalled" when it stopped before the limit because nothing better turned up.
    """
    every = [*first, *lower]
    if all(reason in PROVEN for reason in every):
        return "bound_reached" if all(r == "bound_reached" for r in first) else "proven_optimal"
    last = lower[-1] if lower else weakest(first)
    return "time_limit" if last == "time_limit" else "stalled"


class StallWatch(cp_model.CpSolverSolutionCallback):
    """A solution callback that stops its CP-SAT search once `stalled` holds, or once the
    plan's term 1 reaches `bound` (when given). `on_better` hears each new plan's objective.

    With `after_first`, the window opens at the first plan: a window shorter than CP-SAT's
    presolve of a large model would otherwise stop it before it found anything.

    CP-SAT only calls back on a new best plan, so a thread looks every `WATCH_INTERVAL`
    seconds at how long ago that was.
    """

    def __init__(
        self,
        window: float,
        *,
        bound: int | None = None,
        on_better: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        after_first: bool = False,
    ) -> None:
        super().__init__()
        self.window = window
        self.after_first = after_first
        self.found = False
        self.bound = bound
        self.on_better = on_better
        self.clock = clock
        self.last_better = clock()
        self.fired = False
        self.at_bound = False
        self._done = threading.Event()

    def on_solution_callback(self) -> None:
        self.found = True
        self.last_better = self.clock()
        value = round(self.objective_value)
        if self.on_better is not None:
            self.on_better(value)
        if self.bound is not None and bound_reached(value, self.bound):
            self.at_bound = True
            self.stop_search()

    def search(self, solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
        """`solver.solve(model)` under this watch; returns CP-SAT's status."""
        self.last_better = self.clock()
        watcher = threading.Thread(target=self._watch, args=(solver,), daemon=True)
        watcher.start()
        try:
            return int(solver.solve(model, self))
        finally:
            self._done.set()
            watcher.join()

    def _watch(self, solver: cp_model.CpSolver) -> None:
        while not self._done.wait(WATCH_INTERVAL):
            if self.after_first and not self.found:
                continue
            if stalled(self.clock() - self.last_better, self.window):
                self.fired = True
                solver.stop_search()
                return
