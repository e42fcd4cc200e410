"""Needs: work units under pressure need done, by week."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from advanced_alchemy.types import JsonB
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.organisation import Person, Skill, Unit
from solver.contract import Shift


class NeedStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Need(Base):
    """Work a unit under pressure needs done, per week, by someone with one skill.

    `hours` is the default per week from `first_week` to `last_week` (Mondays, inclusive);
    `weeks` override single weeks. `shift_times` are the weekdays it wants people on with the
    shift's times, as the round contract writes them (`solver.contract.ShiftTime`); empty, it
    is planned by the week alone.
    """

    __tablename__ = "need"

    ref: Mapped[str] = mapped_column(String(50), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="RESTRICT"))
    hours: Mapped[float] = mapped_column(Float)
    first_week: Mapped[dt.date] = mapped_column(Date)
    last_week: Mapped[dt.date] = mapped_column(Date)
    shift: Mapped[Shift] = mapped_column(stored_enum(Shift, "shift"), default=Shift.DAY)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    exposed: Mapped[bool] = mapped_column(Boolean, default=False)
    min_block: Mapped[float] = mapped_column(Float, default=4.0)
    shift_times: Mapped[list[dict[str, Any]]] = mapped_column(
        JsonB, default=list, server_default="[]"
    )
    """Kept whole as the contract's JSON: always read and written with its need, never asked
    for by weekday, and checked where it enters (`jobbank.core.days`); a round reads it with
    the contract's own check."""
    accepts_learners: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """People who want to learn the skill may work it beside someone who holds it."""
    learner_share: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    """How much of a learner's hour counts as covered, 0 … 1."""
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[NeedStatus] = mapped_column(
        stored_enum(NeedStatus, "need_status"), default=NeedStatus.OPEN, index=True
    )
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship(lazy="joined")
    skill: Mapped[Skill] = relationship(lazy="joined")
    contact_person: Mapped[Person | None] = relationship(lazy="joined")
    weeks: Mapped[list[NeedWeek]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NeedWeek.week"
    )
    __mapper_args__ = {"version_id_col": version}


class NeedWeek(Base):
    __tablename__ = "need_week"
    __table_args__ = (UniqueConstraint("need_id", "week"),)

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    week: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
