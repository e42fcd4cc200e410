"""The use cases the rounds' API and pages share: solving in a worker (start, cancel, look) and
pinning a row of the proposal in place, with HR's reach as the pages and controllers had it.

The test municipality (tests/builders.py): Anne (e1) volunteers; Solgården's need n1 wants a
nurse; log-in `hr` is HR, `anne` staff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobbank import db, rounds
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.db.models import AllocationRound, RoundStatus, SolveStatus, UserAccount
from jobbank.rounds import create_round, store_result
from jobbank.runtime.solves import cancel_solving, start_solving
from jobbank.seeding import load_municipality
from jobbank.solving import SolveRequest
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.builders import a_municipality
from tests.conftest import BACKENDS

MONDAY = dt.date(2026, 3, 16)


class Runner:
    """A job runner that only notes what it was asked to do."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.stopped: list[int] = []

    def start(self, job_id: int) -> None:
        self.started.append(job_id)

    def stop(self, job_id: int) -> None:
        self.stopped.append(job_id)

    def is_alive(self, job_id: int) -> bool | None:
        return job_id in self.started and job_id not in self.stopped

    def close(self) -> None:
        pass


@pytest.fixture(scope="module", params=BACKENDS)
def factory(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]
) -> Iterator[sessionmaker[Session]]:
    """A database of its own holding the test municipality: solving commits, so each test
    makes its own rounds there rather than in a session rolled back."""
    url = fresh_database_url(request.param)
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, a_municipality(), today=MONDAY)
    yield db.make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def proposed(session: Session) -> AllocationRound:
    """Anne on n1 the first two weeks, unpinned."""
    rnd = create_round(session, start=MONDAY, weeks=4)
    planned = [Planned(staff="e1", need="n1", week=w, hours=12) for w in (0, 1)]
    store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
    session.flush()
    return rnd


def test_a_solve_is_queued_and_its_worker_started(seeded: Session) -> None:
    rnd, runner = proposed(seeded), Runner()
    job = start_solving(
        seeded, actor(seeded, "hr"), rnd.id, SolveRequest(time_limit=5), runner, max_time_limit=60
    )
    assert job.status is SolveStatus.QUEUED and runner.started == [job.id]
    assert rnd.status is RoundStatus.SOLVING


def test_a_solve_beyond_the_time_limit_starts_no_worker(seeded: Session) -> None:
    rnd, runner = proposed(seeded), Runner()
    with pytest.raises(InvalidInput) as refused:
        start_solving(
            seeded,
            actor(seeded, "hr"),
            rnd.id,
            SolveRequest(time_limit=90),
            runner,
            max_time_limit=60,
        )
    assert refused.value.field == "time_limit" and runner.started == []


def test_cancelling_ends_the_job_and_stops_its_worker(seeded: Session) -> None:
    rnd, runner, hr = proposed(seeded), Runner(), actor(seeded, "hr")
    job = start_solving(seeded, hr, rnd.id, SolveRequest(time_limit=5), runner, max_time_limit=60)
    cancelled = cancel_solving(seeded, hr, rnd.id, runner)
    assert cancelled.id == job.id and cancelled.status is SolveStatus.CANCELLED
    assert runner.stopped == [job.id] and rnd.status is RoundStatus.PROPOSED


def test_staff_cannot_start_a_solve(seeded: Session) -> None:
    rnd, runner = proposed(seeded), Runner()
    with pytest.raises(NotFound):
        start_solving(
            seeded, actor(seeded, "anne"), rnd.id, SolveRequest(), runner, max_time_limit=60
        )
    assert runner.started == []


def test_a_row_of_the_proposal_is_pinned_in_place(seeded: Session) -> None:
    rnd = proposed(seeded)
    row = min(rnd.assignments, key=lambda a: a.week)
    pinned = rounds.pin_in_place(seeded, actor(seeded, "hr"), rnd.id, row.id)
    assert pinned.id == row.id and pinned.pinned and pinned.hours == 12


def test_an_assignment_of_another_round_is_not_found(seeded: Session) -> None:
    first = proposed(seeded)
    row = first.assignments[0]
    other = create_round(seeded, start=MONDAY + dt.timedelta(weeks=4), weeks=1)
    seeded.flush()
    hr = actor(seeded, "hr")
    assert rounds.planned_assignment(seeded, hr, first.id, row.id) is row
    with pytest.raises(NotFound):
        rounds.planned_assignment(seeded, hr, other.id, row.id)
    with pytest.raises(NotFound):
        rounds.pin_in_place(seeded, hr, first.id, row.id + 1000)


def test_staff_do_not_reach_a_proposal(seeded: Session) -> None:
    rnd = proposed(seeded)
    with pytest.raises(NotFound):
        rounds.planned_assignment(seeded, actor(seeded, "anne"), rnd.id, rnd.assignments[0].id)
