"""A calendar feed after a change to a published plan, read by a plain RFC 5545 line parser
(not icalendar, which wrote it): a changed week keeps its UID at a higher SEQUENCE, an ended
one is STATUS:CANCELLED at a higher SEQUENCE, and nothing tells why."""

from __future__ import annotations

import datetime as dt

from jobbank import calendar
from jobbank.db import transaction
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
