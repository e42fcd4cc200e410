"""Reading volunteer profiles: one's own, the lists leaders and HR see, the counts pages show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from jobbank.assignments.lent import count_lent
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.core.weeks import monday_of
from jobbank.db.models import (
    ApprovalStatus,
    Area,
    Person,
    Skill,
    Unit,
    VolunteerProfile,
    unit_leader,
)
from jobbank.volunteers.bodies import WeekHomeLoad

ENTITY = "volunteer_profile"


class VolunteerService(SQLAlchemySyncRepositoryService[VolunteerProfile]):
    class Repository(SQLAlchemySyncRepository[VolunteerProfile]):
        model_type = VolunteerProfile

    repository_type = Repository


def own_profile_or_none(session: Session, actor: Actor) -> VolunteerProfile | None:
    """The caller's own profile, None before they save one; `NotFound` to anyone who cannot
    volunteer."""
    return _own(session, actor)


def own_profile(session: Session, actor: Actor) -> VolunteerProfile:
    """The caller's own profile; `NotFound` until they have saved one."""
    profile = _own(session, actor)
    if profile is None:
        raise NotFound("volunteer profile: you have none yet; save one to volunteer")
    return profile


def list_profiles(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    approval: ApprovalStatus | None = None,
    unit_id: int | None = None,
    skill: str | None = None,
) -> tuple[Sequence[VolunteerProfile], int]:
    """HR: every profile; a unit leader: those whose home unit they lead. By name."""
    actor.require(actor.is_hr or actor.is_leader, "volunteers")
    filters: list[StatementFilter | ColumnElement[bool]] = [paging]
    if not actor.is_hr:
        filters.append(Person.home_unit_id.in_(actor.led_unit_ids))
    if approval is not None:
        filters.append(VolunteerProfile.approval == approval)
    if unit_id is not None:
        filters.append(Person.home_unit_id == unit_id)
    if skill is not None:
        filters.append(VolunteerProfile.skills.any(Skill.code == skill))
    return VolunteerService(session=session).get_many_and_count(
        *filters,
        statement=select(VolunteerProfile).join(VolunteerProfile.person),
        order_by=[Person.name.asc(), VolunteerProfile.id.asc()],
    )


def get_profile(session: Session, actor: Actor, profile_id: int) -> VolunteerProfile:
    """A profile HR, or the leader of the volunteer's home unit, may see."""
    profile = session.get(VolunteerProfile, profile_id)
    if profile is None or not (actor.is_hr or actor.leads(profile.person.home_unit_id)):
        raise NotFound(f"volunteer profile {profile_id}: not found")
    return profile


def read_health(session: Session, actor: Actor, profiles: Sequence[VolunteerProfile]) -> bool:
    """Whether the caller may see these profiles' risk-group flags (HR only); an HR read is
    written to the audit log before the answer leaves."""
    if not actor.is_hr:
        return False
    if profiles:
        ids = [profile.id for profile in profiles]
        audit.record(
            session,
            user_id=actor.user_id,
            action="read_health",
            entity=ENTITY,
            entity_id=ids[0] if len(ids) == 1 else "",
            after={"ids": ids},
        )
    return True


def unavailable_weeks(profile: VolunteerProfile) -> list[dt.date]:
    return sorted(row.week for row in profile.weeks if not row.available)


def home_load_overrides(profile: VolunteerProfile) -> list[WeekHomeLoad]:
    """The weeks whose home load differs from the profile's default."""
    return [
        WeekHomeLoad(week=row.week, home_load=row.home_load)
        for row in sorted(profile.weeks, key=lambda row: row.week)
        if row.home_load != profile.home_load
    ]


