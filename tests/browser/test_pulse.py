"""The weekly pulse, played in a browser: the lent person answers on a phone in Danish (a low
answer, with their name); the receiving leader then finds the flag with the checklist items
still open on the front page, and the answer on `/pulse`, in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobbank.core.weeks import monday_of
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect
from tests.browser.test_accessibility import (
    CONTRAST_JS,
    PHONE_JS,
    SMALLEST_TARGET,
    STRUCTURE_JS,
)
from tests.browser.test_checklists_after_publishing import (
    PHONE_WIDTH,
    Published,
    publish_new_pair,
)
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

COMMENT = "Jeg sad mest og ventede, og mine egne sager hober sig op."


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own: the round published here plans this week."""
    folder = tmp_path_factory.mktemp("demo-pulse")
    with demo_server(folder) as base:
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture(scope="module")
def lent(demo: Demo) -> Published:
    """A two-week round from this Monday: the lent person's week has begun."""
    return publish_new_pair(demo.data_dir, monday_of(dt.date.today()))


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go, for a person to look at."""
    return tmp_path_factory.mktemp("pulse-screenshots")


def accessibility_problems(page: Page) -> list[str]:
    """What the accessibility checks of the main pages find on this one: labels, headings and
    landmarks, contrast, and on a phone the width and the size of what is tapped."""
    found: list[str] = page.evaluate(STRUCTURE_JS) + page.evaluate(CONTRAST_JS)
    if page.viewport_size and page.viewport_size["width"] <= PHONE_WIDTH:
        found += page.evaluate(PHONE_JS, SMALLEST_TARGET)
    return found


def test_a_low_named_answer_on_a_phone_flags_the_deployment_for_the_receiving_leader(
    page: Page, lent: Published, shots: Path
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
    choose_language(page, "English")
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
    choose_language(page, "Dansk")
