"""A deployment from the answer to the evaluation, with a decline the repair fills.

A round starting next week lends Anne to Solgården (need n01, 8 h) and to the health centre
(n24, administration, 6 h). On her phone, in Danish, Anne reads why she was chosen, confirms
Solgården and declines the health centre with a reason and a note. HR reads the decline among
the round's changes (reason and note), proposes changes that end Anne's week there and give
it to another volunteer, and applies them. The leaders see the answers: Solgården's leader
Anne's confirmation, Borgerservice's leader both answers (never the note).

Then the week comes (the round is moved a week back in the database, as time would): Anne
answers the weekly pulse (a low answer, with her name), asks Solgården's leader a question in
the deployment's thread and enters her hours; the leader, in English, sees the flag with the
open checklist items, answers in the thread and signs the hours off; both evaluate the
deployment at its end, and HR's report shows planned beside worked hours and the evaluations.
Screenshots go to a temporary folder for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from jobbank.checklists import create_checklists
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    Checklist,
    Deployment,
    Person,
    PlanEvent,
    RoundStatus,
    Unit,
)
from jobbank.deployments import open_deployments
from jobbank.rounds import create_round, store_result
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.browser.conftest import Demo, log_in
from tests.browser.pw import Page, expect
from tests.browser.steps import PHONE_WIDTH, fits_a_phone, is_accessible, open_as, switch_language
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

NEXT_MONDAY = monday_of(dt.date.today()) + dt.timedelta(weeks=1)
NOTE = "Min kollega er syg, og jeg har vagten derhjemme"


@dataclass(frozen=True)
class Answers:
    demo: Demo
    round_id: int
    solgaarden: int
    """Anne's deployment there (to confirm)."""
    health_centre: int
    """Anne's deployment there (to decline)."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-answers")
    with demo_server(folder) as base:
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture(scope="module")
def answers(demo: Demo) -> Answers:
    """The round of next week, published as HR would after a solve: Anne at two units."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:
        with transaction(make_session_factory(engine)) as session:
            rnd = create_round(session, start=NEXT_MONDAY, weeks=2)
            plan = [
                Planned(staff="e1001", need="n01", week=0, hours=8),
                Planned(staff="e1001", need="n24", week=0, hours=6),
            ]
            store_result(session, rnd, RoundResult(status="feasible", assignments=plan))
            rnd.status = RoundStatus.PUBLISHED
            rnd.published_at = dt.datetime.now(dt.UTC)
            session.flush()
            create_checklists(session, rnd, by=None)
            open_deployments(session, rnd)

            def at(code: str) -> int:
                return session.scalars(
                    select(Deployment.id)
                    .join(Unit, Unit.id == Deployment.unit_id)
                    .join(Person, Person.id == Deployment.person_id)
                    .where(Unit.code == code, Person.employee_no == "e1001")
                ).one()

            return Answers(demo, rnd.id, at("solgaarden"), at("sundhedscenter"))
    finally:
        engine.dispose()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deployment-answer-screenshots")


