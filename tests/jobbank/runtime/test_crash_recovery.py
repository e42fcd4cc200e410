"""Faults (issue 8): a server killed in the middle of publishing a round and of an import, then
started again; solver workers killed, frozen or past their deadline. Real `jobbank serve`
processes on loopback, on SQLite and PostgreSQL, real signals, no mocks.

Each operation first runs without a fault, timed; that server is SIGKILLed just after its
answer, so the run also shows that what was committed survives a crash. Then the operation is
sent again on a fresh copy of the same database and the server is killed at `KILL_AT` shares of
that time. After each restart the database must hold, table by table, exactly the rows it held
before the request (nothing happened) or exactly the rows the run without a fault left (all of
it happened), and pass the backend's integrity checks.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fixtures.generator import generate_round
from jobbank import db, rounds, solving
from jobbank.core.roles import Role
from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, AuditEntry, Base, Checklist, OutboxMessage, Person
from jobbank.runtime import jobs
from jobbank.seeding import (
    Municipality,
    UserSeed,
    load_municipality,
)
from jobbank.tools.load_sample import municipality_of
from solver import greedy_plan
from tests.conftest import BACKENDS, admin_execute, postgres_server_url
from tests.lookups import round_of
from tests.servers import _await_health, free_port

STAFF, NEEDS = 800, 600
"""The generated municipality: publishing its greedy plan writes ~550 checklists and ~300
messages, which takes a few seconds on either backend."""

IMPORT_ROWS = 1_500
KILL_AT = (0.3, 0.6, 0.9)
"""When to kill the server, as shares of the operation's time without a fault."""

HR_PASSWORD = "crash-test-hr-2026"
QUICK = {"time_limit": 1, "workers": 1}

Counts = dict[str, int]


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


def table_counts(url: str) -> Counts:
    """Rows in each of the app's tables."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        counts = {
            table.name: int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return counts


def check_integrity(url: str) -> None:
    """SQLite: `integrity_check` and `foreign_key_check`. PostgreSQL: amcheck verifies every
    B-tree index against its table (every row indexed, the index well-formed)."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        else:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
            checked = connection.execute(
                text(
                    "SELECT count(bt_index_check(c.oid, true)) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                    "WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
                )
            ).scalar_one()
            assert checked > 10
            connection.commit()
    engine.dispose()


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


# --- a crash in the middle of an operation ----------------------------------------------------

Send = Callable[[httpx.Client], httpx.Response]


@dataclass
class Run:
    """One run of the operation: the rows before and after, and how it ended."""

    before: Counts
    after: Counts
    seconds: float
    """Until the kill."""
    answered_after: float | None
    """Seconds until the answer, when it came before the kill."""


def run_and_kill(server: Server, send: Send, kill_after: float | None) -> Run:
    """Send the operation, SIGKILL the server `kill_after` seconds later (or once it answered,
    when None), start it again and count the rows it finds."""
    before = table_counts(server.url)
    answers: list[httpx.Response | Exception] = []
    answered_after: list[float] = []

    def call() -> None:
        with server.client() as client:
            try:
                answers.append(send(client))
                answered_after.append(time.monotonic() - started)
            except httpx.TransportError as cut:  # the server died under the request
                answers.append(cut)

    started = time.monotonic()
    caller = threading.Thread(target=call)
    caller.start()
    caller.join(kill_after)
    seconds = time.monotonic() - started
    server.kill()
    caller.join(30)
    answer = answers[0]
    if kill_after is None:
        assert isinstance(answer, httpx.Response) and answer.status_code == 200, answer
    server.start()  # the database must open again after the crash
    check_integrity(server.url)
    return Run(before, table_counts(server.url), seconds, next(iter(answered_after), None))


Check = Callable[[Run, Server, Counts], None]
"""A test's own look at the database after a run: (the run, its restarted server, the rows the
whole operation writes per table)."""


def crash_runs(
    template: Template, serve: Callable[[str], Server], send: Send, check: Check
) -> tuple[Run, Server]:
    """The operation once without a fault, then killed at each of `KILL_AT`; `check` after
    each. A server whose crash left nothing written serves the next run: its database is as it
    was. Returns the run without a fault and the last server, restarted after its crash."""
    server = serve(template.copy())
    server.log_in()
    whole = run_and_kill(server, send, None)
    assert whole.seconds > 1, "the operation must take long enough to be killed in the middle"
    written = {t: whole.after[t] - whole.before[t] for t in whole.after}
    check(whole, server, written)
    duration = whole.seconds
    for share in KILL_AT:
        if table_counts(server.url) != whole.before:
            server = serve(template.copy())
            server.log_in()
        run = run_and_kill(server, send, duration * share)
        complete = {t: run.before[t] + written[t] for t in run.before}
        assert run.after in (run.before, complete), (share, _difference(run, complete))
        check(run, server, written)
        print(  # shown with `pytest -s`
            f"{template.backend}: killed at {run.seconds:.1f} of {duration:.1f} s: "
            f"{'nothing' if run.after == run.before else 'all'} was written"
            + (f" (it had answered after {run.answered_after:.1f} s)" if run.answered_after else "")
        )
        if run.answered_after is not None:  # a busy machine slowed the first run: aim earlier
            duration = min(duration, run.answered_after)
    return whole, server


