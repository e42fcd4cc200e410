"""A unit leader posts a need (the form checks itself as they type), closes it, and approves
a volunteer of their unit and plans the hours the unit keeps."""

from __future__ import annotations

import re

import pytest
from advanced_alchemy.filters import LimitOffset
from sqlalchemy import select

from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory
from jobbank.db.models import ApprovalStatus, UserAccount
from jobbank.volunteers import ProfilePatch, list_profiles, patch_profile
from tests.browser.conftest import Demo, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")

LEADER = "leder.vaernemidler"
APPROVER = "leder.soeskolen"
_ALL = LimitOffset(limit=1000, offset=0)


def test_a_leader_posts_a_need_and_the_form_points_at_each_mistake(page: Page) -> None:
    log_in(page, LEADER)
    page.get_by_role("link", name="Mine enheders behov").click()
    page.get_by_role("link", name="Opret et nyt behov").click()
    form = page.locator("#need-form")
    form.locator("#skill").select_option(index=1)
    form.locator("#hours").fill("3.3")
    expect(page.locator("#hours-error")).to_have_text("Skriv timer i halve timer, fx 7,5.")
    expect(form.locator("#hours")).to_have_attribute("aria-describedby", "hours-error")
    form.locator("#hours").fill("7,5")
    expect(page.locator("#hours-error")).to_be_empty()

    form.locator("#first_week").select_option(index=3)
    form.locator("#last_week").select_option(index=1)
    expect(page.locator("#last_week-error")).to_have_text(
        "Sidste uge kan ikke ligge før første uge."
    )
    form.locator("#last_week").select_option(index=5)
    expect(page.locator("#last_week-error")).to_be_empty()
    form.locator("#description").fill("Pakke værnemidler til hjemmeplejen")
    form.get_by_role("button", name="Gem behovet").click()

    expect(page).to_have_url(re.compile(r"/needs\?saved=n\d+"))
    expect(page.get_by_role("status")).to_contain_text("er gemt")
    ref = re.search(r"saved=(n\d+)", page.url)
    assert ref is not None
    row = page.locator(f"#need-{ref.group(1)}")
    expect(row).to_contain_text("7,5")
    expect(page.locator("#open-needs")).to_contain_text(ref.group(1))

    row.get_by_role("button", name=f"Luk {ref.group(1)}").click()
    expect(page.locator("#closed-needs")).to_contain_text(ref.group(1))
    expect(page.locator("#open-needs")).not_to_contain_text(ref.group(1))

    page.locator(f"#need-{ref.group(1)}").get_by_role(
        "button", name=f"Genåbn {ref.group(1)}"
    ).click()
    expect(page.locator("#open-needs")).to_contain_text(ref.group(1))


def test_a_message_that_comes_and_goes_does_not_move_the_save_button(page: Page) -> None:
    log_in(page, LEADER)
    page.goto("/needs/new")
    form = page.locator("#need-form")
    save = form.get_by_role("button", name="Gem behovet")
    form.locator("#skill").select_option(index=1)
    before = save.bounding_box()
    form.locator("#hours").fill("3.3")
    expect(page.locator("#hours-error")).not_to_be_empty()
    assert save.bounding_box() == before
    form.locator("#hours").fill("7.5")
    expect(page.locator("#hours-error")).to_be_empty()
    assert save.bounding_box() == before


def test_a_save_without_scripts_shows_the_error_at_its_field(page_without_scripts: Page) -> None:
    page = page_without_scripts
    log_in(page, LEADER)
    page.goto("/needs")
    page.locator("#open-needs a", has_text="Ret").first.click()
    form = page.locator("#need-form")
    form.locator("#priority").fill("9")
    form.get_by_role("button", name="Gem behovet").click()
    expect(page.get_by_role("alert").first).to_contain_text("Intet blev gemt")
    expect(page.locator("#priority-error")).to_have_text("Vælg en prioritet fra 1 til 5.")
    expect(page.locator("#priority")).to_have_value("9")


def _pending_volunteer(demo: Demo) -> str:
    """A volunteer of the approver's unit awaiting approval (HR sets one back if none is)."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            users = session.scalars(
                select(UserAccount).where(UserAccount.username.in_(("hr", APPROVER)))
            )
            by_name = {user.username: actor_for(user) for user in users}
            leader, hr = by_name[APPROVER], by_name["hr"]
            profiles, _ = list_profiles(session, leader, _ALL)
            mine = [p for p in profiles if p.person_id != leader.person_id]
            pending = [p for p in mine if p.approval is ApprovalStatus.PENDING]
            if not pending:
                profile = mine[0]
                patch = ProfilePatch(approval=ApprovalStatus.PENDING, version=profile.version)
                pending = [patch_profile(session, hr, profile.id, patch)]
            return pending[0].person.name
    finally:
        engine.dispose()


def test_a_leader_approves_a_pending_volunteer_and_plans_the_hours_kept(
    page: Page, demo: Demo
) -> None:
    name = _pending_volunteer(demo)
    log_in(page, APPROVER)
    page.get_by_role("link", name="Godkend frivillige").click()
    card = page.locator("section.volunteer", has=page.get_by_role("heading", name=name))
    expect(card.locator(".approval-status")).to_have_text("venter på godkendelse")
    card.get_by_role("button", name=f"Godkend {name}").click()
    card = page.locator("section.volunteer", has=page.get_by_role("heading", name=name))
    expect(card.locator(".approval-status")).to_have_text("godkendt")

    week = card.locator("table.weeks input").nth(2)
    week.fill("3.3")
    card.get_by_role("button", name=f"Gem de beholdte timer {name}").click()
    card = page.locator("section.volunteer", has=page.get_by_role("heading", name=name))
    expect(card.locator("table.weeks .field-error").nth(2)).to_have_text(
        "Skriv timer i halve timer, fx 7,5."
    )
    expect(card.locator("table.weeks input").nth(2)).to_have_value("3.3")
    card.locator("table.weeks input").nth(2).fill("2")
    card.get_by_role("button", name=f"Gem de beholdte timer {name}").click()
    expect(page.get_by_role("status")).to_have_text("Gemt.")
    card = page.locator("section.volunteer", has=page.get_by_role("heading", name=name))
    expect(card.locator("table.weeks input").nth(2)).to_have_value("2")


def test_a_stale_edit_is_told_and_not_saved(page: Page) -> None:
    log_in(page, LEADER)
    page.goto("/needs")
    page.locator("#open-needs a", has_text="Ret").first.click()
    form = page.locator("#need-form")
    form.locator("input[name=version]").evaluate("field => field.value = '999'")
    form.locator("#description").fill("Ændret af to på én gang")
    expect(page.locator("#version-error")).to_contain_text("En anden har ændret dette")
    form.get_by_role("button", name="Gem behovet").click()
    expect(page.get_by_role("alert").first).to_contain_text("Intet blev gemt")
    expect(page.locator("#version-error")).to_contain_text("En anden har ændret dette")
    page.goto("/needs")
    page.locator("#open-needs a", has_text="Ret").first.click()
    expect(page.locator("#description")).not_to_have_value("Ændret af to på én gang")
