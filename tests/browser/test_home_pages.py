"""Each role logs in, sees its own home page and nobody else's part; log-out; language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import SCREENSHOTS, choose_language, log_in
from tests.browser.pw import Locator, Page, expect

if TYPE_CHECKING:
    from playwright.sync_api import FloatRect

pytestmark = pytest.mark.xdist_group("browser")


def test_a_page_without_log_in_sends_you_to_log_in(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i Jobbanken")


def test_a_wrong_password_is_told_at_the_form(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Brugernavn").fill("anne")
    page.get_by_label("Adgangskode").fill("not-her-password")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_have_text("Forkert brugernavn eller adgangskode.")
    expect(page.get_by_label("Brugernavn")).to_have_value("anne")


def test_hr_sees_the_dashboard_and_no_unit_or_staff_part(page: Page) -> None:
    log_in(page, "hr")
    dashboard = page.locator("#hr-dashboard")
    expect(dashboard.get_by_role("heading", name="Jobbanken lige nu")).to_be_visible()
    for one, more in (("åbent behov", "åbne behov"), ("fordelingsrunde", "fordelingsrunder")):
        pattern = re.compile(rf"^\d+ ({one}|{more})$")
        shown = dashboard.get_by_role("listitem").filter(has_text=pattern).inner_text()
        count, words = shown.split(maxsplit=1)
        assert words == (one if count == "1" else more), shown
    expect(page.locator("#leader-home")).to_have_count(0)
    expect(page.locator("#staff-home")).to_have_count(0)


def _card_of(page: Page, direction: str, person: str) -> Locator:
    """The card that `person`'s line on the leader's home links to."""
    link = page.locator(f"#leader-home table#{direction}").get_by_role("link", name=person)
    href = link.get_attribute("href")
    assert href is not None and "#" in href
    link.click()
    page.wait_for_url(f"**{href}")
    card = page.locator(f"#{href.split('#')[1]}")
    expect(card.get_by_role("heading", level=2)).to_contain_text(person)
    return card


def test_a_receiving_leader_sees_their_needs_and_who_is_coming(page: Page) -> None:
    log_in(page, "leder.solgaarden")
    home = page.locator("#leader-home")
    needs = home.locator("#needs")
    expect(needs).to_contain_text("n01")
    expect(needs).not_to_contain_text("n07")  # Birkely's need
    expect(page.locator("#hr-dashboard")).to_have_count(0)
    # Anne's line leads to her card, with the receiving leader's items to tick.
    card = _card_of(page, "incoming", "Anne Jensen")
    expect(card).to_contain_text("Udpeg en fast kontaktperson")  # receiving checklist
    expect(card).not_to_contain_text("Tal med medarbejderen om udlånet")  # sending checklist
    tick = card.get_by_role("button", name="Markér som udført: Udpeg en fast kontaktperson")
    expect(tick).to_be_visible()


def test_the_sending_leader_sees_who_is_lent_out_and_the_sending_checklist(page: Page) -> None:
    log_in(page, "leder.borgerservice")
    card = _card_of(page, "outgoing", "Anne Jensen")
    expect(card).to_contain_text("Tal med medarbejderen om udlånet")
    expect(card).not_to_contain_text("Udpeg en fast kontaktperson")


def test_another_leader_sees_nothing_of_anne(page: Page) -> None:
    log_in(page, "leder.skovbrynet")
    home = page.locator("#leader-home")
    expect(home.locator("#needs")).to_contain_text("n30")
    expect(home).not_to_contain_text("Anne Jensen")
    expect(home).not_to_contain_text("n01")


def test_staff_see_their_assignment_and_tick_a_checklist_item(page: Page) -> None:
    log_in(page, "anne")
    home = page.locator("#staff-home")
    expect(home.get_by_role("heading", name="Plejecenter Solgården")).to_be_visible()
    expect(home).to_contain_text("Alléen 12, 4180 Sorø")
    expect(home).to_contain_text("Birgitte Mortensen")  # Solgården's leader is the contact
    expect(home.locator("table.weeks tbody tr:not(.work-day)")).to_have_count(2)  # two weeks
    expect(home.locator("table.weeks tr.work-day").first).to_contain_text("07:00–")  # her days
    expect(page.locator("#hr-dashboard")).to_have_count(0)
    expect(page.locator("#leader-home")).to_have_count(0)
    expect(home).not_to_contain_text("Udpeg en fast kontaktperson")  # the leader's item

    tick = home.get_by_role("button", name=re.compile("^Markér som udført: Læs om enheden"))
    tick.click()
    untick = home.get_by_role("button", name=re.compile("^Markér som ikke udført: Læs om"))
    expect(untick).to_be_visible()
    page.reload()
    expect(untick).to_be_visible()  # stored, not only swapped in


def test_a_staff_member_without_assignment_sees_none_of_annes(page: Page) -> None:
    log_in(page, "mads")
    home = page.locator("#staff-home")
    expect(home).to_contain_text("Du er ikke udlånt i en offentliggjort runde.")
    expect(page.locator("main")).not_to_contain_text("Solgården")


def test_log_out_returns_to_the_log_in_page_and_the_session_ends(page: Page) -> None:
    log_in(page, "anne")
    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_the_language_switch_turns_the_pages_english(page: Page) -> None:
    log_in(page, "anne")
    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="My assignments")).to_be_visible()
    expect(page.locator("#staff-home")).to_contain_text("Read about the unit")
    choose_language(page, "Dansk")
    expect(page.get_by_role("heading", name="Mine udlån")).to_be_visible()


def test_screenshots_of_the_main_pages(page: Page) -> None:
    """Pictures for the README, taken fresh on every run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto("/login")
    _shoot(page, "login")
    for username, name in (("hr", "hr"), ("leder.solgaarden", "leader"), ("anne", "staff")):
        if name == "staff":
            page.set_viewport_size({"width": 390, "height": 844})  # staff read it on a phone
        log_in(page, username)
        _shoot(page, f"home-{name}")
        for path, picture in MORE_PAGES[name]:
            response = page.goto(path)
            assert response is not None and response.ok, path
            _shoot(page, picture)
        page.goto("/")
        page.get_by_role("button", name="Log ud").click()
        page.wait_for_url("**/login")


def _shoot(page: Page, picture: str) -> None:
    """The whole page, cut at `TALLEST` pixels so a long list does not make a huge picture."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), TALLEST)
    width = page.viewport_size["width"] if page.viewport_size else 1100
    clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=SCREENSHOTS / f"{picture}.png", full_page=True, clip=clip)


TALLEST = 2000
MORE_PAGES = {
    "hr": [
        ("/dashboard", "hr-dashboard"),
        ("/rounds", "hr-rounds"),
        ("/rounds/1", "hr-round"),
        ("/reports/rounds/1", "hr-report"),
        ("/admin/imports", "hr-imports"),
    ],
    "leader": [("/needs", "leader-needs"), ("/needs/new", "leader-need-form")],
    "staff": [("/volunteering/profile", "staff-profile"), ("/messages", "staff-messages")],
}
"""The other main pages of each role, photographed after its front page."""
