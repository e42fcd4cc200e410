"""Accessibility of the main pages of each role, measured in the browser.

Every field has an accessible name; one h1 and no skipped heading level; header, nav and main
landmarks and a skip link to the main content; a visible focus indicator on every stop of the
keyboard's way through the page; text with WCAG AA contrast against what is really behind
it; keyboard-only log-in and ticking; staff pages that fit a phone.

A new page is checked by adding its path to `PAGES` under a user who may open it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import log_in, password_of
from tests.browser.pw import Page, expect

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = pytest.mark.xdist_group("browser")

ANONYMOUS = ""
PAGES: dict[str, list[str]] = {
    ANONYMOUS: ["/login"],
    "hr": [
        "/",
        "/dashboard",
        "/rounds",
        "/rounds/1",  # the published round of the demo fixture, with a real solve
        "/rounds/1/publish",
        "/admin/skills",
        "/admin/units",
        "/volunteering/approvals",
        "/admin/audit",
        "/admin/people",
        "/admin/people/new",
        "/admin/users",
        "/admin/users/new",
        "/admin/units/new",
        "/admin/checklists",
        "/admin/imports",
        "/admin/messages",
        "/reports",
        "/reports/rounds/1",
    ],
    "leder.solgaarden": [
        "/",
        "/needs",
        "/needs/new",
        "/plan-changes",
        "/deployment/1/hours",
        "/deployments/incoming/week",
    ],
    "leder.borgerservice": [
        "/",
        "/volunteering/approvals",
        "/plan-changes",
        "/deployments/outgoing/week",
    ],
    "anne": ["/", "/volunteering/profile", "/messages", "/plan-changes", "/deployment/1/hours"],
}
"""The pages checked, by the user who opens them (ANONYMOUS: without logging in). Deployment 1
is Anne's at Solgården in the demo fixture's round."""

STAFF_PAGES = [("anne", path) for path in PAGES["anne"]] + [
    ("mads", "/"),
    ("leder.solgaarden", "/deployments/incoming/week"),
    ("leder.borgerservice", "/deployments/outgoing/week"),
]
"""Pages read on a phone: staff's, and the leaders' weeks by day."""

KEYBOARD_STOPS = 40
"""Tab stops checked per page: the header, the page's own navigation and its first forms."""

PHONE: ViewportSize = {"width": 375, "height": 667}
SMALLEST_TARGET = 24
"""CSS pixels; WCAG 2.2's minimum target size (2.5.8, AA)."""

# Colours as the browser computes them, and WCAG's relative luminance and contrast ratio.
COLOURS_JS = """
const parse = (colour) => {
  const m = colour && colour.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) => {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
};
const luminance = (rgb) => {
  const f = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
};
const ratio = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
const backgroundOf = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
};
const describe = (el) => {
  const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
  const text = el.innerText || el.value || el.getAttribute("aria-label") || "";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + classes.filter(Boolean).map((c) => "." + c).join("") + " '" + text.trim().slice(0, 40) + "'";
};
"""

STRUCTURE_JS = """() => {
  const problems = [];
  const nameOf = (el) => {
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    const named = (id) => (document.getElementById(id)?.textContent || "").trim() !== "";
    if (by && by.split(/\\s+/).some(named)) return true;
    if ([...(el.labels || [])].some((label) => label.textContent.trim())) return true;
    return (el.getAttribute("title") || "").trim() !== "";
  };
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || ["submit", "button", "reset"].includes(el.type)) continue;
    if (!nameOf(el)) problems.push("no label: " + el.outerHTML.slice(0, 120));
  }
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
  const ones = headings.filter((h) => h.tagName === "H1").length;
  if (ones !== 1) problems.push(ones + " h1 headings");
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`h${next} after h${level}: ${h.textContent.trim()}`);
    level = next;
  }
  if (headings.length && headings[0].tagName !== "H1") problems.push("the first heading is not h1");
  for (const [selector, least, most] of [["body > header", 1, 1], ["nav", 1, 99], ["main", 1, 1]]) {
    const n = document.querySelectorAll(selector).length;
    if (n < least || n > most) problems.push(n + " " + selector + " landmarks");
  }
  const main = document.querySelector("main");
  if (main && (main.closest("header, nav, footer") || !main.id)) {
    problems.push("main is misplaced or has no id");
  }
  const first = document.querySelector("a[href], button, input:not([type=hidden]), select");
  if (!first || first.tagName !== "A" || first.getAttribute("href") !== "#" + (main && main.id)) {
    problems.push("the first link is not a skip link to the main content");
  }
  return problems;
}"""

