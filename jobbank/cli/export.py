"""`jobbank export …`: a round's plan as CSV or XLSX, the same files HR downloads from the
round's page (see `jobbank.exports` for their columns and why CSV is written as it is)."""

from __future__ import annotations

from pathlib import Path

import click

from jobbank.cli.common import open_session
from jobbank.core.settings import load_settings
from jobbank.exports import FileFormat, View, render, round_tables
from jobbank.rounds import get_round


@click.group(name="export")
def export() -> None:
    """Export data as spreadsheets (CSV for Danish Excel, or XLSX)."""


@export.command(name="round")
@click.argument("round_id", type=int)
@click.option(
    "--view",
    type=click.Choice([view.value for view in View]),
    default=View.PERSONS.value,
    show_default=True,
    help="One row per assignment by person, by need, one per day worked (days), or one per "
    "unfilled need-week.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice([kind.value for kind in FileFormat]),
    default=FileFormat.CSV.value,
    show_default=True,
    help="csv: UTF-8 with BOM, ';'-separated, decimal comma; xlsx: a spreadsheet.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the file here.",
)
def export_round(round_id: int, view: str, file_format: str, out: Path) -> None:
    """Write round ROUND_ID's plan (or its unfilled need-weeks with reasons) to a file."""
    kind = FileFormat(file_format)
    with open_session(load_settings()) as session:
        tables = round_tables(session, get_round(session, round_id), View(view), kind)
    out.write_bytes(render(tables, kind))
    click.echo(f"wrote {out} ({len(tables[0].rows)} rows)", err=True)
