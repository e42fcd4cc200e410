"""The settings of rotation rounds and introductions in the browser, photographed for the docs:
HR makes a draft round a rotation round in Danish, a unit's leader says in English how many
new people the unit can introduce a week, and a staff member ticks a skill to learn on a
phone. Each page fits a phone; what a test set is put back, as the demo is shared."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, choose_language, log_in
from tests.browser.pw import Page, expect
from tests.browser.steps import PHONE_WIDTH, fits_a_phone, is_accessible

pytestmark = pytest.mark.xdist_group("browser")

PHONE = {"width": PHONE_WIDTH, "height": 844}


def test_hr_makes_a_draft_round_a_rotation_round_in_danish(page: Page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "hr")
    page.goto("/rounds")
    page.get_by_label("Navn (valgfrit)").fill("Rotation efterår")
    page.get_by_role("button", name="Opret runde").click()
    expect(page).to_have_url(re.compile(r"/rounds/\d+$"))
    expect(page.locator("#round-purpose")).to_have_text("Krise")

    purpose = page.locator("#purpose")
    purpose.get_by_label("Dækning, planen må opgive for færre introduktioner, i procent").fill("9")
    purpose.get_by_label(re.compile("^Rotation")).check()
    purpose.get_by_role("button", name="Gem formålet").click()
    expect(page.locator("#coverage_trade-error")).to_have_text("Skriv en procentdel fra 0 til 5.")
    expect(page.locator("#round-purpose")).to_have_text("Krise")  # nothing was saved

    page.locator("#purpose").get_by_label(re.compile("^Dækning")).fill("0,5")
    page.locator("#purpose").get_by_role("button", name="Gem formålet").click()
    expect(page.locator("#round-purpose")).to_have_text("Rotation")
    expect(page.locator("#round-coverage-trade")).to_have_text(
        "højst 0,5\u00a0% for færre introduktioner"
    )
    expect(page.locator("#purpose").get_by_label(re.compile("^Rotation"))).to_be_checked()
    is_accessible(page)
    page.screenshot(path=SCREENSHOTS / "round-purpose-da.png", full_page=True)
    page.set_viewport_size(PHONE)
    fits_a_phone(page)


def test_a_leader_says_how_many_new_people_her_unit_can_introduce_in_english(
    page: Page,
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "leder.solgaarden")
    choose_language(page, "English")
    page.locator("#my-units").get_by_role("link", name="Plejecenter Solgården").click()
    introductions = page.locator("#introductions")
    capacity = introductions.get_by_label("New people we can introduce in a week")
    hours = introductions.get_by_label("Hours it takes to introduce one new person")
    expect(capacity).to_have_value("")  # no limit yet

    capacity.fill("2")
    hours.fill("4.5")
    introductions.get_by_role("button", name="Save the introductions").click()
    expect(page.get_by_role("status")).to_contain_text("The introductions are saved.")
    expect(capacity).to_have_value("2")
    expect(hours).to_have_value("4.5")
    is_accessible(page)
    page.screenshot(path=SCREENSHOTS / "unit-introductions-en.png", full_page=True)
    page.set_viewport_size(PHONE)
    fits_a_phone(page)

    capacity.fill("")  # no limit again, for the tests that plan the demo's rounds
    hours.fill("0")
    introductions.get_by_role("button", name="Save the introductions").click()
    expect(capacity).to_have_value("")

    page.goto("/needs/new")  # a need takes learners, and their share in per cent
    learners = page.locator("#learners")
    expect(learners.get_by_label(re.compile("^Accepts learners"))).not_to_be_checked()
    expect(learners.get_by_label(re.compile("^How much of a learner's hour"))).to_have_value("0")
    fits_a_phone(page)


def test_a_staff_member_picks_a_skill_to_learn_on_a_phone(page: Page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    log_in(page, "lars")  # a driver who would learn nursing
    page.get_by_role("link", name="Min frivilligprofil").click()
    form = page.locator("#profile-form")
    learn = form.locator("#learn_skills")
    nurse = learn.get_by_label("Sygeplejerske", exact=True)
    expect(nurse).not_to_be_checked()

    nurse.check()
    form.get_by_role("button", name="Gem min profil").click()
    expect(page.get_by_role("status")).to_have_text("Din profil er gemt.")
    expect(nurse).to_be_checked()
    fits_a_phone(page)
    box = learn.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return {y: r.top + window.scrollY, height: r.height}; }"
    )
    page.screenshot(
        path=SCREENSHOTS / "profile-learn-phone.png",
        full_page=True,
        clip={"x": 0, "y": box["y"] - 24, "width": PHONE_WIDTH, "height": box["height"] + 48},
    )

    driver = learn.get_by_label("Chauffør", exact=True)
    driver.check()  # a skill he has: refused at the field, nothing kept
    form.get_by_role("button", name="Gem min profil").click()
    expect(page.locator("#learn_skills-error")).to_have_text(
        "Du har allerede denne kompetence; vælg kun kompetencer, du gerne vil lære."
    )
    fits_a_phone(page)

    page.goto("/volunteering/profile")
    page.locator("#learn_skills").get_by_label("Sygeplejerske", exact=True).uncheck()
    page.locator("#profile-form").get_by_role("button", name="Gem min profil").click()
    expect(page.get_by_role("status")).to_have_text("Din profil er gemt.")
