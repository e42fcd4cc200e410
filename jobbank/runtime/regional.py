"""Rounds in parts on the queue: a round that falls into independent parts (no staff member can
serve needs in two of them, see `solver.regions`) is solved as one SAQ job per part, and the
parts' results merge into one `RoundResult` with one bound.

Parts have a queue of their own (`jobbank-solve-parts`), and every `jobbank worker` takes
them with slots of their own beside its round slots (`make_part_worker`, started by
`worker.run_worker`). A round's job waits for its parts in its round slot; a part never waits
for anything but its own solver. So however few workers run and whatever their concurrency,
every queued part has a slot it can run in, and the round waiting for it cannot hold that slot:
one worker with the default settings solves a split round part after part, two workers twice
as many parts at a time.

On the app's path (`worker.SolveWorker.solve_round`) the round's child process claims the job,
splits the input, queues the parts and waits for them (`SplitSolver`); its watcher keeps
writing the job's heartbeat meanwhile, and progress as parts end. Whatever ends the child —
a cancel or the deadline seen by its watcher, SIGTERM from its worker (an abort, a timeout,
the worker stopping), or the worker dying — first aborts the parts still queued or running.
A failed or aborted part fails the whole, naming the part.

Each part is solved in a spawned child of its worker, as a round is, so an abort ends it on
the spot. A part job carries its input and result as JSON and touches no database of ours.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import secrets
import signal
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from saq import Queue, Status, Worker
from saq.job import TERMINAL_STATUSES
from saq.queue.postgres import PostgresQueue
from saq.types import Context, PartialTimersDict

from jobbank.core.settings import Settings
from jobbank.runtime import jobs
from jobbank.runtime.queue import (
    ATTEMPTS,
    CALL_SECONDS,
    SAQ_HEARTBEAT_SECONDS,
    SWEEP_SECONDS,
    TOUCH_SECONDS,
    connect,
    end_child,
    guard_orphan,
    job_key,
    make_queue,
    open_queue,
)
from jobbank.solving import SolveRequest
from solver import Progress, independent_parts, merge_results, solve
from solver.contract import RoundInput, RoundResult

log = logging.getLogger(__name__)

PART_QUEUE_NAME = "jobbank-solve-parts"
PART_TASK = "solve_part"

MAX_PARTS = 8
"""The most parts the app splits a round into: enough to keep several workers busy, few
enough that each part's process start and model build stay small beside its search."""

PART_KEEP_SECONDS = 600
"""How long SAQ keeps an ended part: the round reads its result within a second, and its
input holds people's risk-group flags (health data), so not for long."""

POLL_SECONDS = 1.0
"""How often a round waiting for its parts looks at their status."""

PartProgress = Callable[[Progress], None]


class PartFailed(RuntimeError):
    """A part of a split round failed or was aborted; the message names the part."""


# --- the round's side: queue the parts, wait, merge -------------------------------------


async def solve_in_parts(
    queue: Queue,
    round_input: RoundInput,
    request: SolveRequest,
    *,
    parts: int,
    progress: PartProgress | None = None,
) -> RoundResult:
    """Solve the round as at most `parts` independent parts, one `solve_part` job each on
    `queue` (the part queue), and merge their results. A round that does not split is one
    job of the whole input. Raises `PartFailed` naming the part when a part fails."""
    pieces = await asyncio.to_thread(independent_parts, round_input, parts=parts)
    return await solve_parts(queue, round_input, pieces, request, progress=progress)


async def solve_parts(
    queue: Queue,
    round_input: RoundInput,
    pieces: Sequence[RoundInput],
    request: SolveRequest,
    *,
    progress: PartProgress | None = None,
    run: PartJobs | None = None,
) -> RoundResult:
    """Queue the round's parts (`pieces`, from `independent_parts`), wait for all, merge.
    Should the wait end any other way (a failed part, a cancel), the parts still queued or
    running are aborted first."""
    run = run or PartJobs(queue, len(pieces))
    try:
        await run.enqueue(pieces, request)
        results = await run.results(progress)
    except BaseException as exc:
        why = str(exc) if isinstance(exc, PartFailed) else "the round's solve ended"
        await asyncio.shield(run.abort(why))
        raise
    if len(results) == 1:
        return results[0]
    return await asyncio.to_thread(merge_results, round_input, results)


