"""Needs' shift times from a sheet: `mon-fri 07:00-15:00; sat 22:00-06:00`, Danish weekday
names too; checked as wherever they enter, each problem naming the row and the column; an
empty cell keeps them, `none` plans the need by the week alone."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.db.models import EVERY_DAY
from jobbank.imports.shift_times import shift_times_of_text
from tests.jobbank.imports.test_imports import (  # noqa: F401 (a fixture)
    MONDAY,
    csv_bytes,
    has_problem,
    hr,
    need,
    person,
    run,
)

HEADER = "ref;unit;skill;hours;first_week;last_week;shift_times"


def a_row(ref: str, shifts: str) -> str:
    return f'{ref};solgaarden;nurse;20;{MONDAY};{MONDAY};"{shifts}"'


def test_shift_times_are_read_in_english_and_danish(session: Session, hr: Actor) -> None:  # noqa: F811
    content = csv_bytes(
        HEADER,
        a_row("y1", "mon-wed, fri 07:00-15:00; lør 22:00-06:00"),
        a_row("y2", "tir 8.00–14.30"),
    )

    report = run(session, hr, "needs", content)

    assert report.valid, report.problems
    y1, y2 = need(session, "y1"), need(session, "y2")
    assert y1 is not None and y2 is not None
    assert y1.shift_times == [
        {"days": ["mon", "tue", "wed", "fri"], "start": "07:00", "end": "15:00"},
        {"days": ["sat"], "start": "22:00", "end": "06:00"},
    ]
    assert y2.shift_times == [{"days": ["tue"], "start": "08:00", "end": "14:30"}]

    kept = run(session, hr, "needs", csv_bytes(HEADER, a_row("y1", "")))
    assert kept.valid and need(session, "y1").shift_times != []  # type: ignore[union-attr]
    cleared = run(session, hr, "needs", csv_bytes(HEADER, a_row("y1", "ingen")))
    assert cleared.valid and need(session, "y1").shift_times == []  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("mon 06:00-20:00", "a shift is at most 13 hours"),
        ("mon 07:00-15:00; mon-tue 16:00-20:00", "mon has a shift already"),
        ("mon 07:15-15:00", "on the hour or half hour"),
        ("someday 07:00-15:00", "'someday' is not a weekday"),
        ("mon 7-15", "write weekdays and times"),
        ("fri-mon 07:00-15:00", "runs from Monday towards Sunday"),
        ("mon 25:00-15:00", "is not a time of day"),
    ],
)
def test_wrong_shift_times_are_named_by_row_and_column(
    session: Session,
    hr: Actor,  # noqa: F811
    cell: str,
    words: str,
) -> None:
    report = run(session, hr, "needs", csv_bytes(HEADER, a_row("y3", cell)))
    assert has_problem(report, 2, "shift_times", words), report.problems
    assert need(session, "y3") is None


def test_more_shifts_than_weekdays_are_refused_before_reading_them() -> None:
    with pytest.raises(ValueError, match="at most 7 shifts"):
        shift_times_of_text("; ".join(["mon 07:00-08:00"] * 8))


STAFF_HEADER = "employee_no;name;email;home_unit;skills;normal_hours;daily_hours;away_days"


def test_staff_bring_their_daily_hours_and_away_days(session: Session, hr: Actor) -> None:  # noqa: F811
    content = csv_bytes(
        STAFF_HEADER,
        "e20;Ida Holm;ida@x.example;borgerservice;nurse;37;7,5;man-ons, fre",
        "e21;Jens Lund;jens@x.example;borgerservice;nurse;30;;",
    )

    report = run(session, hr, "staff", content)

    assert report.valid, report.problems
    ida, jens = person(session, "e20"), person(session, "e21")
    assert ida is not None and ida.volunteer is not None
    assert (ida.volunteer.daily_hours, ida.volunteer.away_days) == (
        7.5,
        ["mon", "tue", "wed", "fri"],
    )
    assert jens is not None and jens.volunteer is not None
    assert (jens.volunteer.daily_hours, jens.volunteer.away_days) == (None, EVERY_DAY)


def test_wrong_daily_hours_and_away_days_are_named_by_row_and_column(
    session: Session,
    hr: Actor,  # noqa: F811
) -> None:
    content = csv_bytes(
        STAFF_HEADER,
        "e22;Ida Holm;ida@x.example;borgerservice;nurse;37;13,5;mon, mon",
    )

    report = run(session, hr, "staff", content)

    assert has_problem(report, 2, "daily_hours", "must be at most 13"), report.problems
    assert has_problem(report, 2, "away_days", "mon is named twice"), report.problems
