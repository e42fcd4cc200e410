"""A staff member reports sick on their phone, and HR sees it on the round page.

Anne, lent to Solgården this week and next in the published round, reports from her front
page that she cannot come on Monday to Wednesday of next week, saying why; HR reads the
absence, with why, among the changes reported on the round's page. Screenshots at phone and
desktop width, in Danish and English, go to a temporary folder for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory
from jobbank.db.models import AllocationRound, RoundStatus
from tests.browser.conftest import Demo, log_in, publish_first_round
from tests.browser.pw import Page, expect
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

PHONE_WIDTH = 390
NEXT_MONDAY = monday_of(dt.date.today()) + dt.timedelta(weeks=1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own, with the published round of the other browser
    tests: the absence reported here shows on HR's round page, which they read too."""
    folder = tmp_path_factory.mktemp("demo-sick")
    with demo_server(folder) as base:
        publish_first_round(folder / "data")
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plan-change-screenshots")


def published_round(demo: Demo) -> int:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalars(
                select(AllocationRound.id).where(AllocationRound.status == RoundStatus.PUBLISHED)
            ).one()
    finally:
        engine.dispose()


def _switch(page: Page, to: str) -> None:
    page.get_by_role("button", name=to).click()
    page.wait_for_load_state()


def test_staff_report_sick_on_their_phone_and_hr_sees_it_on_the_round_page(
    page: Page, demo: Demo, shots: Path
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, "anne")
    page.get_by_role("link", name="Jeg kan ikke komme: meld fravær").click()
    form = page.locator("#report-absence")
    form.get_by_label("Første fraværsdag").fill(NEXT_MONDAY.isoformat())
    form.get_by_label("Sidste fraværsdag").fill((NEXT_MONDAY + dt.timedelta(days=2)).isoformat())
    form.get_by_label("Hvorfor (valgfrit)").fill("Influenza")
    form.get_by_role("button", name="Meld fravær").click()
    expect(page.locator("#saved")).to_contain_text("Dit fravær er meldt")
    expect(page.locator("#events")).to_contain_text("Fravær")
    page.screenshot(path=shots / "staff-phone-da.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a phone"
    _switch(page, "English")
    expect(page.locator("#report-absence")).to_contain_text("I cannot come")
    page.screenshot(path=shots / "staff-phone-en.png", full_page=True)
    _switch(page, "Dansk")

    hr = page.context.browser.new_context(base_url=demo.base_url)  # type: ignore[union-attr]
    try:
        hr_page = hr.new_page()
        log_in(hr_page, "hr")
        hr_page.goto(f"/rounds/{published_round(demo)}")
        events = hr_page.locator("#plan-events")
        expect(events).to_contain_text("Anne")
        expect(events).to_contain_text("Influenza")
        expect(events).to_contain_text("Fravær")
        events.screenshot(path=shots / "hr-round-da.png")
        _switch(hr_page, "English")
        expect(hr_page.locator("#plan-events")).to_contain_text("Absence")
        hr_page.locator("#plan-events").screenshot(path=shots / "hr-round-en.png")
        _switch(hr_page, "Dansk")
    finally:
        hr.close()
    print(f"screenshots: {shots}")


@pytest.mark.parametrize(
    ("leader", "section"),
    [("leder.borgerservice", "#report-for-people"), ("leder.solgaarden", "#report-for-needs")],
)
def test_leaders_find_their_forms_in_both_languages(
    page: Page, shots: Path, leader: str, section: str
) -> None:
    log_in(page, leader)
    page.get_by_role("link", name="Ændringer i planen").click()
    expect(page.locator(section)).to_be_visible()
    page.screenshot(path=shots / f"{leader}-da.png", full_page=True)
    _switch(page, "English")
    expect(page.locator("h1")).to_have_text("Changes to the plan")
    page.screenshot(path=shots / f"{leader}-en.png", full_page=True)
    _switch(page, "Dansk")
    print(f"screenshots: {shots}")
