"""Solving a round: the solve jobs that run the solver away from the server, and words for
a result (`summarize`, what `jobbank solve` prints).

A solve is a `SolveJob` row. The server queues it and marks the round `solving`; a worker
(see `jobbank.runtime.jobs`) claims it, writes progress and heartbeats to it, and stores the result
in one transaction. Cancelling, or a worker that dies, ends the job without a result and puts
the round back as it was. Each step locks the round's row first, so the server and the
worker never both finish the same job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.db.models import RoundStatus, SolveJob, SolveStatus
from jobbank.rounds.jobs import (
    ACTIVE_JOB,
    Liveness,
    cannot_tell,
    finish_solve,
    latest_job,
    release_abandoned,
    round_to_change,
)
from jobbank.rounds.results import store_result
from jobbank.rounds.snapshot import round_input
from jobbank.rounds.status import CHANGEABLE, ENTITY, lock_round, refuse, round_for
from solver import (
    DEFAULT_STALL_SECONDS,
    DEFAULT_TIME_LIMIT,
    MAX_STALL_SECONDS,
    MIN_STALL_SECONDS,
    Progress,
    SolveOptions,
    hard_stop_seconds,
)
from solver.contract import RoundInput, RoundResult, StopReason

MAX_TIME_LIMIT = 600.0

HANG_GRACE_SECONDS = 60.0
"""Wall seconds a solve may take beyond the solver's own safety stop, to build its model and
store its result; past them the worker counts as hung and is stopped."""

MAX_DEADLINE = hard_stop_seconds(MAX_TIME_LIMIT) + HANG_GRACE_SECONDS

LISTED_UNFILLED = 10
"""How many unfilled need-weeks the summary lists before saying how many more there are."""


STOP_REASON_WORDS: dict[StopReason, str] = {
    "bound_reached": "the plan covers the bound and the other goals are proven best",
    "proven_optimal": "proven the best plan possible",
    "stalled": "no better plan found for the no-improvement window",
    "time_limit": "out of time before the plan was proven best",
}


def summarize(round_input: RoundInput, result: RoundResult) -> str:
    """A few lines for a coordinator: coverage against the bound, hours, status, what stays
    unfilled and why, and how long it took."""
    m = result.metrics
    lines = [f"status: {result.status}"]
    if result.status == "infeasible":
        lines += [f"  {message}" for message in result.messages]
        return "\n".join(lines)
    lines += [
        f"weighted coverage: {m.weighted_coverage:g} of at most {m.upper_bound:g} "
        f"({m.share_of_bound:.1%} of the bound)",
        f"hours: {m.covered_hours:g} covered of {m.wanted_hours:g} wanted "
        f"({_share(m.covered_hours, m.wanted_hours)})",
        f"assignments: {len(result.assignments)}; introductions: {m.introductions}; "
        f"changed vs previous: {m.changed_vs_previous}; "
        f"highest utilisation: {m.max_utilisation:.0%}",
    ]
    if result.unfilled:
        open_hours = sum(u.hours for u in result.unfilled)
        lines.append(f"unfilled: {len(result.unfilled)} need-weeks, {open_hours:g} h")
        priority = {n.id: n.priority for n in round_input.needs}
        ranked = sorted(result.unfilled, key=lambda u: (-priority[u.need], -u.hours, u.week))
        for unfilled in ranked[:LISTED_UNFILLED]:
            week = round_input.week_start(unfilled.week).isoformat()
            lines.append(
                f"  {unfilled.need} (priority {priority[unfilled.need]}), week of {week}: "
                f"{unfilled.hours:g} h open"
            )
            lines += [f"    {r.code.value}: {r.message}" for r in unfilled.reasons]
        if len(ranked) > LISTED_UNFILLED:
            lines.append(f"  … and {len(ranked) - LISTED_UNFILLED} more unfilled need-weeks")
    else:
        lines.append("unfilled: none")
    stopped = STOP_REASON_WORDS.get(m.stop_reason) if m.stop_reason else None
    lines.append(f"time: {m.solve_seconds:.1f} s" + (f"; stopped: {stopped}" if stopped else ""))
    return "\n".join(lines)


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.1%}" if whole else "nothing wanted"


# --- solve jobs, as the server sees them ---------------------------------------------------


class SolveRequest(BaseModel):
    """How one solve runs; kept with its job."""

    model_config = ConfigDict(extra="forbid")

    time_limit: float = Field(
        DEFAULT_TIME_LIMIT,
        ge=1,
        le=MAX_TIME_LIMIT,
        description="Seconds the solver may search (1–600); it stops earlier once proven optimal.",
    )
    workers: int | None = Field(
        None, ge=1, le=64, description="CP-SAT search threads; one per CPU when left out."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="The same seed repeats a one-worker run.")
    stall_seconds: float = Field(
        DEFAULT_STALL_SECONDS,
        ge=MIN_STALL_SECONDS,
        le=MAX_STALL_SECONDS,
        description="Seconds without a better plan after which a stage of the search stops "
        f"({MIN_STALL_SECONDS:g}–{MAX_STALL_SECONDS:g}); the result's `stop_reason` says why "
        "the solve stopped.",
    )
    deadline: float | None = Field(
        None,
        ge=1,
        le=MAX_DEADLINE,
        description="Wall-clock seconds after which the solve is stopped and marked failed, "
        "however far it got; by default the time limit × 3 + 70 s (the solver's own safety "
        "stop plus time to build the model and store the result).",
    )

    def wall_seconds(self) -> float:
        """The deadline: past it the worker is stopped and the job marked failed."""
        if self.deadline is not None:
            return self.deadline
        return hard_stop_seconds(self.time_limit) + HANG_GRACE_SECONDS

    def solve_options(self, progress: Callable[[Progress], None] | None = None) -> SolveOptions:
        return SolveOptions(
            time_limit=self.time_limit,
            workers=self.workers,
            seed=self.seed,
            progress=progress,
            stall_seconds=self.stall_seconds,
        )


def start_solve(
    session: Session,
    actor: Actor,
    round_id: int,
    request: SolveRequest,
    *,
    alive: Liveness = cannot_tell,
    max_time_limit: float = MAX_TIME_LIMIT,
) -> SolveJob:
    """Queue a solve of the round and mark the round `solving`; pins stay as they are.
    The caller starts a worker once this is committed."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    if request.time_limit > max_time_limit:
        raise InvalidInput(
            "time_limit",
            f"{request.time_limit:g} s is more than the limit of {max_time_limit:g} s "
            "(JOBBANK_SOLVE_MAX_SECONDS)",
            code="time_limit_too_long",
            params={"most": max_time_limit},
        )
    if rnd.status is RoundStatus.SOLVING:
        running = latest_job(session, rnd.id)
        refuse(rnd, f"job {running.id if running else '?'} runs; wait for it or cancel it")
    if rnd.status not in CHANGEABLE:
        refuse(rnd, "a published round is not solved again; create a new round instead")
    if rnd.input_snapshot is None:
        refuse(rnd, "it has no input snapshot to solve")
    before = rnd.status
    job = SolveJob(
        round_id=rnd.id,
        status=SolveStatus.QUEUED,
        options=request.model_dump(mode="json"),
        progress=[],
        message="",
        cancel_requested=False,
        requested_by_id=actor.user_id,
    )
    session.add(job)
    rnd.status = RoundStatus.SOLVING
    rnd.status_message = ""
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="solve",
        entity=ENTITY,
        entity_id=rnd.id,
        before={"status": before.value},
        after={"status": rnd.status.value, "job": job.id, **job.options},
    )
    return job


