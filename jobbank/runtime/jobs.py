"""The solve-job runner: each solve runs in its own OS process, so the server stays responsive
while CP-SAT keeps the CPUs busy.

The app holds a `JobRunner` and calls `start(job_id)` once the queued job is committed. The
`ProcessJobRunner` spawns a fresh interpreter per job (spawn, not fork: a fork would copy the
server's threads and open database connections); the worker opens its own engine on the
database URL, and everything it knows about its job it reads from and writes to the job's
row. That keeps the interface small enough for a queue (SAQ) to take over later.

In the worker a watcher thread writes progress and a heartbeat to the job's row and reads
whether the job was cancelled: if so the process exits on the spot, storing nothing. Past the
job's deadline (`SolveRequest.wall_seconds`) the watcher marks the job failed and exits the
same way; should the whole worker hang (the watcher with it), the runner kills the process a
little later and marks the job failed itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobbank import solving
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import SolveStatus
from jobbank.solving import SolveRequest
from solver import Progress, solve
from solver.contract import RoundInput, RoundResult

log = logging.getLogger(__name__)

TICK_SECONDS = 0.5
"""How often the watcher writes new progress and looks for a cancel: at most 2 writes/s."""

HEARTBEAT_SECONDS = 2.0
"""The longest the watcher stays silent; the server gives a job up after 30 s of silence."""

STOP_GRACE_SECONDS = 2.0
"""How long `stop` waits for a terminated worker before killing it."""

KEEP_ENDED = 100
"""Ended processes the runner remembers, so it can still tell that a job's worker died."""

REAP_GRACE_SECONDS = 5.0
"""How long past a job's deadline the runner waits for the worker to stop itself before it
kills it."""

DEADLINE_CHECK_SECONDS = 1.0
"""How often the runner looks whether a worker is past its job's deadline."""


class JobRunner(Protocol):
    """Runs solve jobs somewhere other than the request that queued them."""

    def start(self, job_id: int) -> None:
        """Start working on a queued, committed job."""

    def stop(self, job_id: int) -> None:
        """Stop the job's worker at once if this runner can (its job is already ended)."""

    def is_alive(self, job_id: int) -> bool | None:
        """Whether the job's worker still runs; None when this runner cannot tell."""

    def close(self) -> None:
        """Stop every worker this runner started (the app is shutting down)."""


class ProcessJobRunner:
    """One spawned process per job, on the database at `database_url`."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._context = multiprocessing.get_context("spawn")
        self._processes: dict[int, SpawnProcess] = {}
        self._lock = threading.Lock()
        self._engine: Engine | None = None

    def start(self, job_id: int) -> None:
        process = self._context.Process(
            target=work,
            args=(self.database_url, job_id),
            name=f"jobbank-solve-{job_id}",
            daemon=True,  # ends with the server rather than outliving it unseen
        )
        process.start()
        with self._lock:
            self._processes[job_id] = process
            self._forget_ended()
        log.info("solve job %d: worker process %s started", job_id, process.pid)
        threading.Thread(
            target=self._enforce_deadline,
            args=(job_id, process),
            name=f"jobbank-solve-{job_id}-deadline",
            daemon=True,
        ).start()

    def stop(self, job_id: int) -> None:
        with self._lock:
            process = self._processes.get(job_id)
            if process is None or not process.is_alive():
                return
        process.terminate()
        process.join(STOP_GRACE_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
        log.info("solve job %d: worker process %s stopped", job_id, process.pid)

    def is_alive(self, job_id: int) -> bool | None:
        with self._lock:  # not while `_forget_ended` closes it
            process = self._processes.get(job_id)
            return None if process is None else process.is_alive()

    def pid(self, job_id: int) -> int | None:
        """The worker's process id, while this runner remembers the job."""
        with self._lock:
            process = self._processes.get(job_id)
            return None if process is None else process.pid

    def close(self) -> None:
        for job_id in list(self._processes):
            self.stop(job_id)
        if self._engine is not None:
            self._engine.dispose()

    def _enforce_deadline(self, job_id: int, process: SpawnProcess) -> None:
        """Kill a worker still running well past its job's deadline (hung so badly that its
        watcher could not stop it) and mark the job failed. Looks once a second."""
        try:
            factory = self._session_factory()
            while True:
                process.join(DEADLINE_CHECK_SECONDS)
                if process.exitcode is not None:
                    return
                with transaction(factory) as session:
                    due = solving.deadline_at(session, job_id)
                grace = dt.timedelta(seconds=REAP_GRACE_SECONDS)
                if due is not None and dt.datetime.now(dt.UTC) > due[0] + grace:
                    break
            process.kill()
            process.join()
            log.warning("solve job %d: worker %s killed past its deadline", job_id, process.pid)
            with transaction(factory) as session:
                solving.end_job(
                    session, job_id, SolveStatus.FAILED, solving.timed_out(due[1], hung=True)
                )
        except ValueError:  # the process was closed by `_forget_ended`: it had ended
            return
        except Exception:
            log.exception("solve job %d: the deadline could not be enforced", job_id)

    def _session_factory(self) -> sessionmaker[Session]:
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.database_url)
            return make_session_factory(self._engine)

    def _forget_ended(self) -> None:
        ended = [job_id for job_id, p in self._processes.items() if p.exitcode is not None]
        for job_id in ended[: max(0, len(ended) - KEEP_ENDED)]:
            self._processes.pop(job_id).close()


