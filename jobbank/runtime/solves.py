"""Solving a round in a worker: queue the solve and start its worker, cancel it and stop its
worker, look at it while it runs. The API and the pages both solve through here, so they
cannot drift apart.

Each commits before it touches the worker: a starting worker must find its job, and a
cancelled job must have ended before its worker goes, so that it cannot store a result.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from jobbank import solving
from jobbank.core.access import Actor
from jobbank.db import transaction
from jobbank.db.models import SolveJob
from jobbank.rounds import Liveness
from jobbank.runtime.jobs import JobRunner
from jobbank.solving import JobView, SolveRequest


def start_solving(
    session: Session,
    actor: Actor,
    round_id: int,
    options: SolveRequest,
    runner: JobRunner,
    *,
    max_time_limit: float,
) -> SolveJob:
    """Queue a solve of the round and start its worker on the runner."""
    job = solving.start_solve(
        session, actor, round_id, options, alive=runner.is_alive, max_time_limit=max_time_limit
    )
    session.commit()
    runner.start(job.id)
    return job


def cancel_solving(session: Session, actor: Actor, round_id: int, runner: JobRunner) -> SolveJob:
    """Cancel the round's running solve and stop its worker."""
    job = solving.cancel_solve(session, actor, round_id, alive=runner.is_alive)
    session.commit()
    runner.stop(job.id)
    return job


def look_at_job(
    factory: sessionmaker[Session],
    actor: Actor,
    round_id: int,
    job_id: int | None,
    *,
    alive: Liveness,
) -> JobView:
    """One look at the round's solve job (`job_id`, or its latest), in its own short
    transaction, so a progress stream holds no connection between looks."""
    with transaction(factory) as session:
        return solving.watch_job(session, actor, round_id, job_id, alive=alive)