class PartJobs:
    """The part jobs of one split solve: queued together, awaited together, aborted together.
    Keys are new for every solve, so a retried round never meets its earlier attempt's parts."""

    def __init__(self, queue: Queue, count: int, *, prefix: str = "parts") -> None:
        token = secrets.token_hex(4)
        self.queue = queue
        self.keys = [f"{prefix}-{token}-part-{i}-of-{count}" for i in range(1, count + 1)]

    def name(self, position: int) -> str:
        return f"part {position + 1} of {len(self.keys)} ({self.keys[position]})"

    async def enqueue(self, pieces: Sequence[RoundInput], request: SolveRequest) -> None:
        if len(pieces) != len(self.keys):
            raise ValueError(f"parts: expected {len(self.keys)}, got {len(pieces)}")
        options = request.model_dump(mode="json")
        for key, piece in zip(self.keys, pieces, strict=True):
            await self.queue.enqueue(
                PART_TASK,
                key=key,
                # As a round's watcher stops it: the solver's own safety stop plus a grace.
                timeout=math.ceil(request.wall_seconds()),
                heartbeat=SAQ_HEARTBEAT_SECONDS,
                retries=ATTEMPTS,
                ttl=PART_KEEP_SECONDS,
                round_input=piece.model_dump(mode="json"),
                request=options,
            )
        log.info("queued %d parts: %s", len(self.keys), ", ".join(self.keys))

    async def results(self, progress: PartProgress | None = None) -> list[RoundResult]:
        """Every part's result in part order, once all are complete; `progress` hears the
        coverage and bound of the parts complete so far."""
        begun = time.monotonic()
        done: dict[int, RoundResult] = {}
        while len(done) < len(self.keys):
            waiting = [i for i in range(len(self.keys)) if i not in done]
            statuses = await part_statuses(self.queue, [self.keys[i] for i in waiting])
            ended = [i for i, status in zip(waiting, statuses, strict=True) if status is not None]
            for i, status in zip(waiting, statuses, strict=True):
                if status is not None and status is not Status.COMPLETE:
                    raise PartFailed(await self._failure(i, status))
            for i in ended:
                done[i] = await self._result(i)
            if ended and progress is not None:
                progress(_progress_of(done.values(), time.monotonic() - begun))
            if len(done) < len(self.keys):
                await asyncio.sleep(POLL_SECONDS)
        return [done[i] for i in range(len(self.keys))]

    async def abort(self, why: str) -> None:
        """Abort every part still queued or running; those ended stay as they are."""
        for key in self.keys:
            job = await self.queue.job(key)
            if job is not None and job.status not in TERMINAL_STATUSES:
                await self.queue.abort(job, f"the round's solve ended: {why}")
        log.info("aborted the parts still open of %s", ", ".join(self.keys))

    async def _result(self, position: int) -> RoundResult:
        job = await self.queue.job(self.keys[position])
        if job is None or not isinstance(job.result, dict):
            raise PartFailed(f"{self.name(position)}: complete, but its result is gone")
        return RoundResult.model_validate(job.result)

    async def _failure(self, position: int, status: Status) -> str:
        job = await self.queue.job(self.keys[position])
        error = (job.error or "").strip() if job is not None else "the queue no longer holds it"
        last_line = error.splitlines()[-1] if error else "no reason given"
        return f"{self.name(position)} {status.value}: {last_line}"


async def part_statuses(queue: Queue, keys: list[str]) -> list[Status | None]:
    """Per key, its ended status, or None while it is queued or running. Reads only the
    status on PostgreSQL: a part's job holds its whole input and result."""
    if isinstance(queue, PostgresQueue):
        statuses = [await queue.get_job_status(key) for key in keys]
    else:
        statuses = [job.status if job else None for job in await queue.jobs(keys)]
    return [status if status in TERMINAL_STATUSES else None for status in statuses]


def _progress_of(results: Any, elapsed: float) -> Progress:
    """The parts complete so far: their weighted coverage against their bound."""
    metrics = [r.metrics for r in results]
    return Progress(
        objective=sum(m.weighted_coverage for m in metrics),
        bound=sum(m.upper_bound for m in metrics),
        elapsed=elapsed,
    )


class SplitSolver:
    """`jobs.run_job`'s solver in a queue worker's child: a round that falls into parts is
    solved by parts on the part queue at `queue_url`; any other round here, as before."""

    def __init__(self, queue_url: str, *, parts: int = MAX_PARTS) -> None:
        self.queue_url = queue_url
        self.parts = parts

    def __call__(
        self, round_input: RoundInput, request: SolveRequest, watcher: jobs.Watcher
    ) -> RoundResult:
        pieces = independent_parts(round_input, parts=self.parts)
        if len(pieces) == 1:
            return jobs.solve_here(round_input, request, watcher)
        # The worst case: one worker with one part slot solves every part in turn.
        watcher.deadline = request.wall_seconds() * len(pieces)
        log.info("solve job %d: %d independent parts", watcher.job_id, len(pieces))
        return asyncio.run(self._solve(round_input, pieces, request, watcher))

    async def _solve(
        self,
        round_input: RoundInput,
        pieces: list[RoundInput],
        request: SolveRequest,
        watcher: jobs.Watcher,
    ) -> RoundResult:
        queue = open_queue(self.queue_url, name=PART_QUEUE_NAME, connections=2)
        await connect(queue)
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        # The worker stops its child with SIGTERM: abort the parts before going.
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        run = PartJobs(queue, len(pieces), prefix=job_key(watcher.job_id))
        watcher.on_end = lambda: _abort_from(loop, run, "the round's job ended")
        try:
            return await solve_parts(
                queue, round_input, pieces, request, progress=watcher.report, run=run
            )
        finally:
            watcher.on_end = None
            loop.remove_signal_handler(signal.SIGTERM)
            await queue.disconnect()


