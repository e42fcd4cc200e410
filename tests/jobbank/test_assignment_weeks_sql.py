"""The SQL that decides which weeks a later published round planned again, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from jobbank.assignments import last_monday

MONDAY = dt.date(2026, 12, 28)  # its round runs over the turn of the year


@pytest.mark.parametrize("weeks", [1, 2, 5, 53])
def test_a_rounds_last_monday_is_its_first_plus_whole_weeks(session: Session, weeks: int) -> None:
    found = session.scalar(select(last_monday(literal(MONDAY), literal(weeks))))
    # SQLite answers the ISO text of the date; the column type reads it back as a date.
    assert dt.date.fromisoformat(str(found)) == MONDAY + dt.timedelta(weeks=weeks - 1)
