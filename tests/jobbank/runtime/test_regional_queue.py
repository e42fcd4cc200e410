"""Rounds in parts on the SAQ queue, as a deployment runs them: PostgreSQL and two
`jobbank worker` processes on loopback.

A small regional pool is split, its parts solved as separate jobs on both workers and merged
into a plan that keeps every hard rule of the whole pool, with the whole pool's bound. A part
that is aborted fails the whole, naming the part; a broken pin makes the whole infeasible,
naming the part. A round in the database that splits is solved through the app's queue path
and stored. The regional bench runs end to end at its small size.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from saq import Queue
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from fixtures.generator import generate_pool
from jobbank import db
from jobbank.core.settings import Settings
from jobbank.core.weeks import monday_of
from jobbank.db import transaction
from jobbank.db.models import AllocationRound, Assignment, RoundStatus, SolveJob, SolveStatus
from jobbank.rounds import create_round, round_input
from jobbank.runtime import regional
from jobbank.runtime.queue import SaqJobRunner, connect, open_queue, queue_url
from jobbank.seeding import load_municipality
from jobbank.solving import SolveRequest
from jobbank.tools.bench import REGIONAL_SIZES, queue_workers, run_regional_bench
from jobbank.tools.load_sample import municipality_of
from solver import independent_parts, upper_bound
from solver.contract import RoundInput, RoundResult
from tests.conftest import in_a_thread_of_its_own, postgres_server_url
from tests.solver.builders import a_round_with_a_broken_pin
from tests.solver.checker import violations, weighted_coverage

T = TypeVar("T")
QUICK = SolveRequest(time_limit=1, workers=1)
PART_CHILD = re.compile(r"(\S+-part-\d+-of-\d+): child process \d+ started")


def a_small_pool() -> RoundInput:
    return generate_pool(municipalities=3, staff=180, needs=120, weeks=2, seed=3)


@dataclass
class Workers:
    url: str
    logs: list[Path]
    processes: list[subprocess.Popen[bytes]]

    def parts_solved(self) -> list[set[str]]:
        """Per worker, the keys of the parts it started a child process for."""
        return [set(PART_CHILD.findall(log.read_text())) for log in self.logs]


@pytest.fixture(scope="module")
def workers(
    fresh_database_url: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    """Two workers on a new, migrated PostgreSQL database."""
    url = fresh_database_url("postgresql")
    db.upgrade(url)
    folder = tmp_path_factory.mktemp("regional")
    with queue_workers(url, folder, 2) as started:
        yield Workers(url, [log for _, log in started], [process for process, _ in started])


async def _on_part_queue(url: str, step: Callable[[Queue], Awaitable[T]]) -> T:
    at = queue_url(Settings(database_url=url))
    queue = open_queue(at, name=regional.PART_QUEUE_NAME, connections=2)
    await connect(queue)
    try:
        return await step(queue)
    finally:
        await queue.disconnect()


def _solve(url: str, round_input: RoundInput, request: SolveRequest = QUICK) -> RoundResult:
    async def step(queue: Queue) -> RoundResult:
        return await regional.solve_in_parts(queue, round_input, request, parts=3)

    return in_a_thread_of_its_own(lambda: asyncio.run(_on_part_queue(url, step)))


def _part_jobs(url: str) -> dict[str, str]:
    """Every part job SAQ holds: key → status."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT key, status FROM saq_jobs WHERE queue = :queue"),
                {"queue": regional.PART_QUEUE_NAME},
            )
            return {str(key): str(status) for key, status in rows}
    finally:
        engine.dispose()


def test_a_split_pool_is_solved_as_one_job_per_part_on_both_workers_and_merged(
    workers: Workers,
) -> None:
    pool = a_small_pool()
    before = set(_part_jobs(workers.url))
    result = _solve(workers.url, pool)

    assert result.status in ("optimal", "feasible")
    assert violations(pool, result) == []
    assert result.metrics.upper_bound == pytest.approx(upper_bound(pool))
    assert result.metrics.weighted_coverage == pytest.approx(weighted_coverage(pool, result))
    assert result.metrics.weighted_coverage > 0
    new = {k: s for k, s in _part_jobs(workers.url).items() if k not in before}
    assert len(new) == 3 and set(new.values()) == {"complete"}
    solved = [keys & set(new) for keys in workers.parts_solved()]
    assert set().union(*solved) == set(new)
    assert all(solved), f"both workers solve parts: {solved}"


def test_an_aborted_part_fails_the_whole_naming_the_part_and_the_others_are_aborted(
    workers: Workers,
) -> None:
    pool = a_small_pool()
    before = set(_part_jobs(workers.url))

    async def step(queue: Queue) -> str:
        solving = asyncio.create_task(
            regional.solve_in_parts(queue, pool, SolveRequest(time_limit=30, workers=1), parts=3)
        )
        deadline = time.monotonic() + 60
        while True:
            active = [
                k for k, s in _part_jobs(workers.url).items() if k not in before and s == "active"
            ]
            if active:
                break
            assert time.monotonic() < deadline, "no part ever ran"
            await asyncio.sleep(0.2)
        job = await queue.job(active[0])
        assert job is not None
        await queue.abort(job, "stopped by hand")
        with pytest.raises(regional.PartFailed) as failed:
            await solving
        return str(failed.value)

    message = in_a_thread_of_its_own(lambda: asyncio.run(_on_part_queue(workers.url, step)))
    key = next(k for k in _part_jobs(workers.url) if k not in before and k in message)
    number = re.search(r"-part-(\d+)-of-3$", key)
    assert number is not None
    assert message.startswith(f"part {number[1]} of 3 ({key}) aborted: stopped by hand")
    # The parts still open are aborted; one may have ended before.
    deadline = time.monotonic() + 20
    while True:
        ours = {k: s for k, s in _part_jobs(workers.url).items() if k not in before}
        if set(ours.values()) <= {"aborted", "complete"}:
            break
        assert time.monotonic() < deadline, ours
        time.sleep(0.2)
    assert len(ours) == 3 and ours[key] == "aborted"


