"""HR plans a round in the browser: create, solve with live progress, pin, solve again,
publish after confirming; and the dashboard's coverage chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jobbank.weeks import monday_of
from tests.browser.conftest import log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

SOLVE_SECONDS = 30_000
"""How long the page may take to show a 3-second solve's proposal (worker start included)."""


def _solve(page: Page, button: str) -> None:
    page.get_by_label("Tidsgrænse i sekunder").fill("3")
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#round-status")).to_have_text("beregnes")
    # The bar moves and the stream's best plan shows while the solver runs (unless the page
    # already reloaded with the proposal).
    page.wait_for_function(
        "() => { const bar = document.getElementById('solve-time');"
        " const best = document.getElementById('solve-objective');"
        " return !bar || (bar.value > 0 && best.textContent !== '–'); }",
        timeout=SOLVE_SECONDS,
    )
    expect(page.locator("#metrics")).to_be_visible(timeout=SOLVE_SECONDS)
    expect(page.locator("#round-status")).to_have_text("foreslået")


def test_hr_solves_pins_and_publishes_a_round(page: Page) -> None:
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

    page.get_by_label("Tidsgrænse i sekunder").fill("0")
    page.get_by_role("button", name="Beregn", exact=True).click()
    expect(page.get_by_label("Tidsgrænse i sekunder")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#time-limit-error")).to_contain_text("fra 1 til 600")

    _solve(page, "Beregn")
    metrics = page.locator("#metrics")
    expect(metrics).to_contain_text("af den bedst mulige dækning")
    expect(metrics).to_contain_text("ønskede timer dækket")
    expect(page.get_by_role("heading", name="Udækkede behov")).to_be_visible()
    expect(page.locator("#unfilled")).to_contain_text("Ingen har kompetencen")

    assignments = page.locator("#assignments tbody tr")
    first = assignments.first
    person = first.locator("td").nth(1).inner_text()
    first.get_by_role("button", name="Fastlås").click()
    pinned = page.locator("#assignments tr.pinned")
    expect(pinned).to_have_count(1)
    expect(pinned.get_by_role("button", name="Lås op")).to_be_visible()

    page.get_by_label("Vis", exact=True).select_option("person")
    page.get_by_label("Person", exact=True).select_option(label=person)
    page.get_by_role("button", name="Filtrér").click()
    rows = page.locator("#assignments tbody tr")
    expect(rows.first.locator("td").first).to_have_text(person)
    for name in rows.locator("td:first-child").all_inner_texts():
        assert name == person

    _solve(page, "Beregn igen")
    expect(page.locator("#assignments tr.pinned")).to_have_count(1)
    expect(page.locator("#metrics")).to_contain_text("1 fastlåste tildelinger")

    page.get_by_role("link", name="Udgiv …").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Udgiv Sidetest?")
    page.get_by_role("button", name="Ja, udgiv runden").click()
    expect(page.locator("#round-status")).to_have_text("udgivet")
    expect(page.locator("#published-note")).to_be_visible()
    expect(page.get_by_role("button", name="Fastlås")).to_have_count(0)

    page.get_by_role("link", name="Alle runder").click()
    row = page.locator("#rounds tr", has_text="Sidetest")
    expect(row.locator(".round-status")).to_have_text("udgivet")


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
    expect(page.locator("#dashboard-counts")).to_contain_text("godkendte frivillige")
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
