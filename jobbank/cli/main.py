"""The `jobbank` command: serve the app, migrate and seed the database, solve and bench rounds."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.core.errors import JobbankError
from jobbank.core.roles import Role
from jobbank.core.settings import Settings, load_settings
from solver.contract import ContractError, RoundInput, RoundResult, parse_round_input

EXIT_PLAN_FOUND, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2
BUILTIN_FIXTURES = ("municipality",)


def fail(messages: list[str] | str, code: int = EXIT_INVALID) -> NoReturn:
    """Print each problem on its own line to stderr and exit with `code`."""
    for message in [messages] if isinstance(messages, str) else messages:
        click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = db.make_engine(settings.url)
    try:
        with db.transaction(db.make_session_factory(engine)) as session:
            yield session
    except (ContractError, JobbankError) as exc:
        fail(str(exc).splitlines())
    finally:
        engine.dispose()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jobbank")
def main() -> None:
    """Jobbank: lend volunteers to units under pressure, by skill, hours and home load.

    Configuration comes from the environment: DATABASE_URL (default: SQLite in the data
    directory), JOBBANK_DATA_DIR (default ./data) and JOBBANK_SECRET_KEY.
    """


# --- serve ---------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--demo",
    is_flag=True,
    help="Migrate the database and, if it is empty, load the sample municipality and demo users.",
)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="App processes sharing the port: one per CPU core and one more keeps every core busy "
    "while the others wait on the database.",
)
def serve(host: str, port: int, demo: bool, reload: bool, workers: int) -> None:
    """Run the web app and API (OpenAPI at /schema, health at /health)."""
    import uvicorn

    settings = load_settings()
    if demo:
        _prepare_demo(settings)
    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"
    click.echo(f"Jobbank is at {url}  (API schema: {url}/schema, health: {url}/health)")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=None if reload else workers,
    )


def _prepare_demo(settings: Settings) -> None:
    from fixtures import sample_municipality
    from jobbank.db.seeding import load_municipality

    db.upgrade(settings.url)
    engine = db.make_engine(settings.url)
    fresh = db.is_empty(engine)
    engine.dispose()
    municipality = sample_municipality()
    if fresh:
        with _session(settings) as session:
            load_municipality(session, municipality, today=dt.date.today())
        _refresh_statistics(settings)
        click.echo(f"Loaded the sample municipality {municipality.name} into {settings.url}")
    click.echo("Demo log-ins (username / password / roles):")
    for user in _demo_users_to_show(municipality.users):
        click.echo(f"  {user.username:<24} {user.password:<20} {', '.join(user.roles)}")


def _refresh_statistics(settings: Settings) -> None:
    """After a seed the tables went from empty to full at once: the planner is told."""
    engine = db.make_engine(settings.url)
    try:
        db.refresh_statistics(engine)
    finally:
        engine.dispose()


def _demo_users_to_show(users: list[Any]) -> list[Any]:
    """One or two log-ins per role is what a newcomer needs to look around."""
    shown: list[Any] = []
    for role in (Role.HR_COORDINATOR, Role.UNIT_LEADER, Role.STAFF):
        shown += [u for u in users if role in u.roles and u not in shown][:2]
    return shown


# --- database ------------------------------------------------------------------------------


@main.group(name="db")
def database() -> None:
    """Database schema migrations."""


@database.command()
@click.option("--revision", default="head", show_default=True, help="Migrate to this revision.")
def upgrade(revision: str) -> None:
    """Apply the migrations to DATABASE_URL (or the SQLite file in the data directory)."""
    settings = load_settings()
    db.upgrade(settings.url, revision)
    click.echo(f"Database at {settings.url} is at revision {revision}.")


@main.command()
@click.argument("fixture")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Week 0 of the fixture is the week of this day (default: today).",
)
def seed(fixture: str, today: dt.datetime | None) -> None:
    """Load FIXTURE into an empty database: `municipality` (the sample) or a JSON file.

    The database is migrated first. Nothing is written if any row of the fixture is wrong.
    """
    from jobbank.db.seeding import load_municipality, read_fixture

    if fixture in BUILTIN_FIXTURES:
        from fixtures import sample_municipality

        municipality = sample_municipality()
    elif Path(fixture).is_file():
        try:
            municipality = read_fixture(Path(fixture))
        except ContractError as exc:
            fail(exc.messages)
    else:
        fail(f"fixture: no fixture named {fixture!r} (try {', '.join(BUILTIN_FIXTURES)} or a file)")
    settings = load_settings()
    db.upgrade(settings.url)
    with _session(settings) as session:
        summary = load_municipality(
            session, municipality, today=(today.date() if today else dt.date.today())
        )
    _refresh_statistics(settings)
    click.echo(f"Loaded {municipality.name}: " + ", ".join(f"{v} {k}" for k, v in summary))


# --- users ---------------------------------------------------------------------------------


@main.group()
def user() -> None:
    """User accounts: log-ins and their roles."""


@user.command(name="add")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="A role to grant; repeat for several.",
)
@click.option("--person", help="Employee number of the person this log-in belongs to.")
@click.password_option(help="The password (asked for when not given).")
def add_user(username: str, roles: tuple[str, ...], person: str | None, password: str) -> None:
    """Create a log-in, e.g. the first HR coordinator."""
    from sqlalchemy import select

    from jobbank.accounts import add_user as create
    from jobbank.db.models import Person

    with _session(load_settings()) as session:
        owner = None
        if person:
            owner = session.scalar(select(Person).where(Person.employee_no == person))
            if owner is None:
                fail(f"person: no person with employee number {person!r}")
        create(session, username=username, password=password, roles=map(Role, roles), person=owner)
    click.echo(f"Created user {username} ({', '.join(roles)}).")


# --- rounds --------------------------------------------------------------------------------


@main.group(name="round")
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
    with _session(settings) as session:
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

    with _session(load_settings()) as session:
        rnd = get_round(session, round_id)
        document: RoundInput | RoundResult | None = (
            round_result(rnd) if what == "result" else round_input(session, rnd)
        )
    if document is None:
        fail(f"round {round_id}: has no result yet")
    _write_json(document, out)


@round_group.command(name="store-result")
@click.argument("round_id", type=int)
@click.argument("result_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def store_round_result(round_id: int, result_file: Path) -> None:
    """Store a RoundResult (e.g. from `jobbank solve`) as the round's proposal."""
    from jobbank.rounds import get_round, store_result
    from solver.contract import parse_round_result

    result = parse_round_result(_read_json(result_file))
    with _session(load_settings()) as session:
        store_result(session, get_round(session, round_id, for_update=True), result)
    click.echo(f"Stored {len(result.assignments)} assignments in round {round_id}.")