def test_a_broken_pin_in_one_part_makes_the_whole_infeasible_naming_the_part(
    workers: Workers,
) -> None:
    # Anne is no teacher: her pin to n4 breaks rule 1 in the part she shares with carl.
    round_input = a_round_with_a_broken_pin()
    assert len(independent_parts(round_input, parts=3)) == 2
    result = _solve(workers.url, round_input)
    assert result.status == "infeasible" and result.assignments == []
    assert result.messages and all(m.startswith("part 1 of 2: ") for m in result.messages)
    assert any("anne" in m for m in result.messages)


@pytest.fixture(scope="module")
def factory(workers: Workers) -> Iterator[sessionmaker[Session]]:
    """The workers' database, holding a small pool of two municipalities as an organisation."""
    engine = db.make_engine(workers.url)
    factory = db.make_session_factory(engine)
    pool = generate_pool(municipalities=2, staff=40, needs=30, weeks=2, seed=3)
    with transaction(factory) as session:
        load_municipality(session, municipality_of(pool), today=dt.date.today())
    yield factory
    engine.dispose()


def _solve_split_round(workers: Workers, factory: sessionmaker[Session], week: int) -> int:
    """Solve a one-week round of the pool (week `week` from now) through the app's queue path
    and check it was split, solved in parts and stored; the number of parts."""
    start = monday_of(dt.date.today()) + dt.timedelta(weeks=week)
    with transaction(factory) as session:
        rnd = create_round(session, start=start, weeks=1, name=f"Pool, week {week}")
        whole = round_input(session, rnd)
        job = SolveJob(
            round_id=rnd.id,
            status=SolveStatus.QUEUED,
            options=QUICK.model_dump(mode="json"),
            progress=[],
            message="",
            cancel_requested=False,
        )
        session.add(job)
        rnd.status = RoundStatus.SOLVING
        session.flush()
        round_id, job_id = rnd.id, job.id
    parts = len(independent_parts(whole, parts=regional.MAX_PARTS))
    assert parts > 1

    runner = SaqJobRunner(Settings(database_url=workers.url, solve_queue="saq"))
    try:
        runner.start(job_id)
        deadline = time.monotonic() + 80
        while _job(factory, job_id).status in (SolveStatus.QUEUED, SolveStatus.RUNNING):
            assert time.monotonic() < deadline, "the split round never ended"
            time.sleep(0.3)
    finally:
        runner.close()
    job = _job(factory, job_id)
    assert job.status is SolveStatus.DONE, job.message
    assert job.progress and job.progress[-1]["objective"] > 0  # written as parts ended
    with transaction(factory) as session:
        assert session.get_one(AllocationRound, round_id).status is RoundStatus.PROPOSED
        count = select(func.count(Assignment.id)).where(Assignment.round_id == round_id)
        assert (session.scalar(count) or 0) > 0
    said = f"solve job {job_id}: {parts} independent parts"
    assert any(said in log.read_text() for log in workers.logs)
    ours = {k for k in set().union(*workers.parts_solved()) if k.startswith(f"solve-job-{job_id}-")}
    assert len(ours) == parts
    return job_id


def test_a_round_that_splits_is_solved_in_parts_through_the_app_queue_and_stored(
    workers: Workers, factory: sessionmaker[Session]
) -> None:
    _solve_split_round(workers, factory, week=0)


def _job(factory: sessionmaker[Session], job_id: int) -> SolveJob:
    with transaction(factory) as session:
        job = session.get_one(SolveJob, job_id)
        session.expunge(job)
        return job


def test_the_regional_bench_runs_at_its_small_size_and_prints_its_table() -> None:
    server = postgres_server_url()
    if server is None:
        pytest.skip("PostgreSQL tests need JOBBANK_TEST_POSTGRES_URL")
    lines: list[str] = []
    rows = run_regional_bench(server, size="small", parts=2, out=lines.append)
    small = REGIONAL_SIZES["small"]
    assert [r.workers for r in rows] == [1, 2]
    for row in rows:
        assert (row.staff, row.needs, row.parts) == (small.staff, small.needs, 2)
        assert row.status in ("optimal", "feasible")
        assert 0 < row.weighted_coverage <= row.upper_bound
        assert row.share == pytest.approx(row.weighted_coverage / row.upper_bound)
        assert row.wall_seconds > row.split_seconds > 0 and row.peak_mib > 0
    assert rows[0].speed_up == 1.0
    assert rows[1].speed_up == pytest.approx(rows[0].wall_seconds / rows[1].wall_seconds)
    assert rows[0].upper_bound == rows[1].upper_bound
    assert "speed-up" in lines[1] and "share" in lines[1]
    assert len(lines) == 4


def test_one_worker_alone_solves_a_split_round_its_parts_never_waiting_for_the_rounds_slot(
    workers: Workers, factory: sessionmaker[Session]
) -> None:
    """With default settings (one round slot, one part slot) the round waits for its parts in
    its own slot while the parts run, one after the other, in the part slot."""
    stopped = workers.processes[1]
    stopped.terminate()
    stopped.wait(timeout=30)
    job_id = _solve_split_round(workers, factory, week=1)
    ours = {k for k in workers.parts_solved()[0] if k.startswith(f"solve-job-{job_id}-")}
    assert ours and not any(k.startswith(f"solve-job-{job_id}-") for k in workers.parts_solved()[1])