def cancel_solve(
    session: Session, actor: Actor, round_id: int, *, alive: Liveness = cannot_tell
) -> SolveJob:
    """Cancel the round's running solve: the job ends as cancelled, the round goes back to the
    status it had, and the worker, seeing it, exits without storing anything."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    job = latest_job(session, rnd.id)
    if rnd.status is not RoundStatus.SOLVING or job is None or job.status not in ACTIVE_JOB:
        refuse(rnd, "there is no solve to cancel")
    job.cancel_requested = True
    message = f"solving was cancelled by {actor.username}"
    finish_solve(session, rnd, job, SolveStatus.CANCELLED, message, by=actor.user_id)
    return job


def job_of_round(
    session: Session, actor: Actor, round_id: int, *, alive: Liveness = cannot_tell
) -> SolveJob | None:
    """The round's latest solve job, a dead worker's job already marked failed."""
    rnd = round_for(session, actor, round_id)
    return release_abandoned(session, rnd, alive, by=actor.user_id)


class JobView(NamedTuple):
    """A solve job as its progress stream shows it."""

    id: int
    status: SolveStatus
    progress: list[dict[str, Any]]
    message: str
    round_status: RoundStatus


def watch_job(
    session: Session,
    actor: Actor,
    round_id: int,
    job_id: int | None = None,
    *,
    alive: Liveness = cannot_tell,
) -> JobView:
    """A job of the round (the latest when `job_id` is None) as it stands now."""
    rnd = round_for(session, actor, round_id)
    latest = release_abandoned(session, rnd, alive, by=actor.user_id)
    job = latest
    if job_id is not None and (latest is None or latest.id != job_id):
        job = session.get(SolveJob, job_id, populate_existing=True)
    if job is None or job.round_id != rnd.id:
        raise NotFound(f"round {round_id}: has not been solved yet")
    return JobView(job.id, job.status, list(job.progress), job.message, rnd.status)


# --- solve jobs, as the worker sees them ---------------------------------------------------


def claim_job(session: Session, job_id: int) -> tuple[RoundInput, SolveRequest] | None:
    """Mark a queued job running and return what to solve; None when it is no longer queued
    (cancelled before a worker got to it)."""
    job = session.get(SolveJob, job_id)
    if job is None:
        return None
    rnd = lock_round(session, job.round_id)
    session.refresh(job)
    if job.status is not SolveStatus.QUEUED or job.cancel_requested:
        return None
    now = dt.datetime.now(dt.UTC)
    job.status, job.started_at, job.heartbeat_at = SolveStatus.RUNNING, now, now
    return round_input(session, rnd), SolveRequest.model_validate(job.options)


def beat(
    session: Session,
    job_id: int,
    *,
    progress: list[dict[str, Any]] | None = None,
    heartbeat: bool = True,
) -> bool:
    """Write a heartbeat and the progress so far, as asked; then say whether the worker goes
    on: False once the job is no longer running or someone asked to cancel it."""
    values: dict[str, Any] = {}
    if heartbeat:
        values["heartbeat_at"] = dt.datetime.now(dt.UTC)
    if progress is not None:
        values["progress"] = progress
    if values:
        session.execute(
            update(SolveJob)
            .where(SolveJob.id == job_id, SolveJob.status == SolveStatus.RUNNING)
            .values(**values)
        )
    status, cancel = session.execute(
        select(SolveJob.status, SolveJob.cancel_requested).where(SolveJob.id == job_id)
    ).one()
    return status is SolveStatus.RUNNING and not cancel


def deadline_at(session: Session, job_id: int) -> tuple[dt.datetime, float] | None:
    """When a started job's deadline passes, and its length in seconds (see
    `SolveRequest.wall_seconds`); None while it waits for a worker."""
    job = session.get(SolveJob, job_id)
    if job is None or job.started_at is None:
        return None
    seconds = SolveRequest.model_validate(job.options).wall_seconds()
    return job.started_at + dt.timedelta(seconds=seconds), seconds


def end_job(session: Session, job_id: int, status: SolveStatus, message: str) -> None:
    """End a job that is still queued or running without a result (a cancel only asked for by
    its flag, or an error in the worker); a job already ended stays as it is."""
    job = session.get(SolveJob, job_id)
    if job is None:
        return
    rnd = lock_round(session, job.round_id)
    session.refresh(job)
    if job.status in ACTIVE_JOB:
        finish_solve(session, rnd, job, status, message, by=None)


def store_job_result(
    session: Session, job_id: int, result: RoundResult, progress: list[dict[str, Any]]
) -> bool:
    """Store a finished solve's result in the round and mark the job done, in the caller's
    transaction. False, storing nothing, when the job was cancelled or failed meanwhile."""
    job = session.get(SolveJob, job_id)
    if job is None:
        return False
    rnd = lock_round(session, job.round_id)
    session.refresh(job)
    if job.status is not SolveStatus.RUNNING or job.cancel_requested:
        return False
    store_result(session, rnd, result, by=job.requested_by_id)
    now = dt.datetime.now(dt.UTC)
    job.status = SolveStatus.DONE
    job.progress = progress
    job.message = result_line(result)
    job.heartbeat_at = job.finished_at = now
    session.flush()
    return True


def timed_out(deadline: float, *, hung: bool = False) -> str:
    """The job's message for a solve stopped at its deadline (`hung`: by killing its worker,
    which no longer answered)."""
    how = "the worker hung and was killed" if hung else "stopped"
    return f"solving failed: timed out: no result {deadline:g} s after the start; {how}"


def result_line(result: RoundResult) -> str:
    """One line on a result, for the job's message."""
    if result.status == "infeasible":
        return "infeasible: " + ("; ".join(result.messages) or "the round cannot be planned")
    m = result.metrics
    return (
        f"{result.status}: {len(result.assignments)} assignments, "
        f"{m.weighted_coverage:g} of at most {m.upper_bound:g} ({m.share_of_bound:.0%})"
    )
