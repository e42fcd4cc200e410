"""The `jobbank` command: serve the app, migrate and seed the database, solve and bench rounds.

Each command group lives in a module of its own; this one only gathers them.
"""

from __future__ import annotations

import click

from jobbank.cli.bench import bench
from jobbank.cli.database import database, seed
from jobbank.cli.export import export
from jobbank.cli.imports import import_group
from jobbank.cli.load import load
from jobbank.cli.notifications import outbox
from jobbank.cli.privacy import person_group, retention_group
from jobbank.cli.report import report
from jobbank.cli.rounds import repair, round_group, solve
from jobbank.cli.schema import schema
from jobbank.cli.serve import serve
from jobbank.cli.users import user
from jobbank.cli.worker import worker

COMMANDS: tuple[click.Command, ...] = (
    serve,
    database,
    seed,
    user,
    round_group,
    solve,
    repair,
    bench,
    schema,
    export,
    outbox,
    import_group,
    report,
    load,
    person_group,
    retention_group,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jobbank")
def main() -> None:
    """Jobbank: lend volunteers to units under pressure, by skill, hours and home load.

    Configuration comes from the environment: DATABASE_URL (default: SQLite in the data
    directory), JOBBANK_DATA_DIR (default ./data) and JOBBANK_SECRET_KEY.
    """


for command in COMMANDS:
    main.add_command(command)
