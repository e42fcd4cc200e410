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
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pytest
from advanced_alchemy.filters import LimitOffset
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from jobbank import db, needs, rounds, solving
from jobbank.assignments import list_deployments
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.db import transaction
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    MessageKind,
    Need,
    OutboxMessage,
    Person,
    RoundStatus,
    SolveJob,
    SolveStatus,
)
from jobbank.notifications import week_label
from jobbank.runtime.jobs import run_job
from jobbank.seeding import Municipality, NeedSeed, PersonSeed, load_municipality
from solver import solve
from solver.contract import Assignment as Planned
from solver.contract import RoundInput, RoundResult, parse_round_input
from tests import lookups
from tests.builders import a_municipality, a_volunteer
from tests.conftest import BACKENDS, admin_execute, postgres_server_url
from tests.solver.checker import violations

WEEK0 = dt.date(2026, 3, 2)
"""The seeded world's week 0, fixed so that every run plans the same weeks."""

QUICK = solving.SolveRequest(time_limit=1, workers=1, seed=0)
EVERY_ROW = LimitOffset(limit=10_000, offset=0)
MAX_ROUNDS = 4
ACTIVE = (SolveStatus.QUEUED, SolveStatus.RUNNING)

RUNS = {
    "sqlite": settings(max_examples=30, stateful_step_count=25),
    "postgresql": settings(max_examples=10, stateful_step_count=20),
}
"""Bounded so that the file runs in about a minute; derandomized, so every run is the same."""

Key = tuple[str, str, int]
"""(employee number, need reference, week index): one assignment as the contract names it."""

Row = tuple[float, bool]
"""An assignment's hours and whether it is pinned."""


def life_world() -> Municipality:
    """The test municipality with two more volunteers and two more needs, so that plans have
    choices to make and pins can break most hard rules."""
    base = a_municipality()
    people = [
        PersonSeed(
            employee_no="e5",
            name="Erik Hjælper",
            email="erik@x.example",
            home_unit="borgerservice",
            volunteer=a_volunteer(
                skills=["cleaning", "nurse"], normal_hours=30, home_load=10, shifts=["day"]
            ),
        ),
        PersonSeed(
            employee_no="e6",
            name="Frida Hjælper",
            email="",
            home_unit="solgaarden",
            volunteer=a_volunteer(skills=["cleaning"], home_load=[20, 30, 37, 20, 20, 20]),
        ),
    ]
    extra_needs = [
        NeedSeed(ref="n3", unit="solgaarden", skill="cleaning", hours=12, weeks=6, priority=3),
        NeedSeed(
            ref="n4",
            unit="hjemmeplejen",
            skill="nurse",
            hours=20,
            first_week=2,
            weeks=4,
            priority=4,
            min_block=8,
        ),
    ]
    return base.model_copy(
        update={"people": [*base.people, *people], "needs": [*base.needs, *extra_needs]}
    )


# --- databases: one seeded template per backend, a private copy per example ---------------


@pytest.fixture(scope="module")
def life_template(fresh_database_url: Any) -> Callable[[str], str]:
    built: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in built:
            url: str = fresh_database_url(backend)
            db.upgrade(url)
            engine = db.make_engine(url)
            with Session(engine) as session, session.begin():
                load_municipality(session, life_world(), today=WEEK0)
            engine.dispose()
            built[backend] = url
        return built[backend]

    return get


Factory = sessionmaker[Session]
Copy = Callable[[], tuple[str, Callable[[], None]]]
"""Makes a private copy of the seeded world: its URL, and how to throw it away."""