CONTRAST_JS = (
    "() => {"
    + COLOURS_JS
    + """
  const problems = [];
  const checked = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const elements = [];
  while (walker.nextNode()) {
    if (walker.currentNode.textContent.trim()) elements.push(walker.currentNode.parentElement);
  }
  elements.push(...document.querySelectorAll("input:not([type=hidden]), select, textarea"));
  for (const el of elements) {
    if (checked.has(el)) continue;
    checked.add(el);
    if (el.closest("svg, script, style, noscript, [aria-hidden=true], :disabled")) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const shown = style.visibility === "visible" && box.width >= 2 && box.height >= 2;
    if (!shown || box.bottom < 0) continue;  // visually hidden, or the skip link off screen
    const background = backgroundOf(el);
    const text = over(parse(style.color), background);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const found = ratio(text, background);
    if (found < (large ? 3 : 4.5)) {
      problems.push(describe(el) + ": " + found.toFixed(2) + ":1 (" + style.color + " on rgb("
        + background.slice(0, 3).map(Math.round).join(", ") + "))");
    }
  }
  return problems;
}"""
)

FOCUS_JS = (
    "() => {"
    + COLOURS_JS
    + """
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const background = backgroundOf(el.parentElement || el);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
    rings.push(parse(style.outlineColor));
  }
  if (style.boxShadow && style.boxShadow !== "none") rings.push(parse(style.boxShadow));
  const seen = rings.filter(Boolean).some((ring) => ratio(over(ring, background), background) >= 3);
  const key = [...document.querySelectorAll("*")].indexOf(el);
  return {key, what: describe(el), visible: el.matches(":focus-visible"), seen};
}"""
)

PHONE_JS = """(least) => {
  const problems = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) {
    problems.push("scrolls sideways: " + page.scrollWidth + " px wide in " + window.innerWidth);
  }
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(targets)) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== "visible" || box.width === 0 || box.bottom < 0) continue;
    if (el.tagName === "A" && style.display === "inline") continue;  // a link in running text
    if (box.width < least || box.height < least) {
      const size = Math.round(box.width) + "x" + Math.round(box.height);
      problems.push(el.outerHTML.slice(0, 100) + ": " + size);
    }
  }
  return problems;
}"""


def _open(page: Page, user: str, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{user or 'anonymous'} {path}: {response}"


def _from_the_top(page: Page) -> None:
    """Make the next Tab go to the page's first stop, as after a fresh load without autofocus."""
    page.evaluate(
        "() => { const body = document.body; body.tabIndex = -1; body.focus();"
        " body.removeAttribute('tabindex'); }"
    )


def _pages_of(page: Page, user: str) -> list[str]:
    if user != ANONYMOUS:
        log_in(page, user)
    return PAGES[user]


def _report(found: dict[str, Any]) -> str:
    return "\n".join(
        f"{where}: {problem}" for where, problems in found.items() for problem in problems
    )


@pytest.mark.parametrize("user", PAGES)
def test_fields_have_labels_and_pages_their_headings_and_landmarks(page: Page, user: str) -> None:
    found = {}
    for path in _pages_of(page, user):
        _open(page, user, path)
        found[path] = page.evaluate(STRUCTURE_JS)
    assert not any(found.values()), _report(found)


@pytest.mark.parametrize("user", PAGES)
def test_text_has_enough_contrast(page: Page, user: str) -> None:
    found = {}
    for path in _pages_of(page, user):
        _open(page, user, path)
        found[path] = page.evaluate(CONTRAST_JS)
    assert not any(found.values()), _report(found)


@pytest.mark.parametrize("user", PAGES)
def test_every_keyboard_stop_shows_where_the_focus_is(page: Page, user: str) -> None:
    found: dict[str, list[str]] = {}
    for path in _pages_of(page, user):
        _open(page, user, path)
        _from_the_top(page)
        stops: dict[int, dict[str, Any]] = {}
        for _ in range(KEYBOARD_STOPS):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_JS)
            if stop is None:
                break
            # A date field takes several stops (day, month, year); one must show the ring.
            seen = stops.setdefault(stop["key"], stop)
            seen["visible"] |= stop["visible"]
            seen["seen"] |= stop["seen"]
        assert stops, f"{path}: nothing takes the keyboard's focus"
        first = next(iter(stops.values()))["what"]
        assert first.startswith("a.skip-link"), f"{path}: the first stop is {first}"
        found[path] = [
            f"{stop['what']}: {'no :focus-visible' if not stop['visible'] else 'no ring to see'}"
            for stop in stops.values()
            if not (stop["visible"] and stop["seen"])
        ]
    assert not any(found.values()), _report(found)


