"""The plan per day as a spreadsheet: a row for each day of each assignment-week that has days
(person, unit, need, date, start, end, hours), as CSV for Danish Excel and as XLSX, where it is
also the sheet beside the weekly one of the persons export."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from jobbank.exports import DAY_COLUMNS, FileFormat, View, export_round
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult, WorkDay
from tests.builders import a_municipality
from tests.lookups import actor

MONDAY = dt.date(2026, 3, 16)


def day(offset: int, start: str, end: str, hours: float) -> WorkDay:
    return WorkDay(date=MONDAY + dt.timedelta(days=offset), start=start, end=end, hours=hours)


def planned_round(session: Session) -> int:
    """Anne on n1 by the day (a night shift on Friday), Bo on n2 by the week."""
    load_municipality(session, a_municipality(), today=MONDAY)
    rnd = create_round(session, start=MONDAY, weeks=2)
    anne = Planned(
        staff="e1",
        need="n1",
        week=0,
        hours=15.5,
        days=(day(0, "07:00", "15:00", 8), day(4, "22:30", "06:00", 7.5)),
    )
    bo = Planned(staff="e2", need="n2", week=1, hours=10)
    store_result(session, rnd, RoundResult(status="feasible", assignments=[anne, bo]))
    session.flush()
    return rnd.id


def test_each_day_is_a_row_with_its_times(session: Session) -> None:
    round_id = planned_round(session)
    hr = actor(session, "hr")

    csv = export_round(session, hr, round_id, View.DAYS, FileFormat.CSV).content.decode("utf-8-sig")

    lines = csv.splitlines()
    assert lines[0].split(";") == list(DAY_COLUMNS)
    assert lines[1:] == [
        "e1;Anne Jensen;borgerservice;solgaarden;Plejecenter Solgården;n1;2026-03-16;"
        "2026-03-16;mon;07:00;15:00;8",
        "e1;Anne Jensen;borgerservice;solgaarden;Plejecenter Solgården;n1;2026-03-16;"
        "2026-03-20;fri;22:30;06:00;7,5",
    ]


def test_the_persons_workbook_has_the_days_beside_the_weeks(session: Session) -> None:
    round_id = planned_round(session)
    hr = actor(session, "hr")

    made = export_round(session, hr, round_id, View.PERSONS, FileFormat.XLSX)

    workbook = load_workbook(io.BytesIO(made.content))
    assert workbook.sheetnames == ["persons", "days"]
    weeks = list(workbook["persons"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[10]) for row in weeks] == [("e1", 15.5), ("e2", 10)]
    days = list(workbook["days"].iter_rows(values_only=True))
    assert days[0] == DAY_COLUMNS
    assert [row[7:] for row in days[1:]] == [
        (dt.datetime(2026, 3, 16), "mon", dt.time(7), dt.time(15), 8),
        (dt.datetime(2026, 3, 20), "fri", dt.time(22, 30), dt.time(6), 7.5),
    ]
    assert workbook["days"]["J2"].number_format == "hh:mm"
