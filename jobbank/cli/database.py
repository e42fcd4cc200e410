"""`jobbank db upgrade` and `jobbank seed`: the database's schema and its first rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from jobbank import db
from jobbank.cli.common import fail, open_session, refresh_statistics
from jobbank.core.settings import load_settings
from solver.contract import ContractError

BUILTIN_FIXTURES = ("municipality",)


@click.group(name="db")
def database() -> None:
    """Database schema migrations."""


@database.command()
@click.option("--revision", default="head", show_default=True, help="Migrate to this revision.")
def upgrade(revision: str) -> None:
    """Apply the migrations to DATABASE_URL (or the SQLite file in the data directory)."""
    settings = load_settings()
    db.upgrade(settings.url, revision)
    click.echo(f"Database at {settings.url} is at revision {revision}.")


@click.command()
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
    from jobbank.seeding import load_municipality, read_fixture

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
    with open_session(settings) as session:
        summary = load_municipality(
            session, municipality, today=(today.date() if today else dt.date.today())
        )
    refresh_statistics(settings)
    click.echo(f"Loaded {municipality.name}: " + ", ".join(f"{v} {k}" for k, v in summary))
