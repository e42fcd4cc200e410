"""The plan lives, end to end in the browser: a staff member reports sick on her phone, HR
proposes changes, reads the diff and applies it, and what follows reaches everyone.

Anne (lent to Solgården's need n01, 12 h a week) reports that she cannot come all of next
week. Ida, a nurse volunteer the published plan did not use, can take her hours. HR opens the
round, proposes changes and sees Anne's week ended and Ida's added; HR applies them. Then Ida
finds a message about it on her messages page and next week at Solgården in her calendar
feed; Anne's feed has that week cancelled; Solgården's leader sees Ida among the incoming,
with a checklist of her own, and Anne's week as ended among what changed. Screenshots, in
Danish and English, at a phone's width where the reader is on a phone, go to a temporary
folder for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fixtures.municipality import LEADER_PASSWORD
from jobbank import calendar, people
from jobbank.core.access import actor_for
from jobbank.core.roles import Role
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import (
    AllocationRound,
    ApprovalStatus,
    Checklist,
    OutboxMessage,
    Person,
    Skill,
    Unit,
    UserAccount,
    VolunteerProfile,
)
from jobbank.live_plan.shortlist import shortlist_for
from jobbank.rounds import unfilled_need_weeks
from tests.browser.conftest import Demo, log_in, publish_first_round
from tests.browser.pw import Page, expect
from tests.browser.steps import PHONE_WIDTH, fits_a_phone, is_accessible, open_as, switch_language
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

NEXT_MONDAY = monday_of(dt.date.today()) + dt.timedelta(weeks=1)
IDA = "e9001"


@dataclass(frozen=True)
class LivePlan:
    demo: Demo
    round_id: int
    urgent: tuple[int, dt.date]
    """A need-week the plan leaves open that someone could take now."""
    feeds: dict[str, str]
    """Calendar feed tokens of Anne and Ida, by username."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own: the published round of the other browser tests,
    with Ida among its volunteers."""
    folder = tmp_path_factory.mktemp("demo-live-plan")
    with demo_server(folder) as base:
        publish_first_round(folder / "data")
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture(scope="module")
def live(demo: Demo) -> LivePlan:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with transaction(make_session_factory(engine)) as session:
            rnd = session.scalars(select(AllocationRound)).one()
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            ida = _ida(session)
            people.create_user(
                session,
                hr,
                username="ida",
                password=LEADER_PASSWORD,
                roles=[Role.STAFF],
                person_id=ida.id,
            )
            _volunteered_for(rnd, ida)
            feeds = {
                username: calendar.create_feed(session, _actor(session, username)).token
                for username in ("anne", "ida")
            }
            urgent = _open_need_week(session, hr, rnd)
            return LivePlan(demo=demo, round_id=rnd.id, urgent=urgent, feeds=feeds)
    finally:
        engine.dispose()


def _ida(session: Any) -> Person:
    """Ida Vikar of the library, an approved nurse volunteer with her whole week to give."""
    unit = session.scalars(select(Unit).filter_by(code="bibliotek")).one()
    nurse = session.scalars(select(Skill).filter_by(code="nurse")).one()
    ida = Person(employee_no=IDA, name="Ida Vikar", email="ida@demo.example", home_unit=unit)
    session.add(ida)
    session.add(
        VolunteerProfile(
            person=ida,
            normal_hours=37,
            home_load=0,
            approval=ApprovalStatus.APPROVED,
            skills=[nurse],
        )
    )
    session.flush()
    return ida


def _volunteered_for(rnd: AllocationRound, ida: Person) -> None:
    """Ida among the round's volunteers as they stood when it was made, but given nothing by
    the plan: as if she had offered her hours before the round and the plan did not need her."""
    snapshot = dict(rnd.input_snapshot or {})
    anne = next(s for s in snapshot["staff"] if s["id"] == "e1001")
    snapshot["staff"] = [
        *snapshot["staff"],
        anne
        | {
            "id": IDA,
            "name": ida.name,
            "home_unit": "bibliotek",
            "skills": ["nurse"],
            "home_load": [0.0] * rnd.weeks,
            "available": [True] * rnd.weeks,
            "preferred_areas": [],
        },
    ]
    rnd.input_snapshot = snapshot


def _open_need_week(session: Any, hr: Any, rnd: AllocationRound) -> tuple[int, dt.date]:
    """The first need-week the published plan leaves open that has a shortlist."""
    for row in unfilled_need_weeks(session, rnd):
        if row.need is not None and shortlist_for(session, hr, rnd.id, row.need.id, row.week):
            return row.need.id, row.week
    raise AssertionError("the demo's plan leaves nothing open that anyone could take")


def _actor(session: Any, username: str) -> Any:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live-plan-screenshots")


def _feed(page: Page, live: LivePlan, username: str) -> str:
    answer = page.request.get(f"{live.demo.base_url}/calendar/{live.feeds[username]}.ics")
    assert answer.status == 200, answer.text()
    return answer.text().replace("\r\n ", "")


def _events_of(feed: str) -> list[str]:
    return feed.split("BEGIN:VEVENT")[1:]


def test_a_sick_report_is_repaired_by_hr_and_reaches_everyone_it_concerns(
    page: Page, live: LivePlan, shots: Path
) -> None:
    # Anne reports sick on her phone
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, "anne")
    page.get_by_role("link", name="Jeg kan ikke komme: meld fravær").click()
    form = page.locator("#report-absence")
    form.get_by_label("Første fraværsdag").fill(NEXT_MONDAY.isoformat())
    form.get_by_label("Sidste fraværsdag").fill((NEXT_MONDAY + dt.timedelta(days=4)).isoformat())
    form.get_by_role("button", name="Meld fravær").click()
    expect(page.locator("#saved")).to_contain_text("Dit fravær er meldt")

    # HR proposes changes, reads the diff and applies it
    hr = open_as(page, live.demo.base_url, "hr")
    try:
        hr.goto(f"/rounds/{live.round_id}")
        repair = hr.locator("#repair")
        expect(repair).to_contain_text("1 meldt ændring er ikke rettet for endnu")
        repair.screenshot(path=shots / "hr-round-repair-da.png")
        repair.get_by_role("button", name="Foreslå ændringer").click()
        hr.wait_for_url(f"**/rounds/{live.round_id}/change-sets/*")
        diff = hr.locator("#diff")
        expect(diff.locator("li.ended")).to_contain_text("Anne Jensen")
        expect(diff.locator("li.ended")).to_contain_text("udgår (var 12 timer)")
        expect(diff.locator("li.added")).to_contain_text("Ida Vikar")
        expect(diff.locator("li.added")).to_contain_text("Plejecenter Solgården (n01)")
        expect(hr.locator("#newly-lent")).to_contain_text("Ida Vikar")
        expect(hr.locator("#proposal-status")).to_contain_text("Foreslået, ikke gennemført endnu")
        hr.screenshot(path=shots / "hr-proposal-da.png", full_page=True)
        is_accessible(hr)
        switch_language(hr, "English")
        expect(diff.locator("li.ended")).to_contain_text("ended (was 12 hours)")
        expect(hr.locator("#coverage")).to_contain_text("hours covered, before → after")
        hr.screenshot(path=shots / "hr-proposal-en.png", full_page=True)
        hr.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        fits_a_phone(hr)
        hr.screenshot(path=shots / "hr-proposal-phone-en.png", full_page=True)
        hr.set_viewport_size({"width": 1100, "height": 900})
        switch_language(hr, "Dansk")
        proposal = hr.url
        need_id, week = live.urgent
        hr.goto(f"/rounds/{live.round_id}/shortlist?need_id={need_id}&week={week}")
        expect(hr.locator("#shortlist li.card").first).to_contain_text("Kan tage")
        expect(hr.locator("#shortlist li.card").first.get_by_label("Timer")).to_be_visible()
        hr.screenshot(path=shots / "hr-shortlist-da.png", full_page=True)
        is_accessible(hr)
        hr.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        fits_a_phone(hr)
        hr.set_viewport_size({"width": 1100, "height": 900})
        hr.goto(proposal)
        hr.get_by_role("button", name="Gennemfør ændringerne").click()
        expect(hr.locator("#proposal-status")).to_contain_text("Gennemført")
        hr.screenshot(path=shots / "hr-applied-da.png", full_page=True)
    finally:
        hr.context.close()

    # Ida, the replacement, reads her message on her phone; her calendar has the week
    ida = open_as(page, live.demo.base_url, "ida")
    try:
        ida.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        ida.goto("/messages")
        expect(ida.locator("main")).to_contain_text("Ændringer i planen")
        expect(ida.locator("main")).to_contain_text("Plejecenter Solgården")
        expect(ida.locator("main")).to_contain_text("ny, 12 timer")
        ida.screenshot(path=shots / "ida-messages-da.png", full_page=True)
        fits_a_phone(ida)
        ida_feed = _feed(ida, live, "ida")
        week = NEXT_MONDAY.strftime("%Y%m%d")
        assert any(
            week in event and "Solgården" in event and "STATUS:CANCELLED" not in event
            for event in _events_of(ida_feed)
        ), ida_feed
        anne_feed = _feed(ida, live, "anne")
        assert any(
            week in event and "STATUS:CANCELLED" in event for event in _events_of(anne_feed)
        ), anne_feed
    finally:
        ida.context.close()
    _outbox_has_a_message_for_ida(live)

    # Solgården's leader sees Ida among the incoming, with a checklist, and Anne's week ended
    leader = open_as(page, live.demo.base_url, "leder.solgaarden")
    try:
        leader.goto("/deployments/incoming")
        ida_there = leader.locator("article.deployment").filter(has_text="Ida Vikar")
        expect(ida_there).to_have_count(1)
        expect(ida_there).to_contain_text("Plejecenter Solgården")
        expect(ida_there.locator("ul.checklist li")).not_to_have_count(0)
        ida_there.screenshot(path=shots / "leader-incoming-ida-da.png")
        leader.goto("/")
        changes = leader.locator("#plan-changes")
        expect(changes.locator("li.ended")).to_contain_text("Anne Jensen")
        expect(changes.locator("li.ended")).to_contain_text("udgår (var 12 timer)")
        expect(changes.locator("li.added")).to_contain_text("Ida Vikar")
        changes.screenshot(path=shots / "leader-changes-da.png")
        switch_language(leader, "English")
        expect(changes.locator("li.ended")).to_contain_text("ended (was 12 hours)")
        changes.screenshot(path=shots / "leader-changes-en.png")
        switch_language(leader, "Dansk")
    finally:
        leader.context.close()
    _ida_has_a_new_checklist(live)
    print(f"screenshots: {shots}")


def _outbox_has_a_message_for_ida(live: LivePlan) -> None:
    engine = make_engine(Settings(data_dir=live.demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            subjects = session.scalars(
                select(OutboxMessage.subject).join(Person).where(Person.employee_no == IDA)
            ).all()
            assert subjects, "Ida was not told"
    finally:
        engine.dispose()


def _ida_has_a_new_checklist(live: LivePlan) -> None:
    engine = make_engine(Settings(data_dir=live.demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            units = session.scalars(
                select(Unit.code)
                .join(Checklist, Checklist.unit_id == Unit.id)
                .join(Person, Checklist.person_id == Person.id)
                .where(Person.employee_no == IDA)
            ).all()
            assert units == ["solgaarden"]
    finally:
        engine.dispose()