def test_the_skip_link_shows_and_leads_to_the_main_content(page: Page) -> None:
    log_in(page, "anne")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til indhold")
    expect(skip).to_be_focused()
    assert skip.bounding_box() is not None and skip.bounding_box()["y"] >= 0  # type: ignore[index]
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def _tab_to(page: Page, accessible_name: re.Pattern[str], backwards: bool = False) -> None:
    """Tab (or Shift+Tab) until the focused element's name matches; fail after 100 stops."""
    for _ in range(100):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        name = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el ? (el.getAttribute('aria-label') || el.labels?.[0]?.textContent"
            " || el.innerText || '').trim().replace(/\\s+/g, ' ') : ''; }"
        )
        if accessible_name.search(name):
            return
    pytest.fail(f"the keyboard never reached {accessible_name.pattern!r}")


def test_log_in_and_tick_an_item_with_the_keyboard_alone(page: Page) -> None:
    page.goto("/login")
    _from_the_top(page)
    _tab_to(page, re.compile("^Brugernavn$"))
    page.keyboard.type("anne")
    _tab_to(page, re.compile("^Adgangskode$"))
    page.keyboard.type(password_of("anne"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anne Jensen")

    _tab_to(page, re.compile("^Markér som udført: "))
    tick = page.locator(":focus")
    title = tick.inner_text().split(": ", 1)[1].strip()
    # By its id: another deployment's checklist may hold an item of the same title.
    same = page.locator(f"#{tick.get_attribute('id')}")
    assert page.evaluate(FOCUS_JS)["visible"], "the tick button shows no focus"
    page.keyboard.press("Enter")
    expect(same).to_be_focused()  # the focus stays on the item after it is swapped in
    expect(same).to_contain_text(f"Markér som ikke udført: {title}")
    # HTMX wires the new form up as it settles (20 ms); a key pressed before that would post
    # the form without HTMX, which works too, but reloads the page.
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-added')")
    page.keyboard.press("Space")  # and the same key press takes it back
    expect(same).to_be_focused()
    expect(same).to_contain_text(f"Markér som udført: {title}")
    _tab_to(page, re.compile("^Log ud$"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")


@pytest.mark.parametrize(("user", "path"), STAFF_PAGES)
def test_staff_pages_fit_a_phone(page: Page, user: str, path: str) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, user)
    _open(page, user, path)
    problems = page.evaluate(PHONE_JS, SMALLEST_TARGET)
    assert problems == [], f"{path} on a phone:\n" + "\n".join(problems)


def test_the_checks_find_what_they_look_for(page: Page) -> None:
    """The checks above pass because the pages are right, not because they see nothing."""
    page.goto("/login")
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend",
          '<h3>Skipped a level</h3><h1>A second h1</h1><input id="nameless" type="text">'
          + '<p id="pale">Pale text</p><button id="tiny">x</button><div id="wide">Too wide</div>');
        // Styled from script: the content security policy refuses inline style attributes.
        Object.assign(document.getElementById("pale").style, {color: "#999", background: "#fff"});
        Object.assign(document.getElementById("tiny").style, {width: "10px", height: "10px"});
        document.getElementById("tiny").style.padding = "0";
        document.getElementById("wide").style.width = "2000px";
        document.querySelector(".skip-link").remove();
        document.querySelector("body > header").remove();
    }"""
    )
    structure = "\n".join(page.evaluate(STRUCTURE_JS))
    for problem in ("no label", "2 h1", "h3 after h1", "body > header", "skip link"):
        assert problem in structure, f"{problem!r} not found in:\n{structure}"
    contrast = "\n".join(page.evaluate(CONTRAST_JS))
    assert "Pale text" in contrast and "2.85:1" in contrast, contrast
    page.set_viewport_size(PHONE)
    phone = "\n".join(page.evaluate(PHONE_JS, SMALLEST_TARGET))
    assert "scrolls sideways" in phone and 'id="tiny"' in phone, phone
    page.evaluate(  # a constructed style sheet, as the policy refuses an inline <style>
        """() => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(":focus-visible { outline: none; box-shadow: none; }");
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }"""
    )
    page.locator("#password").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUS_JS)["seen"] is False
