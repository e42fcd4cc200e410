"""A calendar feed after a change to a published plan, read by a plain RFC 5545 line parser
(not icalendar, which wrote it): a changed week keeps its UID at a higher SEQUENCE, an ended
one is STATUS:CANCELLED at a higher SEQUENCE, and nothing tells why."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobbank import calendar
from jobbank.core.errors import NotFound
from jobbank.db import transaction
from jobbank.db.models import Assignment
from tests.api.published_round import THIS_MONDAY
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    BO_AT_HJEMMEPLEJEN,
    Factory,
    publish,
)
from tests.jobbank.plan_effects.changing import Edit, change_plan
from tests.jobbank.plan_effects.test_effects import (
    BO_MOVES_TO_SOLGAARDEN,
    SECRET_WORDS,
    bo_falls_ill,
)
from tests.lookups import actor, need, person

Properties = dict[str, str]


def parse_events(text: str) -> list[Properties]:
    """The VEVENTs of an iCalendar text: lines unfolded (RFC 5545 3.1), each property's name
    (parameters dropped) to its value."""
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    found: list[Properties] = []
    current: Properties | None = None
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None and line:
            name_and_parameters, value = line.split(":", 1)
            current[name_and_parameters.split(";", 1)[0]] = value
    return found


def feed_of(factory: Factory, username: str) -> str:
    with transaction(factory) as session:
        token = calendar.create_feed(session, actor(session, username)).token
    with transaction(factory) as session:
        return calendar.read_feed(session, token).to_ical().decode()


def uid(factory: Factory, employee_no: str, ref: str, week: int) -> str:
    with factory() as session:
        person_id, need_id = person(session, employee_no).id, need(session, ref).id
    monday = THIS_MONDAY + dt.timedelta(weeks=week)
    return f"{person_id}-{need_id}-{monday.isoformat()}@jobbank"


def by_uid(text: str) -> dict[str, Properties]:
    events = parse_events(text)
    assert len({event["UID"] for event in events}) == len(events)
    return {event["UID"]: event for event in events}


def test_a_changed_week_keeps_its_uid_and_raises_its_sequence(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN)
    before = by_uid(feed_of(factory, "anne"))
    changed, untouched = uid(factory, "e1", "n1", 1), uid(factory, "e1", "n1", 0)
    assert "SEQUENCE" not in before[changed]

    change_plan(factory, round_id, Edit("e1", "n1", 1, 6))
    once = by_uid(feed_of(factory, "anne"))
    change_plan(factory, round_id, Edit("e1", "n1", 1, 4))
    twice = by_uid(feed_of(factory, "anne"))

    assert set(once) == set(before) == set(twice)
    assert once[changed]["SEQUENCE"] == "1" and twice[changed]["SEQUENCE"] == "2"
    assert "6 hours" in once[changed]["SUMMARY"] or "6 t" in once[changed]["SUMMARY"]
    assert "4" in twice[changed]["SUMMARY"]
    assert "SEQUENCE" not in twice[untouched] and "STATUS" not in twice[changed]
    assert twice[changed]["DTSTAMP"] >= before[changed]["DTSTAMP"]


def test_an_ended_week_is_published_as_cancelled(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    bo_falls_ill(factory, round_id)
    ended, added = uid(factory, "e2", "n2", 1), uid(factory, "e2", "n1", 1)

    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)
    text = feed_of(factory, "bo")
    events = by_uid(text)

    assert events[ended]["STATUS"] == "CANCELLED" and events[ended]["SEQUENCE"] == "1"
    assert events[ended]["DTSTART"] == (THIS_MONDAY + dt.timedelta(weeks=1)).strftime("%Y%m%d")
    assert events[added]["SEQUENCE"] == "1" and "STATUS" not in events[added]
    assert "Solgården" in events[added]["SUMMARY"]
    lowered = text.lower()
    assert "risk" not in lowered and "risiko" not in lowered
    for word in SECRET_WORDS:
        assert word not in lowered


def test_a_week_given_back_is_no_longer_cancelled(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)

    change_plan(factory, round_id, Edit("e2", "n2", 1, 8))
    event = by_uid(feed_of(factory, "bo"))[uid(factory, "e2", "n2", 1)]

    assert event["SEQUENCE"] == "2" and "STATUS" not in event


def assignment_ids(factory: Factory, round_id: int, employee_no: str) -> dict[int, int]:
    """The person's assignment ids in the round, by week of the round."""
    with factory() as session:
        rows = session.scalars(
            select(Assignment).where(
                Assignment.round_id == round_id,
                Assignment.person_id == person(session, employee_no).id,
            )
        ).all()
        return {(row.week - THIS_MONDAY).days // 7: row.id for row in rows}


def download(factory: Factory, username: str, assignment_id: int) -> str:
    with transaction(factory) as session:
        document = calendar.assignment_calendar(session, actor(session, username), assignment_id)
        return document.to_ical().decode()


def test_an_assignments_download_tells_its_changes_as_the_feed_does(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN)
    ids = assignment_ids(factory, round_id, "e1")

    change_plan(factory, round_id, Edit("e1", "n1", 0, 6), Edit("e1", "n1", 1, 0))

    changed, ended = uid(factory, "e1", "n1", 0), uid(factory, "e1", "n1", 1)
    feed = by_uid(feed_of(factory, "anne"))
    for username in ("anne", "leder_sol", "hr"):
        events = by_uid(download(factory, username, ids[0]))
        assert set(events) == {changed, ended}
        assert events[changed]["SEQUENCE"] == "1" and "STATUS" not in events[changed]
        assert events[ended]["STATUS"] == "CANCELLED" and events[ended]["SEQUENCE"] == "1"
        for key in ("SEQUENCE", "STATUS", "DTSTART", "SUMMARY"):
            assert events[changed].get(key) == feed[changed].get(key)
            assert events[ended].get(key) == feed[ended].get(key)
    # The ended week's row is gone: its id names no assignment any more.
    with pytest.raises(NotFound), transaction(factory) as session:
        calendar.assignment_calendar(session, actor(session, "anne"), ids[1])


def test_an_assignments_download_cancels_only_its_own_ended_weeks(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    bo_falls_ill(factory, round_id)
    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)
    added = uid(factory, "e2", "n1", 1)
    with factory() as session:
        row = session.scalars(
            select(Assignment).where(
                Assignment.round_id == round_id,
                Assignment.need_id == need(session, "n1").id,
                Assignment.person_id == person(session, "e2").id,
            )
        ).one()

    events = by_uid(download(factory, "bo", row.id))

    assert set(events) == {added}  # the week ended at Hjemmeplejen is another assignment's
