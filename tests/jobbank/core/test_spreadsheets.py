"""No export lets stored text run as a spreadsheet formula, and XLSX holds any stored text.

Every text column of the areas, units, skills, people, needs and the round is given a hostile
value straight in the database (as data stored before any check at entry would be), then every
cell of every CSV and XLSX Jobbank writes is read back: the round's three views in both formats
and the impact report's CSV, of the round and over time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import Enum as SqlEnum
from sqlalchemy import String, select, update
from sqlalchemy.orm import Session

from jobbank.checklists import create_checklists
from jobbank.cli.report import as_csv, over_time_tables, round_tables
from jobbank.core.spreadsheets import FORMULA_STARTS, cell_text, is_formula
from jobbank.db.models import AllocationRound, Area, Base, Need, Person, RoundStatus, Skill, Unit
from jobbank.exports import FileFormat, Table, View, render, round_table, to_csv, to_xlsx
from jobbank.report import over_time, report_of
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import Reason, ReasonCode, RoundResult, Unfilled
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)
TODAY = MONDAY + dt.timedelta(days=10)
FORMULAS = ('=HYPERLINK("http://x.example","y")&', "+", "-", "@", "\t", "\r", "\uff1d", " =")
"""How hostile text starts; each is followed by the stored value."""
UNHELD = "\x01\x1f\ufffe"
"""Characters XLSX cannot hold, put into human text (names, descriptions), not into codes."""
MODELS: tuple[type[Base], ...] = (Area, Unit, Skill, Person, Need, AllocationRound)
IDS = {"code", "employee_no", "ref", "language"}
NOT_TEXT = {(Person, "language")}
TEXT_COLUMNS = {
    "persons": {"employee_no", "name", "home_unit", "need_ref", "unit_code", "unit_name", "skill"},
    "needs": {"need_ref", "unit_code", "unit_name", "area", "skill", "employee_no", "name"},
    "unfilled": {"need_ref", "unit_code", "unit_name", "skill", "reasons"},
    "by_area": {"area"},
    "by_area_week": {"area"},
    "units": {"unit", "unit_name"},
    "flows": {"from_unit", "to_unit"},
    "never_used": {"employee_no", "name", "home_unit"},
    "over_time": {"name"},
}
"""Per export table, the columns holding stored text: every cell in them must be hostile and
neutralised, which shows the test reached them."""
NUMBER = re.compile(r"-?\d+([.,]\d+)?(e[-+]?\d+)?")


def hostile_text(session: Session) -> dict[str, str]:
    """Every text column of `MODELS` starts like a formula and human text holds characters XLSX
    cannot hold; returns each old value of a code (employee_no, need ref, …) by its new one."""
    starts = itertools.cycle(FORMULAS)
    renamed: dict[str, str] = {}
    for model in MODELS:
        table = Base.metadata.tables[str(model.__tablename__)]
        columns = [
            column.name
            for column in table.columns
            if isinstance(column.type, String)
            and not isinstance(column.type, SqlEnum)
            and (model, column.name) not in NOT_TEXT
        ]
        for row_id, *values in session.execute(select(table.c.id, *map(table.c.get, columns))):
            new = {
                name: f"{next(starts)}{old}{'' if name in IDS else UNHELD}"
                for name, old in zip(columns, values, strict=True)
            }
            renamed |= {old: new[name] for name, old in zip(columns, values, strict=True)}
            session.execute(update(table).where(table.c.id == row_id).values(**new))
    session.expire_all()
    return renamed


@pytest.fixture
def hostile_round(session: Session) -> AllocationRound:
    """Anne lent to Solgården's n1 for two weeks, n1's third week open with a reason; Bo never
    used; published; every stored text hostile."""
    load_municipality(session, a_municipality(), today=MONDAY)
    new = hostile_text(session)
    rnd = create_round(session, start=MONDAY, weeks=4, name=f"=1+1{UNHELD}")
    reason = Reason(code=ReasonCode.NO_CAPACITY, message=f"@SUM(1){UNHELD}")
    result = RoundResult(
        status="feasible",
        assignments=[
            Planned(staff=new["e1"], need=new["n1"], week=week, hours=12) for week in (0, 1)
        ],
        unfilled=[Unfilled(need=new["n1"], week=2, hours=10, reasons=[reason])],
    )
    store_result(session, rnd, result)
    rnd.status, rnd.published_at = RoundStatus.PUBLISHED, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    session.flush()
    create_checklists(session, rnd, by=None)
    session.flush()
    return rnd


def csv_tables(
    session: Session, rnd: AllocationRound
) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    """Every CSV table: (name, header, rows), the round's views and the report's sections."""
    for view in View:
        text = to_csv(round_table(session, rnd, view)).decode("utf-8-sig")
        header, *rows = csv.reader(io.StringIO(text), delimiter=";")
        yield view.value, header, rows
    report = [
        *round_tables(report_of(session, rnd, today=TODAY)),
        *over_time_tables(over_time(session, today=TODAY)),
    ]
    lines = list(csv.reader(io.StringIO(as_csv(report))))
    for table in report:
        header = next(
            line for line in lines if line[:1] == ["section"] and line[1:] == list(table.columns)
        )
        yield table.section, header, [line for line in lines if line[:1] == [table.section]]


def test_every_cell_of_every_csv_is_text_or_a_number(
    session: Session, hostile_round: AllocationRound
) -> None:
    checked: set[str] = set()
    for name, header, rows in csv_tables(session, hostile_round):
        for row in rows:
            for column, cell in zip(header, row, strict=True):
                assert not is_formula(cell) or NUMBER.fullmatch(cell), (name, column, cell)
                if column in TEXT_COLUMNS.get(name, ()) and cell:
                    assert cell.startswith("'") and is_formula(cell[1:]), (name, column, cell)
                    checked.add(name)
    assert checked == set(TEXT_COLUMNS), "every table with stored text had rows"


def test_every_cell_of_every_xlsx_is_a_value_never_a_formula(
    session: Session, hostile_round: AllocationRound
) -> None:
    for view in View:
        content = render([round_table(session, hostile_round, view)], FileFormat.XLSX)
        sheet = load_workbook(io.BytesIO(content))[view.value]
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for column, cell in zip(header, row, strict=True):
                assert cell.data_type != "f", (view, column, cell.value)
                if isinstance(cell.value, str):
                    assert not is_formula(cell.value), (view, column, cell.value)
                    assert not set(cell.value) & set(UNHELD), (view, column, cell.value)
                if column in TEXT_COLUMNS[view.value] and cell.value is not None:
                    assert str(cell.value).startswith("'"), (view, column, cell.value)


def test_a_name_with_a_control_character_still_exports_as_xlsx() -> None:
    sheet = load_workbook(
        io.BytesIO(to_xlsx(Table("persons", ("name",), [("Anne\x01 Jensen\x00",)])))
    )["persons"]
    assert sheet["A2"].value == "Anne\ufffd Jensen\ufffd"


@pytest.mark.parametrize("start", sorted(FORMULA_STARTS))
def test_each_formula_start_is_neutralised(start: str) -> None:
    text = cell_text(f"{start}1+1")
    assert not is_formula(text) and text[0] in "'\ufffd"  # a NUL is not held, so not a start


@pytest.mark.parametrize(
    "text", ["Anne Jensen", "n17", "Plejecenter Solgården", "", "e1-2", "7,5", "a=b"]
)
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert cell_text(text) == text


def test_a_cell_keeps_to_what_excel_holds() -> None:
    assert len(cell_text("x" * 40_000)) == 32767
