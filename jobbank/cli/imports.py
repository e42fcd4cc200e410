"""`jobbank import staff FILE` and `jobbank import needs FILE`: the imports on the command line.

The report goes to stdout, one problem a line, then what was done. The exit status is 0 for
a valid file, 1 when --skip-invalid left rows out, and 2 when nothing was stored because the
file is invalid (or cannot be read, or is too big).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import JobbankError
from jobbank.core.roles import Role
from jobbank.core.settings import load_settings
from jobbank.db.models import UserAccount
from jobbank.imports import ColumnMapping, ImportReport, Kind, Limits, import_file, read_mapping

EXIT_SKIPPED, EXIT_INVALID = 1, 2
COMMAND_LINE = Actor(user_id=0, username="command line", roles=frozenset({Role.HR_COORDINATOR}))
"""Whoever runs the command owns the database; the audit log names no user for them."""

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(name="import")
def import_group() -> None:
    """Import staff or needs from a CSV or XLSX file (see README: Imports)."""


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.argument("file", type=FILE),
            click.option(
                "--mapping",
                type=FILE,
                help="A TOML or JSON column mapping for another layout (fixtures/"
                "mapping_example.toml).",
            ),
            click.option(
                "--skip-invalid", is_flag=True, help="Store the valid rows, skip the others."
            ),
            click.option("--dry-run", is_flag=True, help="Check and count; store nothing."),
            click.option("--user", help="The HR coordinator's username the audit log names."),
        ]
    ):
        command = option(command)
    return command


@import_group.command(name="staff")
@_options
def import_staff(
    file: Path, mapping: Path | None, skip_invalid: bool, dry_run: bool, user: str | None
) -> None:
    """Staff and their volunteer profiles, matched by employee number.

    Columns: employee_no, name, email, home_unit (unit code), skills (codes separated by
    commas), normal_hours; optional phone, language (da/en), opted_in (yes/no).
    """
    _run("staff", file, mapping, skip_invalid, dry_run, user)


@import_group.command(name="needs")
@_options
def import_needs(
    file: Path, mapping: Path | None, skip_invalid: bool, dry_run: bool, user: str | None
) -> None:
    """Needs, matched by their reference.

    Columns: ref, unit (code), skill (code), hours (a week), first_week, last_week (Mondays);
    optional shift, priority (1–5), exposed (yes/no), min_block, description, shift_times,
    accepts_learners (yes/no), learner_share (0–1).
    """
    _run("needs", file, mapping, skip_invalid, dry_run, user)


def _run(
    kind: Kind, file: Path, mapping_file: Path | None, skip: bool, dry_run: bool, user: str | None
) -> None:
    settings = load_settings()
    engine = db.make_engine(settings.url)
    try:
        with db.transaction(db.make_session_factory(engine)) as session:
            mapping = _mapping(mapping_file)
            actor = _actor(session, user)
            report = import_file(
                session,
                actor,
                kind,
                file.name,
                file.read_bytes(),
                limits=Limits.of(settings),
                mapping=mapping,
                skip_invalid=skip,
                dry_run=dry_run,
            )
    except JobbankError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    finally:
        engine.dispose()
    _show(report)


def _mapping(path: Path | None) -> ColumnMapping | None:
    return read_mapping(path.name, path.read_bytes()) if path is not None else None


def _actor(session: Session, username: str | None) -> Actor:
    if username is None:
        return COMMAND_LINE
    account = session.scalar(select(UserAccount).where(UserAccount.username == username))
    actor = actor_for(account) if account is not None and account.is_active else None
    if actor is None or not actor.is_hr:
        raise JobbankError(f"user: {username!r} is not an active HR coordinator")
    return actor


def _show(report: ImportReport) -> None:
    for line in report.lines():
        click.echo(line)
    if report.refused:
        sys.exit(EXIT_INVALID)
    if report.skipped:
        sys.exit(EXIT_SKIPPED)
