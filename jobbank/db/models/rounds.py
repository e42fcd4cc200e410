"""Allocation rounds, their solve jobs and the assignments they plan."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.needs import Need
from jobbank.db.models.organisation import Person
from solver.contract import Purpose, WorkDay


class RoundStatus(StrEnum):
    DRAFT = "draft"
    SOLVING = "solving"
    PROPOSED = "proposed"
    PUBLISHED = "published"
    FAILED = "failed"


class AllocationRound(Base):
    """One allocation round over whole ISO weeks: its input snapshot, result and life."""

    __tablename__ = "allocation_round"

    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[dt.date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    status: Mapped[RoundStatus] = mapped_column(
        stored_enum(RoundStatus, "round_status"), default=RoundStatus.DRAFT, index=True
    )
    purpose: Mapped[Purpose] = mapped_column(
        stored_enum(Purpose, "round_purpose"), default=Purpose.CRISIS, server_default="crisis"
    )
    """Why the round is planned: a crisis (coverage, then continuity) or rotation in normal
    times (coverage, then new experience); HR chooses it until the round is published."""
    rules: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    """The round contract's `Rules` (the most units a week, the coverage HR lets the plan
    trade for fewer introductions); a rule left out has the contract's default."""
    input_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    status_message: Mapped[str] = mapped_column(Text, default="")
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    plan_revision: Mapped[int] = mapped_column(Integer, default=0)
    """Raised each time the published plan changes (a change set applied, a direct
    assignment): a change set built on an older revision is stale."""

    assignments: Mapped[list[Assignment]] = relationship(
        cascade="all, delete-orphan", back_populates="round", order_by="Assignment.id"
    )
    __table_args__ = (
        # Covers what listing assignments asks of each published round (`jobbank.assignments`):
        # SQLite would otherwise read through the row's input and result to reach published_at.
        Index("ix_allocation_round_publication", "status", "published_at", "start", "weeks"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def end(self) -> dt.date:
        """The Monday of the round's last week."""
        return self.start + dt.timedelta(weeks=self.weeks - 1)


class SolveStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SolveJob(Base):
    """One run of the solver for a round, in a worker process; the round's own row stays
    untouched while it runs, so progress reports never collide with people's edits."""

    __tablename__ = "solve_job"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[SolveStatus] = mapped_column(
        stored_enum(SolveStatus, "solve_status"), default=SolveStatus.QUEUED, index=True
    )
    options: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    progress: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    def running_seconds(self, now: dt.datetime | None = None) -> float:
        """Seconds since a worker started the job (until it finished); 0 while it waits."""
        if self.started_at is None:
            return 0.0
        end = self.finished_at or now or dt.datetime.now(dt.UTC)
        return max(0.0, (end - self.started_at).total_seconds())


class Assignment(Base):
    """Hours one person works for one need in one week of a round; pins survive re-solving."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("round_id", "person_id", "need_id", "week"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    week: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    learner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The person learns the need's skill beside a holder of it; their hours count for
    coverage at the need's learner share."""

    round: Mapped[AllocationRound] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship(lazy="joined")
    need: Mapped[Need] = relationship(lazy="joined")
    days: Mapped[list[AssignmentDay]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AssignmentDay.date"
    )
    """The days of the week its hours are worked, with their times; none when its need is
    planned by the week alone (or a change of hours left them for the next plan to place)."""

    @property
    def work_days(self) -> tuple[WorkDay, ...]:
        """Its days as the round contract names them."""
        return tuple(day.work_day for day in self.days)

    def plan_days(self, days: tuple[WorkDay, ...]) -> None:
        """Put its hours on these days (the contract checked that they add up to them). A date
        it keeps keeps its row, with the new times: a new row beside the old one would break
        the one-row-a-date constraint before the old one is deleted."""
        kept = {row.date: row for row in self.days}
        rows = []
        for day in days:
            row = kept.get(day.date) or AssignmentDay(date=day.date)
            row.start_time, row.end_time, row.hours = day.start, day.end, day.hours
            rows.append(row)
        self.days = rows

    def change_hours(self, hours: float) -> None:
        """Other hours than its days add up to: the days go, for the next plan to place."""
        if hours != self.hours:
            self.days = []
        self.hours = hours


class AssignmentDay(Base):
    """One day of an assignment-week: the date, when the person starts and ends, and the hours.

    Rows, not JSON on the assignment: the calendar, the exports and the leaders' week grids
    ask for them by date across people and needs."""

    __tablename__ = "assignment_day"
    __table_args__ = (UniqueConstraint("assignment_id", "date"),)

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    """Not after `start_time`: the next day (a night shift)."""
    hours: Mapped[float] = mapped_column(Float)

    @classmethod
    def of(cls, day: WorkDay) -> AssignmentDay:
        return cls(date=day.date, start_time=day.start, end_time=day.end, hours=day.hours)

    @property
    def work_day(self) -> WorkDay:
        return WorkDay(date=self.date, start=self.start_time, end=self.end_time, hours=self.hours)
