"""What the commands share: exit statuses, errors on stderr, a database session, JSON files."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import BaseModel
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.core.errors import JobbankError
from jobbank.core.settings import Settings
from solver.contract import ContractError

EXIT_PLAN_FOUND, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2


def fail(messages: list[str] | str, code: int = EXIT_INVALID) -> NoReturn:
    """Print each problem on its own line to stderr and exit with `code`."""
    for message in [messages] if isinstance(messages, str) else messages:
        click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """One transaction on the configured database; a contract or domain error ends the
    command with its message (exit status 2)."""
    engine = db.make_engine(settings.url)
    try:
        with db.transaction(db.make_session_factory(engine)) as session:
            yield session
    except (ContractError, JobbankError) as exc:
        fail(str(exc).splitlines())
    finally:
        engine.dispose()


def refresh_statistics(settings: Settings) -> None:
    """After a seed the tables went from empty to full at once: the planner is told."""
    engine = db.make_engine(settings.url)
    try:
        db.refresh_statistics(engine)
    finally:
        engine.dispose()


def read_json(path: Path) -> Any:
    """The JSON document in `path`; a file that is not one ends the command naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        fail(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    except UnicodeDecodeError:
        fail(f"{path}: not a UTF-8 text file")


def write_json(document: BaseModel, out: Path | None) -> None:
    """Write `document` to `out`, or print it when no file is given."""
    text = document.model_dump_json(indent=2)
    if out is None:
        click.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    click.echo(f"wrote {out}", err=True)
