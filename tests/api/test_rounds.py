"""Allocation rounds over HTTP: create, solve in a real worker process, follow the progress
stream, pin, re-solve, publish, export; cancel a running solve; notice a killed worker.

The world's round is tiny (Anne is the only volunteer who fits a need), so a solve takes well
under a second once the worker runs. The cancel and kill tests need a solve that is still
running when they act, so they swap the round's snapshot for a generated one of 300 people
and 200 needs, which keeps CP-SAT busy far beyond the test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from fixtures.generator import generate_round
from jobbank import rounds
from jobbank.core.weeks import monday_of
from jobbank.db import transaction
from jobbank.db.models import (
    AllocationRound,
    AuditEntry,
    Checklist,
    Need,
    Person,
    RoundStatus,
    SolveJob,
)
from jobbank.runtime.jobs import SOLVER_NICENESS, ProcessJobRunner
from solver.contract import parse_round_input, parse_round_result
from tests.api.conftest import Client
from tests.api.published_round import first_round
from tests.lookups import round_of

FAST = {"time_limit": 2, "workers": 1, "stall_seconds": 1}
SLOW = {"time_limit": 120, "workers": 1}
ENDED = ("done", "failed", "cancelled")


# --- helpers -----------------------------------------------------------------------------


def _monday() -> dt.date:
    """The world's week 0: it was seeded counting from this week."""
    return monday_of(dt.date.today())


def _create(client: Client, **changes: Any) -> dict[str, Any]:
    body = {"start": _monday().isoformat(), "weeks": 4} | changes
    response = client.post("/api/rounds", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _until(
    client: Client, round_id: int, ready: Callable[[dict[str, Any]], bool], seconds: float = 45
) -> dict[str, Any]:
    """Poll the round until `ready(round)`; the worker needs a second or two to start."""
    deadline = time.monotonic() + seconds
    while True:
        rnd = round_of(client, round_id)
        if ready(rnd):
            return rnd
        assert time.monotonic() < deadline, f"round {round_id} never got there: {rnd}"
        time.sleep(0.2)


def _job_ended(rnd: dict[str, Any]) -> bool:
    return rnd["latest_job"] is not None and rnd["latest_job"]["status"] in ENDED


def _job_reports(rnd: dict[str, Any]) -> bool:
    job = rnd["latest_job"]
    return job is not None and job["status"] == "running" and job["progress_entries"] > 0


def _events(body: str) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) pairs of a server-sent event stream."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def _ids(app: Litestar) -> dict[str, int]:
    """Database ids of the world's people and needs by employee number / reference."""
    with transaction(app.state["session_factory"]) as session:
        people = dict(session.execute(select(Person.employee_no, Person.id)).tuples().all())
        needs = dict(session.execute(select(Need.ref, Need.id)).tuples().all())
    return people | needs


def _count(app: Litestar, query: Any) -> int:
    with transaction(app.state["session_factory"]) as session:
        return int(session.scalar(query) or 0)


def _make_big(app: Litestar, round_id: int) -> None:
    """Give the round a generated snapshot large enough that a solve keeps running."""
    with transaction(app.state["session_factory"]) as session:
        rnd = session.get_one(AllocationRound, round_id)
        big = generate_round(staff=300, needs=200, seed=1, start=rnd.start, weeks=rnd.weeks)
        rnd.input_snapshot = big.model_dump(mode="json")


def _runner(app: Litestar) -> ProcessJobRunner:
    runner = app.state["job_runner"]
    assert isinstance(runner, ProcessJobRunner)
    return runner


# --- the whole life of a round -------------------------------------------------------------


