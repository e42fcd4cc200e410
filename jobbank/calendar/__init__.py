"""Assignments in people's own calendars: a secret, revocable feed address per person, and a
download of a single assignment, both as iCalendar (RFC 5545) written by `icalendar`.

The feed address holds a random token; like log-in secrets (`jobbank.sessions`) only its
SHA-256 is stored, so a copy of the database cannot read anyone's calendar. A new address
revokes the old one. Calendar apps fetch the feed without logging in, so the token is the
only key: it reaches nothing but that person's published assignments.

Each assignment week is one all-day event from Monday to Sunday (DTEND is the next Monday,
exclusive), marked transparent so a week-long event does not block the person's calendar.
Where the plan has put the week's hours on days (a need with shift times), each day is an
event of its own at its local times (Europe/Copenhagen, its VTIMEZONE included), busy in
the person's calendar; its UID names the person, the need and the date.
Its UID names the person, the need and the week, not a round: when a later round plans the
same week again, calendar apps update the event instead of adding a second one. Texts are in
the assigned person's own language (`Person.language`). The risk-group flag is never used.

A change to a published plan (`AssignmentChange`) raises the event's SEQUENCE (the number of
changes of its person, need and week), so calendar apps take the new version over the old;
a week a change ended stays in the feed as STATUS:CANCELLED, so subscribed calendars remove
it. A day's event also counts the changes of the day itself (`DayChange`: other times or
hours, also where the week's hours stayed the same), and a day a change took away stays as
cancelled, like a week. Nothing about why it changed is written: the events behind a change
are HR's to read.

`feeds` keeps the addresses and reads calendars, `events` makes them, `history` reads what
changes to published plans did.
"""

from __future__ import annotations

from jobbank.calendar.events import (
    LOCAL_TIME,
    PRODID,
    UID_DOMAIN,
    WORDS,
    cancelled_event,
    day_event,
    person_calendar,
    week_event,
)
from jobbank.calendar.feeds import (
    ENTITY,
    NewFeed,
    active_feed,
    assignment_calendar,
    create_feed,
    read_feed,
    revoke_feed,
)
from jobbank.calendar.history import WeekHistory, changes_of

__all__ = [
    "ENTITY",
    "LOCAL_TIME",
    "PRODID",
    "UID_DOMAIN",
    "WORDS",
    "NewFeed",
    "WeekHistory",
    "active_feed",
    "assignment_calendar",
    "cancelled_event",
    "changes_of",
    "create_feed",
    "day_event",
    "person_calendar",
    "read_feed",
    "revoke_feed",
    "week_event",
]