def _difference(run: Run, complete: Counts) -> dict[str, tuple[int, int, int]]:
    """Per table that differs: (before, after the crash, after the whole operation)."""
    return {
        t: (run.before[t], run.after[t], complete[t])
        for t in run.after
        if run.after[t] not in (run.before[t], complete[t])
    }


def test_a_publish_killed_at_any_moment_is_all_there_or_not_at_all(
    template: Template, serve: Callable[[str], Server]
) -> None:
    round_id = template.round_id

    def publish(client: httpx.Client) -> httpx.Response:
        return client.post(f"/api/rounds/{round_id}/publish")

    def check(run: Run, server: Server, written: Counts) -> None:
        assert written["checklist"] > 100 and written["outbox_message"] > 100
        assert written["assignment"] == written["person"] == 0
        published = run.after != run.before
        state = _round_state(server.url, round_id)
        assert state == (
            ("published", True, written["checklist"], written["outbox_message"], 1)
            if published
            else ("proposed", False, 0, 0, 0)
        )
        with server.client() as client:  # the token from before the crash still holds
            assert client.get(f"/api/rounds/{round_id}").json()["status"] == state[0]

    whole, server = crash_runs(template, serve, publish, check)
    with server.client() as client:  # publishing after the crash works, once
        for _ in range(2):
            again = client.post(f"/api/rounds/{round_id}/publish")
            assert again.status_code == 200 and again.json()["status"] == "published"
    assert table_counts(server.url) == whole.after


def _round_state(url: str, round_id: int) -> tuple[str, bool, int, int, int]:
    """Status, published or not, checklists, messages and publish audit entries of the round."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        rnd = session.get_one(AllocationRound, round_id)
        checklists = session.scalar(
            select(func.count(Checklist.id)).where(Checklist.round_id == round_id)
        )
        messages = session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.dedupe_key.startswith(f"round:{round_id}:")
            )
        )
        published = session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "publish",
                AuditEntry.entity == "round",
                AuditEntry.entity_id == str(round_id),
            )
        )
        published_at = rnd.published_at is not None
        state = (rnd.status.value, published_at, checklists or 0, messages or 0, published or 0)
    engine.dispose()
    return state


def test_an_import_killed_at_any_moment_is_all_there_or_not_at_all(
    template: Template, serve: Callable[[str], Server]
) -> None:
    staff_file = _staff_file(template)

    def import_staff(client: httpx.Client) -> httpx.Response:
        return client.post("/api/imports/staff", files={"file": ("staff.csv", staff_file)})

    def check(run: Run, server: Server, written: Counts) -> None:
        assert written["person"] == written["volunteer_profile"] == IMPORT_ROWS
        assert written["audit_entry"] >= IMPORT_ROWS and written["need"] == 0
        assert _imported(server.url) == (0 if run.after == run.before else IMPORT_ROWS)

    whole, server = crash_runs(template, serve, import_staff, check)
    imported = _imported(server.url)
    with server.client() as client:  # the same file imports after the crash
        again = client.post("/api/imports/staff", files={"file": ("staff.csv", staff_file)})
    assert again.status_code == 200, again.text
    assert again.json()["created"] == IMPORT_ROWS - imported
    assert table_counts(server.url) == whole.after


def _staff_file(template: Template) -> bytes:
    """`IMPORT_ROWS` new staff in the HR system's layout, on the template's units and skills."""
    lines = ["employee_no;name;email;home_unit;skills;normal_hours;phone;language;opted_in"]
    for i in range(IMPORT_ROWS):
        unit = template.units[i % len(template.units)]
        skills = ", ".join(dict.fromkeys([template.skills[i % len(template.skills)], "it"]))
        lines.append(
            f"imp{i:05d};Importeret Person {i};imp{i:05d}@import.example;{unit};{skills};"
            f"{30 + i % 8};;da;ja"
        )
    return "\n".join(lines).encode()


def _imported(url: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        count = session.scalar(
            select(func.count(Person.id)).where(Person.employee_no.startswith("imp"))
        )
    engine.dispose()
    return int(count or 0)


# --- solver workers that die, hang or run past their deadline --------------------------------


def test_a_killed_worker_leaves_the_round_saying_so_and_it_solves_again(
    template: Template, serve: Callable[[str], Server]
) -> None:
    server = serve(template.copy())
    server.log_in()
    with server.client() as client:
        round_id = _one_week_round(client)
        _solve(client, round_id, {"time_limit": 2, "workers": 1})
        worker = _running_worker(server, client, round_id)
        worker.send_signal(signal.SIGKILL)
        failed = _until_ended(client, round_id)
        assert failed["latest_job"]["status"] == "failed"
        assert failed["status"] == "draft"  # as before the solve: it has no plan
        assert failed["status_message"] == failed["latest_job"]["message"]
        assert "ended without a result" in failed["status_message"]
        page = client.get(f"/rounds/{round_id}")
        assert page.status_code == 200 and "ended without a result" in page.text
        _solves_again(client, round_id)


def test_a_worker_past_its_deadline_is_stopped_even_when_frozen(
    template: Template, serve: Callable[[str], Server]
) -> None:
    server = serve(template.copy())
    server.log_in()
    with server.client() as client:
        round_id = _one_week_round(client)
        # Its own watcher stops a worker still searching at the deadline.
        _solve(client, round_id, {"time_limit": 2, "workers": 1, "deadline": 1})
        timed_out = _until_ended(client, round_id)
        assert timed_out["latest_job"]["status"] == "failed"
        assert timed_out["status_message"] == solving.timed_out(1)
        assert _seconds_run(timed_out) < 1 + jobs.REAP_GRACE_SECONDS

        # A worker frozen whole (SIGSTOP: no progress, no heartbeat, no watcher) is killed by
        # the server's runner a little past the deadline, and its job marked failed.
        deadline = 3
        _solve(client, round_id, {"time_limit": 2, "workers": 1, "deadline": deadline})
        worker = _running_worker(server, client, round_id)
        worker.send_signal(signal.SIGSTOP)
        _until(lambda: worker.status() == psutil.STATUS_STOPPED, "the worker stops")
        time.sleep(deadline + 1)
        assert round_of(client, round_id)["status"] == "solving"  # nobody noticed yet
        frozen = _until_ended(client, round_id, seconds=jobs.REAP_GRACE_SECONDS + 15)
        assert frozen["latest_job"]["status"] == "failed"
        assert frozen["status_message"] == solving.timed_out(deadline, hung=True)
        assert _seconds_run(frozen) >= deadline + jobs.REAP_GRACE_SECONDS
        assert not worker.is_running()
        _solves_again(client, round_id)


def _one_week_round(client: httpx.Client) -> int:
    """A new round of the generated municipality's first week: quicker to solve."""
    start = monday_of(dt.date.today()).isoformat()
    created = client.post("/api/rounds", json={"start": start, "weeks": 1})
    assert created.status_code == 201, created.text
    assert created.json()["counts"]["staff"] > 100
    round_id: int = created.json()["id"]
    return round_id


