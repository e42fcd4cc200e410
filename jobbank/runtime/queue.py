"""Solve jobs on a queue: SAQ (https://github.com/tobymao/saq) on the app's PostgreSQL database,
so that any number of `jobbank worker` processes, on any number of machines, solve the rounds
that any number of app processes queue.

The `SolveJob` row stays what the app and the browser see: its status, progress, heartbeat,
cancel flag and the stored result. SAQ only carries "solve job N" to one worker, notices a
worker that died (SAQ's heartbeat) and hands the job to another (retries).

In the worker, each solve runs in a spawned child process, as with `ProcessJobRunner`, so that a
cancel can end it on the spot (its watcher exits the process) and a worker can solve several
rounds at once. The child exits as soon as its worker is gone, so a killed worker leaves no
solve behind. A retry takes over a job whose last worker fell silent: it puts the job back to
`queued` and solves it from the start; the result is stored in one transaction at the end, so
nothing half-written is ever seen.

This module is what the app and both kinds of job share: the queue's settings and connection,
the app's runner, and how a worker guards and ends a child. The worker itself, which takes
rounds, is `jobbank.runtime.worker`. A round that falls into independent parts is solved part by
part on a queue of its own (`jobbank.runtime.regional`): the round's child splits it, queues one
`solve_part` job per part and merges their results; each worker takes parts with slots of their
own, beside its rounds.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from saq import Queue, Status

from jobbank.core.settings import Settings
from jobbank.runtime import jobs

log = logging.getLogger(__name__)

QUEUE_NAME = "jobbank-solve"
SOLVE_TASK = "solve_round"

ATTEMPTS = 3
"""Workers that may try one solve: the first and two more after a worker was lost."""

SAQ_HEARTBEAT_SECONDS = 8
"""A job whose worker has not touched it for this long is stuck; SAQ's sweep retries it."""

TOUCH_SECONDS = 2.0
"""How often a worker touches its running jobs (and looks at their child process)."""

SWEEP_SECONDS = 4
"""How often a worker looks for stuck jobs (SAQ's default, 60 s, would outlast the app's
30 s heartbeat timeout and fail the round instead of handing it to another worker)."""

RUN_ALLOWANCE_SECONDS = 1800
"""Beyond the solver's time limit: building the model of a large round and storing its result.
SAQ gives up a job only after both, as a last resort."""

KEEP_SECONDS = 24 * 3600
"""How long SAQ keeps an ended job (for `is_alive` and for looking into it)."""

CALL_SECONDS = 10.0
"""The longest the app waits for the queue on a start or stop."""

LOOK_SECONDS = 2.0
"""The longest a round's read waits to learn from the queue whether its job lives."""

ORPHAN_CHECK_SECONDS = 0.5

TABLES_SECONDS = 30.0
"""How long a process waits for another to create SAQ's tables."""

T = TypeVar("T")


def job_key(job_id: int) -> str:
    """SAQ's key of a solve job: one SAQ job per `SolveJob` row."""
    return f"solve-job-{job_id}"


def queue_url(settings: Settings) -> str:
    """Where SAQ keeps its jobs: `JOBBANK_QUEUE_URL`, else the app's PostgreSQL database."""
    if settings.queue_url:
        return settings.queue_url
    require_postgres(settings)
    return settings.url.replace("postgresql+psycopg://", "postgresql://", 1)


def require_postgres(settings: Settings) -> None:
    """Workers on other machines share the app's database, so the queue needs PostgreSQL."""
    if not settings.url.startswith("postgresql"):
        raise ValueError(
            "JOBBANK_SOLVE_QUEUE=saq needs DATABASE_URL to name a PostgreSQL database "
            f"(got {settings.url.split(':', 1)[0]}); use JOBBANK_SOLVE_QUEUE=process with SQLite"
        )


def make_queue(settings: Settings, *, connections: int, name: str = QUEUE_NAME) -> Queue:
    """The solve queue (or another by `name`); at most `connections` database connections for
    SAQ itself."""
    return open_queue(queue_url(settings), name=name, connections=connections)


def open_queue(url: str, *, name: str, connections: int) -> Queue:
    """The queue `name` at `url` (see `queue_url`), not connected yet."""
    if url.startswith("redis"):
        return Queue.from_url(url, name=name)
    return Queue.from_url(url, name=name, min_size=1, max_size=connections)