# --- the worker process --------------------------------------------------------------------


SOLVER_NICENESS = 10
"""How much lower than the app's the solver's scheduling priority is (Unix `nice`)."""


RoundSolver = Callable[[RoundInput, SolveRequest, "Watcher"], RoundResult]
"""How a claimed round is solved, beside its watcher (which it may tell of a longer deadline
or of what to undo before the process exits)."""


def solve_here(round_input: RoundInput, request: SolveRequest, watcher: Watcher) -> RoundResult:
    """The whole round in this process."""
    return solve(round_input, request.solve_options(progress=watcher.report))


def work(database_url: str, job_id: int, solver: RoundSolver = solve_here) -> None:
    """A worker process's life: its own engine on the database, one job, then exit."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    # The solver takes every CPU it is given; at a lower priority it still has all that is
    # idle, while the requests of people using the app meanwhile go first.
    os.nice(SOLVER_NICENESS)
    engine = make_engine(database_url)
    try:
        run_job(make_session_factory(engine), job_id, solver)
    finally:
        engine.dispose()


def run_job(factory: sessionmaker[Session], job_id: int, solver: RoundSolver = solve_here) -> None:
    """Claim a queued job, solve it with progress and heartbeats, store the result.

    Any error ends the job as failed with the error's words and releases the round.
    """
    try:
        with transaction(factory) as session:
            claimed = solving.claim_job(session, job_id)
        if claimed is None:
            log.info("solve job %d: not queued any more; nothing to do", job_id)
            return
        round_input, request = claimed
        watcher = Watcher(factory, job_id, deadline=request.wall_seconds())
        watcher.start()
        try:
            result = solver(round_input, request, watcher)
        finally:
            watcher.stop()
        with transaction(factory) as session:
            stored = solving.store_job_result(session, job_id, result, watcher.entries())
        log.info("solve job %d: %s", job_id, "stored" if stored else "ended meanwhile; dropped")
    except Exception as exc:
        log.exception("solve job %d failed", job_id)
        with transaction(factory) as session:
            solving.end_job(session, job_id, SolveStatus.FAILED, f"solving failed: {exc}")
        raise


class Watcher(threading.Thread):
    """Beside the solver: writes its progress and a heartbeat to the job, and ends the process
    as soon as the job is cancelled or past its deadline (CP-SAT cannot be interrupted from
    Python in time)."""

    def __init__(
        self, factory: sessionmaker[Session], job_id: int, *, deadline: float | None = None
    ) -> None:
        super().__init__(name=f"solve-job-{job_id}-watcher", daemon=True)
        self.factory = factory
        self.job_id = job_id
        self.deadline = deadline
        self._begun = time.monotonic()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._latest: Progress | None = None
        self._last_write = time.monotonic()
        self.on_end: Callable[[], None] | None = None
        """Called before the process exits on a cancel or past the deadline: work the solve
        started elsewhere (its parts on the queue) must not outlive it."""

    def report(self, progress: Progress) -> None:
        """The solver's progress hook; called from its threads, so it only takes note."""
        with self._lock:
            self._latest = progress

    def entries(self) -> list[dict[str, Any]]:
        """Every progress entry so far, the latest included."""
        with self._lock:
            self._take_latest()
            return list(self._entries)

    def stop(self) -> None:
        self._stopped.set()
        self.join()

    def run(self) -> None:
        while not self._stopped.wait(TICK_SECONDS):
            try:
                go_on = self._tick()
            except Exception:  # a database hiccup must not silence the heartbeat for good
                log.exception("solve job %d: progress could not be written", self.job_id)
                continue
            if not go_on:
                log.info("solve job %d: ended; exiting without a result", self.job_id)
                self._end_elsewhere()
                os._exit(0)

    def _end_elsewhere(self) -> None:
        if self.on_end is None:
            return
        try:
            self.on_end()
        except Exception:  # the process exits all the same
            log.exception("solve job %d: its work elsewhere could not be ended", self.job_id)

    def _tick(self) -> bool:
        """Write what is due; False when the job is cancelled or past its deadline (then it
        is ended, too)."""
        if self.deadline is not None and time.monotonic() - self._begun > self.deadline:
            with transaction(self.factory) as session:
                solving.end_job(
                    session, self.job_id, SolveStatus.FAILED, solving.timed_out(self.deadline)
                )
            return False
        with self._lock:
            fresh = self._take_latest()
            entries = list(self._entries)
        due = fresh or time.monotonic() - self._last_write >= HEARTBEAT_SECONDS
        with transaction(self.factory) as session:
            go_on = solving.beat(
                session, self.job_id, progress=entries if fresh else None, heartbeat=due
            )
        if due:
            self._last_write = time.monotonic()
        if not go_on:
            with transaction(self.factory) as session:
                solving.end_job(
                    session, self.job_id, SolveStatus.CANCELLED, "solving was cancelled"
                )
        return go_on

    def _take_latest(self) -> bool:
        """Move the newest progress into the entries: one per tick however often CP-SAT
        improves, so the job's row stays small. The caller holds the lock."""
        if self._latest is None:
            return False
        latest, self._latest = self._latest, None
        self._entries.append(
            {"objective": latest.objective, "bound": latest.bound, "elapsed": latest.elapsed}
        )
        return True
