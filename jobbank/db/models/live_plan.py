"""The plan after publishing: events that change its facts, change sets that repair it, the
history of every assignment a change set added, changed or ended, and how far each log-in has
read that history."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.needs import Need
from jobbank.db.models.organisation import Person
from solver.contract import change_kind


class EventKind(StrEnum):
    """What happened to a published plan."""

    ABSENCE = "absence"
    """A person cannot come on the days `first_day` … `last_day`."""
    HOME_RECALL = "home_recall"
    """The home unit needs `hours` of the person's week back, `first_day` … `last_day`."""
    NEED_CHANGE = "need_change"
    """A need wants `hours` a week from `first_day` on (0 closes it)."""
    URGENT_NEED = "urgent_need"
    """A need posted after publishing that starts within the round."""
    WITHDRAWAL = "withdrawal"
    """A volunteer opts out from `first_day` on."""
    DECLINE = "decline"
    """A person declines a new deployment to the unit of `need`: from `first_day` on they are
    not to be planned there in this round."""


class PlanEvent(Base):
    """One change to a published round's facts; folded into the round's facts until a
    change set that repairs the plan for it is applied (and after, as history)."""

    __tablename__ = "plan_event"
    __table_args__ = (Index("ix_plan_event_round_applied", "round_id", "change_set_id"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(stored_enum(EventKind, "event_kind"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("need.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date | None] = mapped_column(Date)
    """Inclusive; None: to the end of the round."""
    hours: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why, in the reporter's words: shown to HR only (it may name an illness)."""
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    change_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_set.id", ondelete="SET NULL")
    )
    """The applied change set that repaired the plan for this event; None while open."""

    person: Mapped[Person | None] = relationship(lazy="joined")
    need: Mapped[Need | None] = relationship(lazy="joined")


class ChangeSetStatus(StrEnum):
    PROPOSED = "proposed"
    APPLIED = "applied"
    STALE = "stale"
    """The plan changed after it was built; build it again."""


class ChangeSet(Base):
    """A repair of a published plan: what to add, change and end, built on one revision of
    the plan; applying it once makes those changes, and a stale one is refused."""

    __tablename__ = "change_set"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ChangeSetStatus] = mapped_column(
        stored_enum(ChangeSetStatus, "change_set_status"),
        default=ChangeSetStatus.PROPOSED,
        index=True,
    )
    plan_revision: Mapped[int] = mapped_column(Integer)
    """The round's `plan_revision` the change set was built on."""
    settings: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    """How HR asked for it: moves allowed, people pinned or excluded."""
    event_ids: Mapped[list[int]] = mapped_column(JsonB, default=list)
    """The open events it repairs."""
    result: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    """The solver's `RepairResult`."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    applied_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    applied_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class AssignmentChange(Base):
    """One assignment-week a change set (or a direct assignment) added, changed or ended:
    the history calendars, checklists and "what changed" are told from."""

    __tablename__ = "assignment_change"
    __table_args__ = (
        Index("ix_assignment_change_key", "round_id", "person_id", "need_id", "week"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    change_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_set.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    week: Mapped[dt.date] = mapped_column(Date)
    hours_before: Mapped[float] = mapped_column(Float)
    """0 for an added assignment."""
    hours_after: Mapped[float] = mapped_column(Float)
    """0 for an ended assignment."""
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    person: Mapped[Person] = relationship(lazy="joined")
    need: Mapped[Need] = relationship(lazy="joined")

    @property
    def kind(self) -> str:
        """`added`, `changed` or `ended`."""
        return change_kind(self.hours_before, self.hours_after).value


class DayChange(Base):
    """One day of an assignment-week that a change to a published plan added, moved or took
    away (its times, hours or date), also where the week's hours stayed the same: the
    calendar gives that day's event a higher SEQUENCE, and a day taken away a cancelled one."""

    __tablename__ = "day_change"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    change_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_set.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    day_before: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    """The day as it was (the round contract's `WorkDay`); None: the change added it."""
    day_after: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    """The day as it is now; None: the change took it away."""
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    need: Mapped[Need] = relationship(lazy="joined")


class ChangesSeen(Base):
    """How far one log-in has read the changes to published plans: every `AssignmentChange`
    up to `seen_through_id` is no longer new to them."""

    __tablename__ = "changes_seen"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    seen_through_id: Mapped[int] = mapped_column(BigInteger, default=0)
    """The highest `assignment_change.id` they have seen (0: none)."""


__all__ = [
    "AssignmentChange",
    "ChangeSet",
    "ChangeSetStatus",
    "ChangesSeen",
    "DayChange",
    "EventKind",
    "PlanEvent",
]
