"""The impact report's wide chart of units: names that never run into each other, whole in a
tooltip, and a scroll box the keyboard reaches, shows and moves; and its new experience on a
phone; in Danish and English."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import choose_language, log_in
from tests.browser.pw import Locator, Page, expect
from tests.browser.steps import PHONE_WIDTH, fits_a_phone

pytestmark = pytest.mark.xdist_group("browser")

TITLES = {
    "da": "Diagram, kan rulles sidelæns: Timer udlånt og modtaget pr. enhed",
    "en": "Chart, scrolls sideways: Hours lent and received per unit",
}
LONGEST_UNIT = "Sundheds- og Rehabiliteringscenter Sorø"
"""A unit of the demo municipality that lends in the demo's round, with the longest name."""


def _labels(chart: Locator) -> list[dict[str, Any]]:
    """Each group label: its text, tooltip, unturned size and turn, and where it lands."""
    found: list[dict[str, Any]] = chart.locator("text.group-label").evaluate_all(
        """labels => labels.map(label => {
            const box = label.getBBox(), drawn = label.getBoundingClientRect();
            const title = label.querySelector("title");
            return {
              text: label.lastChild.textContent, title: title ? title.textContent : null,
              x: +label.getAttribute("x"), length: label.getComputedTextLength(),
              height: box.height, turned: label.hasAttribute("transform"),
              left: drawn.left, right: drawn.right, bottom: drawn.bottom,
            };
        })"""
    )
    return found


def _keyboard_to(page: Page, region: Locator, most: int = 80) -> None:
    """Tab through the page until the region has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if region.evaluate("box => document.activeElement === box"):
            return
    raise AssertionError("the keyboard never reaches the chart's scroll box")


@pytest.mark.parametrize("language", ["da", "en"])
def test_unit_names_never_overlap_and_the_scroll_box_takes_the_keyboard(
    page: Page, language: str, tmp_path: Path
) -> None:
    log_in(page, "hr")
    if language == "en":
        choose_language(page, "English")
    page.goto("/reports/rounds/1")
    region = page.get_by_role("region", name=TITLES[language])
    chart = region.locator("svg")
    expect(chart).to_be_visible()

    labels = _labels(chart)
    assert len(labels) > 10 and all(label["turned"] for label in labels)
    spacing = min(b["x"] - a["x"] for a, b in itertools.pairwise(labels))
    gap = spacing * math.sin(math.radians(45))  # between two turned, parallel labels
    assert all(gap > label["height"] for label in labels), "labels run into each other"
    svg = chart.bounding_box()
    assert svg is not None
    for label in labels:
        assert label["left"] >= svg["x"] - 1 and label["bottom"] <= svg["y"] + svg["height"] + 1
    longest = next(label for label in labels if label["title"] == LONGEST_UNIT)
    assert longest["text"].endswith("…") and LONGEST_UNIT.startswith(longest["text"][:-1])

    assert region.get_attribute("tabindex") == "0"
    _keyboard_to(page, region)
    outline = region.evaluate("box => getComputedStyle(box).outlineStyle")
    assert outline == "solid", "the focused scroll box shows it"
    overflow = region.evaluate("box => box.scrollWidth - box.clientWidth")
    assert overflow > 0, "the chart of the demo's units is wider than the page"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(region).not_to_have_js_property("scrollLeft", 0)
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
    expect(region).to_have_js_property("scrollLeft", 0)
    page.keyboard.press("ArrowRight")
    section = page.locator("section[aria-labelledby=units-heading]")
    section.screenshot(path=tmp_path / f"report-units-chart-{language}.png")


@pytest.mark.parametrize("language", ["da", "en"])
def test_new_experience_reads_on_a_phone(page: Page, language: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    log_in(page, "hr")
    if language == "en":
        choose_language(page, "English")
    page.goto("/reports/rounds/1")
    counts = page.locator("#experience li")
    expect(counts).to_have_count(3)
    # The solver placed Anne (Borgerservice) at Solgården: at least one unit new to someone.
    assert int(counts.first.locator(".count").inner_text()) >= 1
    _fits_the_width(page.locator("#experience"))
    page.locator("#experience").screenshot(path=tmp_path / f"report-experience-{language}.png")

    page.goto("/reports")
    section = page.locator("section[aria-labelledby=experience-heading]")
    section.screenshot(path=tmp_path / f"report-experience-over-time-{language}.png")
    for table in ("#experience-over-time", "#experience-by-quarter"):
        expect(section.locator(f"{table} tbody tr")).to_have_count(1)
    # The table per quarter fits whole; the one per round, with its running total, may
    # scroll inside its own box in Danish, never the page.
    _fits_the_width(section.locator("#experience-by-quarter"))
    fits_a_phone(page)


def _fits_the_width(element: Locator) -> None:
    """The element is whole within a phone's width: nobody scrolls sideways to read it."""
    box = element.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
