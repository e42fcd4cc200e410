"""The round's life as a Hypothesis state machine: rounds are created, solved (the worker's
steps run in this process), cancelled, pinned, unpinned and published, and needs are edited,
closed and reopened, in any order, against the real services and a real database.

The machine keeps its own model of what each step must do, so a refused step (Conflict,
InvalidInput, NotFound) is expected or not, never merely tolerated. After every step:

- each round holds exactly the assignments and status the model expects, and its input
  snapshot is the one taken at creation;
- a published round's assignment rows are those it was published with, row for row;
- one published round per horizon: a later publish supersedes the weeks it covers, so each
  week shows the plan of exactly one round, the latest published that covers it (that is
  what the design's `previous` and the services' "replanned" weeks mean);
- a change to what a person was told is never silent: publishing writes them a message,
  "changed" when the plan for the round's weeks differs from the one they had;
- every solved or published plan keeps hard rules 1–9 (the independent checker of
  `tests/solver/checker.py`, against the round's snapshot and its pins), and a result keeps
  every pin the worker was given;
- each change has its audit entry, and a refused step writes nothing.

The invariants are here; the steps in `round_life_steps.py` and `round_life_solving.py`, the
seeded world and the model in `round_life.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from advanced_alchemy.filters import LimitOffset
from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant, run_state_machine_as_test
from sqlalchemy import select

from jobbank.assignments import list_deployments
from jobbank.db import transaction
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    Need,
    Person,
    RoundStatus,
    SolveJob,
)
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.conftest import BACKENDS
from tests.jobbank.round_life import Key, Row, copies_of, published_row
from tests.jobbank.round_life_steps import RoundSteps
from tests.solver.checker import violations

EVERY_ROW = LimitOffset(limit=10_000, offset=0)

RUNS = {
    "sqlite": settings(max_examples=30, stateful_step_count=25),
    "postgresql": settings(max_examples=10, stateful_step_count=20),
}
"""Bounded so that the file runs in about a minute; derandomized, so every run is the same."""


class RoundLife(RoundSteps):
    """The machine with the invariants it checks after every step."""

    @invariant()
    def rounds_and_jobs_are_as_the_model_expects(self) -> None:
        """Each round has the status and assignments the model expects and the snapshot it
        was created with; each job its status; a published round the very rows it was
        published with, and its publishing time."""
        with transaction(self.factory) as session:
            stored = {
                row.id: row
                for row in session.execute(
                    select(
                        AllocationRound.id,
                        AllocationRound.status,
                        AllocationRound.input_snapshot,
                        AllocationRound.published_at,
                    )
                )
            }
            rows = session.execute(
                select(Assignment, Person.employee_no, Need.ref)
                .join(Person, Person.id == Assignment.person_id)
                .join(Need, Need.id == Assignment.need_id)
            ).all()
            jobs = dict(session.execute(select(SolveJob.id, SolveJob.status)).tuples().all())
            plans: dict[int, dict[Key, Row]] = {m.id: {} for m in self.rounds}
            published: dict[int, set[tuple[Any, ...]]] = {m.id: set() for m in self.rounds}
            for row, staff, need in rows:
                week = self._round_by_id(row.round_id).index_of(row.week)
                plans[row.round_id][(staff, need, week)] = (row.hours, row.pinned)
                published[row.round_id].add(published_row(row))
        assert jobs == {job.id: job.status for job in self.jobs}
        assert stored.keys() == plans.keys()
        for model in self.rounds:
            rnd = stored[model.id]
            assert rnd.status is model.status
            assert rnd.input_snapshot == model.snapshot
            assert plans[model.id] == model.rows
            if model.published_rows is not None:
                assert rnd.published_at == model.published_at
                assert published[model.id] == model.published_rows

    @invariant()
    def plans_keep_the_hard_rules(self) -> None:
        """A proposal as solved, and a published plan, keep rules 1–9 under the round's
        snapshot and pins; pins added since the solve wait for the next solve to judge them."""
        for model in self.rounds:
            if model.status not in (RoundStatus.PROPOSED, RoundStatus.PUBLISHED):
                continue
            if not model.plan_is_solved():
                assert model.status is RoundStatus.PROPOSED
                continue
            plan = RoundResult(
                status="feasible",
                assignments=[
                    Planned(staff=s, need=n, week=w, hours=h)
                    for (s, n, w), (h, _) in model.rows.items()
                ],
            )
            assert violations(model.input_with_pins(), plan) == []

    @invariant()
    def each_week_shows_one_published_plan(self) -> None:
        """Everyone sees, for each week, the plan of the latest published round covering it."""
        expected = {
            (rnd.id, staff, need, week, hours)
            for week, rnd in self._in_effect().items()
            for (staff, need, w), (hours, _) in rnd.rows.items()
            if rnd.monday(w) == week
        }
        with transaction(self.factory) as session:
            deployments, _ = list_deployments(session, self.coordinator, EVERY_ROW)
            employee_no = dict(
                session.execute(select(Person.id, Person.employee_no)).tuples().all()
            )
            shown = {
                (d.round.id, employee_no[d.person.id], d.need.ref, week, hours)
                for d in deployments
                for week, hours in d.weeks
            }
        assert shown == expected

    @invariant()
    def every_change_is_audited(self) -> None:
        with transaction(self.factory) as session:
            entries = Counter(
                session.execute(
                    select(AuditEntry.action, AuditEntry.entity).where(
                        AuditEntry.entity.in_(["round", "solve_job", "assignment", "need"])
                    )
                ).tuples()
            )
        assert entries == self.audit


@pytest.mark.parametrize("backend", BACKENDS)
def test_any_order_of_round_steps_keeps_the_invariants(
    backend: str, life_template: Callable[[str], str], tmp_path: Path
) -> None:
    template = life_template(backend)

    copy = copies_of(backend, template, tmp_path)

    class Life(RoundLife):
        def world(self) -> tuple[str, Callable[[], None]]:
            return copy()

    run_state_machine_as_test(
        Life,
        settings=settings(
            RUNS[backend],
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
