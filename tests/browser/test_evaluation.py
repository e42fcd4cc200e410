"""A deployment that has reached its last week is evaluated on a phone: the lent employee
finds the prompt on the front page, answers in Danish and finds the answer kept; the receiving
leader answers their side in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import Person, Unit, UserAccount
from jobbank.rounds import create_round, publish_round, round_input, store_result
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.browser.conftest import Demo, log_in
from tests.browser.pw import Page, expect
from tests.browser.steps import fits_a_phone
from tests.browser.test_checklists_after_publishing import (
    LEADERS,
    LENT,
    PHONE_WIDTH,
    Published,
    _danish,
    _english,
)
from tests.servers import demo_server

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of this module's own, as its round changes what others read."""
    folder = tmp_path_factory.mktemp("demo-evaluation")
    with demo_server(folder) as base:
        yield Demo(base_url=base, data_dir=folder / "data")


@pytest.fixture(scope="module")
def published(demo: Demo) -> Published:
    """A two-week round that began last week: its last week has begun, so it is open."""
    return publish_from_last_week(demo.data_dir)


def publish_from_last_week(data_dir: Path) -> Published:
    """HR publishes a two-week round from last Monday: one demo employee with a log-in works a
    need at a unit whose leader can log in, this week (and last week if the need had hours)."""
    engine = make_engine(Settings(data_dir=data_dir).url)
    factory = make_session_factory(engine)
    start = monday_of(dt.date.today()) - dt.timedelta(weeks=1)
    try:
        with transaction(factory) as session:
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            rnd = create_round(session, start=start, weeks=2, by=hr.user_id)
            snapshot = round_input(session, rnd)
            staff = {s.id for s in snapshot.staff}
            person, need = next(
                (person, need)
                for person in LENT
                if person in staff
                for need in snapshot.needs
                if need.unit in LEADERS and need.hours[1] >= 8
            )
            weeks = [w for w in (0, 1) if need.hours[w] >= 8]
            planned = [Planned(staff=person, need=need.id, week=w, hours=8) for w in weeks]
            store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
            publish_round(session, hr, rnd.id)
            name = session.scalars(select(Person.name).filter_by(employee_no=person)).one()
            unit = session.scalars(select(Unit.name).filter_by(code=need.unit)).one()
            return Published(name, LENT[person], unit, LEADERS[need.unit], start)
    finally:
        engine.dispose()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("evaluation-screenshots")


def test_the_lent_employee_evaluates_on_a_phone(
    page: Page, published: Published, shots: Path
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, published.username)
    prompt = page.locator("#awaited-evaluations")
    expect(prompt).to_contain_text("Hvordan gik det?")
    prompt.get_by_role("link", name=f"Evaluer din tid hos {published.unit}").first.click()
    page.wait_for_url("**/evaluation")
    evaluated = page.url.split("://", 1)[1].split("/", 1)[1]
    form = page.locator("#staff-form")
    expect(form).to_contain_text("Ville du tage afsted igen?")
    form.get_by_role("button", name="Gem min evaluering").click()
    expect(page.locator("#staff-again-error")).to_have_text("Vælg ja eller nej.")
    form = page.locator("#staff-form")
    form.get_by_label("Ja").check()
    form.get_by_label("4", exact=True).check()
    form.get_by_role("group", name="Hvad hjalp?").get_by_label("Klare opgaver").check()
    form.get_by_role("group", name="Hvad manglede?").get_by_label("Udstyr").check()
    form.get_by_label("Kommentar (valgfri)").fill("Et godt hold.")
    fits_a_phone(page)
    page.screenshot(path=shots / "staff-da.png", full_page=True)
    form.get_by_role("button", name="Gem min evaluering").click()
    expect(page.get_by_role("status")).to_have_text("Din evaluering er gemt. Tak.")
    form = page.locator("#staff-form")
    expect(
        form.get_by_role("group", name="Hvad hjalp?").get_by_label("Klare opgaver")
    ).to_be_checked()
    expect(form.get_by_label("Kommentar (valgfri)")).to_have_value("Et godt hold.")
    page.goto("/")
    expect(page.locator("#awaited-evaluations-slot")).to_have_count(0)  # the prompt has loaded
    expect(page.locator(f'#awaited-evaluations a[href="/{evaluated}"]')).to_have_count(0)


def test_the_receiving_leader_evaluates_in_english(
    page: Page, published: Published, shots: Path
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, published.leader)
    _english(page)
    prompt = page.locator("#awaited-evaluations")
    prompt.get_by_role("link", name=f"Evaluate {published.person}'s time with you").first.click()
    form = page.locator("#receiving-form")
    form.get_by_label("No").check()
    form.get_by_label("2", exact=True).check()
    form.get_by_label("Feedback").check()
    fits_a_phone(page)
    form.get_by_role("button", name="Save my evaluation").click()
    expect(page.get_by_role("status")).to_have_text("Your evaluation is saved. Thank you.")
    page.screenshot(path=shots / "leader-en.png", full_page=True)
    _danish(page)


def test_the_start_was_last_week(published: Published) -> None:
    assert published.start < dt.date.today()
