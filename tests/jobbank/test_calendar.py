"""Calendar feeds: one all-day event per published assignment week, read back with icalendar;
secret, hash-only, revocable addresses; stable UIDs so calendar apps update, not duplicate."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import calendar
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    CalendarFeed,
    RoundStatus,
)
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.builders import a_municipality
from tests.lookups import actor, person, unit, user

MONDAY = dt.date(2026, 3, 16)
WEEK = dt.timedelta(weeks=1)
ADDRESS = "Solvej 1, 4180 Sorø"


@pytest.fixture
def seeded(session: Session) -> Session:
    """The test municipality; Solgården (led by Dorte, the HR user) has an address and phone."""
    load_municipality(session, a_municipality(), today=MONDAY)
    solgaarden = unit(session, "solgaarden")
    solgaarden.address, solgaarden.phone = ADDRESS, "57 00 00 00"
    session.flush()
    return session


def published(session: Session, *planned: Planned, start: dt.date = MONDAY) -> AllocationRound:
    rnd = create_round(session, start=start, weeks=4)
    store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
    rnd.status = RoundStatus.PUBLISHED
    rnd.published_at = dt.datetime.now(dt.UTC)
    session.flush()
    return rnd


def events(document: Calendar) -> list[Event]:
    """The events as a calendar app reads them: the document parsed back from its bytes."""
    parsed = Calendar.from_ical(document.to_ical())
    return sorted(parsed.events, key=lambda event: event.start)


def anne_at_solgaarden(session: Session) -> AllocationRound:
    """Anne on n1 at Solgården, 12 h the first week and 7.5 h the second."""
    return published(
        session,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=7.5),
    )


def test_each_assignment_week_is_an_all_day_event_with_unit_address_hours_and_contact(
    seeded: Session,
) -> None:
    anne_at_solgaarden(seeded)
    made = calendar.create_feed(seeded, actor(seeded, "anne"))

    document = calendar.read_feed(seeded, made.token)

    assert str(document["X-WR-CALNAME"]) == "Jobbank – Anne Jensen"
    first, second = events(document)
    assert (first.start, first.end) == (MONDAY, MONDAY + WEEK)  # Monday to Sunday, all day
    assert (second.start, second.end) == (MONDAY + WEEK, MONDAY + 2 * WEEK)
    assert first["SUMMARY"] == "Jobbank: Plejecenter Solgården, 12 t"
    assert second["SUMMARY"] == "Jobbank: Plejecenter Solgården, 7,5 t"
    assert first["LOCATION"] == ADDRESS
    assert first.DTSTAMP is not None
    assert first["TRANSP"] == "TRANSPARENT"
    description = str(second["DESCRIPTION"])
    assert "7,5 timer hos Plejecenter Solgården" in description
    assert "Sygeplejerske: Hjælp ved måltider" in description
    # n1 names no contact person, so Solgården's leader is the contact.
    assert "Kontakt: Dorte Leder, dorte@x.example" in description
    assert "57 00 00 00" in description
    assert [str(c) for c in first.contacts] == ["Dorte Leder, dorte@x.example"]
    text = document.to_ical().decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in text and "X-PUBLISHED-TTL:PT6H" in text
    assert "risk" not in text.lower()


def test_uids_are_stable_and_a_replanned_week_updates_its_event(seeded: Session) -> None:
    anne_at_solgaarden(seeded)
    made = calendar.create_feed(seeded, actor(seeded, "anne"))
    before = {event.uid: event for event in events(calendar.read_feed(seeded, made.token))}
    again = {event.uid: event for event in events(calendar.read_feed(seeded, made.token))}
    assert len(before) == 2 and before.keys() == again.keys()

    # A later round plans the second week again: the same event, with the new hours.
    published(seeded, Planned(staff="e1", need="n1", week=0, hours=4), start=MONDAY + WEEK)
    after = {event.uid: event for event in events(calendar.read_feed(seeded, made.token))}

    assert after.keys() == before.keys()
    second_week = next(uid for uid, event in after.items() if event.start == MONDAY + WEEK)
    assert str(after[second_week]["SUMMARY"]).endswith(", 4 t")


def test_a_new_address_revokes_the_old_and_revoking_ends_the_feed(seeded: Session) -> None:
    anne = actor(seeded, "anne")
    first = calendar.create_feed(seeded, anne)
    second = calendar.create_feed(seeded, anne)

    with pytest.raises(NotFound):
        calendar.read_feed(seeded, first.token)
    assert calendar.read_feed(seeded, second.token) is not None
    assert calendar.revoke_feed(seeded, anne) == 1
    with pytest.raises(NotFound):
        calendar.read_feed(seeded, second.token)
    assert calendar.active_feed(seeded, anne) is None
    for unknown in ("", "not-a-token", "x" * 500):
        with pytest.raises(NotFound):
            calendar.read_feed(seeded, unknown)
    actions = seeded.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity == "calendar_feed")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "revoke", "create", "revoke"]


def test_only_the_hash_of_the_token_is_stored(seeded: Session) -> None:
    made = calendar.create_feed(seeded, actor(seeded, "anne"))
    seeded.flush()

    row = seeded.get_one(CalendarFeed, made.feed.id)
    assert row.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
    stored = [str(value) for value in vars(row).values()]
    assert not any(made.token in value for value in stored)
    audited = seeded.scalars(select(AuditEntry).where(AuditEntry.entity == "calendar_feed")).all()
    assert not any(made.token in str((entry.before, entry.after)) for entry in audited)


def test_reading_notes_when_and_a_switched_off_log_in_ends_the_feed(seeded: Session) -> None:
    made = calendar.create_feed(seeded, actor(seeded, "anne"))
    assert made.feed.last_read_at is None

    calendar.read_feed(seeded, made.token)
    assert made.feed.last_read_at is not None

    user(seeded, "anne").is_active = False
    with pytest.raises(NotFound):
        calendar.read_feed(seeded, made.token)


def test_only_published_rounds_are_in_the_feed_in_the_persons_language(seeded: Session) -> None:
    anne_at_solgaarden(seeded)
    proposal = create_round(seeded, start=MONDAY, weeks=2)  # only proposed: not shown
    store_result(
        seeded,
        proposal,
        RoundResult(
            status="feasible", assignments=[Planned(staff="e1", need="n1", week=0, hours=8)]
        ),
    )
    person(seeded, "e1").language = "en"
    made = calendar.create_feed(seeded, actor(seeded, "anne"))

    found = events(calendar.read_feed(seeded, made.token))

    assert [event.start for event in found] == [MONDAY, MONDAY + WEEK]
    assert found[0]["SUMMARY"] == "Jobbank: Plejecenter Solgården, 12 h"
    assert found[1]["SUMMARY"] == "Jobbank: Plejecenter Solgården, 7.5 h"
    assert "Work: Nurse: Hjælp ved måltider" in str(found[1]["DESCRIPTION"])


def test_one_assignment_downloads_for_the_person_their_leaders_and_hr_only(
    seeded: Session,
) -> None:
    rnd = anne_at_solgaarden(seeded)
    week_two = seeded.scalars(
        select(Assignment.id).where(Assignment.round_id == rnd.id, Assignment.week == MONDAY + WEEK)
    ).one()
    made = calendar.create_feed(seeded, actor(seeded, "anne"))
    feed_uids = {event.uid for event in events(calendar.read_feed(seeded, made.token))}

    for who in (actor(seeded, "anne"), actor(seeded, "hr")):
        download = events(calendar.assignment_calendar(seeded, who, week_two))
        # The whole assignment (both weeks), with the feed's UIDs: importing it and then
        # subscribing does not show the weeks twice.
        assert {event.uid for event in download} == feed_uids

    bo = person(seeded, "e2")
    bo_as_staff = Actor(user_id=0, username="bo", roles=frozenset(), person_id=bo.id)
    with pytest.raises(NotFound, match=f"assignment {week_two}: not found"):
        calendar.assignment_calendar(seeded, bo_as_staff, week_two)
    with pytest.raises(NotFound, match="assignment 999999: not found"):
        calendar.assignment_calendar(seeded, actor(seeded, "hr"), 999999)
