"""Imports from the HR system and the units' sheets: staff with their volunteer profiles, and
needs, from CSV or XLSX, in our layout or any other through a column mapping.

The whole file is checked before anything is stored, and the report names every bad row and
column. Nothing is stored unless every row is valid, or, with `skip_invalid`, only the valid
rows are (the report lists the skipped ones). Rows are matched by employee number or need
reference, so importing the same file again changes nothing. Everything happens in the
caller's transaction, one audit entry (`import`) per created or updated row; a dry run
stores nothing and reports what it would have done.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.imports.needs import NeedImport
from jobbank.imports.rows import ImportReport, Kind, RowProblem, RowReader
from jobbank.imports.staff import StaffImport
from jobbank.imports.tables import ColumnMapping, Limits, Table, read_mapping, read_table
from jobbank.organisation import require_hr

__all__ = [
    "ColumnMapping",
    "ImportReport",
    "Kind",
    "Limits",
    "RowProblem",
    "import_file",
    "read_mapping",
]

KEY_NAMES = {"employee_no": "employee number", "ref": "need reference"}


class Importer(Protocol):
    """What one kind of import knows: its fields, how to check a row and how to store it."""

    kind: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    key: str

    def check(self, reader: RowReader) -> Any | None: ...

    def store(self, actor: Actor, row: Any) -> str: ...


IMPORTERS: dict[Kind, type[StaffImport] | type[NeedImport]] = {
    "staff": StaffImport,
    "needs": NeedImport,
}


def import_file(
    session: Session,
    actor: Actor,
    kind: Kind,
    name: str,
    content: bytes,
    *,
    limits: Limits,
    mapping: ColumnMapping | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check the whole file, then store all of it, its valid rows (`skip_invalid`), or nothing.

    A file too big, unreadable or mapped onto unknown fields raises `InvalidInput`; wrong
    rows do not raise, they are the report's problems (`report.valid` is False).
    """
    require_hr(actor, "imports")
    importer: Importer = IMPORTERS[kind](session)
    mapping = mapping or ColumnMapping()
    table = read_table(name, content, mapping, limits, importer.fields)
    report = ImportReport(kind=kind, file=name, rows=len(table.rows), dry_run=dry_run)
    report.problems = _missing_columns(table, importer)
    if report.problems:  # no row can be right; skipping would skip them all
        return report
    checked = _checked_rows(table, mapping, importer, report)
    if report.problems and not skip_invalid:
        return report
    report.skipped = sorted({problem.row for problem in report.problems})
    if dry_run:
        with session.begin_nested() as trial:
            _store(actor, importer, checked, report)
            trial.rollback()
    else:
        _store(actor, importer, checked, report)
        report.written = True
    return report


def _missing_columns(table: Table, importer: Importer) -> list[RowProblem]:
    return [
        RowProblem(row=1, column=field, message="missing column: the header has no such field")
        for field in importer.required
        if field not in table.headers
    ]


def _checked_rows(
    table: Table, mapping: ColumnMapping, importer: Importer, report: ImportReport
) -> list[Any]:
    """The valid rows, checked; each problem of the others goes into the report."""
    first_seen: dict[str, int] = {}
    valid = []
    for row in table.rows:
        reader = RowReader(table, row, mapping)
        key = row.cells.get(importer.key, "").strip()
        if key and key in first_seen:
            reader.problem(
                importer.key,
                f"duplicate {KEY_NAMES[importer.key]} {key!r} (also in row {first_seen[key]})",
            )
        first_seen.setdefault(key, row.number)
        checked = importer.check(reader)
        report.problems += reader.problems
        if checked is not None and not reader.problems:
            valid.append(checked)
    return valid


def _store(actor: Actor, importer: Importer, rows: list[Any], report: ImportReport) -> None:
    for row in rows:
        outcome = importer.store(actor, row)
        setattr(report, outcome, getattr(report, outcome) + 1)
