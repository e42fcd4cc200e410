"""Faults (issue 8): solver workers killed, frozen or past their deadline, under a real
`jobbank serve` process on loopback, on SQLite and PostgreSQL, real signals, no mocks. The round
must say what happened and solve again."""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections.abc import Callable
from typing import Any

import httpx
import psutil
import pytest

from jobbank import solving
from jobbank.core.weeks import monday_of
from jobbank.runtime import jobs
from tests.jobbank.runtime.conftest import Server, Template
from tests.lookups import round_of

QUICK = {"time_limit": 1, "workers": 1}


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
