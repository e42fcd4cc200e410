"""Under the content security policy the main pages, their charts and the API docs work, and
the browser reports no violation: nothing inline, nothing from outside."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Demo, log_in
from tests.browser.pw import Page, expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage

pytestmark = pytest.mark.xdist_group("browser")

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
"""Runs before the page's own scripts (Playwright injects it past the policy)."""

PAGES = {
    "hr": [
        "/",
        "/dashboard",
        "/rounds",
        "/reports",
        "/admin/people",
        "/admin/imports",
        "/messages",
    ],
    "leder.solgaarden": ["/", "/needs", "/needs/new", "/volunteering/approvals"],
    "anne": ["/", "/volunteering/profile", "/messages"],
}


@pytest.fixture
def watched(browser: Browser, demo: Demo) -> Iterator[tuple[Page, list[str]]]:
    """A page whose console messages about the policy are collected."""
    context = browser.new_context(base_url=demo.base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", note)
    yield page, console
    context.close()


def violations(page: Page, console: list[str]) -> list[str]:
    reported: list[str] = page.evaluate("window.__violations")
    return reported + console


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, path
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("username", list(PAGES))
def test_the_main_pages_raise_no_policy_violation(
    watched: tuple[Page, list[str]], username: str
) -> None:
    page, console = watched
    log_in(page, username)
    found: dict[str, list[str]] = {}
    for path in PAGES[username]:
        visit(page, path)
        if problems := violations(page, console):
            found[path] = list(problems)
            console.clear()
    assert found == {}


def test_a_report_draws_its_svg_charts_under_the_policy(watched: tuple[Page, list[str]]) -> None:
    page, console = watched
    log_in(page, "hr")
    visit(page, "/reports")
    page.locator("a[href^='/reports/rounds/']").first.click()
    page.wait_for_load_state("networkidle")
    chart = page.locator("svg.coverage-chart").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 20
    assert violations(page, console) == []


def test_the_api_docs_render_from_local_files(watched: tuple[Page, list[str]], demo: Demo) -> None:
    page, console = watched
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    visit(page, "/schema")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/rounds")
    assert violations(page, console) == []
    outside = [url for url in requested if not url.startswith((demo.base_url, "data:"))]
    assert outside == []
    assert f"{demo.base_url}/schema/openapi.json" in requested
