"""Debugging options: CP-SAT parameters of one's own on every run, and the model written out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from solver import SolveOptions, solve
from solver.budget import Budget, Clock
from solver.candidates import allowed_pairs, compatible_triples
from solver.contract import RoundInput
from solver.cpsat import make_solver
from solver.index import HALF_HOURS, index_round
from solver.model import PlanModel, Triples
from solver.objective import continuity_term, fairness_term
from solver.rules import apply_rules
from tests.solver.builders import a_need, a_round, a_staff, an_assignment


def a_small_round() -> RoundInput:
    return a_round(
        staff=[a_staff("anne"), a_staff("bob", home_load=[20]), a_staff("carl", skills=["cook"])],
        needs=[a_need("n1", hours=[30], priority=5), a_need("n2", unit="school", hours=[20])],
        pinned=[an_assignment("bob", "n2", hours=8)],
    )


def solver_for(options: SolveOptions, *, piece: bool = False) -> cp_model.CpSolver:
    return make_solver(options, Budget(Clock(options.time_limit), options), 2.0, piece=piece)


def test_own_parameters_come_on_top_of_the_solvers() -> None:
    options = SolveOptions(
        workers=1, seed=7, cp_sat_parameters="num_workers:3 symmetry_level:1 linearization_level:2"
    )
    parameters = solver_for(options, piece=True).parameters
    assert parameters.num_workers == 3
    assert parameters.symmetry_level == 1
    assert parameters.linearization_level == 2
    # What the parameters leave alone stays as the solver sets it.
    assert parameters.random_seed == 7
    assert parameters.cp_model_probing_level == 0
    assert parameters.max_deterministic_time == 2.0


def test_without_own_parameters_the_solver_sets_its_own() -> None:
    parameters = solver_for(SolveOptions(workers=2, seed=5)).parameters
    assert parameters.num_workers == 2
    assert parameters.random_seed == 5
    assert parameters.max_time_in_seconds == 2.0
    assert not parameters.log_search_progress


def test_own_parameters_reach_every_cp_sat_run(capfd: pytest.CaptureFixture[str]) -> None:
    options = SolveOptions(
        time_limit=5, workers=1, cp_sat_parameters="log_search_progress:true log_to_stdout:true"
    )
    result = solve(a_small_round(), options)
    assert result.status == "optimal"
    log = capfd.readouterr().out
    # CP-SAT logs its parameters at the start of each run it was asked to log.
    runs = log.count("Starting CP-SAT solver")
    assert runs >= 2  # stage 1's week, then the lower terms
    assert log.count("log_search_progress: true") == runs


@pytest.mark.parametrize(
    ("parameters", "named"),
    [
        ("num_workers:2 bogus:1", "no parameter named 'bogus'"),
        ("num_wrkers:3", "no parameter named 'num_wrkers'"),
        ("num_workers:x", "cannot read 'num_workers:x'"),
        ("search_branching: SIDEWAYS", "cannot read 'search_branching: SIDEWAYS'"),
    ],
)
def test_parameters_cp_sat_cannot_read_are_refused_by_name(parameters: str, named: str) -> None:
    with pytest.raises(ValueError, match=f"cp_sat_parameters: .*{named}"):
        SolveOptions(cp_sat_parameters=parameters)


def test_readable_parameters_are_accepted() -> None:
    text = 'num_workers: 8, log_search_progress: true subsolvers: "default_lp"'
    assert SolveOptions(cp_sat_parameters=text).cp_sat_parameters == text


def optimum(model: cp_model.CpModel) -> float:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return float(solver.objective_value)


def test_the_round_model_is_written_as_text(tmp_path: Path) -> None:
    path = tmp_path / "round.txt"
    result = solve(a_small_round(), SolveOptions(time_limit=5, workers=1, dump_model=path))
    model = cp_model.CpModel()
    assert model.proto.parse_text_format(path.read_text())
    assert model.proto.has_objective()
    assert len(model.proto.solution_hint.vars) > 0
    # The model is term 1 under every hard rule: its optimum is the plan's weighted coverage.
    assert optimum(model) / HALF_HOURS == result.metrics.weighted_coverage


def test_the_round_model_is_written_in_binary_unless_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "round.pb"
    result = solve(a_small_round(), SolveOptions(time_limit=5, workers=1, dump_model=path))
    proto = cp_model_pb2.CpModelProto()
    proto.ParseFromString(path.read_bytes())
    model = cp_model.CpModel()
    assert model.proto.parse_text_format(str(proto))
    assert optimum(model) / HALF_HOURS == result.metrics.weighted_coverage


def test_an_unwritable_dump_is_an_error(tmp_path: Path) -> None:
    options = SolveOptions(time_limit=5, workers=1, dump_model=tmp_path / "missing" / "r.pb")
    with pytest.raises(OSError, match="dump_model: could not write"):
        solve(a_small_round(), options)


def test_the_written_model_names_its_variables_in_the_rounds_words(tmp_path: Path) -> None:
    path = tmp_path / "round.txt"
    solve(a_small_round(), SolveOptions(time_limit=5, workers=1, dump_model=path))
    model = cp_model.CpModel()
    assert model.proto.parse_text_format(path.read_text())
    names = [v.name for v in model.proto.variables]
    assert all(names)
    assert {"hours[anne,n1,w0]", "used[anne,n1,w0]", "hours[bob,n2,w0]"} <= set(names)
    assert "hours[carl,n1,w0]" not in names  # carl is a cook: rule 1 gives him no variable


def test_helper_variables_are_named_after_what_they_count() -> None:
    round_input = a_round(
        staff=[a_staff("anne", normal_hours=37)],
        needs=[
            a_need("n1", unit="ward", hours=[8, 8]),
            a_need("n2", unit="ward", hours=[8, 8]),
            a_need("n3", unit="school", hours=[8, 8]),
            a_need("n4", unit="kitchen", hours=[8, 8]),
        ],
        weeks=2,
    )
    index = index_round(round_input)
    triples = Triples.concat(
        [compatible_triples(index, allowed_pairs(index), week) for week in range(2)]
    )
    plan = PlanModel(index, triples)
    apply_rules(plan)
    continuity_term(plan, np.zeros(len(triples), dtype=np.int64))
    fairness_term(plan, np.full(len(triples), 8, dtype=np.int64))
    names = {v.name for v in plan.model.proto.variables}
    # Rule 8 counts units: a unit with two of anne's needs gets a variable of its own.
    assert {"goes_to[anne,ward,w0]", "goes_to[anne,ward,w1]"} <= names
    assert {"introduces[anne,n1]", "introduces[anne,n3]"} <= names
    assert "beyond_fair_share[anne]" in names
