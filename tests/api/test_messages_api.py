"""Messages through the API and the pages: each person their own, HR anyone's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from litestar import Litestar
from sqlalchemy import select

from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.db.models import Person
from jobbank.rounds import create_round, publish_round, store_result
from jobbank.runtime.mail import send_outbox
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests import lookups
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory

ANNE_AT_SOLGAARDEN = [
    Planned(staff="e1", need="n1", week=0, hours=12),
    Planned(staff="e1", need="n1", week=1, hours=12),
]
BO_AT_HJEMMEPLEJEN = Planned(staff="e2", need="n2", week=1, hours=8)


def publish(app: Litestar, *planned: Planned) -> None:
    """Publish a four-week round from this week as HR does, which writes its messages."""
    with factory(app)() as session, session.begin():
        hr = lookups.user(session, "hr")
        rnd = create_round(session, start=THIS_MONDAY, weeks=4)
        store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
        publish_round(session, actor_for(hr), rnd.id)


def person_id(app: Litestar, employee_no: str) -> int:
    with factory(app)() as session:
        return session.scalars(select(Person.id).filter_by(employee_no=employee_no)).one()


def test_staff_read_their_own_messages_newest_first(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    publish(app, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    publish(app, Planned(staff="e1", need="n1", week=0, hours=12))
    anne, bo = as_user("anne"), as_user("bo")

    mine = anne.get("/api/me/messages").json()
    assert mine["total"] == 2
    assert [m["kind"] for m in mine["items"]] == ["assignment_changed", "round_published"]
    assert {m["person_id"] for m in mine["items"]} == {person_id(app, "e1")}
    assert "12 → 0 timer" not in mine["items"][0]["body"]
    assert "udgår (var 12 timer)" in mine["items"][0]["body"]
    assert {m["status"] for m in mine["items"]} == {"pending"}
    assert mine["items"][0]["to_address"] == "anne@x.example"

    one = anne.get("/api/me/messages", params={"limit": 1, "offset": 1}).json()
    assert (one["total"], [m["kind"] for m in one["items"]]) == (2, ["round_published"])
    assert anne.get("/api/me/messages", params={"status": "sent"}).json()["total"] == 0
    assert anne.get("/api/me/messages", params={"status": "bogus"}).status_code == 400

    bos = bo.get("/api/me/messages").json()
    assert {m["person_id"] for m in bos["items"]} == {person_id(app, "e2")}
    assert as_user("carla").get("/api/me/messages").json()["total"] == 0


def test_only_hr_reads_other_peoples_messages(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client
) -> None:
    publish(app, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    hr = as_user("hr")

    everyone = hr.get("/api/messages").json()
    assert everyone["total"] == 4  # Anne, Bo, and the leaders of Solgården and Hjemmeplejen
    bo = person_id(app, "e2")
    bos = hr.get("/api/messages", params={"person_id": bo}).json()
    assert bos["total"] == 1 and bos["items"][0]["person_id"] == bo
    pending = hr.get("/api/messages", params={"status": "pending"}).json()
    assert pending["total"] == 4
    assert hr.get("/api/messages", params={"status": "failed"}).json()["total"] == 0

    for user in ("leder_sol", "leder_bs", "anne"):
        answer = as_user(user).get("/api/messages", params={"person_id": bo})
        assert answer.status_code == 404, user
    assert anonymous.get("/api/me/messages").status_code == 401
    assert anonymous.get("/api/messages").status_code == 401


def test_the_messages_page_shows_each_their_own_with_its_status(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, tmp_path: Path
) -> None:
    publish(app, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    send_outbox(factory(app), Settings(data_dir=tmp_path))  # no mail server: shown here only
    anne = as_user("anne")

    page = anne.get("/messages")
    assert page.status_code == 200
    assert "Mine beskeder" in page.text and "Kun vist her" in page.text
    assert "Plejecenter Solgården" in page.text and "Hjemmeplejen" not in page.text
    assert 'href="/messages"' in page.text  # the link in every page's header
    anne.post("/language", data={"language": "en", "next": "/"})
    assert "Shown here only" in anne.get("/messages").text

    hr = as_user("hr")
    bos = hr.get("/admin/messages", params={"person": person_id(app, "e2")})
    assert bos.status_code == 200
    assert "Beskeder til Bo Nielsen" in bos.text and "Hjemmeplejen" in bos.text
    assert "Plejecenter Solgården:" not in bos.text
    assert hr.get("/admin/messages", params={"status": "sent"}).text.count("<article") == 0
    assert hr.get("/admin/messages", params={"person": 999_999}).status_code == 404
    assert anne.get("/admin/messages").status_code == 404
    to_log_in = anonymous.get("/messages", follow_redirects=False)
    assert to_log_in.status_code == 303


def test_a_new_volunteer_asks_for_approval_through_the_api(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    erik = as_user("leder_bs")  # leads his own home unit: HR decides on him
    saved = erik.put("/api/me/volunteer", json={"normal_hours": 37, "skills": ["nurse"]})
    assert saved.status_code == 200, saved.text
    asked = as_user("hr").get("/api/me/messages").json()
    assert [(m["kind"], m["subject"]) for m in asked["items"]] == [
        ("approval_wanted", "Erik Leder vil gerne udlånes via Jobbanken")
    ]
    assert dt.datetime.fromisoformat(asked["items"][0]["created_at"]).tzinfo is not None


def test_staff_read_a_plain_sentence_and_only_hr_the_mail_servers_words(
    app: Litestar, as_user: Callable[[str], Client], tmp_path: Path
) -> None:
    publish(app, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    send_outbox(factory(app), Settings(data_dir=tmp_path))  # no mail server is configured
    anne, hr = as_user("anne"), as_user("hr")

    page = anne.get("/messages").text
    assert "SMTP" not in page and "mail server" not in page
    assert "Jobbank sender ikke e-mails i øjeblikket, så den vises kun her." in page
    assert '<p id="messages-count" role="status">1 besked</p>' in page
    # the language is kept on the person now; a logged-in browser's cookie no longer chooses it
    assert anne.post("/language", data={"language": "en", "next": "/messages"}).status_code == 200
    page = anne.get("/messages").text
    assert '<html lang="en">' in page
    assert "SMTP" not in page and "mail server" not in page
    assert "Jobbank does not send e-mail at the moment, so it is only shown here." in page
    assert '<p id="messages-count" role="status">1 message</p>' in page
    assert all("last_error" not in m for m in anne.get("/api/me/messages").json()["items"])

    everyone = hr.get("/admin/messages").text
    assert "Teknisk detalje (kun for HR):" in everyone and "(SMTP_URL)" in everyone
    assert "4 beskeder" in everyone
    items = hr.get("/api/messages").json()["items"]
    assert {m["last_error"] for m in items} == {"no mail server is configured (SMTP_URL)"}
