"""Staff make their calendar-feed address on their home page, see it once, subscribe without
a log-in, download one assignment as .ics, and stop the feed."""

from __future__ import annotations

import re

import httpx
import pytest
from icalendar import Calendar

from tests.browser.conftest import Demo, log_in
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

    # A calendar app fetches the feed without any log-in: Anne's two weeks at Solgården.
    feed = httpx.get(url)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).events
    assert len(events) == 2 and all("Solgården" in str(event["SUMMARY"]) for event in events)

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
