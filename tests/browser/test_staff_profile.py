"""Staff keep their own volunteer profile; the risk-group declaration is never shown back."""

from __future__ import annotations

import pytest

from fixtures.municipality import STAFF_PASSWORD
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

STAFF = "karen"


def _log_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Brugernavn").fill(STAFF)
    page.get_by_label("Adgangskode").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")


def test_staff_edit_their_profile_and_find_it_kept_after_reload(page: Page) -> None:
    _log_in(page)
    page.get_by_role("link", name="Min frivilligprofil").click()
    form = page.locator("#profile-form")
    form.get_by_label("Min normale ugentlige arbejdstid").fill("32,5")
    skills = form.locator("input[name=skills]")
    skills.nth(0).check()
    skills.nth(1).uncheck()
    form.get_by_label("Aften").check()
    weeks = form.locator("input[name=available]")
    weeks.nth(3).uncheck()
    form.locator("input[name=preferred_areas]").nth(0).check()
    form.get_by_label("Jeg er i en risikogruppe").check()
    form.get_by_role("button", name="Gem min profil").click()
    expect(page.get_by_role("status")).to_have_text("Din profil er gemt.")

    page.reload()
    form = page.locator("#profile-form")
    expect(form.get_by_label("Min normale ugentlige arbejdstid")).to_have_value("32,5")
    expect(form.locator("input[name=skills]").nth(0)).to_be_checked()
    expect(form.locator("input[name=skills]").nth(1)).not_to_be_checked()
    expect(form.get_by_label("Aften")).to_be_checked()
    expect(form.locator("input[name=available]").nth(3)).not_to_be_checked()
    expect(form.locator("input[name=available]").nth(2)).to_be_checked()
    expect(form.locator("input[name=preferred_areas]").nth(0)).to_be_checked()
    # Health data: what was declared is never shown back, only explained.
    expect(form.get_by_label("Jeg er i en risikogruppe")).not_to_be_checked()
    expect(form).to_contain_text("går kun til HR")


def test_a_wrong_value_is_told_at_its_field(page: Page) -> None:
    _log_in(page)
    page.goto("/volunteering/profile")
    form = page.locator("#profile-form")
    form.get_by_label("Min normale ugentlige arbejdstid").fill("30.2")
    form.get_by_role("button", name="Gem min profil").click()
    expect(page.locator("#normal_hours-error")).to_have_text("Skriv timer i halve timer, fx 7,5.")
    expect(form.get_by_label("Min normale ugentlige arbejdstid")).to_have_value("30.2")
    expect(form.get_by_label("Min normale ugentlige arbejdstid")).to_have_attribute(
        "aria-describedby", "normal_hours-error"
    )


def test_leaders_pages_are_not_found_for_staff(page: Page) -> None:
    _log_in(page)
    for path in ("/needs", "/needs/new", "/volunteering/approvals", "/needs/1/edit"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
