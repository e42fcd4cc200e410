"""Faults (issue 8) on real `jobbank serve` processes on loopback, on SQLite and PostgreSQL:
one generated municipality per backend, copied for each run, and servers started, killed and
started again as a test says."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fixtures.generator import generate_round
from jobbank import db, rounds
from jobbank.core.roles import Role
from jobbank.core.weeks import monday_of
from jobbank.seeding import Municipality, UserSeed, load_municipality
from jobbank.tools.load_sample import municipality_of
from solver import greedy_plan
from tests.conftest import BACKENDS, admin_execute, postgres_server_url
from tests.servers import _await_health, free_port

STAFF, NEEDS = 800, 600
"""The generated municipality: publishing its greedy plan writes ~550 checklists and ~300
messages, which takes a few seconds on either backend."""

IMPORT_ROWS = 1_500

HR_PASSWORD = "crash-test-hr-2026"


# --- the database: one generated municipality per backend, copied for each run ------------


@dataclass
class Template:
    """A database holding the generated municipality and a round proposed with its greedy
    plan; `copy()` gives a fresh database with the same rows for one run."""

    backend: str
    url: str
    round_id: int
    units: list[str]
    skills: list[str]
    folder: Path
    copies: list[str] = field(default_factory=list)

    def copy(self) -> str:
        if self.backend == "sqlite":
            target = self.folder / f"{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(_sqlite_path(self.url), target)
            return f"sqlite:///{target}"
        name = f"jobbank_crash_{uuid.uuid4().hex[:12]}"
        template = make_url(self.url).database
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.copies.append(name)
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=BACKENDS)
def template(
    request: pytest.FixtureRequest,
    fresh_database_url: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Template]:
    backend: str = request.param
    url = fresh_database_url(backend)
    db.upgrade(url)
    week0 = monday_of(dt.date.today())
    generated = generate_round(staff=STAFF, needs=NEEDS, seed=8, start=week0)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, _municipality_of(generated), today=week0)
        rnd = rounds.create_round(session, start=week0, weeks=generated.weeks)
        rounds.store_result(session, rnd, greedy_plan(rounds.round_input(session, rnd)))
        assert rnd.status.value == "proposed"
        round_id = rnd.id
    engine.dispose()  # a template database takes no connections; a SQLite file is whole
    found = Template(
        backend=backend,
        url=url,
        round_id=round_id,
        units=[unit.id for unit in generated.units],
        skills=sorted({skill for s in generated.staff for skill in s.skills}),
        folder=tmp_path_factory.mktemp(f"crash-{backend}"),
    )
    yield found
    for name in found.copies:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _municipality_of(generated: Any) -> Municipality:
    """The generator's round as a municipality to seed, with one HR log-in."""
    hr = UserSeed(
        username="hr",
        password=HR_PASSWORD,
        person=generated.staff[0].id,
        roles=[Role.HR_COORDINATOR],
    )
    return municipality_of(generated).model_copy(update={"users": [hr]})


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _admin(statement: str) -> None:
    server = postgres_server_url()
    assert server is not None
    admin_execute(server, statement)


# --- the server -----------------------------------------------------------------------------


class Server:
    """`jobbank serve` on one database; started, killed and started again as the test says."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""

    def start(self) -> None:
        env = os.environ | {
            "DATABASE_URL": self.url,
            "JOBBANK_DATA_DIR": str(self.folder),
            "JOBBANK_SECRET_KEY": "crash-recovery-test-secret-key-0123456789",
            "JOBBANK_OUTBOX_EVERY_SECONDS": "0",
            "JOBBANK_IMPORT_MAX_ROWS": str(IMPORT_ROWS),
        }
        log = self.folder / "serve.log"
        with log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jobbank", "serve", "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.folder,
            )
        _await_health(self.process, self.base, log)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no rollback, no flush; as a power cut is to the app."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def log_in(self) -> None:
        answer = httpx.post(
            f"{self.base}/api/auth/token",
            json={"username": "hr", "password": HR_PASSWORD, "label": "crash test"},
        )
        assert answer.status_code == 201, answer.text
        self.token = answer.json()["token"]

    def client(self, timeout: float = 120) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.base, headers=headers, timeout=timeout)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str], Server]]:
    """Start a server on a database; every server a test started is stopped after it."""
    started: list[Server] = []

    def start(url: str) -> Server:
        folder = tmp_path / f"server-{len(started)}"
        folder.mkdir()
        server = Server(url, folder)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
