"""A learner's week, from the profile to the deployment card, photographed for the docs.

Sofie (a physiotherapist) names nursing as a skill she wants to learn; Solgården's leader
lets need n01 take learners; HR pins Anne (a nurse) and Sofie beside her at n01 this week,
solves with the solver and publishes. Sofie reads on her phone, in Danish and in English,
that she comes as a learner beside a colleague who has the skill; HR's round page, in
Danish, counts her among the learners placed and marks her row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import Need, Person, UserAccount, VolunteerProfile
from jobbank.rounds import create_round, pin_assignment, publish_round
from jobbank.runtime.jobs import run_job
from jobbank.solving import SolveRequest, start_solve
from jobbank.volunteers import ProfilePatch, patch_profile
from tests.browser.conftest import SCREENSHOTS, Demo, choose_language, log_in
from tests.browser.pw import Page, expect
from tests.browser.steps import PHONE_WIDTH, fits_a_phone, is_accessible
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")

PHONE = {"width": PHONE_WIDTH, "height": 844}
LEARNING_DA = "under oplæring, side om side med en kollega, der har kompetencen"
LEARNING_EN = "as a learner, beside a colleague who has the skill"


ROUND: dict[str, int] = {}
"""The published round's id, once the module's demo has it."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-learner")
    with demo_server(folder) as base:
        ROUND["id"] = publish_learner_round(folder / "data")
        yield Demo(base_url=base, data_dir=folder / "data")


def profile_of(session: Session, employee_no: str) -> VolunteerProfile:
    return session.scalars(
        select(VolunteerProfile).join(Person).where(Person.employee_no == employee_no)
    ).one()


def publish_learner_round(data_dir: Path) -> int:
    """This week's round with Sofie learning nursing beside Anne at n01, through the
    services as each person would set it, solved by the solver and published."""
    engine = make_engine(Settings(data_dir=data_dir).url)
    factory = make_session_factory(engine)
    start = monday_of(dt.date.today())
    try:
        with transaction(factory) as session:
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            sofie = profile_of(session, "e1003")
            patch_profile(
                session, hr, sofie.id, ProfilePatch(learn_skills=["nurse"], version=sofie.version)
            )
            n01 = session.scalars(select(Need).filter_by(ref="n01")).one()
            n01.accepts_learners = True  # as Solgården's leader ticks it on the need's form
            rnd = create_round(session, start=start, weeks=1, by=hr.user_id)
            for employee_no, hours in (("e1001", 12.0), ("e1003", 8.0)):
                pin_assignment(
                    session,
                    hr,
                    rnd.id,
                    person_id=profile_of(session, employee_no).person_id,
                    need_id=n01.id,
                    week=start,
                    hours=hours,
                )
            job = start_solve(session, hr, rnd.id, SolveRequest(time_limit=2, workers=1))
            round_id, job_id = rnd.id, job.id
        run_job(factory, job_id)
        with transaction(factory) as session:
            publish_round(session, hr, round_id)
        return round_id
    finally:
        engine.dispose()


def test_sofie_reads_on_her_phone_that_she_comes_to_learn(page: Page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    log_in(page, "sofie")
    card = page.locator("article.deployment", has_text="Solgården")
    expect(card.locator("small.learner")).to_have_text(LEARNING_DA)
    fits_a_phone(page)
    is_accessible(page)
    card.screenshot(path=SCREENSHOTS / "learner-card-phone-da.png")

    choose_language(page, "English")
    expect(card.locator("small.learner")).to_have_text(LEARNING_EN)
    fits_a_phone(page)
    card.screenshot(path=SCREENSHOTS / "learner-card-phone-en.png")
    choose_language(page, "Dansk")


def test_hr_sees_the_learner_on_the_round_page(page: Page) -> None:
    log_in(page, "hr")
    page.goto(f"/rounds/{ROUND['id']}")
    expect(page.locator("#learners-placed")).to_contain_text("1 placeret under oplæring")
    expect(page.locator("small.learner").first).to_have_text("under oplæring")
    is_accessible(page)
    page.screenshot(path=SCREENSHOTS / "round-learners-da.png", full_page=True)
