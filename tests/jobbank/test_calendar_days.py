"""Calendar feeds of assignment-weeks that have days: one event per day at its local times
(Europe/Copenhagen), a night shift ending the next morning, UIDs stable per person, need and
date; weeks without days keep their weekly event. Read back with `icalendar`, the library the
app writes with, and with `ics`, a parser of its own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import ics
import pytest
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from jobbank import calendar
from jobbank.core.days import stored_shift_times
from jobbank.live_plan.change_sets import change_plan
from jobbank.privacy import personal_data
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


def events_by_uid(session: Session, token: str) -> dict[str, Event]:
    """The feed's events as a calendar app reads them, by UID."""
    parsed = Calendar.from_ical(calendar.read_feed(session, token).to_ical())
    return {str(event["UID"]): event for event in parsed.events}


def test_a_day_moved_keeps_its_uid_at_a_higher_sequence_and_a_day_taken_away_is_cancelled(
    seeded: Session,
) -> None:
    """A repair that keeps the week's 21 hours but starts Tuesday an hour later and moves
    Saturday's night to Sunday: Tuesday's event is updated, Saturday's cancelled, Sunday's
    added, Monday's left as published."""
    rnd = published(seeded, ANNE_BY_DAY, ANNE_BY_THE_WEEK, start=MONDAY)
    token = calendar.create_feed(seeded, actor(seeded, "anne")).token
    anne, n1 = actor(seeded, "anne").person_id, need(seeded, "n1").id
    monday, tuesday, saturday = ANNE_BY_DAY.days
    sunday = day(6, "22:00", "06:00", 8)

    def uid_of(date: dt.date) -> str:
        return f"day-{anne}-{n1}-{date.isoformat()}@jobbank"

    later = ANNE_BY_DAY.model_copy(update={"days": (monday, day(1, "08:00", "13:00", 5), sunday)})
    change_plan(seeded, rnd, [], [later], change_set_id=None, by=None)
    once = events_by_uid(seeded, token)

    assert "SEQUENCE" not in once[uid_of(monday.date)]
    moved = once[uid_of(tuesday.date)]
    assert (moved["SEQUENCE"], moved.start, moved.end) == (
        1,
        at(tuesday.date, 8),
        at(tuesday.date, 13),
    )
    assert "STATUS" not in moved
    gone = once[uid_of(saturday.date)]
    assert (str(gone["STATUS"]), gone["SEQUENCE"], gone.start) == (
        "CANCELLED",
        1,
        at(saturday.date, 22),
    )
    added = once[uid_of(sunday.date)]
    assert added["SEQUENCE"] == 1 and "STATUS" not in added

    back = ANNE_BY_DAY.model_copy(update={"days": (monday, tuesday, sunday)})
    change_plan(seeded, rnd, [], [back], change_set_id=None, by=None)
    twice = events_by_uid(seeded, token)

    assert (twice[uid_of(tuesday.date)]["SEQUENCE"], twice[uid_of(tuesday.date)].start) == (
        2,
        at(tuesday.date, 7),
    )
    assert twice[uid_of(saturday.date)]["SEQUENCE"] == 1  # cancelled once, not changed again
    assert twice[uid_of(sunday.date)]["SEQUENCE"] == 1
    assert twice.keys() == once.keys()


def test_the_days_a_change_moved_are_in_the_persons_own_data(seeded: Session) -> None:
    rnd = published(seeded, ANNE_BY_DAY, ANNE_BY_THE_WEEK, start=MONDAY)
    monday, tuesday, saturday = ANNE_BY_DAY.days
    later = ANNE_BY_DAY.model_copy(update={"days": (monday, day(1, "08:00", "13:00", 5), saturday)})
    change_plan(seeded, rnd, [], [later], change_set_id=None, by=None)
    anne = actor(seeded, "anne")

    mine = personal_data(seeded, anne, anne.person_id).day_changes

    assert [(c.need, c.date, c.day_before, c.day_after) for c in mine] == [
        ("n1", tuesday.date, tuesday, day(1, "08:00", "13:00", 5))
    ]
