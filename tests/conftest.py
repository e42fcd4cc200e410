"""Shared test set-up: the databases persistence tests run against.

SQLite always runs. PostgreSQL runs on the server `JOBBANK_TEST_POSTGRES_URL` names, on which
the tests may create databases (CI sets it), or else on one the run starts of its own
(tests/embedded_postgres.py); under CI a missing server is an error, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.core.settings import normalise_database_url
from tests import embedded_postgres

POSTGRES_ENV = embedded_postgres.POSTGRES_ENV
BROWSER_TESTS = "tests/browser/"
INSTALL_CHROMIUM = "sudo apt-get install -y chromium"
"""The one command that gives the browser tests their browser (Debian's Chromium)."""
os.environ.setdefault("JOBBANK_OUTBOX_EVERY_SECONDS", "0")  # the app's outbox loop: only if asked
BACKENDS = ("sqlite", "postgresql")


T = TypeVar("T")


def in_a_thread_of_its_own(work: Callable[[], T]) -> T:
    """`work()` in a thread of its own. Code that runs its own event loop (`asyncio.run`) must
    not meet the loop a browser test before it may have left running in this process's main
    thread: asyncio refuses to start a loop there."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return normalise_database_url(url)
    reason = embedded_postgres.why_unavailable(os.environ)
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the PostgreSQL tests)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A factory of empty databases: `make(backend)` returns the URL of a new one."""
    created: list[tuple[str, str]] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'jobbank.db'}"
        server = postgres_server_url()
        name = f"jobbank_test_{uuid.uuid4().hex[:12]}"
        admin_execute(server, f'CREATE DATABASE "{name}"')
        created.append((server, name))
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    yield make
    for server, name in created:
        admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def admin_execute(server: str, statement: str) -> None:
    """A statement on the PostgreSQL server outside a transaction (`CREATE DATABASE` …)."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, fresh_database_url: object) -> str:
    """A migrated database, one per backend for the whole run."""
    url: str = fresh_database_url(request.param)  # type: ignore[operator]
    db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, so tests do not see each other."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            yield session
        outer.rollback()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory with SQLite, as a fresh installation has."""
    monkeypatch.setenv("JOBBANK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path / "data"


def browser_tests_skipped(reports: Sequence[object]) -> int:
    """How many of the skipped `reports` are browser tests (a module skipped whole counts
    once)."""
    return sum(1 for r in reports if str(getattr(r, "nodeid", "")).startswith(BROWSER_TESTS))


def browser_skip_line(skipped: int) -> str | None:
    """The one line a run ends with when browser tests skipped: how many, and how to run them."""
    if not skipped:
        return None
    tests = "test" if skipped == 1 else "tests"
    return (
        f"{skipped} browser {tests} skipped: Chromium is not installed; run `{INSTALL_CHROMIUM}`."
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    """Say once, after the short summary and just before pytest's own summary line, that
    browser tests did not run."""
    yield
    line = browser_skip_line(browser_tests_skipped(terminalreporter.stats.get("skipped", [])))
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)


def pytest_configure(config: pytest.Config) -> None:
    embedded_postgres.configure(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    embedded_postgres.unconfigure(config)
