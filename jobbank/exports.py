"""A round's plan as spreadsheets: per person, per need, per day (`days`, for needs with shift
times; beside `persons` on a sheet of its own in its XLSX), the unfilled need-weeks with their
reasons, and the hours planned and worked per deployment-week (`worked`), as CSV or XLSX
(`openpyxl`), beside the contract's JSON.

The tables are read from the same views as the round's proposal page and API
(`rounds.plan_rows`, `rounds.unfilled_need_weeks`); nothing is planned or counted anew.
Column names are English and stable, so scripts can rely on them. The risk-group flag is
never in them.

CSV is written for Danish Excel, where most readers open it: UTF-8 with a byte-order mark
(without it Excel reads the file as Windows-1252 and garbles æ, ø, å), `;` between fields
(Danish Excel's list separator, since `,` is the decimal mark) and hours with a decimal
comma (`7,5`; a decimal point would turn into a date or text there). Dates are ISO
(`2026-03-16`), which Excel reads as dates, and clock times `07:30`. XLSX holds real numbers,
dates and times, with a frozen, filterable header row. Programs that want exact values
should read the JSON or the XLSX. Text never reaches a cell as a formula
(`jobbank.core.spreadsheets.cell_text`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.spreadsheets import cell_text
from jobbank.db.models import AllocationRound, Assignment, AssignmentDay
from jobbank.deployments.worked_totals import WorkedRow, worked_rows
from jobbank.rounds.reading import plan_rows, unfilled_need_weeks
from jobbank.rounds.results import round_result
from jobbank.rounds.status import refuse, round_for

Cell = str | int | float | bool | dt.date | dt.time | None


class View(StrEnum):
    PERSONS = "persons"
    NEEDS = "needs"
    UNFILLED = "unfilled"
    WORKED = "worked"
    DAYS = "days"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


PERSON_COLUMNS = (
    "employee_no",
    "name",
    "home_unit",
    "week",
    "iso_week",
    "need_ref",
    "unit_code",
    "unit_name",
    "skill",
    "shift",
    "hours",
    "pinned",
    "learner",
)
NEED_COLUMNS = (
    "need_ref",
    "unit_code",
    "unit_name",
    "area",
    "skill",
    "shift",
    "priority",
    "week",
    "iso_week",
    "employee_no",
    "name",
    "hours",
    "pinned",
    "learner",
)
"""`learner`: the person learns the need's skill beside someone who has it (their hours count
at the need's learner share)."""
UNFILLED_COLUMNS = (
    "need_ref",
    "unit_code",
    "unit_name",
    "skill",
    "priority",
    "week",
    "iso_week",
    "open_hours",
    "reason_codes",
    "reasons",
)


WORKED_COLUMNS = (
    "employee_no",
    "name",
    "home_unit",
    "unit_code",
    "unit_name",
    "week",
    "iso_week",
    "planned_hours",
    "worked_hours",
    "waiting_hours",
    "confirmed",
)
"""Per deployment-week: the plan's hours beside the hours worked (confirmed by the receiving
leader) and those waiting for sign-off; `worked_hours` and `waiting_hours` are empty while
nobody entered hours for the week."""


DAY_COLUMNS = (
    "employee_no",
    "name",
    "home_unit",
    "unit_code",
    "unit_name",
    "need_ref",
    "week",
    "date",
    "weekday",
    "start",
    "end",
    "hours",
)
"""Per day of each assignment-week that has days (a need with shift times): when the person
works there; `end` not after `start` is the next morning. Weeks planned by the week alone
have no rows here, only in `persons`."""
_FORMATS: dict[type, str] = {dt.date: "yyyy-mm-dd", dt.time: "hh:mm"}
"""How XLSX shows a column of dates or clock times."""
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Table:
    """One export: its name (the sheet's), its column names and its rows."""

    name: str
    columns: Sequence[str]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    file_format: FileFormat
    content: bytes


# --- the tables ------------------------------------------------------------------------------


def round_table(session: Session, rnd: AllocationRound, view: View) -> Table:
    """The round's plan (or unfilled need-weeks) as one table; 409 before it was solved."""
    if round_result(rnd) is None:
        refuse(rnd, "it has no result yet; solve it first")
    if view is View.PERSONS:
        by_person = sorted(
            plan_rows(session, rnd), key=lambda a: (a.person.name, a.person.employee_no, a.week)
        )
        return Table(view.value, PERSON_COLUMNS, [_person_row(a) for a in by_person])
    if view is View.NEEDS:
        by_need = sorted(plan_rows(session, rnd), key=lambda a: (a.need.ref, a.week, a.person.name))
        return Table(view.value, NEED_COLUMNS, [_need_row(a) for a in by_need])
    if view is View.WORKED:
        worked = [_worked_row(row) for row in worked_rows(session, rnd)]
        return Table(view.value, WORKED_COLUMNS, worked)
    if view is View.DAYS:
        by_person = sorted(plan_rows(session, rnd), key=lambda a: (a.person.name, a.week))
        days = [_day_row(a, day) for a in by_person for day in a.days]
        return Table(view.value, DAY_COLUMNS, sorted(days, key=lambda row: (row[1], row[7])))
    return Table(view.value, UNFILLED_COLUMNS, _unfilled_rows(session, rnd))