def test_a_deployment_from_answer_to_evaluation_with_a_decline_the_repair_fills(
    page: Page, answers: Answers, shots: Path
) -> None:
    # Anne, on her phone, in Danish: two deployments to answer
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, "anne")
    mine = page.locator("#my-deployments")
    expect(mine.get_by_role("link", name="Svar")).to_have_count(2)
    mine.screenshot(path=shots / "staff-home-answer-da.png")
    fits_a_phone(page)

    # she reads why she was chosen for the health centre
    page.goto(f"/deployment/{answers.health_centre}/why")
    expect(page.locator("h1")).to_contain_text("Hvorfor blev du valgt")
    expect(page.locator("#why-skill")).to_contain_text("administration")
    expect(page.locator("#why-need")).to_contain_text("prioritet 3 af 5")
    page.screenshot(path=shots / "staff-why-da.png", full_page=True)
    fits_a_phone(page)
    is_accessible(page)
    switch_language(page, "English")
    expect(page.locator("h1")).to_contain_text("Why were you chosen")
    expect(page.locator("#why-need")).to_contain_text("priority 3 of 5 (medium)")
    page.screenshot(path=shots / "staff-why-en.png", full_page=True)
    fits_a_phone(page)
    page.goto(f"/deployment/{answers.health_centre}")
    expect(page.get_by_role("button", name="Yes, I confirm")).to_be_visible()
    page.screenshot(path=shots / "staff-hub-en.png", full_page=True)
    fits_a_phone(page)
    is_accessible(page)
    switch_language(page, "Dansk")

    # she confirms Solgården
    page.goto(f"/deployment/{answers.solgaarden}")
    page.get_by_role("button", name="Ja, jeg bekræfter").click()
    expect(page.get_by_role("status")).to_contain_text("Du har bekræftet")
    expect(page.locator("#answer")).to_contain_text("Bekræftet")
    page.screenshot(path=shots / "staff-confirmed-da.png", full_page=True)
    fits_a_phone(page)

    # she declines the health centre: first without a reason, then with one
    page.goto(f"/deployment/{answers.health_centre}")
    page.get_by_text("Jeg kan ikke komme: afslå").click()
    page.get_by_role("button", name="Send mit afslag").click()
    expect(page.locator("#reason-error")).not_to_be_empty()
    page.get_by_label("Mine hjemmeopgaver kan ikke vente").check()
    page.get_by_label("Med dine egne ord (frivilligt)").fill(NOTE)
    page.screenshot(path=shots / "staff-decline-form-da.png", full_page=True)
    fits_a_phone(page)
    page.get_by_role("button", name="Send mit afslag").click()
    expect(page.get_by_role("status")).to_contain_text("Dit afslag er sendt til HR")
    expect(page.locator("#answer")).to_contain_text("Afslået")
    page.screenshot(path=shots / "staff-declined-da.png", full_page=True)

    # HR reads the decline, proposes changes that fill it, and applies them
    hr = open_as(page, answers.demo.base_url, "hr")
    try:
        hr.goto(f"/rounds/{answers.round_id}")
        expect(hr.locator("main")).to_contain_text("Afslået udlån")
        expect(hr.locator("main")).to_contain_text("Mine hjemmeopgaver kan ikke vente")
        expect(hr.locator("main")).to_contain_text(NOTE)
        repair = hr.locator("#repair")
        repair.screenshot(path=shots / "hr-round-repair-da.png")
        repair.get_by_role("button", name="Foreslå ændringer").click()
        hr.wait_for_url(f"**/rounds/{answers.round_id}/change-sets/*")
        diff = hr.locator("#diff")
        ended = diff.locator("li.ended").filter(has_text="Anne Jensen")
        expect(ended).to_contain_text("n24")
        expect(diff.locator("li.added").filter(has_text="n24")).not_to_have_count(0)
        hr.screenshot(path=shots / "hr-proposal-da.png", full_page=True)
        hr.get_by_role("button", name="Gennemfør ændringerne").click()
        expect(hr.locator("#proposal-status")).to_contain_text("Gennemført")
        hr.screenshot(path=shots / "hr-applied-da.png", full_page=True)
    finally:
        hr.context.close()

    # the leaders see the answers, never the note
    for username, direction, shown in (
        ("leder.solgaarden", "incoming", ["Bekræftet"]),
        ("leder.borgerservice", "outgoing", ["Bekræftet"]),
    ):
        leader = open_as(page, answers.demo.base_url, username)
        try:
            leader.goto(f"/deployments/{direction}")
            anne = leader.locator("article.deployment").filter(has_text="Anne Jensen")
            for words in shown:
                expect(anne.first).to_contain_text(words)
            anne.first.screenshot(path=shots / f"{username}-{direction}-da.png")
            leader.goto(f"/deployment/{answers.health_centre}")
            if username == "leder.borgerservice":
                expect(leader.locator("#answer")).to_contain_text("Afslået")
                expect(leader.locator("main")).not_to_contain_text(NOTE)
                leader.screenshot(path=shots / "leader-declined-da.png", full_page=True)
        finally:
            leader.context.close()

    _a_week_later(answers)
    _during_and_after(page, answers, shots)
    print(f"screenshots: {shots}")


def _a_week_later(answers: Answers) -> None:
    """Time passes: the round, its plan, checklists and events move a week back, so the
    deployment's one week is this week (begun, and its last)."""
    week = dt.timedelta(weeks=1)
    engine = make_engine(Settings(data_dir=answers.demo.data_dir).url)
    try:
        with transaction(make_session_factory(engine)) as session:
            rnd = session.get(AllocationRound, answers.round_id)
            assert rnd is not None
            rnd.start -= week
            rnd.input_snapshot = {**(rnd.input_snapshot or {}), "start": rnd.start.isoformat()}
            for row in session.scalars(select(Assignment).filter_by(round_id=rnd.id)):
                row.week -= week
            for change in session.scalars(select(AssignmentChange).filter_by(round_id=rnd.id)):
                change.week -= week
            for event in session.scalars(select(PlanEvent).filter_by(round_id=rnd.id)):
                event.first_day -= week
                event.last_day = event.last_day - week if event.last_day else None
            for checklist in session.scalars(select(Checklist).filter_by(round_id=rnd.id)):
                checklist.starts_on -= week
                for item in checklist.items:
                    item.due_on -= week
                    item.tickable_from = item.tickable_from - week if item.tickable_from else None
    finally:
        engine.dispose()


