"""A real browser against a real server: `jobbank serve --demo` on loopback, a fresh data
folder, and Debian's Chromium driven by Playwright (never a downloaded browser).

Without Chromium or Playwright the browser tests skip, saying why; under CI (env `CI` set)
they fail instead, so a broken CI image cannot pass by skipping.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fixtures.municipality import HORIZON, HR_PASSWORD, LEADER_PASSWORD, STAFF_PASSWORD
from jobbank.core.access import actor_for
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import Need, Person, UserAccount, VolunteerProfile
from jobbank.rounds import create_round, pin_assignment, publish_round
from jobbank.runtime.jobs import run_job
from jobbank.solving import SolveRequest, start_solve
from jobbank.volunteers import (
    ProfilePatch,
    WeekAvailability,
    WeekHomeLoad,
    home_load_overrides,
    patch_profile,
)
from tests.servers import demo_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF = ("anne", "mads", "sofie", "lars", "karen")
PASSWORDS = {"hr": HR_PASSWORD} | dict.fromkeys(STAFF, STAFF_PASSWORD)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def password_of(username: str) -> str:
    return PASSWORDS.get(username, LEADER_PASSWORD)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Demo:
    base_url: str
    data_dir: Path


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`jobbank serve --demo` on a free port, with one published round added (see below)."""
    folder = tmp_path_factory.mktemp("demo")
    with demo_server(folder) as base:
        publish_first_round(folder / "data")
        yield Demo(base_url=base, data_dir=folder / "data")


def publish_first_round(data_dir: Path) -> None:
    """HR publishes a round solved by the solver, in which Anne (Borgerservice) nurses at
    Solgården (need n01) this week and next, 12 h a week; the demo itself has no round yet.

    Uses the services, as HR would: Borgerservice keeps Anne 25 of her 37 h those weeks (so
    the pin is all she can give), Mads is away for the demo's weeks (so one staff member has
    no assignment), HR pins Anne, solves and publishes.
    """
    engine = make_engine(Settings(data_dir=data_dir).url)
    factory = make_session_factory(engine)
    start = monday_of(dt.date.today())
    weeks = [start + dt.timedelta(weeks=w) for w in range(HORIZON)]
    try:
        with transaction(factory) as session:
            hr = actor_for(session.scalars(select(UserAccount).filter_by(username="hr")).one())
            anne, mads = _profile(session, "e1001"), _profile(session, "e1002")
            loads = [WeekHomeLoad(week=week, home_load=25) for week in weeks[:2]]
            loads += [o for o in home_load_overrides(anne) if o.week not in weeks[:2]]
            patch_profile(
                session, hr, anne.id, ProfilePatch(home_load_weeks=loads, version=anne.version)
            )
            away = [WeekAvailability(week=week, available=False) for week in weeks]
            patch_profile(
                session, hr, mads.id, ProfilePatch(availability=away, version=mads.version)
            )
            rnd = create_round(session, start=start, weeks=2, by=hr.user_id)
            n01 = session.scalars(select(Need).filter_by(ref="n01")).one()
            for week in weeks[:2]:
                pin_assignment(
                    session,
                    hr,
                    rnd.id,
                    person_id=anne.person_id,
                    need_id=n01.id,
                    week=week,
                    hours=12,
                )
            job = start_solve(session, hr, rnd.id, SolveRequest(time_limit=1, workers=1))
            round_id, job_id = rnd.id, job.id
        run_job(factory, job_id)  # the worker's part, here instead of in a spawned process
        with transaction(factory) as session:
            publish_round(session, hr, round_id)
    finally:
        engine.dispose()


def _profile(session: Session, employee_no: str) -> VolunteerProfile:
    return session.scalars(
        select(VolunteerProfile).join(Person).where(Person.employee_no == employee_no)
    ).one()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _languages(factory: sessionmaker[Session]) -> dict[int, str]:
    with factory() as session:
        return dict(session.execute(select(Person.id, Person.language)).tuples().all())


@contextmanager
def _languages_put_back(demo: Demo) -> Iterator[None]:
    """A page's language is kept on the person, whom every browser test shares: whatever
    language a test switched a person's pages to, put back after it, whatever happens (a
    leader left in English would fail the next test that reads that leader's pages)."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    factory = make_session_factory(engine)
    try:
        before = _languages(factory)
        yield
        changed = [
            person_id
            for person_id, language in _languages(factory).items()
            if person_id in before and before[person_id] != language
        ]
        if changed:
            with transaction(factory) as session:
                for person_id in changed:
                    session.get_one(Person, person_id).language = before[person_id]
    finally:
        engine.dispose()


def _fresh_page(browser: Browser, demo: Demo, *, scripts: bool) -> Iterator[Page]:
    with _languages_put_back(demo):
        context = browser.new_context(
            base_url=demo.base_url,
            viewport={"width": 1100, "height": 900},
            java_script_enabled=scripts,
        )
        context.set_default_timeout(10_000)
        try:
            yield context.new_page()
        finally:
            context.close()


@pytest.fixture
def page(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the demo server."""
    yield from _fresh_page(browser, demo, scripts=True)


@pytest.fixture
def page_without_scripts(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A fresh browser context with JavaScript switched off: the pages' plain-HTML fallback."""
    yield from _fresh_page(browser, demo, scripts=False)


def choose_language(page: Page, name: str) -> None:
    """Click the header's language button and wait for the page to come back in it.

    The button posts a form; a test that moves on before the reply lands races the
    redirect (for instance a log-in's own navigation to /login).
    """
    from playwright.sync_api import expect

    language = {"Dansk": "da", "English": "en"}[name]
    page.get_by_role("button", name=name).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_load_state()


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password_of(username))
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")
