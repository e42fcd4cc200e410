"""HR's administration pages in the browser: the skills catalogue, the units and the audit
log; to anyone else they are not there."""

from __future__ import annotations

import re

import pytest

from api.pages.admin import Change, changes_of
from jobbank.core import audit
from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory
from jobbank.db.models import AuditEntry
from tests.browser.conftest import Demo, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")


def test_hr_adds_a_skill_and_finds_it_in_the_audit_log(page: Page) -> None:
    log_in(page, "hr")
    page.get_by_role("link", name="Kompetencer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetencer")

    code = page.get_by_label("Kode (små bogstaver, cifre, _ og -)")
    code.fill("Tolk Arabisk")
    page.get_by_label("Dansk navn").fill("Tolk (arabisk)")
    page.get_by_label("Engelsk navn").fill("Interpreter (Arabic)")
    page.get_by_role("button", name="Tilføj kompetencen").click()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#skill-code-error")).to_have_text("Brug kun små bogstaver, cifre, _ og -.")
    expect(page.get_by_label("Dansk navn")).to_have_value("Tolk (arabisk)")

    code.fill("tolk-arabisk")
    page.get_by_role("button", name="Tilføj kompetencen").click()
    expect(page.get_by_role("status")).to_have_text("Kompetencen tolk-arabisk er tilføjet.")
    row = page.locator("#skills tbody tr", has_text="tolk-arabisk")
    expect(row).to_contain_text("Tolk (arabisk)")
    expect(row).to_contain_text("Interpreter (Arabic)")

    page.get_by_role("link", name="Enheder").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enheder")
    expect(page.locator("table.units").first).to_be_visible()

    page.get_by_role("link", name="Revisionslog").first.click()
    page.get_by_label("Objekttype (fx skill, unit, need)").fill("skill")
    page.get_by_role("button", name="Filtrér").click()
    expect(page).to_have_url(re.compile(r"/admin/audit\?entity=skill"))
    newest = page.locator("#audit tbody tr").first
    expect(newest).to_contain_text("hr")
    expect(newest).to_contain_text("create")
    expect(newest).to_contain_text("code: tolk-arabisk")
    expect(newest).to_contain_text("label_en: Interpreter (Arabic)")


def test_the_admin_pages_are_not_there_for_staff(page: Page) -> None:
    log_in(page, "anne")
    response = page.goto("/admin/audit")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Ikke fundet")


def test_hr_deletes_an_unused_skill_but_not_one_in_use(page: Page) -> None:
    log_in(page, "hr")
    page.goto("/admin/skills")
    page.locator("#skills tbody tr", has_text="nurse").get_by_role("button").click()
    expect(page.locator("#skill-problem")).to_contain_text(
        "Kompetencen er i brug og kan ikke slettes: skill nurse: in use by"
    )
    expect(page.locator("#skills")).to_contain_text("nurse")

    page.get_by_label("Kode (små bogstaver, cifre, _ og -)").fill("kortvarig")
    page.get_by_label("Dansk navn").fill("Kortvarig")
    page.get_by_label("Engelsk navn").fill("Short-lived")
    page.get_by_role("button", name="Tilføj kompetencen").click()
    page.get_by_role("button", name="Slet kortvarig").click()
    expect(page.get_by_role("status")).to_have_text("Kompetencen kortvarig er slettet.")
    expect(page.locator("#skills")).not_to_contain_text("kortvarig")


def test_an_entry_shows_each_field_as_old_to_new() -> None:
    entry = AuditEntry(before={"hours": 10, "note": ""}, after={"hours": 12.5, "status": "open"})
    assert changes_of(entry) == [
        Change("hours", "10", "12.5"),
        Change("note", "–", None),
        Change("status", None, "open"),
    ]


def test_the_audit_log_pages_by_fifty(page: Page, demo: Demo) -> None:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            for number in range(55):
                audit.record(
                    session, user_id=None, action="test", entity="paging", entity_id=number
                )
    finally:
        engine.dispose()
    log_in(page, "hr")
    page.goto("/admin/audit?entity=paging")
    expect(page.locator("#audit-count")).to_have_text("55 indførsler, side 1 af 2")
    expect(page.locator("#audit tbody tr")).to_have_count(50)
    expect(page.locator("#audit tbody tr").first).to_contain_text("paging 54")
    page.get_by_role("link", name="Ældre indførsler").click()
    expect(page.locator("#audit tbody tr")).to_have_count(5)
    expect(page.locator("#audit tbody tr").last).to_contain_text("paging 0")
    expect(page.get_by_label("Objekttype (fx skill, unit, need)")).to_have_value("paging")
    page.get_by_role("link", name="Nyere indførsler").click()
    expect(page.locator("#audit-count")).to_have_text("55 indførsler, side 1 af 2")
