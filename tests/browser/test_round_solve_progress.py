"""A solve as HR follows it: the progress bar counts on from the job's start and never goes
back, and the finished round says why the solve stopped, in Danish and in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixtures.generator import generate_round
from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import AllocationRound
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

SAMPLE_ELAPSED = """async () => {
  const seen = [];
  for (let i = 0; i < 40; i++) {
    seen.push(parseFloat(document.getElementById("solve-elapsed").textContent));
    await new Promise((done) => setTimeout(done, 50));
  }
  return seen;
}"""
"""The shown elapsed seconds every 50 ms for 2 s, from the moment the page is there."""


def _make_big(data_dir: Path, round_id: int) -> None:
    """Give the round a generated snapshot large enough that a solve keeps running."""
    engine = make_engine(Settings(data_dir=data_dir).url)
    try:
        with transaction(make_session_factory(engine)) as session:
            rnd = session.get_one(AllocationRound, round_id)
            big = generate_round(staff=1000, needs=750, seed=2, start=rnd.start, weeks=rnd.weeks)
            rnd.input_snapshot = big.model_dump(mode="json")
    finally:
        engine.dispose()


def test_the_progress_bar_counts_from_the_job_start_and_never_back(page: Page, demo: Demo) -> None:
    log_in(page, "hr")
    page.goto("/rounds")
    page.get_by_label("Navn (valgfrit)").fill("Fremdrift")
    page.get_by_role("button", name="Opret runde").click()
    expect(page).to_have_url(re.compile(r"/rounds/\d+$"))
    round_id = int(page.url.rsplit("/", 1)[1])
    _make_big(demo.data_dir, round_id)
    page.get_by_label("Tidsgrænse i sekunder").fill("120")
    page.get_by_role("button", name="Beregn", exact=True).click()
    expect(page.locator("#solving")).to_be_visible()
    expect(page.locator("#solve-objective")).not_to_have_text("–", timeout=30_000)
    page.wait_for_timeout(2_000)

    page.reload()
    server_said = float(page.locator("#solving").get_attribute("data-elapsed") or "0")
    seen = page.evaluate(SAMPLE_ELAPSED)
    assert server_said >= 2, "the job has run for a while: the server says so"
    assert seen[0] >= server_said, seen
    assert seen == sorted(seen), f"the elapsed time went back: {seen}"
    assert seen[-1] > seen[0]
    page.get_by_role("button", name="Afbryd beregningen").click()
    expect(page.locator("#round-status")).to_have_text("kladde")


def test_the_round_says_why_its_solve_stopped_in_both_languages(page: Page, tmp_path: Path) -> None:
    log_in(page, "hr")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/rounds/1")
    reason = page.locator("#stop-reason")
    expect(reason).to_contain_text(re.compile(r"^Beregningen (stoppede|nåede)"))
    reason.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "stop-reason-da.png")
    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(reason).to_contain_text(re.compile(r"^The solver (stopped|ran out)"))
    reason.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "stop-reason-en.png")
    choose_language(page, "Dansk")
