"""A fixture may give needs shift times and volunteers away days and daily hours; they are
checked as everywhere they enter, each problem naming its row."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from jobbank.seeding import Municipality, NeedSeed, check_references, load_municipality
from solver.contract import ContractError
from tests.builders import a_municipality, a_volunteer
from tests.lookups import need, person

MONDAY = dt.date(2026, 3, 16)
EARLY = {"days": ["tue", "mon"], "start": "07:00", "end": "15:00"}


def with_days(**need_changes: object) -> Municipality:
    """The small municipality with n1 on shift times and Anne away Monday and Friday."""
    m = a_municipality()
    n1 = NeedSeed.model_validate(m.needs[0].model_dump() | {"shift_times": [EARLY]} | need_changes)
    anne = m.people[0].model_copy(
        update={"volunteer": a_volunteer(away_days=["fri", "mon"], daily_hours=6)}
    )
    return m.model_copy(update={"needs": [n1, *m.needs[1:]], "people": [anne, *m.people[1:]]})


def test_a_fixture_loads_shift_times_away_days_and_daily_hours(session: Session) -> None:
    load_municipality(session, with_days(), today=MONDAY)
    assert need(session, "n1").shift_times == [
        {"days": ["mon", "tue"], "start": "07:00", "end": "15:00"}
    ]
    profile = person(session, "e1").volunteer
    assert profile is not None
    assert (profile.away_days, profile.daily_hours) == (["mon", "fri"], 6)


def test_wrong_shift_times_in_a_fixture_name_their_need(session: Session) -> None:
    long_night = {"days": ["mon"], "start": "18:00", "end": "08:00"}
    wrong = with_days(shift_times=[EARLY, long_night])
    assert check_references(wrong) == [
        "need n1: shift_times[1].days: mon has a shift already; each weekday has one shift",
        "need n1: shift_times[1].end: a shift is at most 13 hours (11 hours' rest a day), "
        "got 18:00–08:00 (14 hours)",
    ]
    with pytest.raises(ContractError):
        load_municipality(session, wrong, today=MONDAY)