# --- solver --------------------------------------------------------------------------------


@main.command()
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
def solve(
    round_file: Path,
    time_limit: float,
    workers: int | None,
    seed: int,
    stall_seconds: float | None,
    out: Path | None,
) -> None:
    """Plan a round: read a RoundInput JSON file, write the RoundResult.

    Exit status: 0 a plan was found, 1 the input cannot be planned (e.g. a pin breaks a hard
    rule), 2 the input is invalid (the message names the field and the id).
    """
    try:
        round_input = parse_round_input(_read_json(round_file))
    except ContractError as exc:
        fail([f"{round_file}: {m}" for m in exc.messages])
    from jobbank.solving import summarize
    from solver import SolveOptions
    from solver import solve as plan

    try:
        options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
        if stall_seconds is not None:
            options = replace(options, stall_seconds=stall_seconds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--stall-seconds") from exc
    result = plan(round_input, options)
    click.echo(summarize(round_input, result), err=out is None)
    _write_json(result, out)
    sys.exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_PLAN_FOUND)


@main.command()
@click.option(
    "--size",
    "sizes",
    multiple=True,
    type=click.Choice(["small", "medium", "large", "full"]),
    help="Instance size; repeat for several (default: small, medium and large; with "
    "--pool regional one of small or full, default full).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Generator seed.")
