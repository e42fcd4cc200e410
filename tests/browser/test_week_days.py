"""The demo's published round by day: the receiving leader's week and a staff member's days on a
phone, in Danish and English, photographed for the docs."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

TIMES = re.compile(r"\d\d:\d\d–\d\d:\d\d")


def test_the_receiving_leader_reads_who_comes_which_day_and_when(page: Page) -> None:
    """Anne nurses at Solgården this week on days of the need's day shift (07:00–15:00)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "leder.solgaarden")
    page.goto("/deployments/incoming/week")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hvem er her")
    anne = page.locator(".week-day li").filter(has_text="Anne Jensen")
    expect(anne.first).to_contain_text(re.compile(r"07:00–\d\d:\d\d"))
    expect(anne.first).to_contain_text("fra Borgerservice")
    name, time = (anne.first.locator(part).bounding_box() for part in ("strong", ".shift-time"))
    assert name and time and time["y"] < name["y"] + name["height"], "the time is below the name"
    page.screenshot(path=SCREENSHOTS / "week-grid-da.png", full_page=True)
    choose_language(page, "English")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who is here")
    expect(anne.first).to_contain_text("from Borgerservice")
    page.screenshot(path=SCREENSHOTS / "week-grid-en.png", full_page=True)
    choose_language(page, "Dansk")


def test_a_staff_member_reads_her_days_on_a_phone(page: Page) -> None:
    """Anne's card lists the days of each week under its hours, and nothing runs off a phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "anne")
    card = page.locator("article.deployment").filter(has_text="Solgården").first
    days = card.locator("tr.work-day")
    expect(days.first).to_contain_text(TIMES)
    assert days.count() >= 2  # 12 hours a week on days of at most 7.5 hours
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
    card.screenshot(path=SCREENSHOTS / "staff-days-phone.png")