def _during_and_after(page: Page, answers: Answers, shots: Path) -> None:
    """The week at Solgården: pulse, thread and hours; then both evaluate, and HR reads it."""
    here = f"/deployment/{answers.solgaarden}"
    page.goto(f"{here}/pulse")
    page.get_by_role("group", name="Havde du meningsfuldt arbejde i denne uge?").get_by_text(
        "2", exact=True
    ).click()
    page.get_by_role("group", name="Hvor presset var du af dine opgaver hjemme?").get_by_text(
        "4", exact=True
    ).click()
    page.get_by_label("Lederne må se mit navn").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".pulse-weeks")).to_contain_text("meningsfuldt arbejde 2, presset 4")
    page.screenshot(path=shots / "staff-pulse-da.png", full_page=True)
    fits_a_phone(page)

    page.goto(f"{here}/thread")
    page.get_by_label("Din besked").fill("Hvor skal jeg møde ind mandag?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("article.message")).to_have_count(1)
    fits_a_phone(page)

    page.goto(f"{here}/hours")
    this_week = page.locator("article.worked-week").first
    this_week.get_by_label(re.compile("^Arbejdede timer i uge")).fill("7,5")
    this_week.get_by_role("button", name=re.compile("^Gem timer")).click()
    expect(page.get_by_role("status")).to_contain_text("Gemt")
    page.screenshot(path=shots / "staff-hours-da.png", full_page=True)
    fits_a_phone(page)

    leader = open_as(page, answers.demo.base_url, "leder.solgaarden")
    try:
        switch_language(leader, "English")
        flag = leader.locator("article.pulse-flag", has_text="Anne Jensen")
        expect(flag).to_be_visible()
        expect(flag.locator(".pulse-open-items li").first).to_be_visible()
        flag.screenshot(path=shots / "leader-pulse-flag-en.png")
        leader.goto(f"{here}/thread")
        expect(leader.locator("article.message").first).to_contain_text("møde ind mandag")
        leader.get_by_label("Your message").fill("At 7 by the main entrance; ask for Dorte.")
        leader.get_by_role("button", name="Send").click()
        expect(leader.locator("article.message")).to_have_count(2)
        leader.goto(f"{here}/hours")
        this_week = leader.locator("article.worked-week").first
        this_week.get_by_role("button", name=re.compile(r"^Confirm 7\.5 hours")).click()
        expect(leader.locator("article.worked-week").first.locator(".worked")).to_contain_text(
            "confirmed by"
        )
        leader.goto(f"{here}/evaluation")
        form = leader.locator("form").filter(
            has=leader.get_by_role("button", name="Save my evaluation")
        )
        form.get_by_label("Yes").check()
        form.get_by_label("4", exact=True).check()
        form.get_by_role("button", name="Save my evaluation").click()
        expect(leader.get_by_role("status")).to_have_text("Your evaluation is saved. Thank you.")
        leader.screenshot(path=shots / "leader-evaluation-en.png", full_page=True)
        switch_language(leader, "Dansk")
    finally:
        leader.context.close()

    page.goto(f"{here}/thread")
    expect(page.locator("article.message")).to_have_count(2)
    page.goto(f"{here}/evaluation")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Gem min evaluering"))
    form.get_by_label("Ja").check()
    form.get_by_label("5", exact=True).check()
    form.get_by_role("group", name="Hvad hjalp?").get_by_label("Klare opgaver").check()
    form.get_by_role("button", name="Gem min evaluering").click()
    expect(page.get_by_role("status")).to_have_text("Din evaluering er gemt. Tak.")
    page.screenshot(path=shots / "staff-evaluation-da.png", full_page=True)
    fits_a_phone(page)

    hr = open_as(page, answers.demo.base_url, "hr")
    try:
        hr.goto(f"/reports/rounds/{answers.round_id}")
        expect(hr.locator("main")).to_contain_text("7,5")
        hr.screenshot(path=shots / "hr-report-worked-da.png", full_page=True)
        hr.goto("/reports")
        expect(hr.locator("main")).to_contain_text("Sådan gik udlånene")
        hr.screenshot(path=shots / "hr-report-evaluations-da.png", full_page=True)
    finally:
        hr.context.close()
