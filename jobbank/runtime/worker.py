"""The `jobbank worker`'s round side: take a solve job from the queue (`jobbank.runtime.queue`),
take it over from a lost worker if need be, and solve it in a spawned child process; a round
that falls into parts is solved by parts on the part queue (`jobbank.runtime.regional`), whose
part worker runs beside this one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import multiprocessing
import os
from typing import Any

from saq import Worker
from saq.types import Context, PartialTimersDict
from sqlalchemy.orm import Session, sessionmaker

from jobbank import solving
from jobbank.core import audit
from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import SolveJob, SolveStatus
from jobbank.rounds import ACTIVE_JOB, lock_round
from jobbank.runtime import jobs
from jobbank.runtime.queue import (
    ATTEMPTS,
    SOLVE_TASK,
    SWEEP_SECONDS,
    TOUCH_SECONDS,
    connect,
    end_child,
    guard_orphan,
    make_queue,
    queue_url,
)
from jobbank.runtime.regional import SplitSolver, make_part_worker

log = logging.getLogger(__name__)

LOST_AFTER = dt.timedelta(seconds=10)
"""A running `SolveJob` silent this long has lost its worker; a retry may take it over (its
watcher beats every 2 s)."""


class Step(enum.Enum):
    SOLVE = "solve"
    WAIT = "wait"
    ENDED = "ended"


def take_over(factory: sessionmaker[Session], job_id: int, attempt: int) -> Step:
    """What a worker that got the job does: solve it when it is queued, or running but silent
    (its last worker was lost: then it goes back to queued); wait while another process still
    beats for it; nothing once it ended or was cancelled."""
    with transaction(factory) as session:
        job = session.get(SolveJob, job_id)
        if job is None:
            return Step.ENDED
        lock_round(session, job.round_id)
        session.refresh(job)
        if job.cancel_requested or job.status not in ACTIVE_JOB:
            return Step.ENDED
        if job.status is SolveStatus.QUEUED:
            return Step.SOLVE
        now = dt.datetime.now(dt.UTC)
        if now - (job.heartbeat_at or job.started_at or job.created_at) < LOST_AFTER:
            return Step.WAIT
        job.status, job.heartbeat_at = SolveStatus.QUEUED, now
        job.message = f"its worker was lost; solving again (attempt {attempt} of {ATTEMPTS})"
        audit.record(
            session,
            user_id=None,
            action="solve_retry",
            entity="solve_job",
            entity_id=job.id,
            before={"status": SolveStatus.RUNNING.value},
            after={"status": job.status.value, "attempt": attempt},
        )
        log.info("solve job %d: its worker was lost; attempt %d takes over", job_id, attempt)
        return Step.SOLVE


def settle(factory: sessionmaker[Session], job_id: int, exitcode: int | None) -> str:
    """After the child ended: a job it left unfinished fails with the reason; the job's status."""
    with transaction(factory) as session:
        job = session.get(SolveJob, job_id)
        if job is None:
            return "gone"
        if job.status in ACTIVE_JOB:
            why = f"the solver's process ended without a result (exit code {exitcode})"
            solving.end_job(session, job_id, SolveStatus.FAILED, f"solving failed: {why}")
            session.refresh(job)
        return job.status.value


def solve_in_child(database_url: str, queue_at: str, job_id: int, worker_pid: int) -> None:
    """A solve's child process: `jobs.work`, ended at once should its worker die; a round that
    falls into parts is solved in parts on the queue at `queue_at`."""
    guard_orphan(worker_pid)
    jobs.work(database_url, job_id, SplitSolver(queue_at))


class SolveWorker:
    """A SAQ worker's solve task and what it needs: its own engine on the database."""

    def __init__(self, settings: Settings) -> None:
        self.database_url = settings.url
        self.queue_url = queue_url(settings)
        self.engine = make_engine(settings.url)
        self.factory = make_session_factory(self.engine)
        self._context = multiprocessing.get_context("spawn")

    async def solve_round(self, ctx: Context, *, job_id: int) -> str:
        """SAQ task: solve one `SolveJob` in a child process; says how the job ended."""
        saq_job = ctx["job"]
        while True:
            step = await asyncio.to_thread(take_over, self.factory, job_id, saq_job.attempts)
            if step is Step.ENDED:
                return "ended before this worker got to it"
            if step is Step.SOLVE:
                break
            await saq_job.update()  # still ours to watch while the other one beats
            await asyncio.sleep(TOUCH_SECONDS)
        child = self._context.Process(
            target=solve_in_child,
            args=(self.database_url, self.queue_url, job_id, os.getpid()),
            name=f"jobbank-solve-{job_id}",
            daemon=True,
        )
        child.start()
        log.info("solve job %d: child process %s started", job_id, child.pid)
        try:
            while child.is_alive():
                await asyncio.to_thread(child.join, TOUCH_SECONDS)
                await saq_job.update()  # SAQ's heartbeat: this worker still has it
        except asyncio.CancelledError:  # aborted (cancelled), timed out, or the worker stops
            end_child(child)
            log.info("solve job %d: child process %s ended by the queue", job_id, child.pid)
            raise
        outcome = await asyncio.to_thread(settle, self.factory, job_id, child.exitcode)
        log.info("solve job %d: child process %s ended; the job is %s", job_id, child.pid, outcome)
        return outcome

    async def shutdown(self, _ctx: Context) -> None:
        self.engine.dispose()


def make_worker(settings: Settings, *, concurrency: int = 1) -> Worker[Any]:
    """A SAQ worker solving up to `concurrency` rounds at once (CP-SAT uses every CPU it is
    given, so one per machine is the default)."""
    solver = SolveWorker(settings)
    return Worker(
        make_queue(settings, connections=concurrency + 4),
        functions=[(SOLVE_TASK, solver.solve_round)],
        concurrency=concurrency,
        shutdown=solver.shutdown,
        # SAQ's defaults but the sweep (its typing asks for all four).
        timers=PartialTimersDict(schedule=1, worker_info=10, sweep=SWEEP_SECONDS, abort=1),
    )


async def run_worker(settings: Settings, *, concurrency: int = 1) -> None:
    """Connect to the queues (SAQ creates its tables on first use) and work until stopped:
    rounds, and beside them parts of split rounds with slots of their own
    (`jobbank.runtime.regional` says why), both stopped by the round worker's SIGTERM or Ctrl-C."""
    worker = make_worker(settings, concurrency=concurrency)
    part_worker = make_part_worker(settings, concurrency=concurrency)
    await connect(worker.queue)
    await connect(part_worker.queue)
    parts = asyncio.create_task(part_worker.start(), name="jobbank-part-worker")
    try:
        await worker.start()
    finally:
        await part_worker.stop()
        await asyncio.gather(parts, return_exceptions=True)
        await asyncio.gather(worker.queue.disconnect(), part_worker.queue.disconnect())
