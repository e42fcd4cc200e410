"""The lent employee's voice and what really happened: one row per deployment (a person's
time at one receiving unit in one published round), the person's answer to it, their weekly
pulse, the thread between the person and both leaders, the hours worked and the evaluations
at the end."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.organisation import Person, Unit


class DeploymentAnswer(StrEnum):
    """The person's answer to a new deployment; None while they have not answered."""

    CONFIRMED = "confirmed"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    """The short list a person picks a decline's reason from (free text beside it)."""

    HOME_TASKS = "home_tasks"
    """My home tasks cannot wait."""
    SKILLS = "skills"
    """I do not have the skills this work needs."""
    TIMING = "timing"
    """The weeks or the shift do not fit."""
    PERSONAL = "personal"
    """Personal reasons (not to be explained to leaders)."""
    OTHER = "other"


class Deployment(Base):
    """One person's time at one receiving unit in one published round: what they confirm or
    decline, and what the pulse, the thread, the worked hours and the evaluations belong to.
    Made for every (person, receiving unit) pair of a published plan, kept when the plan later
    ends it (its history stays)."""

    __tablename__ = "deployment"
    __table_args__ = (UniqueConstraint("round_id", "person_id", "unit_id"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    answer: Mapped[DeploymentAnswer | None] = mapped_column(
        stored_enum(DeploymentAnswer, "deployment_answer")
    )
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decline_reason: Mapped[DeclineReason | None] = mapped_column(
        stored_enum(DeclineReason, "decline_reason")
    )
    decline_note: Mapped[str] = mapped_column(Text, default="")
    """The person's own words on a decline: read by HR alone (it may name an illness)."""
    decline_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_event.id", ondelete="SET NULL")
    )
    """The event a decline reported, for the live-plan repair to fill."""
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the person was last reminded to answer (at most once)."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": version}


class PulseAnswer(Base):
    """A lent person's answer to the weekly pulse for one deployment-week (1–5 each)."""

    __tablename__ = "pulse_answer"
    __table_args__ = (UniqueConstraint("deployment_id", "week"),)

    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[dt.date] = mapped_column(Date, index=True)
    meaningful: Mapped[int] = mapped_column(Integer)
    """Did you have meaningful work this week? 1 not at all … 5 fully."""
    pressed: Mapped[int] = mapped_column(Integer)
    """How pressed were you by your home tasks? 1 not at all … 5 very."""
    comment: Mapped[str] = mapped_column(Text, default="")
    named: Mapped[bool] = mapped_column(Boolean, default=False)
    """The person lets leaders and HR see this answer with their name; otherwise it is shown
    only where enough answers make it anonymous."""


class DeploymentMessage(Base):
    """One message in a deployment's thread between the person and both leaders."""

    __tablename__ = "deployment_message"
    __table_args__ = (Index("ix_deployment_message_thread", "deployment_id", "created_at"),)

    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[Person | None] = relationship(lazy="joined")


class WorkedWeek(Base):
    """The hours a person really worked in one week of a deployment: entered by the person or
    the receiving leader, confirmed by the receiving leader."""

    __tablename__ = "worked_week"
    __table_args__ = (UniqueConstraint("deployment_id", "week"),)

    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[dt.date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(Float)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """None while the hours wait for the receiving leader's sign-off."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class EvaluationSide(StrEnum):
    """Who evaluates a deployment at its end."""

    STAFF = "staff"
    """The lent person: would you go again?"""
    RECEIVING = "receiving"
    """The receiving leader: would you take this person again?"""


class Evaluation(Base):
    """A short structured evaluation of a deployment by one side, written once it ends."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("deployment_id", "side"),)

    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[EvaluationSide] = mapped_column(stored_enum(EvaluationSide, "evaluation_side"))
    again: Mapped[bool] = mapped_column(Boolean)
    """Would go again (staff) / would take this person again (receiving leader)."""
    score: Mapped[int] = mapped_column(Integer)
    """How it went overall, 1 badly … 5 very well."""
    helped: Mapped[list[str]] = mapped_column(JsonB, default=list)
    """Codes from the short list of what helped."""
    missing: Mapped[list[str]] = mapped_column(JsonB, default=list)
    """Codes from the short list of what was missing."""
    comment: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


__all__ = [
    "DeclineReason",
    "Deployment",
    "DeploymentAnswer",
    "DeploymentMessage",
    "Evaluation",
    "EvaluationSide",
    "PulseAnswer",
    "WorkedWeek",
]
