"""A real browser against a real server: `jobbank serve --demo` on loopback, a fresh data
folder, and Debian's Chromium driven by Playwright (never a downloaded browser).

Without Chromium or Playwright the browser tests skip, saying why; under CI (env `CI` set)
they fail instead, so a broken CI image cannot pass by skipping.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from fixtures.municipality import HR_PASSWORD, LEADER_PASSWORD, STAFF_PASSWORD
from jobbank.access import actor_for
from jobbank.contract import Assignment as Planned
from jobbank.contract import RoundResult
from jobbank.db import make_engine, make_session_factory
from jobbank.models import UserAccount
from jobbank.rounds import create_round, publish_round, store_result
from jobbank.settings import Settings
from jobbank.weeks import monday_of
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
PASSWORDS = {"hr": HR_PASSWORD, "anne": STAFF_PASSWORD, "mads": STAFF_PASSWORD}
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
    """HR publishes a round in which Anne (Borgerservice) nurses at Solgården (need n01) this
    week and next; the demo itself has no round yet. Uses the services, as HR would."""
    engine = make_engine(Settings(data_dir=data_dir).url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            hr = session.scalars(select(UserAccount).filter_by(username="hr")).one()
            rnd = create_round(session, start=monday_of(dt.date.today()), weeks=2)
            planned = [Planned(staff="e1001", need="n01", week=w, hours=12) for w in (0, 1)]
            store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
            publish_round(session, actor_for(hr), rnd.id)
    finally:
        engine.dispose()


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


@pytest.fixture
def page(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the demo server, phone-sized when asked."""
    context = browser.new_context(base_url=demo.base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password_of(username))
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")