def _abort_from(loop: asyncio.AbstractEventLoop, run: PartJobs, why: str) -> None:
    """Abort the parts from another thread (the watcher's, before the process exits)."""
    asyncio.run_coroutine_threadsafe(run.abort(why), loop).result(CALL_SECONDS)


# --- the worker's side: solve one part ---------------------------------------------------


class PartSolver:
    """A worker's `solve_part` task: one part in a spawned child process."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")

    async def solve_part(
        self, ctx: Context, *, round_input: dict[str, Any], request: dict[str, Any]
    ) -> dict[str, Any]:
        """SAQ task: solve one part's `RoundInput` (JSON) with the round's `SolveRequest`
        options; the part's `RoundResult` as JSON."""
        saq_job = ctx["job"]
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=solve_part_in_child,
            args=(round_input, request, os.getpid(), sender),
            name=f"jobbank-{saq_job.key}",
            daemon=True,
        )
        child.start()
        sender.close()  # the child's end: once it exits, a read here sees the end of the pipe
        log.info("%s: child process %s started", saq_job.key, child.pid)
        try:
            answer = await _answer_of(child, receiver, saq_job)
        except asyncio.CancelledError:  # aborted, timed out, or the worker stops
            end_child(child)
            log.info("%s: child process %s ended by the queue", saq_job.key, child.pid)
            raise
        finally:
            receiver.close()
        await asyncio.to_thread(child.join)
        log.info(
            "%s: child process %s ended (exit code %s)", saq_job.key, child.pid, child.exitcode
        )
        if answer is None:
            raise RuntimeError(
                f"the part's solver ended without a result (exit code {child.exitcode})"
            )
        kind, content = answer
        if kind == "error":
            raise RuntimeError(content)
        result: dict[str, Any] = RoundResult.model_validate_json(content).model_dump(mode="json")
        return result


async def _answer_of(
    child: multiprocessing.process.BaseProcess, receiver: Connection, saq_job: Any
) -> tuple[str, str] | None:
    """What the child sent, touching the SAQ job while it solves; None if it sent nothing."""
    while not await asyncio.to_thread(receiver.poll, TOUCH_SECONDS):
        await saq_job.update()  # SAQ's heartbeat: this worker still has it
        if not child.is_alive() and not receiver.poll():
            return None
    try:
        answer: tuple[str, str] = await asyncio.to_thread(receiver.recv)
    except EOFError:
        return None
    return answer


def solve_part_in_child(
    round_input: dict[str, Any], request: dict[str, Any], worker_pid: int, sender: Connection
) -> None:
    """A part's child process: solve it and send ("result", RoundResult JSON), or ("error",
    words) when the input or options are wrong; ended at once should its worker die."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    guard_orphan(worker_pid)
    os.nice(jobs.SOLVER_NICENESS)
    try:
        part = RoundInput.model_validate(round_input)
        options = SolveRequest.model_validate(request).solve_options()
    except ValueError as exc:
        sender.send(("error", f"the part's input is invalid: {exc}"))
        return
    sender.send(("result", solve(part, options).model_dump_json()))


def make_part_worker(settings: Settings, *, concurrency: int = 1) -> Worker[Any]:
    """A SAQ worker solving up to `concurrency` parts at once, on slots apart from the rounds'
    (so a round waiting for its parts never holds the slot a part needs). It leaves SIGINT
    and SIGTERM to the round worker beside it, which stops it."""
    solver = PartSolver()
    worker: Worker[Any] = Worker(
        make_queue(settings, connections=concurrency + 2, name=PART_QUEUE_NAME),
        functions=[(PART_TASK, solver.solve_part)],
        concurrency=concurrency,
        timers=PartialTimersDict(schedule=1, worker_info=10, sweep=SWEEP_SECONDS, abort=1),
    )
    worker.SIGNALS = []
    return worker