def _iso_week(week: dt.date) -> str:
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"


def _person_row(row: Assignment) -> tuple[Cell, ...]:
    person, need = row.person, row.need
    return (
        person.employee_no,
        person.name,
        person.home_unit.code,
        row.week,
        _iso_week(row.week),
        need.ref,
        need.unit.code,
        need.unit.name,
        need.skill.code,
        need.shift.value,
        row.hours,
        row.pinned,
        row.learner,
    )


def _need_row(row: Assignment) -> tuple[Cell, ...]:
    person, need = row.person, row.need
    return (
        need.ref,
        need.unit.code,
        need.unit.name,
        need.unit.area.name,
        need.skill.code,
        need.shift.value,
        need.priority,
        row.week,
        _iso_week(row.week),
        person.employee_no,
        person.name,
        row.hours,
        row.pinned,
        row.learner,
    )


def _day_row(row: Assignment, day: AssignmentDay) -> tuple[Cell, ...]:
    person, need = row.person, row.need
    return (
        person.employee_no,
        person.name,
        person.home_unit.code,
        need.unit.code,
        need.unit.name,
        need.ref,
        row.week,
        day.date,
        WEEKDAY_NAMES[day.date.weekday()],
        day.start_time,
        day.end_time,
        day.hours,
    )


def _worked_row(row: WorkedRow) -> tuple[Cell, ...]:
    entered = row.entered_hours is not None
    return (
        row.employee_no,
        row.name,
        row.home_unit,
        row.unit_code,
        row.unit_name,
        row.week,
        _iso_week(row.week),
        row.planned_hours,
        row.worked_hours if entered else None,
        row.waiting_hours if entered else None,
        row.confirmed,
    )


def _unfilled_rows(session: Session, rnd: AllocationRound) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    for open_week in unfilled_need_weeks(session, rnd):
        need = open_week.need
        rows.append(
            (
                open_week.need_ref,
                need.unit.code if need else None,
                need.unit.name if need else None,
                need.skill.code if need else None,
                need.priority if need else None,
                open_week.week,
                _iso_week(open_week.week),
                open_week.hours,
                ", ".join(reason.code.value for reason in open_week.reasons),
                " | ".join(reason.message for reason in open_week.reasons),
            )
        )
    return rows


# --- the files -------------------------------------------------------------------------------


def to_csv(table: Table) -> bytes:
    """UTF-8 with BOM, `;`-separated, decimal comma: opens as a table in Danish Excel."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return text.getvalue().encode("utf-8-sig")


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return f"{cell:g}".replace(".", ",")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, dt.time):
        return cell.isoformat("minutes")
    if isinstance(cell, str):
        return cell_text(cell)
    return str(cell)


def _xlsx_cell(cell: Cell) -> Cell:
    """Numbers, dates and booleans as themselves; text as text (openpyxl would store a
    leading `=` as a formula and refuse control characters)."""
    return cell_text(cell) if isinstance(cell, str) else cell


def to_xlsx(*tables: Table) -> bytes:
    """One sheet per table, named after its view: a bold, frozen, filterable header row, real
    numbers, dates and times."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new workbook always has its first sheet
    for index, table in enumerate(tables):
        sheet = first if index == 0 else workbook.create_sheet()
        _fill(sheet, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fill(sheet: Worksheet, table: Table) -> None:
    sheet.title = table.name
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    for index, name in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        values = [name, *(_csv_cell(row[index - 1]) for row in table.rows)]
        sheet.column_dimensions[letter].width = min(60, max(len(value) for value in values) + 2)
        shown = table.rows[0][index - 1] if table.rows else None
        number_format = (
            "hh:mm"
            if isinstance(shown, dt.time)
            else "yyyy-mm-dd"
            if isinstance(shown, dt.date)
            else None
        )
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def round_tables(
    session: Session, rnd: AllocationRound, view: View, file_format: FileFormat
) -> list[Table]:
    """The view's table; the persons XLSX has the days on a sheet beside it."""
    tables = [round_table(session, rnd, view)]
    if view is View.PERSONS and file_format is FileFormat.XLSX:
        tables.append(round_table(session, rnd, View.DAYS))
    return tables


def render(tables: Sequence[Table], file_format: FileFormat) -> bytes:
    """The first table as CSV, or all of them as XLSX, a sheet each."""
    return to_csv(tables[0]) if file_format is FileFormat.CSV else to_xlsx(*tables)


def export_round(
    session: Session, actor: Actor, round_id: int, view: View, file_format: FileFormat
) -> ExportFile:
    """A round's table as a file, for HR."""
    tables = round_tables(session, round_for(session, actor, round_id), view, file_format)
    return ExportFile(
        filename=f"round-{round_id}-{view.value}.{file_format.value}",
        file_format=file_format,
        content=render(tables, file_format),
    )
