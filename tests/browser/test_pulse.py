"""The weekly pulse, played in a browser: the lent person answers on a phone in Danish (a low
answer, with their name); the receiving leader then finds the flag with the checklist items
still open on the front page, and the answer on `/pulse`, in English."""

from __future__ import annotations

import datetime as dt
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
from tests.browser.conftest import Demo, log_in
from tests.browser.pw import Page, expect
from tests.browser.test_accessibility import (
    CONTRAST_JS,
    PHONE_JS,
    SMALLEST_TARGET,
    STRUCTURE_JS,
)
from tests.browser.test_checklists_after_publishing import LEADERS, LENT, PHONE_WIDTH
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

COMMENT = "Jeg sad mest og ventede, og mine egne sager hober sig op."


class Lent(NamedTuple):
    person: str
    username: str
    unit: str
    leader: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own: the round published here plans this week."""
    folder = tmp_path_factory.mktemp("demo-pulse")
    with demo_server(folder) as base:
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture(scope="module")
def lent(demo: Demo) -> Lent:
    return publish_this_week(demo.data_dir)


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go, for a person to look at."""
    return tmp_path_factory.mktemp("pulse-screenshots")


def publish_this_week(data_dir: Path) -> Lent:
    """HR publishes a two-week round from this Monday: a demo employee with a log-in is lent
    to a unit whose leader can log in, new to it, so their week has begun."""
    engine = make_engine(Settings(data_dir=data_dir).url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            rnd = create_round(session, start=monday_of(dt.date.today()), weeks=2, by=hr.user_id)
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
            return Lent(name, LENT[person], unit, LEADERS[need.unit])
    finally:
        engine.dispose()


def accessibility_problems(page: Page) -> list[str]:
    """What the accessibility checks of the main pages find on this one: labels, headings and
    landmarks, contrast, and on a phone the width and the size of what is tapped."""
    found: list[str] = page.evaluate(STRUCTURE_JS) + page.evaluate(CONTRAST_JS)
    if page.viewport_size and page.viewport_size["width"] <= PHONE_WIDTH:
        found += page.evaluate(PHONE_JS, SMALLEST_TARGET)
    return found


def test_a_low_named_answer_on_a_phone_flags_the_deployment_for_the_receiving_leader(
    page: Page, lent: Lent, shots: Path
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, lent.username)
    prompt = page.get_by_role("link", name=f"Hvordan var din uge i {lent.unit}?")
    expect(prompt).to_be_visible()
    page.screenshot(path=shots / "prompt-da.png")
    prompt.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hvordan var din uge i {lent.unit}?")
    meaningful = page.get_by_role("group", name="Havde du meningsfuldt arbejde i denne uge?")
    meaningful.get_by_text("1", exact=True).click()
    pressed = page.get_by_role("group", name="Hvor presset var du af dine opgaver hjemme?")
    pressed.get_by_text("5", exact=True).click()
    expect(meaningful.get_by_role("radio", name="1")).to_be_checked()
    page.get_by_label("Kommentar (hvis du vil)").fill(COMMENT)
    page.get_by_label("Lederne må se mit navn").check()
    assert accessibility_problems(page) == []
    page.screenshot(path=shots / "answer-da.png", full_page=True)
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    expect(page.locator("#saved")).to_have_text("Tak. Dit svar er gemt.")
    expect(page.locator(".pulse-weeks")).to_contain_text("meningsfuldt arbejde 1, presset 5")
    page.screenshot(path=shots / "saved-da.png", full_page=True)
    page.goto("/")
    expect(page.get_by_role("link", name=f"Hvordan var din uge i {lent.unit}?")).to_have_count(0)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, lent.leader)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    flags = page.locator("#pulse-flags")
    flag = flags.locator("article.pulse-flag", has_text=lent.person)
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text(f"{lent.person} at {lent.unit}")
    expect(flag).to_contain_text("Meaningful work 1 of 5, pressed by home tasks 5 of 5")
    expect(flag).to_contain_text("Checklist items still open:")
    expect(flag.locator(".pulse-open-items li").first).to_be_visible()
    expect(flags).not_to_contain_text("Lave svar")
    assert accessibility_problems(page) == []
    flags.screenshot(path=shots / "flag-en.png")

    page.get_by_role("link", name="The weekly pulse of my units").click()
    page.wait_for_load_state()
    card = page.locator("article.pulse-week-card", has_text=lent.unit).first
    expect(card).to_contain_text(lent.person)
    expect(card).to_contain_text(COMMENT)
    expect(card).to_contain_text("meaningful work 1, pressed 5")
    page.screenshot(path=shots / "pulse-en.png", full_page=True)

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    assert accessibility_problems(page) == []
    page.screenshot(path=shots / "pulse-phone-en.png", full_page=True)
    page.get_by_role("button", name="Dansk").click()
    page.wait_for_load_state()