@click.option(
    "--seeds",
    metavar="LIST|COUNT",
    help="Several generator seeds, each size once per seed, then the spread (min, median, "
    "max): a list (1,2,3) or a count (5 means 1–5). Replaces --seed.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    help="Solver seconds per instance, or per part with --pool regional (default per size).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Solver threads (default 2; 1 per part with --pool regional).",
)
@click.option(
    "--pool",
    type=click.Choice(["single", "regional"]),
    default="single",
    show_default=True,
    help="single: one municipality's round per size; regional: ten municipalities solved in "
    "parts on the queue by one worker and by two.",
)
@click.option(
    "--database",
    metavar="URL",
    help="With --pool regional (required): a PostgreSQL server; a new database is made on it "
    "for the queue and dropped afterwards.",
)
@click.option(
    "--parts",
    type=click.IntRange(min=1),
    help="With --pool regional: parts to split into (default one per municipality).",
)
def bench(
    sizes: tuple[str, ...],
    seed: int,
    seeds: str | None,
    time_limit: float | None,
    workers: int | None,
    pool: str,
    database: str | None,
    parts: int | None,
) -> None:
    """Benchmark the solver on generated instances against the bound and a greedy plan."""
    if pool == "regional":
        _bench_regional(sizes, seed, time_limit, workers, database, parts)
        return
    if "full" in sizes:
        raise click.BadParameter("full is a size of --pool regional only", param_hint="--size")
    from jobbank.tools.bench import run_bench

    chosen = list(sizes) or ["small", "medium", "large"]
    run_bench(
        chosen,
        seeds=bench_seeds(seeds) if seeds else [seed],
        time_limit=time_limit,
        workers=workers or 2,
        out=click.echo,
    )


MAX_BENCH_SEEDS = 100


def bench_seeds(text: str) -> list[int]:
    """`--seeds`: a comma-separated list of seeds, or a count n meaning seeds 1 to n."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise click.BadParameter(
            f"a list of seeds (1,2,3) or a count, got {text!r}", param_hint="--seeds"
        )
    numbers = [int(p) for p in parts]
    chosen = list(range(1, numbers[0] + 1)) if len(numbers) == 1 else numbers
    if not 1 <= len(chosen) <= MAX_BENCH_SEEDS:
        raise click.BadParameter(
            f"between 1 and {MAX_BENCH_SEEDS} seeds, got {len(chosen)}", param_hint="--seeds"
        )
    return chosen


def _bench_regional(
    sizes: tuple[str, ...],
    seed: int,
    time_limit: float | None,
    workers: int | None,
    database: str | None,
    parts: int | None,
) -> None:
    from jobbank.tools.bench import run_regional_bench

    if len(sizes) > 1:
        raise click.BadParameter("give one size with --pool regional", param_hint="--size")
    if not database:
        raise click.BadParameter(
            "--pool regional needs a PostgreSQL server", param_hint="--database"
        )
    try:
        run_regional_bench(
            database,
            size=sizes[0] if sizes else "full",
            seed=seed,
            time_limit=time_limit,
            solver_threads=workers or 1,
            parts=parts,
            out=click.echo,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default="schema")
def schema(folder: Path) -> None:
    """Write the JSON Schemas of RoundInput and RoundResult into FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, model in (("round-input", RoundInput), ("round-result", RoundResult)):
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n")
        click.echo(f"wrote {path}")


# --- JSON files ----------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        fail(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    except UnicodeDecodeError:
        fail(f"{path}: not a UTF-8 text file")


def _write_json(document: RoundInput | RoundResult, out: Path | None) -> None:
    text = document.model_dump_json(indent=2)
    if out is None:
        click.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    click.echo(f"wrote {out}", err=True)


from jobbank.cli.export import export  # noqa: E402 (its commands use `fail` above)

main.add_command(export)

from jobbank.cli.notifications import outbox  # noqa: E402 (kept beside its registration)

main.add_command(outbox)

from jobbank.cli.imports import import_group  # noqa: E402 (kept beside its registration)

main.add_command(import_group)

from jobbank.cli.report import report  # noqa: E402 (kept beside its registration)

main.add_command(report)

from jobbank.cli.load import load  # noqa: E402 (kept beside its registration)

main.add_command(load)

from jobbank.cli.privacy import person_group, retention_group  # noqa: E402 (kept beside its registration)

for group in (person_group, retention_group):
    main.add_command(group)

from jobbank.cli.worker import worker  # noqa: E402 (kept beside its registration)

main.add_command(worker)
