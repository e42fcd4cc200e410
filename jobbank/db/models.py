"""The database: every table Jobbank keeps, as typed SQLAlchemy 2 models.

Rows that users edit carry a `version` column: SQLAlchemy checks it on every UPDATE, so
two people saving the same row cannot silently overwrite each other (optimistic locking).
Weeks are stored as the date of their Monday; hours as floats (multiples of 0.5 are exact).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbank.core.roles import Role
from solver.contract import Shift


def _enum(enum: type[StrEnum], name: str) -> Enum:
    """Store an enum by its value, as a plain string with a CHECK, readable in SQL."""
    return Enum(enum, name=name, native_enum=False, length=32, values_callable=_values)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Base(BigIntAuditBase):
    """Every table has a big-integer id and created/updated timestamps."""

    __abstract__ = True


unit_leader = Table(
    "unit_leader",
    Base.metadata,
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)
volunteer_skill = Table(
    "volunteer_skill",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id", ondelete="RESTRICT"), primary_key=True),
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


class UserAccount(Base):
    """A log-in. Its roles say what the person may do; see `jobbank.core.roles`."""

    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), unique=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person | None] = relationship(back_populates="account", lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="user"
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))

    user: Mapped[UserAccount] = relationship(back_populates="role_rows")


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class VolunteerProfile(Base):
    """A person's offer to be lent out, approved by the leader of their home unit.

    `home_load` is the default weekly load the home unit keeps; `weeks` override it (and
    availability) for single weeks. The risk-group flag is health data: HR only.
    """

    __tablename__ = "volunteer_profile"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    opted_in: Mapped[bool] = mapped_column(Boolean, default=True)
    normal_hours: Mapped[float] = mapped_column(Float)
    shifts: Mapped[list[str]] = mapped_column(JsonB, default=lambda: [Shift.DAY.value])
    home_load: Mapped[float] = mapped_column(Float, default=0.0)
    risk_group: Mapped[bool] = mapped_column(Boolean, default=False)
    approval: Mapped[ApprovalStatus] = mapped_column(
        _enum(ApprovalStatus, "approval_status"), default=ApprovalStatus.PENDING
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(back_populates="volunteer", lazy="joined")
    skills: Mapped[list[Skill]] = relationship(secondary=volunteer_skill, lazy="selectin")
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


class NeedStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Need(Base):
    """Work a unit under pressure needs done, per week, by someone with one skill.

    `hours` is the default per week from `first_week` to `last_week` (Mondays, inclusive);
    `weeks` override single weeks.
    """

    __tablename__ = "need"

    ref: Mapped[str] = mapped_column(String(50), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="RESTRICT"))
    hours: Mapped[float] = mapped_column(Float)
    first_week: Mapped[dt.date] = mapped_column(Date)
    last_week: Mapped[dt.date] = mapped_column(Date)
    shift: Mapped[Shift] = mapped_column(_enum(Shift, "shift"), default=Shift.DAY)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    exposed: Mapped[bool] = mapped_column(Boolean, default=False)
    min_block: Mapped[float] = mapped_column(Float, default=4.0)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[NeedStatus] = mapped_column(
        _enum(NeedStatus, "need_status"), default=NeedStatus.OPEN, index=True
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
        _enum(RoundStatus, "round_status"), default=RoundStatus.DRAFT, index=True
    )
    rules: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
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
        _enum(SolveStatus, "solve_status"), default=SolveStatus.QUEUED, index=True
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

    round: Mapped[AllocationRound] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship(lazy="joined")
    need: Mapped[Need] = relationship(lazy="joined")


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
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "audience"))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    due_day: Mapped[int] = mapped_column(Integer, default=0)
    anchor: Mapped[DueAnchor] = mapped_column(
        _enum(DueAnchor, "due_anchor"), default=DueAnchor.START
    )
    tickable_from: Mapped[TickableFrom] = mapped_column(
        _enum(TickableFrom, "tickable_from"), default=TickableFrom.PUBLISHING
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

    items: Mapped[list[ChecklistItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ChecklistItem.due_on"
    )


class ChecklistItem(Base):
    __tablename__ = "checklist_item"

    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("checklist.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "audience"))
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


class AuthKind(StrEnum):
    SESSION = "session"
    """A browser log-in, carried in an http-only cookie."""
    TOKEN = "token"
    """A bearer token for an API client."""


class AuthSession(Base):
    """A log-in that is still valid: only a hash of its secret is kept, so a copy of the
    database does not let anyone in. Log-out and revocation set `revoked_at`."""

    __tablename__ = "auth_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AuthKind] = mapped_column(_enum(AuthKind, "auth_kind"))
    label: Mapped[str] = mapped_column(String(100), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    user: Mapped[UserAccount] = relationship(lazy="joined")


class AuditEntry(Base):
    """Who changed or read what, when; before/after hold the changed fields."""

    __tablename__ = "audit_entry"

    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(50), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonB)


class CalendarFeed(Base):
    """A person's secret calendar-feed address. Only a hash of the token is kept, so a copy
    of the database cannot read anyone's calendar; a new link revokes the old one."""

    __tablename__ = "calendar_feed"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_read_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    person: Mapped[Person] = relationship(lazy="joined")


class MessageKind(StrEnum):
    ROUND_PUBLISHED = "round_published"
    ASSIGNMENT_CHANGED = "assignment_changed"
    APPROVAL_WANTED = "approval_wanted"
    CHECKLIST_OVERDUE = "checklist_overdue"


class MessageStatus(StrEnum):
    PENDING = "pending"
    """Waiting to be sent (or to be retried at `next_attempt_at`)."""
    SENT = "sent"
    FAILED = "failed"
    """Gave up after the last retry; `last_error` says why."""
    NOT_SENT = "not_sent"
    """No mail server is configured or the person has no e-mail: shown on their page only."""


class OutboxMessage(Base):
    """A message to one person, written in the same transaction as the change it tells of,
    so nothing is announced that did not happen and nothing that happened goes untold."""

    __tablename__ = "outbox_message"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind, "message_kind"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    """The same event never makes two messages: e.g. `overdue:2026-03-17:to:42`, one digest."""
    language: Mapped[str] = mapped_column(String(5), default="da")
    to_address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        _enum(MessageStatus, "message_status"), default=MessageStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    person: Mapped[Person] = relationship(lazy="joined")
