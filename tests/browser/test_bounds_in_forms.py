"""A value beyond its bound, or text against the text policy, is told at its field as the
leader types, in Danish and in English, on a phone too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

LEADER = "leder.vaernemidler"
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("JOBBANK_BOUNDS_SHOTS")
"""A folder to keep the two screenshots in, to look at them (none by default)."""


def _need_form(page: Page) -> None:
    page.goto("/needs/new")
    page.locator("#need-form #skill").select_option(index=1)


def test_hours_beyond_the_week_and_a_bidi_override_are_told_at_their_fields(page: Page) -> None:
    log_in(page, LEADER)
    page.set_viewport_size(PHONE)
    _need_form(page)
    form = page.locator("#need-form")
    form.locator("#hours").fill("1e30")
    expect(page.locator("#hours-error")).to_have_text("Det er flere timer end tilladt her.")
    form.locator("#description").fill("Pak \u202eredlæv")
    form.locator("#hours").fill("20")
    expect(page.locator("#description-error")).to_have_text(
        "Fjern de tegn, der vender tekstens retning."
    )
    expect(page.locator("#hours-error")).to_be_empty()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "bounds-da.png"), full_page=True)

    choose_language(page, "English")
    _need_form(page)
    form.locator("#hours").fill("200")
    expect(page.locator("#hours-error")).to_have_text("That is more hours than allowed here.")
    form.locator("#description").fill("\u200b\u200b")
    form.locator("#hours").fill("20")
    expect(page.locator("#description-error")).to_have_text("Write some visible text.")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "bounds-en.png"), full_page=True)
