"""HR approves a waiting volunteer of a unit that has no leader, from the counts on HR's home
page to the decision; and a form with two wrong fields tells both at once, in a summary at
the top that leads to each field. Danish and English, at desk and phone width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory
from jobbank.db.models import ApprovalStatus, Person, Unit, UserAccount, VolunteerProfile
from jobbank.volunteers import ProfilePatch, patch_profile
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

PICTURES = Path("/tmp") / "jobbank-approvals-screenshots"
LEADER = "leder.vaernemidler"


def _waiting_without_leader(demo: Demo) -> tuple[str, str]:
    """A volunteer of a unit without a leader, set waiting for approval; (name, unit)."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            profile = session.scalars(
                select(VolunteerProfile)
                .join(Person)
                .join(Unit, Unit.id == Person.home_unit_id)
                .where(~Unit.leaders.any())
                .order_by(Person.name)
            ).first()
            assert profile is not None, "the demo has a volunteer in a unit without a leader"
            if profile.approval is not ApprovalStatus.PENDING:
                patch = ProfilePatch(approval=ApprovalStatus.PENDING, version=profile.version)
                profile = patch_profile(session, hr, profile.id, patch)
            return profile.person.name, profile.person.home_unit.name
    finally:
        engine.dispose()


def _shoot(page: Page, picture: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=PICTURES / f"{picture}.png", full_page=True)


def test_hr_approves_a_volunteer_of_a_unit_without_a_leader(page: Page, demo: Demo) -> None:
    name, unit = _waiting_without_leader(demo)
    log_in(page, "hr")
    _shoot(page, "hr-home-da")
    page.goto("/dashboard")
    expect(page.locator("#volunteer-count-approved")).to_contain_text("godkendt og tilmeldt")
    page.goto("/")
    page.locator("#volunteer-count-waiting").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/volunteering/approvals\?status=waiting$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Godkend frivillige")
    unled = page.locator("#units-without-leader")
    expect(unled).to_contain_text(unit)
    unled.get_by_role("link", name=unit).click()
    expect(page.locator("#f-unit option:checked")).to_contain_text(unit)
    card = page.locator("section.volunteer", has=page.get_by_role("heading", name=name))
    expect(card).to_contain_text("ingen leder: HR tager stilling")
    expect(card.locator(".approval-status")).to_have_text("venter på godkendelse")
    _shoot(page, "hr-approvals-da")

    card.get_by_role("button", name=f"Godkend {name}").click()
    expect(page.get_by_role("status")).to_have_text("Gemt.")
    expect(page.get_by_role("heading", name=name)).to_have_count(0)  # no longer waiting
    expect(page.locator("#f-unit option:checked")).to_contain_text(unit)  # the filter stays
    page.locator("#f-status").select_option("approved")
    page.get_by_role("button", name="Vis", exact=True).click()
    card = page.locator("section.volunteer", has=page.get_by_role("heading", name=name))
    expect(card.locator(".approval-status")).to_have_text("godkendt")

    choose_language(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve volunteers")
    expect(page.locator("#volunteer-count-approved")).to_contain_text(
        "approved and opted in: planned in the next round"
    )
    _shoot(page, "hr-approvals-en")
    page.goto("/admin/units")
    expect(page.locator("table.units th", has_text="Awaiting approval").first).to_be_visible()
    _shoot(page, "hr-units-en")
    choose_language(page, "Dansk")


def test_a_form_with_two_wrong_fields_tells_both(page_without_scripts: Page) -> None:
    page = page_without_scripts
    log_in(page, LEADER)
    for language, picture in (("Dansk", "da"), ("English", "en")):
        if language == "English":
            choose_language(page, "English")
        page.set_viewport_size({"width": 390, "height": 844})  # leaders post needs on the go
        page.goto("/needs/new")
        form = page.locator("#need-form")
        form.locator("#skill").select_option(index=1)
        form.locator("#hours").fill("lots")
        form.locator("#priority").fill("9")
        form.locator("button[type=submit]").click()

        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("link")).to_have_count(2)
        for field in ("hours", "priority"):
            expect(form.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
            expect(page.locator(f"#{field}-error")).not_to_be_empty()
        expect(form.locator("#skill")).not_to_have_attribute("aria-invalid", "true")
        _shoot(page, f"need-form-errors-{picture}")
        summary.get_by_role("link").nth(1).click()
        expect(form.locator("#priority")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Nothing was saved")
    choose_language(page, "Dansk")
