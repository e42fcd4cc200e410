"""The round's life, shared by its tests: the seeded world and its private copies, the model
the state machine keeps of what each step must do, and the machine's state and helpers.

The steps live in `round_life_solving.py` (solving, as HR and the worker see it) and
`round_life_steps.py` (needs, rounds, pins and publishing); the invariants and the machine's
test in `test_round_life.py`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from jobbank import db, rounds, solving
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput
from jobbank.db import transaction
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    Need,
    Person,
    RoundStatus,
    SolveStatus,
)
from jobbank.seeding import Municipality, NeedSeed, PersonSeed
from solver.contract import Assignment as Planned
from solver.contract import RoundInput, parse_round_input
from tests import lookups
from tests.builders import a_municipality, a_volunteer
from tests.conftest import admin_execute, postgres_server_url

WEEK0 = dt.date(2026, 3, 2)
"""The seeded world's week 0, fixed so that every run plans the same weeks."""

QUICK = solving.SolveRequest(time_limit=1, workers=1, seed=0)

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


# --- databases: a private copy of the seeded template (`life_template`) per example --------


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


PICK = st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
"""An index into a list of the model's rounds, jobs, needs or rows (modulo its length); lists
put the likeliest to move the round on first, so that most runs reach publishing."""


T = TypeVar("T")


def published_row(row: Assignment) -> tuple[Any, ...]:
    """All of an assignment row that must never change once its round is published."""
    return (row.id, row.person_id, row.need_id, row.week, row.hours, row.pinned)


def first_those(items: list[T], moving: Callable[[T], bool], pick: int) -> T:
    """`items[pick]` (modulo), counting the items for which `moving` holds first."""
    ordered = [i for i in items if moving(i)] + [i for i in items if not moving(i)]
    return ordered[pick % len(ordered)]


Plans = dict[str, dict[tuple[str, dt.date], float]]
"""Hours by (need reference, week) for each employee number."""


# --- the machine's state -----------------------------------------------------------------


class LifeState(RuleBasedStateMachine):
    """The machine's state: a private copy of the world, the model of it, and the helpers
    every step uses."""

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

    @staticmethod
    def _db_round(session: Session, round_id: int) -> AllocationRound:
        return session.get_one(AllocationRound, round_id)