def volunteers_to_decide(
    session: Session,
    actor: Actor,
    *,
    approval: ApprovalStatus | None = None,
    unit_id: int | None = None,
    most: int = 1000,
) -> tuple[list[VolunteerProfile], int]:
    """The volunteers the caller may decide about (`may_decide`), waiting ones first, then by
    name: at most `most` of them, and how many there are."""
    actor.require(actor.is_hr or actor.is_leader, "volunteers")
    profiles, total = list_profiles(
        session, actor, LimitOffset(limit=most, offset=0), approval=approval, unit_id=unit_id
    )
    mine = [profile for profile in profiles if may_decide(actor, profile)]
    mine.sort(key=lambda profile: profile.approval is not ApprovalStatus.PENDING)
    return mine, total - (len(profiles) - len(mine))


@dataclass(frozen=True)
class VolunteerCounts:
    """Volunteers by where they stand; every page that shows a count reads it from here."""

    waiting: int
    """Offers awaiting a decision (approval pending)."""
    approved: int
    """Approved and opted in: whom the next round plans with."""
    declined: int
    opted_out: int
    """Approved, but taken out of future rounds by themselves."""
    lent: int
    """Lent out by a published plan this week or later."""


def volunteer_counts(session: Session, actor: Actor) -> VolunteerCounts:
    """The counts for the volunteers the caller sees: HR all, a leader their units' staff."""
    actor.require(actor.is_hr or actor.is_leader, "volunteers")
    query = (
        select(VolunteerProfile.approval, VolunteerProfile.opted_in, func.count())
        .join(VolunteerProfile.person)
        .group_by(VolunteerProfile.approval, VolunteerProfile.opted_in)
    )
    units = None if actor.is_hr else sorted(actor.led_unit_ids)
    if units is not None:
        query = query.where(Person.home_unit_id.in_(units))
    counts = {(approval, opted_in): n for approval, opted_in, n in session.execute(query).all()}

    def count(approval: ApprovalStatus, *opted_in: bool) -> int:
        return sum(counts.get((approval, flag), 0) for flag in opted_in)

    return VolunteerCounts(
        waiting=count(ApprovalStatus.PENDING, True, False),
        approved=count(ApprovalStatus.APPROVED, True),
        declined=count(ApprovalStatus.DECLINED, True, False),
        opted_out=count(ApprovalStatus.APPROVED, False),
        lent=count_lent(session, monday_of(dt.date.today()), units),
    )


@dataclass(frozen=True)
class UnitWaiting:
    """A unit, whether anyone leads it, and how many of its volunteers wait for a decision."""

    id: int
    code: str
    name: str
    area: str
    has_leader: bool
    waiting: int


def waiting_by_unit(session: Session, actor: Actor) -> list[UnitWaiting]:
    """Every unit with its waiting volunteers (HR only): where no leader can decide, HR must."""
    actor.require(actor.is_hr, "volunteers")
    waiting = (
        select(Person.home_unit_id, func.count().label("waiting"))
        .join(VolunteerProfile, VolunteerProfile.person_id == Person.id)
        .where(VolunteerProfile.approval == ApprovalStatus.PENDING)
        .group_by(Person.home_unit_id)
        .subquery()
    )
    led = exists().where(unit_leader.c.unit_id == Unit.id)
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name, Area.name, led, func.coalesce(waiting.c.waiting, 0))
        .join(Area, Area.id == Unit.area_id)
        .outerjoin(waiting, waiting.c.home_unit_id == Unit.id)
        .order_by(Unit.name, Unit.id)
    ).all()
    return [UnitWaiting(*row) for row in rows]


def may_decide(actor: Actor, profile: VolunteerProfile) -> bool:
    """Who approves a volunteer and sets their home load: HR for anyone (so a unit without a
    leader is never stuck), a leader for the staff of the units they lead but not for
    themselves (HR decides for a leader who volunteers)."""
    if actor.is_hr:
        return True
    return actor.leads(profile.person.home_unit_id) and not actor.is_person(profile.person_id)


def _own(session: Session, actor: Actor) -> VolunteerProfile | None:
    actor.require(actor.is_staff, "volunteer profile")
    return session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.person_id == actor.person_id)
    )