def copies_of(backend: str, template: str, folder: Path) -> Copy:
    def copy() -> tuple[str, Callable[[], None]]:
        name = f"life_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            path = folder / f"{name}.db"
            shutil.copyfile(make_url(template).database or "", path)
            return f"sqlite:///{path}", lambda: path.unlink()
        server = postgres_server_url()
        assert server is not None
        admin_execute(server, f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        return url, lambda: admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return copy


# --- the model ---------------------------------------------------------------------------


@dataclass
class RoundModel:
    id: int
    start: dt.date
    weeks: int
    snapshot: dict[str, Any]
    status: RoundStatus = RoundStatus.DRAFT
    rows: dict[Key, Row] = field(default_factory=dict)
    solved: dict[Key, float] = field(default_factory=dict)
    """The last stored result's assignments ({} when infeasible or never solved)."""
    has_plan: bool = False
    published_rows: set[tuple[Any, ...]] | None = None
    published_at: dt.datetime | None = None

    @property
    def input(self) -> RoundInput:
        return parse_round_input(self.snapshot)

    @property
    def pins(self) -> dict[Key, float]:
        return {key: hours for key, (hours, pinned) in self.rows.items() if pinned}

    def monday(self, week: int) -> dt.date:
        return self.start + dt.timedelta(weeks=week)

    def index_of(self, week: dt.date) -> int:
        return (week - self.start).days // 7

    def covers(self, week: dt.date) -> bool:
        return self.start <= week < self.monday(self.weeks)

    def changeable(self) -> bool:
        return self.status in rounds.CHANGEABLE

    def solving(self) -> bool:
        return self.status is RoundStatus.SOLVING

    def proposed(self) -> bool:
        return self.status is RoundStatus.PROPOSED

    def has_pins(self) -> bool:
        return self.changeable() and any(pinned for _, pinned in self.rows.values())

    def wants_solving(self) -> bool:
        return self.changeable() and not (self.has_plan and self.plan_is_solved())

    def plan_is_solved(self) -> bool:
        """The assignments are the last result's: no pin changed them since."""
        return {key: hours for key, (hours, _) in self.rows.items()} == self.solved

    def input_with_pins(self) -> RoundInput:
        """What a solve of the round gets now: the snapshot and the round's pins."""
        pinned = [Planned(staff=s, need=n, week=w, hours=h) for (s, n, w), h in self.pins.items()]
        return self.input.model_copy(update={"pinned": pinned})

    def back_from_solving(self) -> None:
        self.status = RoundStatus.PROPOSED if self.has_plan else RoundStatus.DRAFT


@dataclass
class JobModel:
    id: int
    round_id: int
    status: SolveStatus = SolveStatus.QUEUED
    given: RoundInput | None = None
    """What the worker claimed: the snapshot with the round's pins at that moment."""


@dataclass
class NeedModel:
    id: int
    ref: str
    first_week: dt.date
    last_week: dt.date
    hours: float
    weeks: dict[dt.date, float]
    open: bool = True

    def hours_in(self, week: dt.date) -> float:
        if not self.first_week <= week <= self.last_week:
            return 0.0
        return self.weeks.get(week, self.hours)


class HrStep(NamedTuple):
    act: str
    pick: int
    worker: str
    staff: str
    need: int
    week: int
    hours: float


class NeedChange(NamedTuple):
    pick: int
    what: str
    week: int
    hours: float


class NewRound(NamedTuple):
    offset: int
    weeks: int
    worker: str


class WorkerStep(NamedTuple):
    does: str
    pick: int


HR_ACTS = st.sampled_from(["pin", "publish", "solve", "unpin", "pin", "cancel"])
STAFF = st.sampled_from(["e5", "e1", "e2", "e6", "e3", "e4"])
"""Approved volunteers first; e3 is not approved yet and e4 never volunteered."""
NEED_CHANGES = st.sampled_from(["hours", "week", "close", "reopen", "stale"])
NEED_HOURS = st.sampled_from([0.0, 6.0, 20.0, 30.0])

WORKER = st.sampled_from(["runs", "runs", "runs", "claims", "waits"])
"""What a new solve's worker does at once: runs the job, only claims it, or nothing yet."""
NEW_WORKER = st.sampled_from(["runs", "none"]) | WORKER
"""A new round is mostly solved at once ("none": it is not)."""

HOURS = st.sampled_from([4.0, 8.0, 12.0, 30.0])
"""Pin hours: some fit, some break capacity, need hours or the minimum block."""

PICK = st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
"""An index into a list of the model's rounds, jobs, needs or rows (modulo its length); lists
put the likeliest to move the round on first, so that most runs reach publishing."""


T = TypeVar("T")


def _published_row(row: Assignment) -> tuple[Any, ...]:
    """All of an assignment row that must never change once its round is published."""
    return (row.id, row.person_id, row.need_id, row.week, row.hours, row.pinned)


def first_those(items: list[T], moving: Callable[[T], bool], pick: int) -> T:
    """`items[pick]` (modulo), counting the items for which `moving` holds first."""
    ordered = [i for i in items if moving(i)] + [i for i in items if not moving(i)]
    return ordered[pick % len(ordered)]


Plans = dict[str, dict[tuple[str, dt.date], float]]
"""Hours by (need reference, week) for each employee number."""


class RoundLife(RuleBasedStateMachine):
    def world(self) -> tuple[str, Callable[[], None]]:
        """A private copy of the seeded world: its URL, and how to throw it away."""
        raise NotImplementedError("a subclass names the backend")

    def __init__(self) -> None:
        super().__init__()
        self.url, self.drop = self.world()
        self.engine = db.make_engine(self.url)
        self.factory = db.make_session_factory(self.engine)
        with transaction(self.factory) as session:
            self.coordinator: Actor = lookups.actor(session, "hr")
            self.person_ids = {p.employee_no: p.id for p in session.scalars(select(Person))}
            self.needs = [
                NeedModel(
                    n.id,
                    n.ref,
                    n.first_week,
                    n.last_week,
                    n.hours,
                    {w.week: w.hours for w in n.weeks},
                )
                for n in session.scalars(select(Need).order_by(Need.id))
            ]
        self.rounds: list[RoundModel] = []
        self.jobs: list[JobModel] = []
        self.published_order: list[int] = []
        self.audit: Counter[tuple[str, str]] = Counter()
        self.audit_total = self._audit_total()

    def teardown(self) -> None:
        self.engine.dispose()
        self.drop()

    # --- helpers ----------------------------------------------------------------------

    def _round_by_id(self, round_id: int) -> RoundModel:
        return next(m for m in self.rounds if m.id == round_id)

    def _audit_total(self) -> int:
        with transaction(self.factory) as session:
            return int(session.scalar(select(func.count(AuditEntry.id))) or 0)

    def _refused(
        self, error: type[Exception], step: Callable[[Session], object], field: str = ""
    ) -> None:
        """The step must fail with `error` (naming `field`) and write nothing, audit entries
        included."""
        with pytest.raises(error) as refused, transaction(self.factory) as session:
            step(session)
        if field:
            assert isinstance(refused.value, InvalidInput) and refused.value.field == field
        assert self._audit_total() == self.audit_total

    def _done(self, *entries: tuple[str, str]) -> None:
        """A change went through: these audit entries are now due (the invariant checks)."""
        self.audit.update(entries)
        self.audit_total = self._audit_total()

    def _in_effect(self) -> dict[dt.date, RoundModel]:
        """Each week's plan: the latest published round that covers it."""
        shown: dict[dt.date, RoundModel] = {}
        for round_id in self.published_order:
            rnd = self._round_by_id(round_id)
            for week in range(rnd.weeks):
                shown[rnd.monday(week)] = rnd
        return shown

    def _told(self) -> Plans:
        """What each person was told: their hours in the plans in effect."""
        told: Plans = {}
        for week, rnd in self._in_effect().items():
            for (staff, need, w), (hours, _) in rnd.rows.items():
                if rnd.monday(w) == week:
                    told.setdefault(staff, {})[(need, week)] = hours
        return told

    # --- needs ------------------------------------------------------------------------

    @rule(change=st.builds(NeedChange, PICK, NEED_CHANGES, st.integers(-1, 6), NEED_HOURS))
    def leader_changes_a_need(self, change: NeedChange) -> None:
        """A leader edits a need's hours or one week's hours, closes or reopens it, or sends
        an edit made to an older copy."""
        pick, what, week, hours = change
        need = self.needs[pick % len(self.needs)]
        if what in ("close", "reopen"):
            self._close_or_reopen(need, close=what == "close")
            return
        monday = WEEK0 + dt.timedelta(weeks=week)
        weeks = need.weeks | {monday: hours} if what == "week" else need.weeks
        hours = need.hours if what == "week" else hours
        patch = needs.NeedPatch.model_construct(  # as a page may build it: the service checks
            hours=hours,
            weeks=[needs.WeekHours(week=w, hours=h) for w, h in sorted(weeks.items())],
            version=1,
        )
        if what == "stale":
            self._refused(Conflict, lambda s: self._patch(s, need, patch, offset=-1))
        elif what == "hours" and hours == 0:  # a need of no hours a week is no need
            self._refused(InvalidInput, lambda s: self._patch(s, need, patch), "hours")
        elif not need.first_week <= monday <= need.last_week and what == "week":
            wrong = f"weeks[{sorted(weeks).index(monday)}].week"
            self._refused(InvalidInput, lambda s: self._patch(s, need, patch), wrong)
        else:
            with transaction(self.factory) as session:
                self._patch(session, need, patch)
            changed = (need.hours, need.weeks) != (hours, weeks)
            need.hours, need.weeks = hours, weeks
            self._done(*([("update", "need")] if changed else []))

    def _patch(
        self, session: Session, need: NeedModel, patch: needs.NeedPatch, offset: int = 0
    ) -> None:
        version = session.get_one(Need, need.id).version + offset
        needs.edit_need(
            session, self.coordinator, need.id, patch.model_copy(update={"version": version})
        )

    def _close_or_reopen(self, need: NeedModel, *, close: bool) -> None:
        change = needs.close_need if close else needs.reopen_need

        def step(session: Session) -> None:
            change(session, self.coordinator, need.id, session.get_one(Need, need.id).version)

        if need.open != close:  # already closed, or already open
            self._refused(Conflict, step)
            return
        with transaction(self.factory) as session:
            step(session)
        need.open = not close
        self._done(("close" if close else "reopen", "need"))

    # --- rounds -----------------------------------------------------------------------

    @initialize(
        published=st.booleans(),
        offset=st.integers(min_value=0, max_value=2),
        weeks=st.sampled_from([2, 3, 1]),
        worker=WORKER,
    )
    def a_round_being_solved(self, published: bool, offset: int, weeks: int, worker: str) -> None:
        """Every run starts with a round being solved, half of them after a round over the
        first weeks was published, so that most runs get to the later steps of the life."""
        if published:
            self.create_round(0, 3, "runs")
            self._publish(self.rounds[0])
        self.create_round(offset, weeks, worker)

    @precondition(lambda self: len(self.rounds) < MAX_ROUNDS)
    @rule(new=st.builds(NewRound, st.integers(0, 3), st.sampled_from([2, 3, 1, 0]), NEW_WORKER))
    def hr_creates_a_round(self, new: NewRound) -> None:
        """HR creates a round, and mostly solves it at once (`worker`: see `WORKER`)."""
        self.create_round(*new)

    def create_round(self, offset: int, weeks: int, worker: str) -> None:
        start = WEEK0 + dt.timedelta(weeks=offset)
        if weeks == 0:
            self._refused(
                InvalidInput, lambda s: rounds.create_round(s, start=start, weeks=weeks), "weeks"
            )
            return
        with transaction(self.factory) as session:
            rnd = rounds.create_round(
                session, start=start, weeks=weeks, by=self.coordinator.user_id
            )
            made = RoundModel(rnd.id, start, weeks, dict(rnd.input_snapshot or {}))
            previous = rnd.previous_round_id
        self._check_snapshot(made, previous)
        self.rounds.append(made)
        self._done(("create", "round"))
        if worker != "none":
            self._solve(made, worker)

    def _check_snapshot(self, made: RoundModel, previous_id: int | None) -> None:
        """The new round plans the open needs with hours in its weeks, as edited, and starts
        from the latest published round that begins before it ends (`previous`): the plan in
        effect for those of its weeks that round covers."""
        snapshot = made.input
        mondays = [made.monday(w) for w in range(made.weeks)]
        wanted = {
            n.ref: [n.hours_in(m) for m in mondays]
            for n in self.needs
            if n.open and any(n.hours_in(m) > 0 for m in mondays)
        }
        assert {n.id: list(n.hours) for n in snapshot.needs} == wanted
        earlier = [self._round_by_id(i) for i in self.published_order]
        before = [rnd for rnd in earlier if rnd.start < made.monday(made.weeks)]
        previous = before[-1] if before else None
        assert previous_id == (previous.id if previous else None)
        expected = set()
        for (staff, need, w), (hours, _) in previous.rows.items() if previous else ():
            week = made.index_of(previous.monday(w)) if previous else -1
            if 0 <= week < made.weeks and need in wanted:
                expected.add((staff, need, week, hours))
        assert {(a.staff, a.need, a.week, a.hours) for a in snapshot.previous} == expected
        told = self._told()
        for a in snapshot.previous:  # never anything but what people were told
            assert told[a.staff][(a.need, made.monday(a.week))] == a.hours
        assert snapshot.pinned == []

    @precondition(lambda self: self.rounds)
    @rule(step=st.builds(HrStep, HR_ACTS, PICK, WORKER, STAFF, PICK, st.integers(-1, 3), HOURS))
    def hr(self, step: HrStep) -> None:
        """HR acts on a round: the `pick`th, counting first those the act moves on. `worker`
        says what the worker of a solve does at once; a pin is solved again at once when it
        says "runs". `staff`, `need`, `week` (of the round) and `hours` are the pin's."""
        act, pick, worker, staff, need, week, hours = step
        if act == "solve":
            self._solve(first_those(self.rounds, RoundModel.wants_solving, pick), worker)
        elif act == "cancel":
            self._cancel(first_those(self.rounds, RoundModel.solving, pick))
        elif act == "pin":
            rnd = first_those(self.rounds, RoundModel.changeable, pick)
            pinned = self._pin(rnd, staff, self.needs[need % len(self.needs)], week, hours)
            if pinned and worker == "runs":
                self._solve(rnd, worker)
        elif act == "unpin":
            self._unpin(first_those(self.rounds, RoundModel.has_pins, pick), need)
        else:
            self._publish(first_those(self.rounds, RoundModel.proposed, pick))

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

    def _pin(self, rnd: RoundModel, staff: str, target: NeedModel, week: int, hours: float) -> bool:
        """HR pins someone to a need for a week of the round; True if that was allowed."""

        def step(session: Session) -> None:
            rounds.pin_assignment(
                session,
                self.coordinator,
                rnd.id,
                person_id=self.person_ids[staff],
                need_id=target.id,
                week=rnd.monday(week),
                hours=hours,
            )

        snapshot = rnd.input
        wrong = [
            name
            for name, ok in [
                ("person_id", staff in {s.id for s in snapshot.staff}),  # approved volunteers
                ("need_id", target.ref in {n.id for n in snapshot.needs}),
                ("week", 0 <= week < rnd.weeks),
            ]
            if not ok
        ]
        if not rnd.changeable():
            self._refused(Conflict, step)
        elif wrong:
            self._refused(InvalidInput, step, wrong[0])
        else:
            with transaction(self.factory) as session:
                step(session)
            rnd.rows[(staff, target.ref, week)] = (hours, True)
            self._done(("pin", "assignment"))
            return True
        return False

    def _unpin(self, rnd: RoundModel, row: int) -> None:
        """Unpin one of the round's assignments, pinned ones first; or one of another round's,
        which is not found through this round."""
        with transaction(self.factory) as session:
            rows = session.scalars(select(Assignment).order_by(Assignment.id)).all()
            if not rows:
                return
            ordered = sorted(rows, key=lambda a: (a.round_id != rnd.id, not a.pinned))
            chosen = ordered[row % len(ordered)]
            assignment_id, owner = chosen.id, chosen.round_id
            week = self._round_by_id(owner).index_of(chosen.week)
            key = (chosen.person.employee_no, chosen.need.ref, week)

        def step(session: Session) -> None:
            rounds.unpin_assignment(session, self.coordinator, rnd.id, assignment_id)

        if owner != rnd.id:
            self._refused(NotFound, step)
        elif not rnd.changeable():
            self._refused(Conflict, step)
        else:
            with transaction(self.factory) as session:
                step(session)
            if key in rnd.solved:
                rnd.rows[key] = (rnd.solved[key], False)
            else:
                del rnd.rows[key]
            self._done(("unpin", "assignment"))

    @staticmethod
    def _db_round(session: Session, round_id: int) -> AllocationRound:
        return session.get_one(AllocationRound, round_id)

    def _publish(self, rnd: RoundModel) -> None:
        def step(session: Session) -> None:
            rounds.publish_round(session, self.coordinator, rnd.id)

        if rnd.status is RoundStatus.PUBLISHED:  # again: nothing changes, nothing is written
            with transaction(self.factory) as session:
                step(session)
            assert self._audit_total() == self.audit_total
        elif rnd.status is not RoundStatus.PROPOSED or not rnd.plan_is_solved():
            self._refused(Conflict, step)  # nothing to publish, or pins changed the plan
        else:
            told = self._told()
            with transaction(self.factory) as session:
                step(session)
                rnd.published_at = self._db_round(session, rnd.id).published_at
                rnd.published_rows = {
                    _published_row(row)
                    for row in session.scalars(select(Assignment).filter_by(round_id=rnd.id))
                }
            rnd.status = RoundStatus.PUBLISHED
            self.published_order.append(rnd.id)
            self._check_announced(rnd, told)
            self._done(("publish", "round"))

    def _check_announced(self, rnd: RoundModel, told: Plans) -> None:
        """Everyone with hours in the round, or whose hours in its weeks it takes away, gets a
        message: "changed" when the round's weeks now differ from what they were told."""
        now: Plans = {}
        for (staff, need, w), (hours, _) in rnd.rows.items():
            now.setdefault(staff, {})[(need, rnd.monday(w))] = hours
        expected = {}
        for staff in told.keys() | now.keys():
            before = {key: h for key, h in told.get(staff, {}).items() if rnd.covers(key[1])}
            mine = now.get(staff, {})
            if before and before != mine:
                expected[self.person_ids[staff]] = MessageKind.ASSIGNMENT_CHANGED
            elif mine:
                expected[self.person_ids[staff]] = MessageKind.ROUND_PUBLISHED
        with transaction(self.factory) as session:
            sent = (
                session.execute(
                    select(OutboxMessage.person_id, OutboxMessage.kind).where(
                        OutboxMessage.dedupe_key.startswith(f"round:{rnd.id}:person:")
                    )
                )
                .tuples()
                .all()
            )
        assert len(sent) == len(expected) and dict(sent) == expected

    # --- invariants -------------------------------------------------------------------

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
                published[row.round_id].add(_published_row(row))
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


# --- what the machine found ----------------------------------------------------------------


def _solved_and_published(factory: Factory, hr: Actor, start: dt.date, weeks: int) -> int:
    """A new round over these weeks, solved by a worker and published: its id."""
    with transaction(factory) as session:
        round_id = rounds.create_round(session, start=start, weeks=weeks).id
        job_id = solving.start_solve(session, hr, round_id, QUICK).id
    run_job(factory, job_id)
    with transaction(factory) as session:
        rounds.publish_round(session, hr, round_id)
    return round_id


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_replanned_week_tells_the_person_the_unit_they_no_longer_go_to(
    backend: str, life_template: Callable[[str], str], tmp_path: Path
) -> None:
    """Regression: the "changed" message looked each need's unit up by the need's id as if it
    were a unit's id, so it named another unit, or the publish failed with a KeyError."""
    url, drop = copies_of(backend, life_template(backend), tmp_path)()
    engine = db.make_engine(url)
    factory = db.make_session_factory(engine)
    try:
        with transaction(factory) as session:
            hr = lookups.actor(session, "hr")
        first = _solved_and_published(factory, hr, WEEK0, 2)
        with transaction(factory) as session:
            cleaning = lookups.need(session, "n3")
            assert cleaning.unit.code == "solgaarden" and cleaning.id != cleaning.unit_id
            lent = session.scalars(
                select(Assignment).filter_by(round_id=first, need_id=cleaning.id)
            ).all()
            was = [(row.person_id, row.week) for row in lent]
            needs.close_need(session, hr, cleaning.id, cleaning.version)
        assert was, "the first plan lends someone to n3"
        second = _solved_and_published(factory, hr, WEEK0, 2)
        with transaction(factory) as session:
            for person_id, week in was:
                message = session.scalars(
                    select(OutboxMessage).filter_by(dedupe_key=f"round:{second}:person:{person_id}")
                ).one()
                assert message.kind is MessageKind.ASSIGNMENT_CHANGED
                line = f"{week_label('da', week)}, Plejecenter Solgården: udgår (var "
                assert line in message.body, message.body
    finally:
        engine.dispose()
        drop()
