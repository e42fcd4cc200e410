"""HR's pages for people, log-ins, units and checklist templates in the browser: the main
flows from the HR nav. The forms' every refusal and the 409s are in
tests/api/pages/test_admin_*.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from fixtures.municipality import STAFF_PASSWORD
from tests.browser.conftest import SCREENSHOTS, Demo, log_in
from tests.browser.pw import Page, expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.xdist_group("browser")


def test_hr_adds_a_person_gives_them_a_log_in_and_switches_it_off(
    page: Page, browser: Browser, demo: Demo
) -> None:
    log_in(page, "hr")
    hr_nav = page.get_by_role("navigation", name="HR-administration")
    hr_nav.get_by_role("link", name="Personer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personer")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "hr-people.png")
    page.get_by_role("link", name="Tilføj en person").click()

    page.get_by_label("Medarbejdernummer").fill("e1001")
    page.get_by_label("Navn", exact=True).fill("Ida Iversen")
    page.get_by_label("E-mail").fill("ida@soroe.example")
    page.get_by_label("Hjemmeenhed").select_option(label="Sorø Bibliotek")
    page.get_by_label("Sprog på sider og i beskeder").select_option(label="Engelsk")
    expect(page.locator("#person-employee_no-error")).to_have_text(  # told as HR types
        "En anden person har allerede dette medarbejdernummer."
    )
    page.get_by_role("button", name="Gem personen").click()
    number = page.get_by_label("Medarbejdernummer")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#person-employee_no-error")).to_have_text(
        "En anden person har allerede dette medarbejdernummer."
    )
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Ida Iversen")

    number.fill("e9001")
    page.get_by_role("button", name="Gem personen").click()
    expect(page.get_by_role("status").first).to_have_text("e9001 er gemt.")
    row = page.locator("#people tbody tr", has_text="Ida Iversen")
    expect(row).to_contain_text("Sorø Bibliotek")
    expect(row).to_contain_text("Engelsk")

    row.get_by_role("link", name="Ida Iversen").click()
    page.get_by_role("link", name="Giv et log-in").click()
    expect(page.get_by_label("Personens medarbejdernummer")).to_have_value("e9001")
    page.get_by_label("Brugernavn").fill("ida")
    page.get_by_label("Første adgangskode").fill(STAFF_PASSWORD + "-ida")
    expect(page.get_by_label("Medarbejder", exact=True)).to_be_checked()
    page.get_by_role("button", name="Opret log-in'et").click()
    expect(page.get_by_role("status").first).to_have_text("Log-in'et ida er gemt.")
    expect(page.locator("#users tbody tr", has_text="ida")).to_contain_text("Medarbejder")

    ida = browser.new_context(base_url=demo.base_url)
    ida_page = ida.new_page()
    ida_page.goto("/login")
    ida_page.get_by_label("Brugernavn").fill("ida")
    ida_page.get_by_label("Adgangskode").fill(STAFF_PASSWORD + "-ida")
    ida_page.get_by_role("button", name="Log ind").click()
    # the language HR chose for her is kept on her person, so her pages follow it too
    expect(ida_page.get_by_role("heading", level=1)).to_have_text("Hello, Ida Iversen")
    expect(ida_page.locator("html")).to_have_attribute("lang", "en")

    page.locator("#users").get_by_role("link", name="ida", exact=True).click()
    page.get_by_role("button", name="Slå log-in'et fra").click()
    expect(page.locator("#users tbody tr", has_text="ida")).to_contain_text("slået fra")
    ida_page.reload()
    expect(ida_page).to_have_url(re.compile(r"/login"))
    ida.close()


def test_hr_adds_a_unit_with_a_leader_and_changes_it(page: Page) -> None:
    log_in(page, "hr")
    page.get_by_role("navigation", name="HR-administration").get_by_role(
        "link", name="Enheder"
    ).click()
    page.get_by_role("link", name="Tilføj en enhed").click()
    page.get_by_label("Navn", exact=True).fill("Testcenter Syd")
    page.get_by_label("Kode (små bogstaver, cifre, _ og -)").fill("Testcenter Syd")
    page.get_by_label("Område").select_option(label="Social og Sundhed")
    page.get_by_label("Tilføj en leder: medarbejdernummer").fill("e1014")
    page.get_by_role("button", name="Gem enheden").click()
    expect(page.locator("#unit-code-error")).to_have_text("Brug kun små bogstaver, cifre, _ og -.")
    page.get_by_label("Kode (små bogstaver, cifre, _ og -)").fill("testcenter-syd")
    page.get_by_role("button", name="Gem enheden").click()
    expect(page.get_by_role("status").first).to_have_text("Enheden testcenter-syd er gemt.")
    row = page.locator("table.units tbody tr", has_text="Testcenter Syd")
    expect(row).to_contain_text("Søren Mortensen")

    row.get_by_role("link", name="Testcenter Syd", exact=True).click()
    expect(page.get_by_label("Søren Mortensen (e1014)")).to_be_checked()
    page.get_by_label("Telefon").fill("57 00 00 00")
    page.get_by_label("Søren Mortensen (e1014)").uncheck()
    page.get_by_role("button", name="Gem enheden").click()
    row = page.locator("table.units tbody tr", has_text="Testcenter Syd")
    expect(row).to_contain_text("57 00 00 00")
    expect(row).to_contain_text("Ingen leder")


def test_hr_adds_a_unit_template_and_orders_its_items(page: Page) -> None:
    log_in(page, "hr")
    page.get_by_role("navigation", name="HR-administration").get_by_role(
        "link", name="Tjeklisteskabeloner"
    ).click()
    expect(page.locator("#templates")).to_contain_text("Alle enheder (standarden)")
    page.get_by_label("Skabelonens navn").fill("Værnemiddellageret")
    page.get_by_label("Eller for én enhed").select_option(
        label="Værnemiddellageret (Team Værnemidler)"
    )
    page.get_by_role("button", name="Tilføj skabelonen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Værnemiddellageret")

    for da, en in (
        ("Hent sikkerhedssko", "Fetch safety shoes"),
        ("Mød holdlederen", "Meet the team lead"),
    ):
        page.get_by_label("Hvem gør det").select_option(label="Udlånt medarbejder")
        page.get_by_label("Dansk titel").fill(da)
        page.get_by_label("Engelsk titel").fill(en)
        page.get_by_label("Frist i dage").fill("-1")
        page.get_by_role("button", name="Tilføj punktet").click()
        expect(page.get_by_role("status").first).to_have_text("Punktet er tilføjet.")
    items = page.locator("#template-items tbody tr")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Hent sikkerhedssko")

    page.get_by_role("button", name="Op Mød holdlederen").click()
    expect(items.first).to_contain_text("Mød holdlederen")
    expect(items.first).to_contain_text("-1 dage fra første dag")
    page.screenshot(path=SCREENSHOTS / "hr-checklist-template.png", full_page=True)

    page.get_by_role("link", name="Ret 2").click()
    page.get_by_label("Frist i dage").fill("500")
    page.get_by_role("button", name="Gem punktet").click()
    due = page.get_by_label("Frist i dage")
    expect(due).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#item-due_day-error")).to_have_text(
        "Skriv et helt antal dage fra -60 til 120."
    )
    due.fill("2")
    page.get_by_label("Regnet fra").select_option(label="sidste dag")
    page.get_by_role("button", name="Gem punktet").click()
    expect(items.last).to_contain_text("2 dage fra sidste dag")

    page.get_by_role("button", name="Fjern Hent sikkerhedssko").click()
    expect(items).to_have_count(1)
    expect(page.get_by_role("status").first).to_have_text("Punktet er fjernet.")
