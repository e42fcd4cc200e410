"""Volunteers: people's offers to be lent out, with their skills, wishes and weeks."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Integer, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.organisation import Area, Person, Skill, Unit
from solver.contract import WEEKDAYS, Shift

EVERY_DAY = [day.value for day in WEEKDAYS]

volunteer_skill = Table(
    "volunteer_skill",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id", ondelete="RESTRICT"), primary_key=True),
)


volunteer_learn_skill = Table(
    "volunteer_learn_skill",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profile.id", ondelete="CASCADE"), primary_key=True),
    # A wish to learn a skill goes with the skill: it holds nobody's work, unlike an offer.
    Column("skill_id", ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True),
)


volunteer_avoided_unit = Table(
    "volunteer_avoided_unit",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


volunteer_preferred_area = Table(
    "volunteer_preferred_area",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class VolunteerProfile(Base):
    """A person's offer to be lent out, approved by the leader of their home unit.

    `home_load` is the default weekly load the home unit keeps; `weeks` override it (and
    availability) for single weeks. `away_days` and `daily_hours`, set by the home leader or
    HR, say on which weekdays and how many hours a day the person may be lent. The risk-group
    flag is health data: HR only.
    """

    __tablename__ = "volunteer_profile"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    opted_in: Mapped[bool] = mapped_column(Boolean, default=True)
    normal_hours: Mapped[float] = mapped_column(Float)
    shifts: Mapped[list[str]] = mapped_column(JsonB, default=lambda: [Shift.DAY.value])
    home_load: Mapped[float] = mapped_column(Float, default=0.0)
    away_days: Mapped[list[str]] = mapped_column(
        JsonB, default=lambda: list(EVERY_DAY), server_default=json.dumps(EVERY_DAY)
    )
    """The weekdays (`mon` … `sun`, in week order) the home leader lets the person be away."""
    daily_hours: Mapped[float | None] = mapped_column(Float)
    """The most hours the person works in a day; None: a fifth of their normal hours."""
    risk_group: Mapped[bool] = mapped_column(Boolean, default=False)
    approval: Mapped[ApprovalStatus] = mapped_column(
        stored_enum(ApprovalStatus, "approval_status"), default=ApprovalStatus.PENDING
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(back_populates="volunteer", lazy="joined")
    skills: Mapped[list[Skill]] = relationship(secondary=volunteer_skill, lazy="selectin")
    learn_skills: Mapped[list[Skill]] = relationship(
        secondary=volunteer_learn_skill, lazy="selectin"
    )
    """Skills the person wants to learn, beside someone who holds them (never one they hold)."""
    avoided_units: Mapped[list[Unit]] = relationship(
        secondary=volunteer_avoided_unit, lazy="selectin"
    )
    preferred_areas: Mapped[list[Area]] = relationship(
        secondary=volunteer_preferred_area, lazy="selectin"
    )
    weeks: Mapped[list[VolunteerWeek]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="VolunteerWeek.week"
    )
    __mapper_args__ = {"version_id_col": version}


class VolunteerWeek(Base):
    """One week's availability and home load, where it differs from the profile's default."""

    __tablename__ = "volunteer_week"
    __table_args__ = (UniqueConstraint("profile_id", "week"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profile.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[dt.date] = mapped_column(Date)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    home_load: Mapped[float] = mapped_column(Float, default=0.0)
