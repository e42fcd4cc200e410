"""A round published the day before it starts floods nobody with overdue checklist items.

HR publishes a round that starts next Monday (on a Sunday, as when the test was written, the
day before). The receiving leader then reads the deployment's checklist, and so does the lent
employee on a phone, in Danish and in English: nothing is overdue yet, preparations are due
by the first day, and the evaluation says from when it can be ticked, with no tick to press.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import select

from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import Assignment, Person, Unit, UserAccount
from jobbank.rounds import create_round, publish_round, round_input, store_result
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

LEADERS = {
    "solgaarden": "leder.solgaarden",
    "hjemmeplejen-soroe": "leder.hjemmeplejen",
    "hjemmeplejen-dianalund": "leder.hjemmeplejen",
    "boernehuset-skovbrynet": "leder.skovbrynet",
    "vaernemidler": "leder.vaernemidler",
}
"""Receiving units whose leader can log in, by unit code."""
LENT = {"e1003": "sofie", "e1004": "lars", "e1005": "karen"}
"""Demo staff with a log-in, by employee number."""
PHONE_WIDTH = 390


class Published(NamedTuple):
    person: str
    username: str
    unit: str
    leader: str
    start: dt.date


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own: the latest round published for a week plans that
    week, so the round published here would change what the other browser tests read."""
    folder = tmp_path_factory.mktemp("demo-publishing")
    with demo_server(folder) as base:
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture(scope="module")
def published(demo: Demo) -> Published:
    return publish_new_pair(demo.data_dir, monday_of(dt.date.today()) + dt.timedelta(weeks=1))


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go, for a person to look at."""
    return tmp_path_factory.mktemp("checklist-screenshots")


def publish_new_pair(data_dir: Path, start: dt.date) -> Published:
    """HR publishes a two-week round from `start`: one demo employee with a log-in, new to a
    unit whose leader can log in, works a need there 8 hours a week."""
    engine = make_engine(Settings(data_dir=data_dir).url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            rnd = create_round(session, start=start, weeks=2, by=hr.user_id)
            known = {
                (row.person.employee_no, row.need.unit.code)
                for row in session.scalars(
                    select(Assignment).where(Assignment.round_id == rnd.previous_round_id)
                )
            }
            snapshot = round_input(session, rnd)
            staff = {s.id for s in snapshot.staff}
            person, need = next(
                (person, need)
                for person in LENT
                if person in staff
                for need in snapshot.needs
                if need.unit in LEADERS and (person, need.unit) not in known
            )
            planned = [Planned(staff=person, need=need.id, week=w, hours=8) for w in (0, 1)]
            store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
            publish_round(session, hr, rnd.id)
            name = session.scalars(select(Person.name).filter_by(employee_no=person)).one()
            unit = session.scalars(select(Unit.name).filter_by(code=need.unit)).one()
            return Published(name, LENT[person], unit, LEADERS[need.unit], start)
    finally:
        engine.dispose()


def _english(page: Page) -> None:
    choose_language(page, "English")


def _danish(page: Page) -> None:
    choose_language(page, "Dansk")


def test_the_receiving_leader_finds_nothing_overdue_after_publishing(
    page: Page, published: Published, shots: Path
) -> None:
    log_in(page, published.leader)
    expect(page.locator("#leader-home")).not_to_contain_text("overskredet")
    page.goto("/deployments/incoming")
    card = page.locator("article.deployment", has_text=published.person).filter(
        has_text=published.unit
    )
    expect(card).to_have_count(1)
    expect(page.locator(".checklist-item.overdue")).to_have_count(0)
    expect(card).to_contain_text("Udpeg en fast kontaktperson")
    # Preparations are due by the first day at the latest, never before today.
    due = card.locator(".checklist .due").all_inner_texts()
    assert due and not any("overskredet" in text for text in due)
    evaluation = card.locator("li.checklist-item.not-yet", has_text="Hold en kort evaluering")
    expect(evaluation).to_contain_text("kan markeres som udført fra")
    expect(evaluation.get_by_role("button")).to_have_count(0)
    card.scroll_into_view_if_needed()
    card.screenshot(path=shots / "leader-da.png")

    _english(page)
    card = page.locator("article.deployment", has_text=published.person).filter(
        has_text=published.unit
    )
    evaluation = card.locator("li.checklist-item.not-yet", has_text="Hold a short evaluation")
    expect(evaluation).to_contain_text("can be ticked from")
    expect(card).not_to_contain_text("overdue")
    expect(card).not_to_contain_text("kan markeres")
    card.screenshot(path=shots / "leader-en.png")
    _danish(page)


def test_the_lent_employee_on_a_phone_finds_nothing_overdue(
    page: Page, published: Published, shots: Path
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, published.username)
    home = page.locator("#staff-home")
    card = home.locator("article.deployment", has_text=published.unit).filter(
        has=page.locator("li.not-yet")
    )
    expect(card.first).to_be_visible()
    expect(home.locator(".checklist-item.overdue")).to_have_count(0)
    expect(home).not_to_contain_text("overskredet")
    evaluation = card.first.locator("li.not-yet", has_text="Giv en kort evaluering")
    expect(evaluation).to_contain_text("kan markeres som udført fra")
    expect(evaluation.get_by_role("button")).to_have_count(0)
    ticks = card.first.get_by_role("button", name=re.compile("^Markér som udført: "))
    expect(ticks.first).to_be_visible()  # what can be done now can be ticked now
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a phone"
    card.first.screenshot(path=shots / "staff-da.png")

    _english(page)
    card = page.locator("#staff-home article.deployment", has_text=published.unit).filter(
        has=page.locator("li.not-yet")
    )
    expect(card.first.locator("li.not-yet")).to_contain_text("can be ticked from")
    expect(page.locator("#staff-home")).not_to_contain_text("overdue")
    card.first.screenshot(path=shots / "staff-en.png")
    _danish(page)
