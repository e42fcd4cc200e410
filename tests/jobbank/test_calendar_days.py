"""Calendar feeds of assignment-weeks that have days: one event per day at its local times
(Europe/Copenhagen), a night shift ending the next morning, UIDs stable per person, need and
date; weeks without days keep their weekly event. Read back with `icalendar`, the library the
app writes with, and with `ics`, a parser of its own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import ics
import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from jobbank import calendar
from jobbank.core.days import stored_shift_times
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import ShiftTime, Weekday, WorkDay
from tests.builders import a_municipality
from tests.jobbank.test_calendar import published
from tests.lookups import actor, need, unit

MONDAY = dt.date(2026, 3, 23)  # the week before summer time begins on Sunday 29 March
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
EARLY = ShiftTime(days=[Weekday.MON, Weekday.TUE], start="07:00", end="15:00")
NIGHT = ShiftTime(days=[Weekday.SAT, Weekday.SUN], start="22:00", end="06:00")


def day(offset: int, start: str, end: str, hours: float) -> WorkDay:
    return WorkDay(date=MONDAY + dt.timedelta(days=offset), start=start, end=end, hours=hours)


ANNE_BY_DAY = Planned(
    staff="e1",
    need="n1",
    week=0,
    hours=21,
    days=(day(0, "07:00", "15:00", 8), day(1, "07:00", "12:00", 5), day(5, "22:00", "06:00", 8)),
)
ANNE_BY_THE_WEEK = Planned(staff="e1", need="n1", week=1, hours=10)


@pytest.fixture
def seeded(session: Session) -> Session:
    load_municipality(session, a_municipality(), today=MONDAY)
    unit(session, "solgaarden").address = "Solvej 1, 4180 Sorø"
    need(session, "n1").shift_times = stored_shift_times([EARLY, NIGHT])
    session.flush()
    return session


def feed_of_anne(session: Session) -> bytes:
    published(session, ANNE_BY_DAY, ANNE_BY_THE_WEEK, start=MONDAY)
    made = calendar.create_feed(session, actor(session, "anne"))
    return calendar.read_feed(session, made.token).to_ical()


def at(date: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hour), tzinfo=COPENHAGEN)


def test_each_day_is_an_event_at_its_local_times(seeded: Session) -> None:
    text = feed_of_anne(seeded)

    parsed = Calendar.from_ical(text)
    found = sorted(parsed.events, key=lambda e: str(e.start))
    timed = [e for e in found if isinstance(e.start, dt.datetime)]
    weekly = [e for e in found if not isinstance(e.start, dt.datetime)]
    assert [(e.start, e.end) for e in timed] == [
        (at(MONDAY, 7), at(MONDAY, 15)),
        (at(MONDAY + dt.timedelta(days=1), 7), at(MONDAY + dt.timedelta(days=1), 12)),
        (at(MONDAY + dt.timedelta(days=5), 22), at(MONDAY + dt.timedelta(days=6), 6)),
    ]
    assert all(str(e.start.tzinfo) == "Europe/Copenhagen" for e in timed)
    assert [str(e["SUMMARY"]) for e in timed][:2] == [
        "Jobbank: Plejecenter Solgården, 07:00–15:00",
        "Jobbank: Plejecenter Solgården, 07:00–12:00",
    ]
    assert all(e["TRANSP"] == "OPAQUE" for e in timed)
    assert "mandag 23 marts: 07:00–15:00, 8 timer hos Plejecenter Solgården" in str(
        timed[0]["DESCRIPTION"]
    )
    assert [(e.start, e.end) for e in weekly] == [
        (MONDAY + dt.timedelta(weeks=1), MONDAY + dt.timedelta(weeks=2))
    ]
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Copenhagen"]


def test_day_uids_are_stable_per_person_need_and_date(seeded: Session) -> None:
    text = feed_of_anne(seeded)
    anne, n1 = actor(seeded, "anne").person_id, need(seeded, "n1").id

    uids = sorted(str(e["UID"]) for e in Calendar.from_ical(text).events)

    saturday = MONDAY + dt.timedelta(days=5)
    assert uids == sorted(
        [
            f"day-{anne}-{n1}-{MONDAY.isoformat()}@jobbank",
            f"day-{anne}-{n1}-{(MONDAY + dt.timedelta(days=1)).isoformat()}@jobbank",
            f"day-{anne}-{n1}-{saturday.isoformat()}@jobbank",
            f"{anne}-{n1}-{(MONDAY + dt.timedelta(weeks=1)).isoformat()}@jobbank",
        ]
    )
    made = calendar.create_feed(seeded, actor(seeded, "anne"))
    again = calendar.read_feed(seeded, made.token).to_ical()
    assert sorted(str(e["UID"]) for e in Calendar.from_ical(again).events) == uids


def test_an_independent_parser_reads_the_same_events(seeded: Session) -> None:
    """`ics` has its own grammar and its own time-zone handling: it reads each day at the same
    moment, across the switch to summer time that Saturday night, and the week as all day."""
    text = feed_of_anne(seeded).decode()

    read = sorted(ics.Calendar(text).events, key=lambda e: e.begin)

    timed = [e for e in read if not e.all_day]
    assert [(e.begin.datetime, e.end.datetime) for e in timed] == [
        (at(MONDAY, 7), at(MONDAY, 15)),
        (at(MONDAY + dt.timedelta(days=1), 7), at(MONDAY + dt.timedelta(days=1), 12)),
        (at(MONDAY + dt.timedelta(days=5), 22), at(MONDAY + dt.timedelta(days=6), 6)),
    ]
    # Saturday night to Sunday 29 March loses an hour to summer time: 8 hours on the clock,
    # 7 elapsed.
    night = timed[2]
    assert (night.begin.utcoffset(), night.end.utcoffset()) == (
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
    )
    assert night.end.to("UTC") - night.begin.to("UTC") == dt.timedelta(hours=7)
    assert timed[0].name == "Jobbank: Plejecenter Solgården, 07:00–15:00"
    assert [e.location for e in timed] == ["Solvej 1, 4180 Sorø"] * 3
    (week,) = [e for e in read if e.all_day]
    assert week.begin.date() == MONDAY + dt.timedelta(weeks=1)
