"""`jobbank round …` (create, export, store-result) on the database and `jobbank solve` on
files: a round's input goes out as JSON, is solved anywhere, and its result comes back."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import click

from jobbank.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_PLAN_FOUND,
    fail,
    open_session,
    read_json,
    write_json,
)
from jobbank.core.settings import load_settings
from solver import SolveOptions
from solver.contract import (
    ContractError,
    RoundInput,
    RoundResult,
    parse_repair_input,
    parse_round_input,
)


@click.group(name="round")
def round_group() -> None:
    """Allocation rounds in the database: create, export, store a result."""


@round_group.command(name="create")
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="The Monday the round starts.",
)
@click.option("--weeks", type=int, default=4, show_default=True, help="Number of weeks.")
@click.option("--name", default="", help="A name for the round.")
def create_round(start: dt.datetime, weeks: int, name: str) -> None:
    """Create a draft round from today's approved volunteers and open needs."""
    from jobbank.rounds import create_round as create

    settings = load_settings()
    with open_session(settings) as session:
        rnd = create(
            session,
            start=start.date(),
            weeks=weeks,
            name=name,
            max_size=settings.round_max_size,
        )
        staff = len((rnd.input_snapshot or {}).get("staff", []))
        needs = len((rnd.input_snapshot or {}).get("needs", []))
    click.echo(f"Created round {rnd.id} ({rnd.name}): {staff} volunteers, {needs} needs.")


@round_group.command(name="export")
@click.argument("round_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option("--result", "what", flag_value="result", help="Export the result, not the input.")
def export_round(round_id: int, out: Path | None, what: str | None) -> None:
    """Write the round's RoundInput (or, with --result, its RoundResult) as JSON."""
    from jobbank.rounds import get_round, round_input, round_result

    with open_session(load_settings()) as session:
        rnd = get_round(session, round_id)
        document: RoundInput | RoundResult | None = (
            round_result(rnd) if what == "result" else round_input(session, rnd)
        )
    if document is None:
        fail(f"round {round_id}: has no result yet")
    write_json(document, out)


@round_group.command(name="store-result")
@click.argument("round_id", type=int)
@click.argument("result_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def store_round_result(round_id: int, result_file: Path) -> None:
    """Store a RoundResult (e.g. from `jobbank solve`) as the round's proposal."""
    from jobbank.rounds import get_round, store_result
    from solver.contract import parse_round_result

    result = parse_round_result(read_json(result_file))
    with open_session(load_settings()) as session:
        store_result(session, get_round(session, round_id, for_update=True), result)
    click.echo(f"Stored {len(result.assignments)} assignments in round {round_id}.")


@click.command()
@click.argument("round_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--workers", type=int, help="Solver threads (default: the machine's cores).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--stall-seconds",
    type=float,
    help="Stop a stage of the search after this many seconds without a better plan "
    "(default: the solver's, 5 s).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the RoundResult JSON here (default: print it).",
)
@click.option(
    "--params",
    metavar="TEXT",
    help="For debugging: CP-SAT parameters in its text format, e.g. "
    "'log_search_progress:true num_workers:1', set on every CP-SAT run after the solver's own "
    "(CP-SAT logs to stdout: give --out too).",
)
@click.option(
    "--dump-model",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="For debugging: write the round's CP-SAT model here before the search (text format "
    "when FILE ends in .txt, binary otherwise).",
)
def solve(
    round_file: Path,
    time_limit: float,
    workers: int | None,
    seed: int,
    stall_seconds: float | None,
    out: Path | None,
    params: str | None,
    dump_model: Path | None,
) -> None:
    """Plan a round: read a RoundInput JSON file, write the RoundResult.

    Exit status: 0 a plan was found, 1 the input cannot be planned (e.g. a pin breaks a hard
    rule), 2 the input is invalid (the message names the field and the id).
    """
    try:
        round_input = parse_round_input(read_json(round_file))
    except ContractError as exc:
        fail([f"{round_file}: {m}" for m in exc.messages])
    from jobbank.solving import summarize
    from solver import solve as plan

    options = _solve_options(time_limit, workers, seed, stall_seconds, params, dump_model)
    result = plan(round_input, options)
    click.echo(summarize(round_input, result), err=out is None)
    write_json(result, out)
    sys.exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_PLAN_FOUND)


@click.command()
@click.argument("repair_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds.")
@click.option("--workers", type=int, help="Solver threads (default: the machine's cores).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the RepairResult JSON here (default: print it).",
)
def repair(repair_file: Path, time_limit: float, workers: int | None, out: Path | None) -> None:
    """Repair a published plan: read a RepairInput JSON file, write the RepairResult (the
    change set).

    Exit status: 0 a repair was found, 1 it cannot be made (e.g. a pin breaks a hard rule),
    2 the input is invalid (the message names the field and the id).
    """
    try:
        repair_input = parse_repair_input(read_json(repair_file))
    except ContractError as exc:
        fail([f"{repair_file}: {m}" for m in exc.messages])
    from solver.repair import repair as repair_plan

    options = _solve_options(time_limit, workers, 0, None, None, None)
    result = repair_plan(repair_input, options)
    coverage = result.coverage
    click.echo(
        f"{result.status}: {len(result.changes)} changes, "
        f"{result.metrics.people_disturbed} people disturbed; weighted coverage of the touched "
        f"weeks {coverage.before:g} → {coverage.after:g} (bound {coverage.bound:g}) in "
        f"{result.metrics.solve_seconds:.2f} s",
        err=out is None,
    )
    write_json(result, out)
    sys.exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_PLAN_FOUND)


def _solve_options(
    time_limit: float,
    workers: int | None,
    seed: int,
    stall_seconds: float | None,
    params: str | None,
    dump_model: Path | None,
) -> SolveOptions:
    """The solve's options; a value the solver refuses is refused naming its option."""
    try:
        options = SolveOptions(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            cp_sat_parameters=params,
            dump_model=dump_model,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--params") from exc
    if stall_seconds is None:
        return options
    try:
        return replace(options, stall_seconds=stall_seconds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--stall-seconds") from exc
