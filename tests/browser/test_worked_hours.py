"""Worked hours from the phone to the impact report.

In the demo's published round Anne (Borgerservice) nurses at Solgården this week and next,
12 hours a week. On a phone, in Danish, her front page asks for this week's hours; she first
types more hours than this week allows
(she is told the most and why, beside the field), then 10,5. Solgården's leader, in English,
finds the week waiting on the front page and signs it off. HR's impact report then shows
this week's 12 planned hours beside the 10.5 worked.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import func, select

from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory
from jobbank.db.models import AllocationRound, Assignment, Deployment, Need, Person, Unit
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect
from tests.browser.steps import fits_a_phone

pytestmark = pytest.mark.xdist_group("browser")

PHONE_WIDTH = 390
LEADER = "leder.solgaarden"


class Lent(NamedTuple):
    deployment_id: int
    round_id: int
    planned_at_unit: float
    """Hours the plan gives everyone lent to Solgården this week (Anne's 12 and others')."""


@pytest.fixture
def anne_at_solgaarden(demo: Demo) -> Lent:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with make_session_factory(engine)() as session:
            deployment = session.scalars(
                select(Deployment)
                .join(Person, Person.id == Deployment.person_id)
                .join(Unit, Unit.id == Deployment.unit_id)
                .join(AllocationRound, AllocationRound.id == Deployment.round_id)
                .where(Person.employee_no == "e1001", Unit.code == "solgaarden")
                .where(AllocationRound.start == monday_of(dt.date.today()))  # not a later round
            ).one()
            planned = session.scalar(
                select(func.sum(Assignment.hours))
                .join(Need, Need.id == Assignment.need_id)
                .where(
                    Assignment.round_id == deployment.round_id,
                    Need.unit_id == deployment.unit_id,
                    Assignment.week == monday_of(dt.date.today()),
                )
            )
            return Lent(deployment.id, deployment.round_id, float(planned or 0))
    finally:
        engine.dispose()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go, for a person to look at."""
    return tmp_path_factory.mktemp("worked-hours-screenshots")


def test_hours_go_from_the_phone_through_sign_off_to_the_report(
    page: Page, demo: Demo, anne_at_solgaarden: Lent, shots: Path
) -> None:
    hours_page = f"/deployment/{anne_at_solgaarden.deployment_id}/hours"

    # Anne, on a phone, in Danish
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, "anne")
    prompt = page.locator("#hours-to-enter")
    expect(prompt).to_contain_text("Skriv dine arbejdede timer")
    fits_a_phone(page)
    prompt.screenshot(path=shots / "person-prompt-da.png")
    prompt.get_by_role("link", name=re.compile("Solgården")).first.click()
    page.wait_for_url(re.compile(re.escape(hours_page)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbejdede timer")
    this_week = page.locator("article.worked-week").first
    expect(this_week.locator(".planned")).to_have_text("12 timer")
    field = this_week.get_by_label(re.compile("^Arbejdede timer i uge"))
    field.fill("30")
    this_week.get_by_role("button", name=re.compile("^Gem timer")).click()
    this_week = page.locator("article.worked-week").first
    expect(this_week.locator(".field-error")).to_contain_text("Højst 20 timer")
    expect(this_week.locator(".field-error")).to_contain_text("én arbejdsdag")
    expect(this_week.get_by_label(re.compile("^Arbejdede timer i uge"))).to_have_attribute(
        "aria-invalid", "true"
    )
    fits_a_phone(page)
    page.screenshot(path=shots / "person-refused-da.png", full_page=True)

    this_week.get_by_label(re.compile("^Arbejdede timer i uge")).fill("10,5")
    this_week.get_by_role("button", name=re.compile("^Gem timer")).click()
    expect(page.get_by_role("status")).to_contain_text("Gemt")
    this_week = page.locator("article.worked-week").first
    expect(this_week.locator(".worked")).to_contain_text("10,5 timer")
    expect(this_week.locator(".worked")).to_contain_text("venter på den modtagende leders")
    next_week = page.locator("article.worked-week").nth(1)
    expect(next_week).to_contain_text("Timerne kan skrives fra ugens mandag")
    expect(next_week.get_by_role("textbox")).to_have_count(0)
    fits_a_phone(page)
    page.screenshot(path=shots / "person-entered-da.png", full_page=True)
    page.goto("/")
    expect(page.locator("#hours-to-enter")).to_have_count(0)  # next week has not begun

    # Solgården's leader, in English, signs it off from the front page's prompt
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1100, "height": 900})
    log_in(page, LEADER)
    choose_language(page, "English")
    prompt = page.locator("#hours-waiting")
    expect(prompt).to_contain_text("Hours waiting for your sign-off: 1 week")
    expect(prompt).to_contain_text("10.5 hours")
    prompt.screenshot(path=shots / "leader-prompt-en.png")
    prompt.get_by_role("link").first.click()
    this_week = page.locator("article.worked-week").first
    this_week.get_by_role("button", name=re.compile(r"^Confirm 10\.5 hours")).click()
    this_week = page.locator("article.worked-week").first
    expect(this_week.locator(".worked")).to_contain_text("confirmed by")
    expect(page.locator("#hours-totals")).to_contain_text("10.5 confirmed as worked")
    page.screenshot(path=shots / "leader-confirmed-en.png", full_page=True)
    page.goto("/")
    expect(page.locator("#hours-waiting")).to_have_count(0)
    choose_language(page, "Dansk")

    # HR reads planned beside worked in the impact report
    page.context.clear_cookies()
    log_in(page, "hr")
    page.goto(f"/reports/rounds/{anne_at_solgaarden.round_id}")
    section = page.locator("#worked-hours")
    expect(section.get_by_role("heading", level=2)).to_have_text("Planlagte og arbejdede timer")
    row = section.locator("#worked tbody tr", has_text="Solgården").first
    planned = f"{anne_at_solgaarden.planned_at_unit:g}".replace(".", ",")
    expect(row.locator("td").nth(1)).to_have_text(planned)
    expect(row.locator("td").nth(2)).to_have_text("10,5")
    section.screenshot(path=shots / "report-da.png")
