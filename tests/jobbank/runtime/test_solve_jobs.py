"""Solve jobs without HTTP: the worker's steps run in this process against a real database,
on both backends; the API tests run them in real worker processes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from jobbank import db, rounds, solving
from jobbank.core.access import Actor
from jobbank.core.roles import Role
from jobbank.core.weeks import monday_of
from jobbank.db import transaction
from jobbank.db.models import (
    AllocationRound,
    RoundStatus,
    SolveJob,
    SolveStatus,
)
from jobbank.runtime.jobs import ProcessJobRunner, Watcher, run_job
from jobbank.seeding import load_municipality
from solver import Progress, SolveOptions, solve
from tests import lookups
from tests.builders import a_municipality
from tests.conftest import BACKENDS

Factory = sessionmaker[Session]
QUICK = solving.SolveRequest(time_limit=1, workers=1)


@pytest.fixture(scope="module", params=BACKENDS)
def factory(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]
) -> Iterator[Factory]:
    """A migrated database holding the small test municipality; tests add their own rounds."""
    url = fresh_database_url(request.param)
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, a_municipality(), today=dt.date.today())
    yield db.make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def hr(factory: Factory) -> Actor:
    with transaction(factory) as session:
        account = lookups.user(session, "hr")
        return Actor(user_id=account.id, username="hr", roles=frozenset({Role.HR_COORDINATOR}))


def _queued(factory: Factory, hr: Actor) -> tuple[int, int]:
    """A new round of the test municipality with a queued solve: (round id, job id)."""
    with transaction(factory) as session:
        rnd = rounds.create_round(session, start=monday_of(dt.date.today()), weeks=4)
        job = solving.start_solve(session, hr, rnd.id, QUICK)
        return rnd.id, job.id


def _state(factory: Factory, round_id: int, job_id: int) -> tuple[RoundStatus, SolveJob]:
    with transaction(factory) as session:
        return session.get_one(AllocationRound, round_id).status, session.get_one(SolveJob, job_id)


def test_a_worker_solves_a_queued_job_and_stores_the_result(factory: Factory, hr: Actor) -> None:
    round_id, job_id = _queued(factory, hr)
    assert _state(factory, round_id, job_id)[0] is RoundStatus.SOLVING
    run_job(factory, job_id)
    status, job = _state(factory, round_id, job_id)
    assert status is RoundStatus.PROPOSED
    assert job.status is SolveStatus.DONE and job.message.startswith("optimal")
    assert job.progress and set(job.progress[-1]) == {"objective", "bound", "elapsed"}
    assert job.started_at and job.heartbeat_at and job.finished_at
    assert lookups.assignment_count(factory, round_id) > 0


def test_a_job_cancelled_before_a_worker_claims_it_is_left_alone(
    factory: Factory, hr: Actor
) -> None:
    round_id, job_id = _queued(factory, hr)
    with transaction(factory) as session:
        solving.cancel_solve(session, hr, round_id)
    run_job(factory, job_id)
    status, job = _state(factory, round_id, job_id)
    assert status is RoundStatus.DRAFT and job.status is SolveStatus.CANCELLED
    assert job.started_at is None and lookups.assignment_count(factory, round_id) == 0


def test_a_result_that_arrives_after_a_cancel_is_dropped(factory: Factory, hr: Actor) -> None:
    round_id, job_id = _queued(factory, hr)
    with transaction(factory) as session:
        claimed = solving.claim_job(session, job_id)
    assert claimed is not None
    result = solve(claimed[0], SolveOptions(time_limit=1, workers=1))
    with transaction(factory) as session:
        solving.cancel_solve(session, hr, round_id)
    with transaction(factory) as session:
        assert solving.store_job_result(session, job_id, result, []) is False
    status, job = _state(factory, round_id, job_id)
    assert status is RoundStatus.DRAFT and job.status is SolveStatus.CANCELLED
    assert lookups.assignment_count(factory, round_id) == 0


def test_a_silent_job_is_failed_when_read_and_the_round_gets_its_plan_back(
    factory: Factory, hr: Actor
) -> None:
    round_id, job_id = _queued(factory, hr)
    run_job(factory, job_id)  # the round now holds a plan: it is proposed
    with transaction(factory) as session:
        job_id = solving.start_solve(session, hr, round_id, QUICK).id
    with transaction(factory) as session:
        solving.claim_job(session, job_id)
    with transaction(factory) as session:
        fresh = solving.job_of_round(session, hr, round_id)
        assert fresh is not None and fresh.status is SolveStatus.RUNNING
        silent_since = dt.datetime.now(dt.UTC) - rounds.HEARTBEAT_TIMEOUT - dt.timedelta(seconds=1)
        session.get_one(SolveJob, job_id).heartbeat_at = silent_since
    with transaction(factory) as session:
        failed = solving.job_of_round(session, hr, round_id)
    assert failed is not None and failed.status is SolveStatus.FAILED
    assert "no heartbeat for" in failed.message
    status, _ = _state(factory, round_id, job_id)
    assert status is RoundStatus.PROPOSED


def test_a_job_whose_process_ended_fails_at_once_unless_it_finished(
    factory: Factory, hr: Actor
) -> None:
    round_id, job_id = _queued(factory, hr)
    with transaction(factory) as session:
        solving.claim_job(session, job_id)
    with transaction(factory) as session:
        job = solving.job_of_round(session, hr, round_id, alive=lambda _: False)
    assert job is not None and job.status is SolveStatus.FAILED
    assert job.message == "solving failed: the solver's process ended without a result"
    assert _state(factory, round_id, job_id)[0] is RoundStatus.DRAFT

    round_id, job_id = _queued(factory, hr)
    run_job(factory, job_id)
    with transaction(factory) as session:
        done = solving.job_of_round(session, hr, round_id, alive=lambda _: False)
    assert done is not None and done.status is SolveStatus.DONE


def test_a_job_another_process_ended_meanwhile_is_read_as_ended_not_as_a_conflict(
    factory: Factory, hr: Actor
) -> None:
    # A request reads the round and its running job and finds the worker gone, just as the
    # server's runner ends the job itself: the request waits for the runner's lock, then sees
    # its outcome; it neither tells it twice nor fails on the round's new version.
    round_id, job_id = _queued(factory, hr)
    with transaction(factory) as session:
        solving.claim_job(session, job_id)
    ended: list[bool] = []

    def gone_and_ended_by_the_runner(_job_id: int) -> bool:
        if not ended:
            with transaction(factory) as runner:
                solving.end_job(runner, job_id, SolveStatus.FAILED, "solving failed: stopped")
            ended.append(True)
        return False

    with transaction(factory) as reader:
        seen = reader.get_one(AllocationRound, round_id)
        version_seen = seen.version
        job = rounds.release_abandoned(reader, seen, gone_and_ended_by_the_runner, by=hr.user_id)
        assert job is not None and job.status is SolveStatus.FAILED
        assert job.message == "solving failed: stopped"
        assert seen.version == version_seen + 1 and seen.status is RoundStatus.DRAFT


def test_the_watcher_writes_the_latest_progress_once_a_tick_and_sees_a_cancel(
    factory: Factory, hr: Actor
) -> None:
    round_id, job_id = _queued(factory, hr)
    with transaction(factory) as session:
        solving.claim_job(session, job_id)
    watcher = Watcher(factory, job_id)
    for objective in (1.0, 2.0, 3.0):
        watcher.report(Progress(objective=objective, bound=5.0, elapsed=objective / 10))
    assert watcher._tick() is True
    _, job = _state(factory, round_id, job_id)
    assert job.progress == [{"objective": 3.0, "bound": 5.0, "elapsed": 0.3}]

    with transaction(factory) as session:
        session.get_one(SolveJob, job_id).cancel_requested = True
    assert watcher._tick() is False
    status, job = _state(factory, round_id, job_id)
    assert job.status is SolveStatus.CANCELLED and status is RoundStatus.DRAFT


def test_a_runner_cannot_tell_about_jobs_it_did_not_start() -> None:
    runner = ProcessJobRunner("sqlite://")
    assert runner.is_alive(1) is None and runner.pid(1) is None
    runner.stop(1)
    runner.close()


def test_a_job_runs_from_its_start_until_it_finishes() -> None:
    start = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)
    job = SolveJob(round_id=1)
    assert job.running_seconds(start) == 0.0  # queued: no worker has it yet
    job.started_at = start
    assert job.running_seconds(start + dt.timedelta(seconds=42.5)) == 42.5
    job.finished_at = start + dt.timedelta(seconds=12)
    assert job.running_seconds(start + dt.timedelta(hours=1)) == 12.0


def test_a_jobs_default_deadline_is_the_solvers_hard_stop_and_grace() -> None:
    request = solving.SolveRequest(time_limit=30, workers=4)
    assert request.wall_seconds() == 30 * 3 + 10 + solving.HANG_GRACE_SECONDS
    assert solving.SolveRequest(time_limit=30, deadline=45).wall_seconds() == 45
    assert solving.MAX_DEADLINE == solving.MAX_TIME_LIMIT * 3 + 10 + solving.HANG_GRACE_SECONDS
