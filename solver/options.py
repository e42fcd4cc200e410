"""How a solve may run: time, threads, seed, and who hears about progress."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_TIME_LIMIT = 30.0
"""Seconds; the solver stops earlier once every stage is proven optimal or stalls."""

DEFAULT_STALL_SECONDS = 5.0
"""Seconds without a better plan after which a stage of the search stops (`solver.stopping`)."""

MIN_STALL_SECONDS, MAX_STALL_SECONDS = 1.0, 600.0
"""The window's bounds: shorter would stop searches between two finds, longer than the
longest time limit means no window at all."""


@dataclass(frozen=True)
class Progress:
    """Reported on each improving plan: weighted coverage so far, its bound, seconds since start."""

    objective: float
    bound: float
    elapsed: float


@dataclass(frozen=True)
class SolveOptions:
    """Limits and hooks for one solve; the defaults suit `jobbank solve`."""

    time_limit: float = DEFAULT_TIME_LIMIT
    workers: int | None = None
    seed: int = 0
    progress: Callable[[Progress], None] | None = None
    stall_seconds: float = DEFAULT_STALL_SECONDS
    """A stage stops after this many seconds without a better plan. CP-SAT models count
    them on the wall clock, so with one worker a stop by this window (like the wall-clock
    safety stop) is the one thing that can make the same seed give another plan; the
    neighbourhood search counts them in the search's own time units."""

    def __post_init__(self) -> None:
        if not MIN_STALL_SECONDS <= self.stall_seconds <= MAX_STALL_SECONDS:
            raise ValueError(
                f"stall_seconds: must be {MIN_STALL_SECONDS:g}–{MAX_STALL_SECONDS:g} seconds, "
                f"got {self.stall_seconds:g}"
            )

    def worker_count(self) -> int:
        """CP-SAT search workers: as asked, or one per CPU."""
        return max(1, self.workers if self.workers is not None else (os.cpu_count() or 1))
