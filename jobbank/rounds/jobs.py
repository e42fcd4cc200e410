"""Solve jobs seen from the round: the latest job, whether its worker is gone, and ending a solve
without a result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.db.models import AllocationRound, SolveJob, SolveStatus
from jobbank.rounds.status import lock_round, require_hr, status_without_solve

Liveness = Callable[[int], bool | None]
"""Whether a solve job's worker process still runs: True or False when this app process
started it, None when it cannot tell (then only the job's heartbeat counts)."""


HEARTBEAT_TIMEOUT = dt.timedelta(seconds=30)
"""A running job that has not written a heartbeat for this long has lost its worker."""


ACTIVE_JOB = (SolveStatus.QUEUED, SolveStatus.RUNNING)


def cannot_tell(_job_id: int) -> bool | None:
    """The liveness to use when nobody holds the worker processes: the heartbeat decides."""
    return None


def round_to_change(
    session: Session, actor: Actor, round_id: int, *, alive: Liveness = cannot_tell
) -> AllocationRound:
    """The round locked for a change by HR, with a solve whose worker died already released."""
    require_hr(actor, round_id)
    rnd = lock_round(session, round_id)
    release_abandoned(session, rnd, alive, by=actor.user_id)
    return rnd


def latest_job(session: Session, round_id: int) -> SolveJob | None:
    return session.scalar(
        select(SolveJob)
        .where(SolveJob.round_id == round_id)
        .order_by(SolveJob.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def abandoned_because(job: SolveJob, alive: bool | None, now: dt.datetime) -> str | None:
    """Why a queued or running job can no longer finish (its worker is gone), or None."""
    if job.status not in ACTIVE_JOB:
        return None
    if alive is False:
        return "the solver's process ended without a result"
    if alive and job.status is SolveStatus.QUEUED:
        return None  # waiting in a queue that still holds it, however long the wait
    last_sign = job.heartbeat_at or job.started_at or job.created_at
    silent = now - last_sign
    if silent > HEARTBEAT_TIMEOUT:
        return f"the solver stopped answering (no heartbeat for {silent.total_seconds():.0f} s)"
    return None


def release_abandoned(
    session: Session, rnd: AllocationRound, alive: Liveness, *, by: int | None
) -> SolveJob | None:
    """The round's latest job; if its worker died, the job is marked failed and the round
    goes back to the status it had. Checked whenever a round or its job is read."""
    job = latest_job(session, rnd.id)
    now = dt.datetime.now(dt.UTC)
    if job is None or abandoned_because(job, alive(job.id), now) is None:
        return job
    rnd = lock_round(session, rnd.id)
    session.refresh(job)  # the worker may have finished just before its process ended
    why = abandoned_because(job, alive(job.id), now)
    if why is not None:
        finish_solve(session, rnd, job, SolveStatus.FAILED, f"solving failed: {why}", by=by)
    return job


def finish_solve(
    session: Session,
    rnd: AllocationRound,
    job: SolveJob,
    status: SolveStatus,
    message: str,
    *,
    by: int | None,
) -> None:
    """End a solve without a result (cancelled or failed); the round goes back to what it was.
    The caller holds the round's lock."""
    before = job.status
    job.status = status
    job.message = message
    job.finished_at = dt.datetime.now(dt.UTC)
    rnd.status = status_without_solve(rnd)
    rnd.status_message = message
    audit.record(
        session,
        user_id=by,
        action=f"solve_{status.value}",
        entity="solve_job",
        entity_id=job.id,
        before={"status": before.value},
        after={"status": status.value, "message": message, "round_status": rnd.status.value},
    )
    session.flush()
