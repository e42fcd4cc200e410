"""The `jobbank worker` command: solve rounds queued on SAQ (`JOBBANK_SOLVE_QUEUE=saq`)."""

from __future__ import annotations

import asyncio
import logging

import click

from jobbank.core.settings import load_settings


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Rounds this worker solves at once, each in its own process; as many parts of split "
    "rounds besides, on slots of their own.",
)
def worker(concurrency: int) -> None:
    """Take solve jobs from the queue in the app's PostgreSQL database until stopped (Ctrl-C or
    SIGTERM hands a running solve back to the queue). Start as many as you like, anywhere that
    reaches the database."""
    from jobbank.runtime.queue import require_postgres
    from jobbank.runtime.worker import run_worker

    settings = load_settings()
    try:
        require_postgres(settings)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    click.echo(f"Jobbank worker: solving up to {concurrency} round(s) at once; Ctrl-C stops.")
    asyncio.run(run_worker(settings, concurrency=concurrency))
