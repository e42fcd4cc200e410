"""Solving in the round's life: HR starts and cancels solves, workers run, claim and store
them, or die; each result must keep the hard rules and every pin."""

from __future__ import annotations

from typing import NamedTuple

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from jobbank import rounds, solving
from jobbank.core.errors import Conflict
from jobbank.db import transaction
from jobbank.db.models import RoundStatus, SolveStatus
from jobbank.runtime.jobs import run_job
from solver import solve
from solver.contract import RoundInput, RoundResult
from tests.jobbank.round_life import PICK, QUICK, JobModel, LifeState, RoundModel, first_those
from tests.solver.checker import violations

ACTIVE = (SolveStatus.QUEUED, SolveStatus.RUNNING)


class WorkerStep(NamedTuple):
    does: str
    pick: int


WORKER = st.sampled_from(["runs", "runs", "runs", "claims", "waits"])
"""What a new solve's worker does at once: runs the job, only claims it, or nothing yet."""


class SolveSteps(LifeState):
    """The machine's solving steps: a solve started, cancelled, run, claimed, stored or lost."""

    def _solve(self, rnd: RoundModel, worker: str) -> None:
        """HR solves a round; its worker runs at once, or claims the job and stops there (to
        store later, or never), or has not started yet."""
        if not rnd.changeable():
            self._refused(
                Conflict, lambda s: solving.start_solve(s, self.coordinator, rnd.id, QUICK)
            )
            return
        with transaction(self.factory) as session:
            job = JobModel(solving.start_solve(session, self.coordinator, rnd.id, QUICK).id, rnd.id)
        self.jobs.append(job)
        rnd.status = RoundStatus.SOLVING
        self._done(("solve", "round"))
        if worker == "runs":
            self._run(job)
        elif worker == "claims":
            self._claim(job)

    def _cancel(self, rnd: RoundModel) -> None:
        if rnd.status is not RoundStatus.SOLVING:
            self._refused(Conflict, lambda s: solving.cancel_solve(s, self.coordinator, rnd.id))
            return
        with transaction(self.factory) as session:
            solving.cancel_solve(session, self.coordinator, rnd.id)
        self._ended_early(rnd, SolveStatus.CANCELLED)

    def _ended_early(self, rnd: RoundModel, status: SolveStatus) -> None:
        (job,) = [j for j in self.jobs if j.round_id == rnd.id and j.status in ACTIVE]
        job.status = status
        rnd.back_from_solving()
        self._done((f"solve_{status.value}", "solve_job"))

    @precondition(lambda self: self.jobs)
    @rule(step=st.builds(WorkerStep, st.sampled_from(["runs", "stores", "claims", "dies"]), PICK))
    def worker(self, step: WorkerStep) -> None:
        """A worker runs a queued job from start to end, or claims it, or stores the result
        of a job it claimed: perhaps after its job was cancelled, failed or stored already.
        Or it dies, and the server learns so when it next reads the round."""
        does, pick = step
        if does == "dies":
            rnd = first_those(self.rounds, RoundModel.solving, pick)
            with transaction(self.factory) as session:
                solving.job_of_round(session, self.coordinator, rnd.id, alive=lambda _: False)
            if rnd.status is RoundStatus.SOLVING:
                self._ended_early(rnd, SolveStatus.FAILED)
            return
        claimed = [j for j in self.jobs if j.given is not None]
        if does == "stores" and claimed:
            self._store(first_those(claimed, lambda j: j.status is SolveStatus.RUNNING, pick))
            return
        job = first_those(self.jobs, lambda j: j.status is SolveStatus.QUEUED, pick)
        if does == "claims":
            self._claim(job)
        else:
            self._run(job)

    def _claim(self, job: JobModel) -> None:
        with transaction(self.factory) as session:
            claimed = solving.claim_job(session, job.id)
        if job.status is not SolveStatus.QUEUED:
            assert claimed is None
            return
        assert claimed is not None
        given, _ = claimed
        assert given == self._round_by_id(job.round_id).input_with_pins()
        job.status, job.given = SolveStatus.RUNNING, given

    def _store(self, job: JobModel) -> None:
        """The worker of a claimed job solves what it was given and stores the result."""
        assert job.given is not None
        result = solve(job.given, QUICK.solve_options())
        with transaction(self.factory) as session:
            stored = solving.store_job_result(session, job.id, result, [])
        assert stored == (job.status is SolveStatus.RUNNING)
        if stored:
            self._stored(job, job.given, result)

    def _run(self, job: JobModel) -> None:
        """`jobs.run_job`, a worker process's whole life, here in this process."""
        given = self._round_by_id(job.round_id).input_with_pins()
        run_job(self.factory, job.id)
        if job.status is not SolveStatus.QUEUED:
            return  # claimed or ended already: the worker leaves it alone (the invariant checks)
        with transaction(self.factory) as session:
            result = rounds.round_result(self._db_round(session, job.round_id))
        assert result is not None
        self._stored(job, given, result)

    def _stored(self, job: JobModel, given: RoundInput, result: RoundResult) -> None:
        """A result went in: it keeps the hard rules and every pin; the round holds it."""
        rnd = self._round_by_id(job.round_id)
        planned = {(a.staff, a.need, a.week): a.hours for a in result.assignments}
        pins = rnd.pins
        if result.status == "infeasible":
            assert result.messages and not planned
            rnd.rows = {key: (hours, True) for key, hours in pins.items()}
            rnd.status, rnd.has_plan = RoundStatus.DRAFT, False
        else:
            assert violations(given, result) == []
            assert all(planned.get(key) == hours for key, hours in pins.items())
            rnd.rows = {key: (hours, key in pins) for key, hours in planned.items()}
            rnd.status, rnd.has_plan = RoundStatus.PROPOSED, True
        rnd.solved = planned
        job.status = SolveStatus.DONE
        self._done(("store_result", "round"))
