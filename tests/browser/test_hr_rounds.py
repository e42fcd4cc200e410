"""HR's round pages in the browser: the forms' errors, cancelling a solve, the dashboard's
coverage chart. The whole round (solve, pin, solve again, publish, tick) is in
test_round_to_tick.py."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jobbank.core.weeks import monday_of
from tests.browser.conftest import log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")


def test_hr_is_told_at_each_field_what_is_wrong(page: Page) -> None:
    """Solving, pinning and publishing run in test_round_to_tick.py; here the forms' errors."""
    log_in(page, "hr")
    page.get_by_role("link", name="Fordelingsrunder").click()
    start = monday_of(dt.date.today()) + dt.timedelta(weeks=1)

    page.get_by_label("Første uge (en mandag)").fill((start + dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Opret runde").click()
    start_field = page.get_by_label("Første uge (en mandag)")
    expect(start_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#round-start-error")).to_have_text(
        "Vælg en mandag: en runde dækker hele uger."
    )

    page.get_by_label("Navn (valgfrit)").fill("Sidetest")
    start_field.fill(start.isoformat())
    page.get_by_label("Antal uger").fill("2")
    page.get_by_role("button", name="Opret runde").click()
    expect(page).to_have_url(re.compile(r"/rounds/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidetest")
    expect(page.locator("#round-status")).to_have_text("kladde")
    expect(page.locator("#metrics")).to_have_count(0)

    page.get_by_label("Tidsgrænse i sekunder").fill("0")
    page.get_by_role("button", name="Beregn", exact=True).click()
    expect(page.get_by_label("Tidsgrænse i sekunder")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#time-limit-error")).to_contain_text("fra 1 til 600")
    expect(page.locator("#round-status")).to_have_text("kladde")

    page.get_by_role("link", name="Alle runder").click()
    row = page.locator("#rounds tr", has_text="Sidetest")
    expect(row.locator(".round-status")).to_have_text("kladde")


def test_hr_cancels_a_solve(page: Page) -> None:
    log_in(page, "hr")
    page.goto("/rounds")
    page.get_by_label("Navn (valgfrit)").fill("Afbrudt")
    page.get_by_role("button", name="Opret runde").click()
    page.get_by_label("Tidsgrænse i sekunder").fill("120")
    page.get_by_role("button", name="Beregn", exact=True).click()
    expect(page.locator("#solving")).to_be_visible()
    page.get_by_role("button", name="Afbryd beregningen").click()
    expect(page.locator("#round-status")).to_have_text("kladde")
    expect(page.locator("#status-message")).to_contain_text("cancelled by hr")
    expect(page.get_by_role("button", name="Beregn", exact=True)).to_be_visible()


def test_hr_dashboard_shows_coverage_by_area_and_week(page: Page) -> None:
    log_in(page, "hr")
    page.get_by_role("link", name="Overblik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik")
    expect(page.locator("#dashboard-counts")).to_contain_text("godkendt og tilmeldt")
    expect(page.locator("#dashboard-counts")).to_contain_text("åbne behov")
    chart = page.locator("svg.coverage-chart")
    expect(chart.locator("title#chart-title")).to_have_text(
        "Andel af de ønskede timer, der er dækket, pr. område og uge"
    )
    expect(chart.locator("rect.bar").first).to_be_attached()
    table = page.locator("#coverage-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    assert chart.locator("rect.bar").count() == table.locator("tbody tr").count()


def test_staff_cannot_open_the_round_pages(page: Page) -> None:
    log_in(page, "anne")
    for path in ("/rounds", "/rounds/1", "/dashboard", "/rounds/1/publish"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
