"""Calendar feeds over HTTP: make the address (shown once), read the feed without a log-in,
revoke it; and download one assignment as .ics, for the person, their leaders and HR only."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

import pytest
from icalendar import Calendar, Event
from litestar import Litestar
from sqlalchemy import select

from jobbank.db.models import Assignment, CalendarFeed
from solver.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round, propose
from tests.api.world import USERS

NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)


@pytest.fixture
def ids(app: Litestar) -> Ids:
    return first_round(app)


def parsed(body: bytes) -> list[Event]:
    return sorted(Calendar.from_ical(body).events, key=lambda event: event.start)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def first_week_of(app: Litestar, round_id: int, person_id: int) -> int:
    with factory(app)() as session:
        return session.scalars(
            select(Assignment.id).where(
                Assignment.round_id == round_id,
                Assignment.person_id == person_id,
                Assignment.week == THIS_MONDAY,
            )
        ).one()


def test_the_feed_address_is_shown_once_and_read_without_a_log_in(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    anne = as_user("anne")
    assert anne.get("/api/me/calendar-feed").json() == {
        "active": False,
        "created_at": None,
        "last_read_at": None,
    }

    made = anne.post("/api/me/calendar-feed")
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"  # the secret address stays out of caches
    body = made.json()
    assert re.fullmatch(r"https://testserver\.local/calendar/[\w-]{40,}\.ics", body["url"])
    assert body["webcal_url"] == "webcal://" + body["url"].removeprefix("https://")

    feed = anonymous.get(path_of(body["url"]))
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    week_one, week_two = parsed(feed.content)
    assert (week_one.start, week_one.end) == (THIS_MONDAY, NEXT_MONDAY)
    assert week_one["SUMMARY"] == "Jobbank: Plejecenter Solgården, 12 t"
    # n1 names no contact person, so Solgården's leader Frida is the one to call.
    assert "Kontakt: Frida Leder, 55 55 55 55, frida@x.example" in str(week_one["DESCRIPTION"])
    assert week_two.start == NEXT_MONDAY and week_one.uid != week_two.uid

    status = anne.get("/api/me/calendar-feed").json()
    assert status["active"] is True and status["last_read_at"] is not None
    assert "url" not in status  # the address itself is never shown again

    token = body["url"].rsplit("/", 1)[1].removesuffix(".ics")
    with factory(app)() as session:
        [row] = session.scalars(select(CalendarFeed)).all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_revoking_or_replacing_the_address_ends_the_old_one(
    as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    bo = as_user("bo")
    first = path_of(bo.post("/api/me/calendar-feed").json()["url"])
    second = path_of(bo.post("/api/me/calendar-feed").json()["url"])
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200

    assert bo.delete("/api/me/calendar-feed").status_code == 204
    gone = anonymous.get(second)
    assert gone.status_code == 404
    assert anonymous.get("/calendar/no-such-token.ics").text == gone.text
    assert anonymous.get(second.removesuffix(".ics")).status_code == 404
    assert bo.get("/api/me/calendar-feed").json()["active"] is False

    audit = as_user("hr").get("/api/audit", params={"entity": "calendar_feed"}).json()["items"]
    assert sorted(entry["action"] for entry in audit) == ["create", "create", "revoke", "revoke"]


def test_a_feed_shows_only_its_persons_published_assignments(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    propose(app)  # a proposal over the same weeks shows nowhere
    bo = anonymous.get(path_of(as_user("bo").post("/api/me/calendar-feed").json()["url"]))
    carla = anonymous.get(path_of(as_user("carla").post("/api/me/calendar-feed").json()["url"]))

    events = parsed(bo.content)
    assert [event.start for event in events] == [THIS_MONDAY, NEXT_MONDAY]
    assert all("Bo" not in str(event["SUMMARY"]) for event in events)
    # n3 has a contact person, Dorte, who is named instead of the unit's leader.
    assert "Kontakt: Dorte Leder, dorte@x.example" in str(events[0]["DESCRIPTION"])
    assert "risk" not in bo.text.lower()  # Bo is in a risk group: never said
    assert parsed(carla.content) == []
    assert "Carla Hansen" in Calendar.from_ical(carla.content).calendar_name


def test_one_assignment_downloads_for_the_person_their_leaders_and_hr(
    app: Litestar, as_user: Callable[[str], Client], ids: Ids
) -> None:
    week_one = first_week_of(app, ids.round_id, ids.anne)
    may = {"hr", "leder_sol", "leder_bs", "anne"}  # HR, receiving and sending leader, herself
    answers = {}
    for user in USERS:
        answers[user] = as_user(user).get(f"/api/assignments/{week_one}.ics")
        assert answers[user].status_code == (200 if user in may else 404), user

    download = answers["anne"]
    assert download.headers["content-disposition"] == (
        f'attachment; filename="assignment-{week_one}.ics"'
    )
    events = parsed(download.content)
    assert [event.start for event in events] == [THIS_MONDAY, NEXT_MONDAY]
    assert answers["leder_sol"].content.count(b"BEGIN:VEVENT") == 2
    missing = as_user("hr").get("/api/assignments/999999.ics")
    assert re.sub(r"\d+", "#", missing.text) == re.sub(r"\d+", "#", answers["bo"].text)
    assert as_user("hr").get(f"/api/assignments/{week_one}.json").status_code == 404


def test_proposed_assignments_do_not_download(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    proposal = propose(app, Planned(staff="e1", need="n1", week=0, hours=12))
    planned = first_week_of(app, proposal, ids.anne)
    assert as_user("hr").get(f"/api/assignments/{planned}.ics").status_code == 404
    assert as_user("anne").get(f"/api/assignments/{planned}.ics").status_code == 404
    assert anonymous.get(f"/api/assignments/{planned}.ics").status_code == 401
    assert anonymous.post("/api/me/calendar-feed").status_code == 401


def test_without_htmx_the_new_address_has_a_page_and_revoking_goes_home(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    anne = as_user("anne")
    page = anne.post("/calendar-feed")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    found = re.search(r'value="(https://testserver\.local/calendar/[\w-]+\.ics)"', page.text)
    assert found is not None, page.text
    assert anonymous.get(path_of(found[1])).status_code == 200
    home = anne.get("/")
    assert found[1] not in home.text and 'id="calendar-feed"' in home.text
    # Each assignment on the home page links its .ics by its first week.
    assert f'href="/api/assignments/{first_week_of(app, ids.round_id, ids.anne)}.ics"' in home.text

    gone = anne.post("/calendar-feed/revoke", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/#calendar-feed"
    assert anonymous.get(path_of(found[1])).status_code == 404
