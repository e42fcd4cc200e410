"""A deployment's thread in the browser: the lent person asks on her phone in Danish, the
receiving leader answers in English, the home leader reads both; each post is told to each
other party through the outbox.

Anne (Borgerservice) is lent to Solgården in the published round; leder.solgaarden receives
her and leder.borgerservice sends her. Screenshots at phone and desktop width go to a
temporary folder for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory
from jobbank.db.models import Deployment, MessageKind, OutboxMessage, Person
from tests.browser.conftest import Demo, choose_language, log_in, publish_first_round
from tests.browser.pw import Page, expect
from tests.servers import demo_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.xdist_group("browser")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 900}
QUESTION = "Hvor skal jeg møde ind på mandag?"
ANSWER = "At the main entrance at 8. Ask for me at the desk."


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own: the thread's messages reach the outbox, which the
    other browser tests count."""
    folder = tmp_path_factory.mktemp("demo-thread")
    with demo_server(folder) as base:
        publish_first_round(folder / "data")
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("thread-screenshots")


def opened(browser: Browser, demo: Demo, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=demo.base_url, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context.new_page()


def annes_deployment(demo: Demo) -> int:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalars(
                select(Deployment.id).join(Person).where(Person.employee_no == "e1001")
            ).one()
    finally:
        engine.dispose()


def told(demo: Demo) -> list[tuple[str, str, str]]:
    """Each thread message in the outbox: its key, to whom, in which language."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(OutboxMessage.dedupe_key, Person.employee_no, OutboxMessage.language)
                .join(Person, Person.id == OutboxMessage.person_id)
                .where(OutboxMessage.kind == MessageKind.THREAD_MESSAGE)
                .order_by(OutboxMessage.id)
            ).tuples()
            return [(key, who, language) for key, who, language in rows]
    finally:
        engine.dispose()


def fits(page: Page, viewport: dict[str, int]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page is {width} px wide"


def test_the_person_asks_the_receiving_leader_answers_and_the_home_leader_reads_both(
    browser: Browser, demo: Demo, shots: Path
) -> None:
    deployment = annes_deployment(demo)
    thread = f"/deployment/{deployment}/thread"

    anne = opened(browser, demo, PHONE)
    log_in(anne, "anne")
    anne.goto(thread)
    expect(anne.locator("#thread-participants")).to_contain_text("udlånt til Plejecenter Solgården")
    expect(anne.locator("#thread-empty")).to_be_visible()
    anne.get_by_role("button", name="Send").click()  # nothing written yet
    expect(anne.locator("#thread-body-error")).to_have_text("Udfyld dette felt.")
    anne.get_by_label("Din besked").fill(QUESTION)
    expect(anne.locator("#thread-body-hint")).to_have_text(
        "Skriv ikke om helbred her; HR læser årsager til fravær et andet sted."
    )
    anne.get_by_role("button", name="Send").click()
    expect(anne.locator("article.message")).to_have_count(1)
    expect(anne.locator("article.message").first).to_contain_text(QUESTION)
    expect(anne.locator("article.message").first).to_contain_text("Anne")
    fits(anne, PHONE)
    anne.screenshot(path=shots / "thread-person-phone-da.png", full_page=True)
    assert len(told(demo)) == 2  # both leaders

    leader = opened(browser, demo, DESKTOP)
    log_in(leader, "leder.solgaarden")
    choose_language(leader, "English")
    leader.goto(thread)
    expect(leader.locator("#thread-participants")).to_contain_text(
        "leader of Plejecenter Solgården, the receiving unit"
    )
    expect(leader.locator("article.message").first).to_contain_text(QUESTION)
    leader.get_by_label("Your message").fill(ANSWER)
    leader.get_by_role("button", name="Send").click()
    expect(leader.locator("article.message")).to_have_count(2)
    leader.screenshot(path=shots / "thread-receiving-leader-desktop-en.png", full_page=True)

    home = opened(browser, demo, PHONE)
    log_in(home, "leder.borgerservice")
    home.goto(thread)
    messages = home.locator("article.message")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text(QUESTION)  # oldest first
    expect(messages.nth(1)).to_contain_text(ANSWER)
    expect(home.locator("#thread-participants")).to_contain_text("hjemmeenheden")
    expect(home.get_by_role("link", name="Tilbage til udlånet")).to_have_attribute(
        "href", f"/deployment/{deployment}"
    )
    fits(home, PHONE)
    home.screenshot(path=shots / "thread-home-leader-phone-da.png", full_page=True)

    outbox = told(demo)
    assert len(outbox) == 4  # two posts, each to the two other parties
    first, second = outbox[:2], outbox[2:]
    assert {who for _, who, _ in first} == {"e1008", "e1012"}  # the two leaders
    assert {who for _, who, _ in second} == {"e1001", "e1012"}  # Anne and the home leader
    for page in (anne, leader, home):
        page.context.close()