def test_a_round_is_solved_pinned_solved_again_published_and_exported(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    hr = as_user("hr")
    ids = _ids(app)
    created = _create(hr, name="Forårsrunde")
    round_id = created["id"]
    assert created["status"] == "draft" and created["name"] == "Forårsrunde"
    assert created["counts"]["staff"] == 2 and created["counts"]["needs"] == 2

    queued = hr.post(f"/api/rounds/{round_id}/solve", json=FAST)
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued" and queued.json()["options"]["time_limit"] == 2
    assert queued.json()["options"]["stall_seconds"] == 1
    # The worker is still starting: the round is solving and nothing else may change it.
    assert round_of(hr, round_id)["status"] == "solving"
    again = hr.post(f"/api/rounds/{round_id}/solve", json=FAST)
    assert again.status_code == 409
    assert again.json()["detail"].startswith(f"round {round_id}: is solving; job ")
    pin_now = {"person_id": ids["e1"], "need_id": ids["n1"], "week": _monday().isoformat()}
    assert hr.post(f"/api/rounds/{round_id}/pins", json=pin_now | {"hours": 12}).status_code == 409
    assert hr.post(f"/api/rounds/{round_id}/publish").status_code == 409

    stream = hr.get(f"/api/rounds/{round_id}/progress")
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = _events(stream.text)
    assert [name for name, _ in events[:-1]] == ["progress"] * (len(events) - 1)
    assert len(events) >= 2
    assert set(events[0][1]) == {"objective", "bound", "elapsed"}
    final_name, final = events[-1]
    assert final_name == "done" and final["status"] == "done"
    assert final["round_status"] == "proposed" and final["message"].startswith("optimal")

    solved = round_of(hr, round_id)
    assert solved["status"] == "proposed" and solved["latest_job"]["status"] == "done"
    assert solved["metrics"]["weighted_coverage"] > 0
    assert solved["metrics"]["share"] == pytest.approx(1.0)
    assert solved["metrics"]["stop_reason"] == "bound_reached"
    proposal = hr.get(f"/api/rounds/{round_id}/proposal")
    assert proposal.status_code == 200
    assert "risk_group" not in proposal.text
    plan = proposal.json()
    anne = [a for a in plan["assignments"] if a["employee_no"] == "e1"]
    assert [(a["need_ref"], a["week"], a["hours"]) for a in anne] == [
        ("n1", _monday().isoformat(), 17.0),
        ("n1", (_monday() + dt.timedelta(weeks=1)).isoformat(), 17.0),
    ]
    assert anne[0]["name"] == "Anne Jensen" and anne[0]["unit_code"] == "solgaarden"
    assert {u["need_ref"] for u in plan["unfilled"]} == {"n1", "n2"}
    assert all(u["reasons"] for u in plan["unfilled"])
    only_n2 = hr.get(f"/api/rounds/{round_id}/proposal", params={"need_id": ids["n2"]}).json()
    assert only_n2["assignments"] == [] and {u["need_ref"] for u in only_n2["unfilled"]} == {"n2"}

    # Pinning the proposal's first week to fewer hours pins that row in place.
    pinned = hr.post(f"/api/rounds/{round_id}/pins", json=pin_now | {"hours": 12})
    assert pinned.status_code == 201, pinned.text
    assert pinned.json()["id"] == anne[0]["id"] and pinned.json()["pinned"] is True
    stale = hr.post(f"/api/rounds/{round_id}/publish")
    assert stale.status_code == 409 and "solve it again" in stale.json()["detail"]
    # Unpinning gives the row back the solved hours; pin it again for the next solve.
    assert hr.delete(f"/api/rounds/{round_id}/pins/{anne[0]['id']}").status_code == 204
    by_unit = {"unit_id": anne[0]["unit_id"]}
    at_unit = hr.get(f"/api/rounds/{round_id}/proposal", params=by_unit).json()
    assert [(a["hours"], a["pinned"]) for a in at_unit["assignments"]] == [(17.0, False)] * 2
    assert {u["need_ref"] for u in at_unit["unfilled"]} == {"n1"}
    assert hr.post(f"/api/rounds/{round_id}/pins", json=pin_now | {"hours": 12}).status_code == 201

    assert hr.post(f"/api/rounds/{round_id}/solve", json=FAST).status_code == 202
    resolved = _until(hr, round_id, _job_ended)
    assert resolved["latest_job"]["status"] == "done" and resolved["status"] == "proposed"
    first_week = hr.get(f"/api/rounds/{round_id}/proposal", params={"person_id": ids["e1"]}).json()[
        "assignments"
    ][0]
    assert (first_week["hours"], first_week["pinned"]) == (12.0, True)

    published = hr.post(f"/api/rounds/{round_id}/publish")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    assert published.json()["published_by_id"] is not None
    checklists = _count(app, select(func.count(Checklist.id)).where(Checklist.round_id == round_id))
    assert checklists == 1  # Anne at Solgården
    twice = hr.post(f"/api/rounds/{round_id}/publish")
    assert twice.status_code == 200 and twice.json() == published.json()
    assert (
        _count(app, select(func.count(Checklist.id)).where(Checklist.round_id == round_id))
        == checklists
    )
    publishes = select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "publish", AuditEntry.entity_id == str(round_id)
    )
    assert _count(app, publishes) == 1

    late_pin = hr.post(f"/api/rounds/{round_id}/pins", json=pin_now | {"hours": 8})
    assert late_pin.status_code == 409
    assert late_pin.json()["detail"].startswith(f"round {round_id}: is published; ")
    assert hr.post(f"/api/rounds/{round_id}/solve", json=FAST).status_code == 409

    exported = hr.get(f"/api/rounds/{round_id}/input")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="round-{round_id}-input.json"'
    )
    round_input = parse_round_input(exported.json())
    assert [(p.staff, p.need, p.week, p.hours) for p in round_input.pinned] == [
        ("e1", "n1", 0, 12.0)
    ]
    health_reads = select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "read_health", AuditEntry.entity == "round"
    )
    assert _count(app, health_reads) == 1
    result = parse_round_result(hr.get(f"/api/rounds/{round_id}/result").json())
    assert result.status == "optimal"
    assert ("e1", "n1", 0, 12.0) in {(a.staff, a.need, a.week, a.hours) for a in result.assignments}

    # The next round starts from this one.
    later = _create(hr, start=(_monday() + dt.timedelta(weeks=1)).isoformat(), weeks=2)
    assert later["previous_round_id"] == round_id


