"""A round page speaks one language at a time: in English no Danish phrase of the catalogue
(status words, reasons, the generated round name), in Danish no English one. The word lists
are every message whose Danish differs from its English (`tests.language_words`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import AllocationRound, Person, RoundStatus, UserAccount
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect
from tests.language_words import danish_phrases, english_phrases, phrases_in, visible_text

if TYPE_CHECKING:
    from playwright.sync_api import FloatRect

pytestmark = pytest.mark.xdist_group("browser")


def _published_round(demo: Demo) -> int:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalars(
                select(AllocationRound.id)
                .where(AllocationRound.status == RoundStatus.PUBLISHED)
                .order_by(AllocationRound.id)
            ).first() or pytest.fail("the demo has a published round")
    finally:
        engine.dispose()


@pytest.fixture
def hr_language(demo: Demo) -> Iterator[None]:
    """HR's chosen language is kept on their person, which the other browser tests share:
    put back whatever it was, whatever happens."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    factory = make_session_factory(engine)

    with factory() as session:
        account = session.scalars(select(UserAccount).filter_by(username="hr")).one()
        person_id, before = account.person_id, account.person.language if account.person else None
    try:
        yield
    finally:
        if person_id is not None and before is not None:
            with transaction(factory) as session:
                session.get_one(Person, person_id).language = before
        engine.dispose()


TALLEST = 1600


def _shoot(page: Page, folder: Path, name: str) -> None:
    """The top of the page (the summary and the first open needs), to look at."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), TALLEST)
    width = page.viewport_size["width"] if page.viewport_size else 1100
    clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=folder / f"{name}.png", full_page=True, clip=clip)


def test_a_round_page_in_english_has_no_danish_and_in_danish_no_english(
    page: Page, demo: Demo, hr_language: None, tmp_path: Path
) -> None:
    round_id = _published_round(demo)
    log_in(page, "hr")
    page.goto(f"/rounds/{round_id}?view=person")
    expect(page.locator("#unfilled .reasons li").first).to_be_visible()

    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(f"/rounds/{round_id}?view=person"), "the filters are kept"
    expect(page.get_by_role("heading", name="Unfilled needs")).to_be_visible()
    assert phrases_in(visible_text(page.content()), danish_phrases()) == []
    _shoot(page, tmp_path, "round-en")
    page.set_viewport_size({"width": 390, "height": 844})
    _shoot(page, tmp_path, "round-en-phone")

    choose_language(page, "Dansk")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", name="Udækkede behov")).to_be_visible()
    assert phrases_in(visible_text(page.content()), english_phrases()) == []
    _shoot(page, tmp_path, "round-da-phone")
    page.set_viewport_size({"width": 1100, "height": 900})
    _shoot(page, tmp_path, "round-da")


def test_a_leader_sees_how_much_of_each_need_the_published_plan_covers(
    page: Page, tmp_path: Path
) -> None:
    log_in(page, "leder.solgaarden")
    page.goto("/needs")
    table = page.locator("#open-needs")
    expect(table.get_by_role("columnheader", name="Dækket i udgivne planer")).to_be_visible()
    expect(table.locator("td.coverage").filter(has_text=" timer (").first).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    _shoot(page, tmp_path, "needs-da-phone")
    page.set_viewport_size({"width": 1100, "height": 900})
    _shoot(page, tmp_path, "needs-da")