def _solve(client: httpx.Client, round_id: int, options: dict[str, Any]) -> None:
    queued = client.post(f"/api/rounds/{round_id}/solve", json=options)
    assert queued.status_code == 202, queued.text


def _until(condition: Callable[[], bool], what: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for: {what}")
        time.sleep(0.05)


def _seconds_run(found: dict[str, Any]) -> float:
    """From the worker's start on the job to the job's end."""
    job = found["latest_job"]
    ended = dt.datetime.fromisoformat(job["finished_at"])
    return (ended - dt.datetime.fromisoformat(job["started_at"])).total_seconds()


def _running_worker(server: Server, client: httpx.Client, round_id: int) -> psutil.Process:
    """The worker process of the round's job, once it has claimed the job."""
    assert server.process is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if round_of(client, round_id)["latest_job"]["status"] == "running":
            workers = [
                child
                for child in psutil.Process(server.process.pid).children()
                if "spawn_main" in " ".join(child.cmdline())
            ]
            assert len(workers) == 1, workers
            return workers[0]
        time.sleep(0.05)
    pytest.fail("the solve job never ran")


def _until_ended(client: httpx.Client, round_id: int, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = round_of(client, round_id)
        if found["status"] != "solving":
            # The round and its job end in one transaction: never one without the other.
            job = found["latest_job"]
            assert job is None or job["status"] not in ("queued", "running"), found
            return found
        time.sleep(0.2)
    pytest.fail(f"round {round_id} was still solving after {seconds} s")


def _solves_again(client: httpx.Client, round_id: int) -> None:
    """A new solve of the round runs to its end and clears the failure's message."""
    _solve(client, round_id, QUICK)
    solved = _until_ended(client, round_id, seconds=90)
    assert solved["latest_job"]["status"] == "done", solved["latest_job"]
    assert solved["status"] == "proposed" and solved["status_message"] == ""
    page = client.get(f"/rounds/{round_id}")
    assert page.status_code == 200 and 'id="status-message"' not in page.text