async def connect(queue: Queue) -> None:
    """Connect, and wait until SAQ's tables are there: of processes starting together on a new
    database, one creates them under a lock the others skip instead of waiting for."""
    await queue.connect()
    deadline = time.monotonic() + TABLES_SECONDS
    while True:
        try:
            await queue.count("queued")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def runner_for(settings: Settings) -> jobs.JobRunner:
    """The job runner the configuration asks for (`JOBBANK_SOLVE_QUEUE`)."""
    if settings.solve_queue == "saq":
        require_postgres(settings)
        if not settings.secret_key:
            log.warning(
                "JOBBANK_SECRET_KEY is not set: app processes that do not share the data folder "
                "will refuse each other's forms; set the same key on every app machine"
            )
        return SaqJobRunner(settings)
    return jobs.ProcessJobRunner(settings.url)


# --- the app's side ------------------------------------------------------------------------


class SaqJobRunner:
    """Queues solve jobs on SAQ; the app's sync handlers call it from their threads, so it keeps
    its own event loop in a thread of its own for SAQ's async client."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = int(settings.solve_max_seconds) + RUN_ALLOWANCE_SECONDS
        self._queue: Queue | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="jobbank-queue", daemon=True
        )
        self._thread.start()
        self._connecting = asyncio.Lock()

    def start(self, job_id: int) -> None:
        queued = self._call(lambda queue: self._enqueue(queue, job_id), CALL_SECONDS)
        if not queued:
            raise RuntimeError(f"solve job {job_id}: the queue already holds {job_key(job_id)}")
        log.info("solve job %d: queued as %s", job_id, job_key(job_id))

    def stop(self, job_id: int) -> None:
        """Abort the job on the queue: a queued one never reaches a worker; a running one's
        worker ends its child (which, seeing the cancel on its row, would end anyway)."""
        try:
            self._call(lambda queue: self._abort(queue, job_id), CALL_SECONDS)
        except Exception:  # the cancel is committed; the worker's watcher still sees it
            log.exception("solve job %d: could not abort it on the queue", job_id)

    def is_alive(self, job_id: int) -> bool | None:
        """True while the queue holds the job (waiting or taken by a live worker), False once
        the queue gave it up; None when the queue does not know it or does not answer."""
        try:
            status = self._call(lambda queue: _status(queue, job_id), LOOK_SECONDS)
        except Exception:
            log.warning("solve job %d: the queue did not say whether it lives", job_id)
            return None
        if status is None or status is Status.ABORTING:
            return None
        return status in (Status.NEW, Status.QUEUED, Status.ACTIVE)

    def close(self) -> None:
        if self._queue is not None:
            try:
                self._call(lambda queue: queue.disconnect(), CALL_SECONDS)
            except Exception:
                log.exception("the queue did not disconnect cleanly")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=CALL_SECONDS)

    def _call(self, step: Callable[[Queue], Awaitable[T]], seconds: float) -> T:
        async def connected_step() -> T:
            return await step(await self._connected())

        future = asyncio.run_coroutine_threadsafe(connected_step(), self._loop)
        return future.result(seconds)

    async def _connected(self) -> Queue:
        """The queue, connected on first use (SAQ creates its tables then)."""
        async with self._connecting:
            if self._queue is None:
                queue = make_queue(self.settings, connections=4)
                await connect(queue)
                self._queue = queue
            return self._queue

    async def _enqueue(self, queue: Queue, job_id: int) -> bool:
        job = await queue.enqueue(
            SOLVE_TASK,
            key=job_key(job_id),
            timeout=self.timeout,
            heartbeat=SAQ_HEARTBEAT_SECONDS,
            retries=ATTEMPTS,
            ttl=KEEP_SECONDS,
            job_id=job_id,
        )
        return job is not None

    async def _abort(self, queue: Queue, job_id: int) -> None:
        job = await queue.job(job_key(job_id))
        if job is not None and job.status in (Status.NEW, Status.QUEUED, Status.ACTIVE):
            await queue.abort(job, "solving was cancelled")


async def _status(queue: Queue, job_id: int) -> Status | None:
    job = await queue.job(job_key(job_id))
    return None if job is None else job.status


# --- a worker's children, rounds' and parts' alike ----------------------------------------


def guard_orphan(worker_pid: int) -> None:
    """End this process should its worker die."""
    threading.Thread(
        target=_exit_when_orphaned, args=(worker_pid,), name="orphan-guard", daemon=True
    ).start()


def _exit_when_orphaned(worker_pid: int) -> None:
    while os.getppid() == worker_pid:
        time.sleep(ORPHAN_CHECK_SECONDS)
    log.warning("the worker %d is gone; ending its solve", worker_pid)
    # As if the worker had stopped it: a solve waiting for its parts aborts them first.
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(jobs.STOP_GRACE_SECONDS)
    os._exit(1)


def end_child(child: multiprocessing.process.BaseProcess) -> None:
    """Stop a solve's child: SIGTERM, then SIGKILL after a grace."""
    child.terminate()
    child.join(jobs.STOP_GRACE_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()
