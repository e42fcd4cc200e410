"""Solve jobs on the SAQ queue, as a deployment runs them: PostgreSQL, two `jobbank serve` app
processes and two `jobbank worker` processes on loopback.

A browser logs in through app A and, with the same cookies, works through app B: sessions, the
CSRF secret and the solve's progress live in the database, not in one process. A round created
through A is solved by a worker, followed through B and published. A second solve's worker is
killed: the other worker takes the job over (or the round fails, saying why), and the round can
be solved again. The plain steps (taking a job over, the runner's choice) run on both backends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fixtures.municipality import HR_PASSWORD, sample_municipality
from jobbank import db, rounds
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import transaction
from jobbank.db.models import AuditEntry, RoundStatus, SolveJob, SolveStatus
from jobbank.runtime import queue
from jobbank.runtime.jobs import ProcessJobRunner
from jobbank.runtime.worker import LOST_AFTER, Step, take_over
from jobbank.seeding import Municipality, load_municipality
from tests.builders import a_municipality
from tests.conftest import BACKENDS
from tests.lookups import assignment_count
from tests.servers import _await_health, free_port

Factory = sessionmaker[Session]
QUICK = {"time_limit": 1, "workers": 1}
ENDED = ("done", "failed", "cancelled")


# --- a deployment on loopback ------------------------------------------------------------


@dataclass
class Deployment:
    url: str
    apps: list[str]
    workers: list[subprocess.Popen[bytes]]
    logs: list[Path]
    factory: Factory

    def worker_log(self, number: int) -> str:
        return self.logs[number].read_text()


def _world(url: str, municipality: Municipality) -> Factory:
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, municipality, today=dt.date.today())
    return db.make_session_factory(engine)


def _launch(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "jobbank", *args], stdout=out, stderr=subprocess.STDOUT, env=env
        )


def _await_log(process: subprocess.Popen[bytes], log: Path, text: str) -> None:
    deadline = time.monotonic() + 60
    while text not in log.read_text():
        assert process.poll() is None, f"worker stopped:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"worker never said {text!r}:\n{log.read_text()}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def deployment(
    fresh_database_url: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """Two workers and two app processes on one PostgreSQL database holding the sample
    municipality, and on one data folder (no `JOBBANK_SECRET_KEY`: the app processes share the
    secret the first one wrote)."""
    url = fresh_database_url("postgresql")
    factory = _world(url, sample_municipality())  # its solves run long enough to be killed
    folder = tmp_path_factory.mktemp("deployment")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBBANK_")}
    env |= {
        "DATABASE_URL": url,
        "JOBBANK_SOLVE_QUEUE": "saq",
        "JOBBANK_DATA_DIR": str(folder / "data"),
        "JOBBANK_OUTBOX_EVERY_SECONDS": "0",
    }
    processes: list[subprocess.Popen[bytes]] = []
    logs = [folder / "worker-0.log", folder / "worker-1.log"]
    try:
        workers = [_launch(["worker"], env, log) for log in logs]  # one creates SAQ's tables
        processes += workers
        apps = []
        for name in ("a", "b"):
            port = free_port()
            log = folder / f"app-{name}.log"
            processes.append(_launch(["serve", "--port", str(port)], env, log))
            apps.append((f"http://127.0.0.1:{port}", processes[-1], log))
        for base, process, log in apps:
            _await_health(process, base, log)
        for worker, log in zip(workers, logs, strict=True):
            _await_log(worker, log, "Worker starting")
        yield Deployment(url, [a[0] for a in apps], workers, logs, factory)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """One person's browser, its cookies sent by hand to whichever app process it asks (the
    session cookie is Secure, and these are plain-HTTP loopback addresses)."""

    def __init__(self, first_app: str) -> None:
        response = httpx.get(f"{first_app}/health")
        self.cookies = {"jobbank_csrf": response.cookies["jobbank_csrf"]}
        login = self.call(
            "POST", first_app, "/api/auth/login", {"username": "hr", "password": HR_PASSWORD}
        )
        assert login.status_code == 200, login.text
        self.cookies["jobbank_session"] = login.cookies["jobbank_session"]

    def call(
        self, method: str, app: str, path: str, body: Any = None, *, csrf: str | None = None
    ) -> httpx.Response:
        headers = {
            "cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "x-csrf-token": csrf or self.cookies["jobbank_csrf"],
        }
        return httpx.request(method, app + path, json=body, headers=headers, timeout=60)

    def round(self, app: str, round_id: int) -> dict[str, Any]:
        response = self.call("GET", app, f"/api/rounds/{round_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def until_ended(self, app: str, round_id: int, seconds: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            rnd = self.round(app, round_id)
            job = rnd["latest_job"]
            if job is not None and job["status"] in ENDED:
                return rnd
            assert time.monotonic() < deadline, f"round {round_id} never ended: {rnd}"
            time.sleep(0.3)


def _events(body: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def _job_status(factory: Factory, job_id: int) -> SolveStatus:
    with transaction(factory) as session:
        return session.get_one(SolveJob, job_id).status


def _await_running(factory: Factory, job_id: int) -> None:
    deadline = time.monotonic() + 60
    while _job_status(factory, job_id) is SolveStatus.QUEUED:
        assert time.monotonic() < deadline, "no worker took the job"
        time.sleep(0.05)
    assert _job_status(factory, job_id) is SolveStatus.RUNNING


def _solved_by(deployment: Deployment, job_id: int) -> list[int]:
    """Which workers started a child process for the job."""
    said = f"solve job {job_id}: child process"
    return [n for n in range(len(deployment.logs)) if said in deployment.worker_log(n)]


def test_a_round_created_through_one_app_is_solved_by_a_worker_and_followed_through_the_other(
    deployment: Deployment,
) -> None:
    app_a, app_b = deployment.apps
    browser = Browser(app_a)
    created = browser.call(
        "POST", app_a, "/api/rounds", {"start": monday_of(dt.date.today()).isoformat(), "weeks": 1}
    )
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]

    solve = browser.call("POST", app_a, f"/api/rounds/{round_id}/solve", QUICK)
    assert solve.status_code == 202, solve.text
    job_id = solve.json()["id"]
    stream = browser.call("GET", app_b, f"/api/rounds/{round_id}/progress")
    assert stream.status_code == 200
    events = _events(stream.text)
    assert events[-1][0] == "done", events
    assert events[-1][1]["job_id"] == job_id and events[-1][1]["round_status"] == "proposed"
    assert events[:-1] and {name for name, _ in events[:-1]} == {"progress"}
    assert len(_solved_by(deployment, job_id)) == 1

    published = browser.call("POST", app_b, f"/api/rounds/{round_id}/publish")
    assert published.status_code == 200, published.text
    assert browser.round(app_a, round_id)["status"] == "published"
    # The secret is shared, not switched off: a token that matches no secret is refused.
    forged = browser.call("POST", app_b, "/api/rounds", {"weeks": 1}, csrf="forged." + "0" * 64)
    assert forged.status_code == 403


def test_a_killed_worker_hands_its_solve_to_the_other_and_the_round_can_be_solved_again(
    deployment: Deployment,
) -> None:
    app_a, app_b = deployment.apps
    browser = Browser(app_b)
    start = monday_of(dt.date.today()) + dt.timedelta(weeks=1)
    created = browser.call("POST", app_b, "/api/rounds", {"start": start.isoformat(), "weeks": 2})
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]

    job_id = browser.call("POST", app_a, f"/api/rounds/{round_id}/solve", QUICK).json()["id"]
    _await_running(deployment.factory, job_id)
    (holder,) = _solved_by(deployment, job_id)
    killed = deployment.workers[holder]
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)

    ended = browser.until_ended(app_b, round_id)
    job = ended["latest_job"]
    if job["status"] == "done":  # taken over by the other worker
        assert ended["status"] == "proposed"
        assert _solved_by(deployment, job_id) == [0, 1]
        assert assignment_count(deployment.factory, round_id) == ended["counts"]["assignments"] > 0
    else:  # or given up, saying why, with nothing of the solve written
        assert job["status"] == "failed" and job["message"].startswith("solving failed: ")
        assert ended["status"] == "draft" and ended["status_message"] == job["message"]
        assert assignment_count(deployment.factory, round_id) == 0

    # Solved again, and cancelled through the other app process while the survivor solves.
    again = browser.call("POST", app_a, f"/api/rounds/{round_id}/solve", QUICK)
    assert again.status_code == 202, again.text
    _await_running(deployment.factory, again.json()["id"])
    cancelled = browser.call("POST", app_b, f"/api/rounds/{round_id}/solve/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert browser.round(app_a, round_id)["status"] == ended["status"]
    survivor = 1 - holder
    ended_child = re.compile(rf"solve job {again.json()['id']}: child process \d+ ended")
    deadline = time.monotonic() + 20
    while not ended_child.search(deployment.worker_log(survivor)):
        assert time.monotonic() < deadline, deployment.worker_log(survivor)
        time.sleep(0.2)


# --- the steps, without processes ----------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def factory(request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]) -> Factory:
    return _world(fresh_database_url(request.param), a_municipality())


def _running_job(factory: Factory, silent_for: dt.timedelta) -> int:
    """A running solve of a new round whose worker last beat `silent_for` ago."""
    with transaction(factory) as session:
        rnd = rounds.create_round(session, start=monday_of(dt.date.today()), weeks=1)
        job = SolveJob(
            round_id=rnd.id,
            status=SolveStatus.RUNNING,
            options=QUICK,
            progress=[],
            message="",
            cancel_requested=False,
            heartbeat_at=dt.datetime.now(dt.UTC) - silent_for,
        )
        session.add(job)
        rnd.status = RoundStatus.SOLVING
        session.flush()
        return job.id


def test_a_retry_takes_over_a_silent_job_but_waits_while_another_still_beats(
    factory: Factory,
) -> None:
    beating = _running_job(factory, dt.timedelta(seconds=1))
    assert take_over(factory, beating, attempt=2) is Step.WAIT

    lost = _running_job(factory, LOST_AFTER + dt.timedelta(seconds=1))
    assert take_over(factory, lost, attempt=2) is Step.SOLVE
    with transaction(factory) as session:
        job = session.get_one(SolveJob, lost)
        assert job.status is SolveStatus.QUEUED
        assert job.message == "its worker was lost; solving again (attempt 2 of 3)"
        retry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "solve_retry", AuditEntry.entity_id == str(lost)
            )
        ).one()
        assert retry.after == {"status": "queued", "attempt": 2}
        job.status = SolveStatus.CANCELLED
    assert take_over(factory, lost, attempt=3) is Step.ENDED


def test_a_job_waiting_in_a_queue_that_holds_it_is_not_given_up() -> None:
    long_ago = dt.datetime.now(dt.UTC) - rounds.HEARTBEAT_TIMEOUT * 10
    waiting = SolveJob(status=SolveStatus.QUEUED, created_at=long_ago)
    now = dt.datetime.now(dt.UTC)
    assert rounds.abandoned_because(waiting, True, now) is None
    assert rounds.abandoned_because(waiting, None, now) is not None  # nobody holds it
    running = SolveJob(status=SolveStatus.RUNNING, created_at=long_ago, heartbeat_at=long_ago)
    assert rounds.abandoned_because(running, True, now) is not None  # held, but silent


def test_the_runner_is_a_process_per_solve_unless_the_queue_is_asked_for(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOBBANK_SOLVE_QUEUE", raising=False)
    assert isinstance(queue.runner_for(Settings()), ProcessJobRunner)  # the quick start
    monkeypatch.setenv("JOBBANK_SOLVE_QUEUE", "saq")
    with pytest.raises(ValueError, match="JOBBANK_SOLVE_QUEUE=saq needs DATABASE_URL"):
        queue.runner_for(Settings())
