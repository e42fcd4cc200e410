"""The organisation: areas, units and their leaders, the skills catalogue, and the people
employed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base

if TYPE_CHECKING:  # both refer back to the person; importing them here would be a cycle
    from jobbank.db.models.accounts import UserAccount
    from jobbank.db.models.volunteers import VolunteerProfile


unit_leader = Table(
    "unit_leader",
    Base.metadata,
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base):
    __tablename__ = "area"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    units: Mapped[list[Unit]] = relationship(back_populates="area", order_by="Unit.name")


class Unit(Base):
    __tablename__ = "unit"

    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    intro_capacity: Mapped[int | None] = mapped_column(Integer)
    """Rule 10: how many people new to the unit it can introduce a week; None: no limit."""
    intro_hours: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    """Hours the unit spends introducing one new person (0: introductions cost nothing)."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    area: Mapped[Area] = relationship(back_populates="units", lazy="joined")
    leaders: Mapped[list[Person]] = relationship(secondary=unit_leader, back_populates="leads")
    __mapper_args__ = {"version_id_col": version}


class Skill(Base):
    """An entry of the skills catalogue, e.g. `nurse` — Sygeplejerske / Nurse."""

    __tablename__ = "skill"

    code: Mapped[str] = mapped_column(String(50), unique=True)
    label_da: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))


class Person(Base):
    """Someone employed by the municipality, whether or not they volunteer or log in."""

    __tablename__ = "person"

    employee_no: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    language: Mapped[str] = mapped_column(String(5), default="da")
    """The language of this person's pages and messages: "da" or "en", chosen on any page."""
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the person was erased (`jobbank.privacy`): the row then holds no identity."""
    home_unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    home_unit: Mapped[Unit] = relationship(lazy="joined")
    leads: Mapped[list[Unit]] = relationship(secondary=unit_leader, back_populates="leaders")
    volunteer: Mapped[VolunteerProfile | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", uselist=False
    )
    account: Mapped[UserAccount | None] = relationship(back_populates="person", uselist=False)
    __mapper_args__ = {"version_id_col": version}
