"""How a solve may run: time, threads, seed, and who hears about progress."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python.cp_model_helper import SatParameters

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
    cp_sat_parameters: str | None = None
    """For debugging: CP-SAT parameters in protobuf text format, such as
    `"num_workers:8 log_search_progress:true"`, set on every CP-SAT run of the solve after
    the solver's own (`solver.cpsat.make_solver`), so they win over them, time limits and
    workers included."""
    dump_model: Path | None = None
    """For debugging: before the search starts, write the round's model to this file: every
    week's kept triples, every hard rule and pin, term 1 maximised and the starting plan as
    its hint (stage 1's models, which search the weeks one by one, in one). A name ending in
    `.txt` gives protobuf text format, any other a binary `CpModelProto`."""

    def __post_init__(self) -> None:
        if self.cp_sat_parameters is not None:
            check_cp_sat_parameters(self.cp_sat_parameters)
        if not MIN_STALL_SECONDS <= self.stall_seconds <= MAX_STALL_SECONDS:
            raise ValueError(
                f"stall_seconds: must be {MIN_STALL_SECONDS:g}–{MAX_STALL_SECONDS:g} seconds, "
                f"got {self.stall_seconds:g}"
            )

    def worker_count(self) -> int:
        """CP-SAT search workers: as asked, or one per CPU."""
        return max(1, self.workers if self.workers is not None else (os.cpu_count() or 1))


SETTING = re.compile(r"""([A-Za-z_]\w*)\s*:?\s*("[^"]*"|'[^']*'|\[[^\]]*\]|[^\s,;]+)?""")
"""One `name: value` of a parameter text: a name, then a quoted, listed or bare value."""


def check_cp_sat_parameters(text: str) -> None:
    """Raise a `ValueError` naming the setting in `text` that CP-SAT cannot read."""
    if SatParameters().parse_text_format(text):
        return
    for setting in SETTING.finditer(text):
        name = setting.group(1)
        if not hasattr(SatParameters, f"clear_{name}"):
            raise ValueError(f"cp_sat_parameters: CP-SAT has no parameter named {name!r}")
        if not SatParameters().parse_text_format(setting.group(0)):
            raise ValueError(f"cp_sat_parameters: CP-SAT cannot read {setting.group(0)!r}")
    raise ValueError(f"cp_sat_parameters: CP-SAT cannot read {text!r}")
