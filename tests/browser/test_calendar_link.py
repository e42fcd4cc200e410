"""Staff make their calendar-feed address on their home page, see it once, subscribe without
a log-in, download one assignment as .ics, and stop the feed."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar

from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")


def test_staff_make_see_once_use_and_stop_their_calendar_feed(page: Page, demo: Demo) -> None:
    log_in(page, "anne")
    section = page.locator("#calendar-feed")
    expect(section.get_by_role("heading")).to_have_text("Mit kalenderabonnement")

    section.get_by_role("button", name=re.compile(r"^Lav (min|en ny) kalenderadresse$")).click()
    expect(section.get_by_role("status")).to_contain_text("vises kun nu")
    address = section.get_by_label("Min kalenderadresse")
    expect(address).to_have_value(re.compile(rf"^{re.escape(demo.base_url)}/calendar/\S+\.ics$"))
    url = address.input_value()
    webcal = section.get_by_role("link", name=re.compile(r"webcal:\/\/"))
    expect(webcal).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])

    # A calendar app fetches the feed without any log-in: Anne's days at Solgården, one event
    # for each day her page lists under her two weeks there.
    feed = httpx.get(url)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).events
    days = page.locator("#staff-home tr.work-day").count()
    assert len(events) == days >= 2
    assert all("Solgården" in str(event["SUMMARY"]) for event in events)
    assert len({event.DTSTART.date() for event in events}) == days

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Føj til kalender \(\.ics\)")).first.click()
    one = Calendar.from_ical(download.value.path().read_bytes())
    assert {event.uid for event in one.events} == {event.uid for event in events}

    page.reload()  # the address is never shown again
    expect(section.get_by_label("Min kalenderadresse")).to_have_count(0)
    expect(section).to_contain_text("Dit kalenderabonnement har været slået til siden")
    expect(section).to_contain_text("En kalender-app hentede det senest")

    section.get_by_role("button", name="Stop mit kalenderabonnement").click()
    expect(section.get_by_role("status")).to_have_text(
        "Dit kalenderabonnement er stoppet; adressen virker ikke længere."
    )
    assert httpx.get(url).status_code == 404


def _shoot(page: Page, picture: Path) -> None:
    page.locator("#calendar-feed").screenshot(path=picture)


def test_the_calendar_address_is_copied_with_one_press_on_a_phone(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})  # staff read it on a phone
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.base_url)
    log_in(page, "anne")
    section = page.locator("#calendar-feed")
    section.get_by_role("button", name=re.compile(r"^Lav (min|en ny) kalenderadresse$")).click()
    address = section.get_by_label("Min kalenderadresse").input_value()

    copy = section.get_by_role("button", name="Kopiér adressen")
    expect(copy).to_be_visible()
    copy.click()
    expect(section.locator("#calendar-url-copied")).to_have_text(
        "Kalenderadressen er kopieret. Indsæt den i din kalender-app."
    )
    assert page.evaluate("navigator.clipboard.readText()") == address
    box, button = (
        section.get_by_label("Min kalenderadresse").bounding_box(),
        copy.bounding_box(),
    )
    assert (
        box and button and box["x"] + box["width"] <= 390 and button["x"] + button["width"] <= 390
    )
    _shoot(page, tmp_path / "calendar-copy-da.png")

    choose_language(page, "English")
    section.get_by_role("button", name="Make a new calendar address").click()
    section.get_by_role("button", name="Copy the address").click()
    expect(section.locator("#calendar-url-copied")).to_have_text(
        "The calendar address is copied. Paste it in your calendar app."
    )
    assert page.evaluate("navigator.clipboard.readText()") == (
        section.get_by_label("My calendar address").input_value()
    )
    _shoot(page, tmp_path / "calendar-copy-en.png")
    section.get_by_role("button", name="Stop my calendar feed").click()
    choose_language(page, "Dansk")


def test_without_scripts_the_address_is_a_field_to_select_and_no_dead_button(
    page_without_scripts: Page, tmp_path: Path
) -> None:
    page = page_without_scripts
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "anne")
    page.get_by_role("button", name=re.compile(r"^Lav (min|en ny) kalenderadresse$")).click()
    field = page.get_by_label("Min kalenderadresse")
    expect(field).to_have_attribute("readonly", "")
    expect(field).to_have_value(re.compile(r"/calendar/\S+\.ics$"))
    expect(page.get_by_role("button", name="Kopiér adressen")).to_be_hidden()
    expect(page.locator("#calendar-url-help")).to_contain_text("Ctrl+C")
    _shoot(page, tmp_path / "calendar-no-script-da.png")
    page.get_by_role("button", name="Stop mit kalenderabonnement").click()
