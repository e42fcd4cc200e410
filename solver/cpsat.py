"""CP-SAT as a solve's options ask: every solver of a solve is made here, and models are
written here for debugging."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

from solver.budget import MIN_STAGE_SECONDS, Budget
from solver.index import IntArray
from solver.model import PlanModel
from solver.options import SolveOptions


def make_solver(
    options: SolveOptions,
    budget: Budget,
    seconds: float,
    *,
    workers: int | None = None,
    piece: bool = False,
) -> cp_model.CpSolver:
    """A CP-SAT solver with the options' workers and seed, limited to `seconds`; `piece` for
    a neighbourhood's small model. The options' own CP-SAT parameters come last and win."""
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    seconds = max(seconds, MIN_STAGE_SECONDS)
    if budget.deterministic:
        parameters.max_deterministic_time = seconds
        wall = min(seconds * 10 + 1, budget.wall_left())
        parameters.max_time_in_seconds = max(wall, MIN_STAGE_SECONDS)
    else:
        parameters.max_time_in_seconds = seconds
    parameters.num_workers = workers or options.worker_count()
    parameters.random_seed = options.seed
    if piece:
        # Pieces are small and many: probing and symmetry detection cost more than they find.
        parameters.cp_model_probing_level = 0
        parameters.symmetry_level = 0
    if options.cp_sat_parameters is not None and not parameters.merge_text_format(
        options.cp_sat_parameters
    ):
        raise ValueError(f"cp_sat_parameters: CP-SAT cannot read {options.cp_sat_parameters!r}")
    return solver


def read_hours(solver: cp_model.CpSolver, plan: PlanModel) -> IntArray:
    """Half-hours per row of the solver's best plan."""
    solution = np.asarray(solver.response_proto.solution, dtype=np.int64)
    return solution[[v.index for v in plan.hours]] if plan.size else np.zeros(0, dtype=np.int64)


def write_model(model: cp_model.CpModel, path: Path) -> None:
    """Write `model` to `path`: text format when the name ends in `.txt`, else binary."""
    if not model.export_to_file(str(path)):
        raise OSError(f"dump_model: could not write the model to {path}")
