"""The `jobbank load` command; `jobbank.tools.load` does the work (imported only when it runs)."""

from __future__ import annotations

import signal
import sys

import click

from jobbank.tools.bench import SIZES


@click.command()
@click.option(
    "--database",
    default="sqlite",
    show_default=True,
    help="`sqlite` (a file in a temporary folder) or a PostgreSQL server URL, on which a "
    "fresh database is created and dropped afterwards.",
)
@click.option("--rate", type=float, default=200.0, show_default=True, help="Requests per second.")
@click.option("--seconds", type=float, default=30.0, show_default=True, help="Seconds per phase.")
@click.option(
    "--warm-up",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds of the same load first, reported as a phase of their own: a fresh server "
    "compiles its statements and templates, and the database plans them.",
)
@click.option("--during-solve", is_flag=True, help="Add a phase while HR solves a round.")
@click.option(
    "--size",
    type=click.Choice(list(SIZES)),
    default="medium",
    show_default=True,
    help="The generated sample (medium: 2,000 staff, 1,500 needs).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Generator and mix seed.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="App processes the server runs (`jobbank serve --workers`).",
)
def load(
    database: str,
    rate: float,
    seconds: float,
    warm_up: float,
    during_solve: bool,
    size: str,
    seed: int,
    workers: int,
) -> None:
    """Load-test a server on loopback: staff read their assignments, leaders post needs.

    Seeds the sample into a fresh database, starts `jobbank serve` on a free port, sends
    requests at a fixed rate (latency counts from when each was due) and prints requests/s
    and p50/p99 latency for reads and writes, with --during-solve also while HR solves.
    """
    from jobbank.tools.load import run_load

    # A terminated run still stops its server and drops its database (the `finally`s).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    staff, needs, _weeks = SIZES[size]
    if rate <= 0 or seconds <= 0:
        raise click.BadParameter("rate and seconds must be above 0")
    run_load(
        database=database,
        staff=staff,
        needs=needs,
        rate=rate,
        seconds=seconds,
        warm_up=warm_up,
        during_solve=during_solve,
        seed=seed,
        workers=workers,
        out=click.echo,
    )