def test_unpinning_an_added_pin_removes_it_and_an_impossible_pin_is_reported_by_the_solve(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    hr = as_user("hr")
    ids = _ids(app)
    round_id = _create(hr)["id"]
    # Bo is in the risk group and n1 is exposed: the pin breaks rule 6.
    bad = {"person_id": ids["e2"], "need_id": ids["n1"], "week": _monday().isoformat()}
    pin = hr.post(f"/api/rounds/{round_id}/pins", json=bad | {"hours": 8})
    assert pin.status_code == 201, pin.text
    assert hr.post(f"/api/rounds/{round_id}/solve", json=FAST).status_code == 202
    failed = _until(hr, round_id, _job_ended)
    assert failed["status"] == "draft" and failed["latest_job"]["status"] == "done"
    assert "e2" in failed["status_message"] and "n1" in failed["status_message"]
    assert failed["metrics"]["result_status"] == "infeasible"

    removed = hr.delete(f"/api/rounds/{round_id}/pins/{pin.json()['id']}")
    assert removed.status_code == 204
    assert hr.get(f"/api/rounds/{round_id}/proposal").json()["assignments"] == []
    gone = hr.delete(f"/api/rounds/{round_id}/pins/{pin.json()['id']}")
    assert gone.status_code == 404


def test_pins_are_checked_field_by_field(app: Litestar, as_user: Callable[[str], Client]) -> None:
    hr = as_user("hr")
    ids = _ids(app)
    round_id = _create(hr, weeks=2)["id"]
    good = {
        "person_id": ids["e1"],
        "need_id": ids["n1"],
        "week": _monday().isoformat(),
        "hours": 8,
    }
    wrong = {
        "person_id": ids["e3"],  # Carla is not approved, so not in the snapshot
        "need_id": 999_999,
        "week": (_monday() + dt.timedelta(days=1)).isoformat(),
        "hours": 3.3,
    }
    for field, value in wrong.items():
        response = hr.post(f"/api/rounds/{round_id}/pins", json=good | {field: value})
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["field"] == field
    outside = (_monday() + dt.timedelta(weeks=2)).isoformat()
    response = hr.post(f"/api/rounds/{round_id}/pins", json=good | {"week": outside})
    assert response.status_code == 422 and "outside round" in response.json()["detail"]
    assert hr.post(f"/api/rounds/{round_id}/pins", json=good | {"hours": 0}).status_code == 422
    assert hr.post(f"/api/rounds/{round_id}/pins", json=good).status_code == 201


def test_rounds_are_listed_by_status_and_bad_rounds_are_refused(
    as_user: Callable[[str], Client],
) -> None:
    hr = as_user("hr")
    first = _create(hr)
    _create(hr, start=(_monday() + dt.timedelta(weeks=1)).isoformat(), weeks=1)
    listed = hr.get("/api/rounds", params={"limit": 1}).json()
    assert listed["total"] == 2 and len(listed["items"]) == 1
    assert listed["items"][0]["start"] == (_monday() + dt.timedelta(weeks=1)).isoformat()
    drafts = hr.get("/api/rounds", params={"status": "draft"}).json()
    assert drafts["total"] == 2
    assert hr.get("/api/rounds", params={"status": "published"}).json()["total"] == 0

    tuesday = (_monday() + dt.timedelta(days=1)).isoformat()
    not_monday = hr.post("/api/rounds", json={"start": tuesday, "weeks": 2})
    assert not_monday.status_code == 422 and not_monday.json()["errors"][0]["field"] == "start"
    too_long = hr.post("/api/rounds", json={"start": _monday().isoformat(), "weeks": 27})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "weeks"
    solve = hr.post(f"/api/rounds/{first['id']}/solve", json={"time_limit": 0.5})
    assert solve.status_code == 422, solve.text
    assert solve.json()["detail"] == "time_limit: must be at least 1, got 0.5"
    assert hr.post(f"/api/rounds/{first['id']}/solve/cancel").status_code == 409
    assert hr.get(f"/api/rounds/{first['id']}/progress").status_code == 404
    assert hr.get(f"/api/rounds/{first['id']}/result").status_code == 409
    assert hr.get("/api/rounds/999999").status_code == 404


@pytest.mark.parametrize("username", ["leder_sol", "leder_bs", "anne"])
def test_rounds_are_not_there_for_anyone_but_hr(
    app: Litestar, as_user: Callable[[str], Client], username: str
) -> None:
    with transaction(app.state["session_factory"]) as session:
        round_id = rounds.create_round(session, start=_monday(), weeks=4).id
    other = as_user(username)
    base = f"/api/rounds/{round_id}"
    calls = [
        ("GET", "/api/rounds"),
        ("POST", "/api/rounds"),
        ("GET", base),
        ("POST", f"{base}/solve"),
        ("POST", f"{base}/solve/cancel"),
        ("GET", f"{base}/progress"),
        ("GET", f"{base}/proposal"),
        ("POST", f"{base}/pins"),
        ("DELETE", f"{base}/pins/1"),
        ("POST", f"{base}/publish"),
        ("GET", f"{base}/input"),
        ("GET", f"{base}/result"),
    ]
    for method, url in calls:
        body = {"start": _monday().isoformat(), "weeks": 1} if method == "POST" else None
        response = other.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "risk_group" not in response.text
    with transaction(app.state["session_factory"]) as session:
        assert session.get_one(AllocationRound, round_id).status is RoundStatus.DRAFT
        assert _count(app, select(func.count(AllocationRound.id))) == 1


def test_rounds_need_a_log_in(anonymous: Client) -> None:
    assert anonymous.get("/api/rounds").status_code == 401
    assert anonymous.post("/api/rounds/1/solve", json=FAST).status_code == 401


# --- solves that do not end on their own ---------------------------------------------------


def test_a_running_solve_is_cancelled_and_the_round_is_back_as_it_was(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    hr = as_user("hr")
    round_id = _create(hr)["id"]
    _make_big(app, round_id)
    job_id = hr.post(f"/api/rounds/{round_id}/solve", json=SLOW).json()["id"]
    running = _until(hr, round_id, _job_reports)
    assert running["status"] == "solving"

    cancelled = hr.post(f"/api/rounds/{round_id}/solve/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_requested"]
    assert _runner(app).is_alive(job_id) is False  # terminated, not left to find out
    after = round_of(hr, round_id)
    assert after["status"] == "draft" and after["latest_job"]["status"] == "cancelled"
    assert after["status_message"] == "solving was cancelled by hr"
    assert after["counts"]["assignments"] == 0 and after["metrics"] is None
    events = _events(hr.get(f"/api/rounds/{round_id}/progress").text)
    assert events[-1][0] == "cancelled" and events[-1][1]["round_status"] == "draft"
    assert hr.post(f"/api/rounds/{round_id}/solve/cancel").status_code == 409


def test_a_running_solve_says_how_long_it_has_run_since_its_start(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    """The page's progress bar counts on from the server's running time, not from the page's
    load, nor from a progress entry's elapsed (when that plan was found)."""
    hr = as_user("hr")
    round_id = _create(hr)["id"]
    _make_big(app, round_id)
    job_id = hr.post(f"/api/rounds/{round_id}/solve", json=SLOW).json()["id"]
    _until(hr, round_id, _job_reports)
    with transaction(app.state["session_factory"]) as session:
        job = session.get_one(SolveJob, job_id)
        assert job.started_at is not None
        job.started_at -= dt.timedelta(seconds=100)
    running = round_of(hr, round_id)["latest_job"]
    assert 100 <= running["running_seconds"] < 160
    assert running["latest_progress"]["elapsed"] < running["running_seconds"]
    page = hr.get(f"/rounds/{round_id}")
    found = re.search(r'id="solving"[^>]*data-elapsed="([\d.]+)"', page.text, re.DOTALL)
    assert found is not None, page.text
    assert 100 <= float(found.group(1)) < 160
    assert hr.post(f"/api/rounds/{round_id}/solve/cancel").status_code == 200


def test_a_worker_asked_to_stop_by_its_flag_alone_ends_the_job_itself(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    """How a cancel reaches a worker another server process started: only through the row."""
    hr = as_user("hr")
    round_id = _create(hr)["id"]
    _make_big(app, round_id)
    job_id = hr.post(f"/api/rounds/{round_id}/solve", json=SLOW).json()["id"]
    _until(hr, round_id, _job_reports)
    with transaction(app.state["session_factory"]) as session:
        session.get_one(SolveJob, job_id).cancel_requested = True
    asked = time.monotonic()
    ended = _until(hr, round_id, _job_ended, seconds=10)
    assert time.monotonic() - asked < 4
    assert ended["latest_job"]["status"] == "cancelled" and ended["status"] == "draft"
    deadline = time.monotonic() + 5
    while _runner(app).is_alive(job_id) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _runner(app).is_alive(job_id) is False


def test_a_killed_worker_fails_its_job_and_releases_the_round(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    hr = as_user("hr")
    round_id = _create(hr)["id"]
    _make_big(app, round_id)
    job_id = hr.post(f"/api/rounds/{round_id}/solve", json=SLOW).json()["id"]
    _until(hr, round_id, _job_reports)
    pid = _runner(app).pid(job_id)
    assert pid is not None
    # The solver yields the CPU to the app's requests.
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, ours + SOLVER_NICENESS)
    os.kill(pid, signal.SIGKILL)
    failed = _until(hr, round_id, _job_ended, seconds=10)
    assert failed["latest_job"]["status"] == "failed"
    assert "ended without a result" in failed["latest_job"]["message"]
    assert failed["status"] == "draft" and failed["status_message"].startswith("solving failed")
    # The round is free again: a new solve is accepted (and cancelled at once).
    assert hr.post(f"/api/rounds/{round_id}/solve").status_code == 202  # default options
    assert hr.post(f"/api/rounds/{round_id}/solve/cancel").status_code == 200


def test_a_shorter_round_after_a_longer_published_one_keeps_only_its_own_weeks_as_previous(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    first_round(app)  # published: Anne and Bo at Solgården this week and next
    created = as_user("hr").post("/api/rounds", json={"start": _monday().isoformat(), "weeks": 1})
    assert created.status_code == 201, created.text
    exported = as_user("hr").get(f"/api/rounds/{created.json()['id']}/input").json()
    previous = exported["previous"]
    assert previous, "the published round's first week is this round's previous plan"
    assert {entry["week"] for entry in previous} == {0}


def test_a_round_id_beyond_any_row_is_a_bad_request_naming_it(
    as_user: Callable[[str], Client],
) -> None:
    """Found by fuzzing: SQLite cannot bind such a number, and the answer was a 500."""
    answer = as_user("hr").get(f"/api/rounds/{2**70}/proposal")
    assert answer.status_code == 400, answer.text
    assert "round_id" in answer.json()["detail"]
