"""Onboarding checklists and the templates they are made from."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.db.models.base import Base, stored_enum


class Audience(StrEnum):
    """Who a checklist item is for."""

    RECEIVING_LEADER = "receiving_leader"
    SENDING_LEADER = "sending_leader"
    EMPLOYEE = "employee"
    PERMANENT_STAFF = "permanent_staff"


class DueAnchor(StrEnum):
    """A template item is due a number of days after the assignment's start, or its end."""

    START = "start"
    END = "end"


class TickableFrom(StrEnum):
    """From when a checklist item can be ticked: an evaluation is no use before there was
    anything to evaluate."""

    PUBLISHING = "publishing"
    """As soon as the round is published."""
    START = "start"
    """From the deployment's first day."""
    LAST_WEEK = "last_week"
    """From the Monday of the deployment's last week."""


class ChecklistTemplate(Base):
    """Onboarding items; the default has neither area nor unit, others add to it."""

    __tablename__ = "checklist_template"

    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ChecklistTemplateItem.position"
    )
    __mapper_args__ = {"version_id_col": version}


class ChecklistTemplateItem(Base):
    __tablename__ = "checklist_template_item"

    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[Audience] = mapped_column(stored_enum(Audience, "audience"))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    due_day: Mapped[int] = mapped_column(Integer, default=0)
    anchor: Mapped[DueAnchor] = mapped_column(
        stored_enum(DueAnchor, "due_anchor"), default=DueAnchor.START
    )
    tickable_from: Mapped[TickableFrom] = mapped_column(
        stored_enum(TickableFrom, "tickable_from"), default=TickableFrom.PUBLISHING
    )
    skip_if_need_has_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    """Left out of a checklist whose needs each name a contact person already."""


class Checklist(Base):
    """Onboarding for one lent person at one receiving unit, created when a round is published."""

    __tablename__ = "checklist"
    __table_args__ = (UniqueConstraint("round_id", "person_id", "unit_id"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Set when the deployment it prepares ended after publishing: kept, not deleted."""

    items: Mapped[list[ChecklistItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ChecklistItem.due_on"
    )


class ChecklistItem(Base):
    __tablename__ = "checklist_item"

    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("checklist.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[Audience] = mapped_column(stored_enum(Audience, "audience"))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    tickable_from: Mapped[dt.date | None] = mapped_column(Date)
    """Ticking before this day is refused; None: any time."""
    reminded_on: Mapped[dt.date | None] = mapped_column(Date)
    """The day its overdue reminder went out in the responsible people's digests."""
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
