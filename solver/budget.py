"""The time a solve may spend: the wall clock since it began, and the search's budget."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from solver.options import SolveOptions
from solver.stopping import hard_stop_seconds

MIN_STAGE_SECONDS = 0.05
"""Least seconds any CP-SAT run is given."""

PIECE_OVERHEAD = 0.02
"""Seconds charged per neighbourhood in deterministic mode, for its Python work."""


class Clock:
    """Seconds since the solve began, and what is left of its time limit."""

    def __init__(self, limit: float) -> None:
        self.started = time.monotonic()
        self.limit = limit

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        return max(0.0, self.limit - self.elapsed())

    def share(self, part: float) -> Clock:
        """A clock started at the same moment whose limit is `part` of this one's."""
        clock = Clock(self.limit * part)
        clock.started = self.started
        return clock


class Budget:
    """Seconds the search may still spend. With one worker it counts CP-SAT's deterministic
    time (plus a fixed charge per neighbourhood), so the same seed repeats the same plan;
    with more workers, runs are not repeatable anyway and it counts wall time."""

    def __init__(self, clock: Clock, options: SolveOptions) -> None:
        self.clock = clock
        self.deterministic = options.worker_count() == 1
        self.limit = options.time_limit
        self.spent = 0.0

    def left(self) -> float:
        if self.deterministic:
            return max(0.0, min(self.limit - self.spent, self.wall_left()))
        return self.clock.left()

    def wall_left(self) -> float:
        """Wall seconds before the hard stop. A deterministic run counts CP-SAT's own time
        units, which a busy machine stretches; it may overrun the limit, but never beyond
        `solver.stopping.hard_stop_seconds`."""
        hard_stop = hard_stop_seconds(self.limit, deterministic=self.deterministic)
        return max(0.0, hard_stop - self.clock.elapsed())

    def used(self) -> float:
        """Seconds of search so far, in the same units as `left`."""
        return self.spent if self.deterministic else self.clock.elapsed()

    def charge(self, solver: cp_model.CpSolver) -> None:
        if self.deterministic:
            self.spent += float(solver.response_proto.deterministic_time)

    def charge_piece(self) -> None:
        """Neighbourhood building is Python work CP-SAT does not count."""
        if self.deterministic:
            self.spent += PIECE_OVERHEAD
