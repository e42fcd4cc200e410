"""Steps the browser tests share: a second person's browser beside the first, the language
switch, and the checks every page a person reads on a phone or a desk keeps."""

from __future__ import annotations

from tests.browser.conftest import log_in
from tests.browser.pw import Page
from tests.browser.test_accessibility import CONTRAST_JS, STRUCTURE_JS

PHONE_WIDTH = 390
"""A common phone's width in CSS pixels: staff use Jobbank there."""


def fits_a_phone(page: Page) -> None:
    """Nothing on the page makes a phone scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide on a phone"


def switch_language(page: Page, to: str) -> None:
    """Press the header's language button ("Dansk" or "English")."""
    page.get_by_role("button", name=to, exact=True).click()
    page.wait_for_load_state()


def open_as(page: Page, base_url: str, username: str) -> Page:
    """A fresh browser context beside `page`'s, at desk width, logged in as `username`."""
    context = page.context.browser.new_context(  # type: ignore[union-attr]
        base_url=base_url, viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(15_000)
    other = context.new_page()
    log_in(other, username)
    return other


def is_accessible(page: Page) -> None:
    """Headings, landmarks, labels and contrast as every main page keeps them."""
    for check in (STRUCTURE_JS, CONTRAST_JS):
        found = page.evaluate(check)
        assert not found, f"{page.url}: {found}"
