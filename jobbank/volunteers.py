"""Volunteer profiles: who may be lent, with what, and how much their home unit still needs.

Staff keep their own profile; the leader of their home unit approves it and sets the home
load; HR coordinators see and edit every profile.

Editing skills, hours, shift types or preferences after approval keeps the approval. The
profile stays the same person's offer; re-approving after every small correction would keep
volunteers out of rounds for nothing, and a leader who wants to reconsider sees each change
in the audit log and can decline. Opting out takes effect at once: rounds snapshot only
opted-in, approved volunteers (`is_plannable`). The home load a leader sets is at most the
normal hours at the time; hours lowered later only bring the capacity down to 0, never below.

The risk-group flag is health data. Staff declare it but never read it back, leaders never
see it, and every HR read of it is written to the audit log (`read_health`). Audit entries of
changes say that it changed, never its value, so the log itself holds no health data.

Week rows (`VolunteerWeek`) keep both a week's availability and its home load; a row that
says nothing the profile's defaults do not (available, default home load) is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from jobbank.assignments import count_lent
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import InvalidInput, NotFound, Problems, check_version
from jobbank.core.texts import Code, Name
from jobbank.core.weeks import monday_of, require_hours, require_monday
from jobbank.db.models import (
    ApprovalStatus,
    Area,
    Person,
    Skill,
    Unit,
    VolunteerProfile,
    VolunteerWeek,
    unit_leader,
)
from jobbank.notifications import ask_for_approval
from solver.bounds import Day, HomeLoad, NormalHours, RowId, Version
from solver.contract import Shift

ENTITY = "volunteer_profile"
HIDDEN = "(health data, not logged)"
T = TypeVar("T")


def is_plannable(profile: VolunteerProfile) -> bool:
    """Only opted-in volunteers approved by their home-unit leader go into a round."""
    return profile.opted_in and profile.approval is ApprovalStatus.APPROVED


def home_load_in(profile: VolunteerProfile, week: dt.date) -> float:
    """Hours the home unit keeps in `week`: that week's own value, else the profile's default."""
    override = _week_row(profile, week)
    return override.home_load if override is not None else profile.home_load


def available_in(profile: VolunteerProfile, week: dt.date) -> bool:
    override = _week_row(profile, week)
    return override.available if override is not None else True


def _week_row(profile: VolunteerProfile, week: dt.date) -> VolunteerWeek | None:
    return next((row for row in profile.weeks if row.week == week), None)


# --- what people send --------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeekAvailability(_Body):
    week: Day = Field(description="The Monday of the week.")
    available: bool


class WeekHomeLoad(_Body):
    week: Day = Field(description="The Monday of the week.")
    home_load: HomeLoad = Field(description="Hours the home unit keeps that week, 0–48.")


UnitRef = RowId | Code
"""A unit by id or by code."""
AreaRef = RowId | Name
"""An area by id or by name."""


class ProfileEdit(_Body):
    """A volunteer's own profile, as they save it (the whole of it: omitted lists are empty)."""

    opted_in: bool = Field(True, description="False takes you out of future rounds.")
    normal_hours: NormalHours = Field(
        description="Contracted hours a week, more than 0, at most 48, in half hours."
    )
    skills: list[Code] = Field(default_factory=list, description="Skill codes.")
    shifts: list[Shift] = Field(default_factory=lambda: [Shift.DAY])
    availability: list[WeekAvailability] = Field(
        default_factory=list, description="Weeks you are away (or back); other weeks: available."
    )
    avoid_units: list[UnitRef] = Field(
        default_factory=list, description="Units (id or code) not to be lent to."
    )
    preferred_areas: list[AreaRef] = Field(
        default_factory=list, description="Areas (id or name) you would rather work in."
    )
    risk_group: bool | None = Field(
        None,
        description="Self-declaration of belonging to a risk group: goes to HR only and is "
        "never sent back. Omit it to keep what you declared.",
    )
    version: Version | None = Field(None, description="Required when changing an existing profile.")


class ProfilePatch(_Body):
    """HR's change of any field of a profile; fields left out (or null) stay as they are."""

    opted_in: bool | None = None
    normal_hours: NormalHours | None = None
    skills: list[Code] | None = None
    shifts: list[Shift] | None = None
    availability: list[WeekAvailability] | None = None
    avoid_units: list[UnitRef] | None = None
    preferred_areas: list[AreaRef] | None = None
    risk_group: bool | None = None
    home_load: HomeLoad | None = None
    home_load_weeks: list[WeekHomeLoad] | None = None
    approval: ApprovalStatus | None = None
    version: Version


class HomeLoadPlan(_Body):
    """What the home unit keeps: a default per week and the weeks that differ."""

    home_load: HomeLoad = Field(description="Default hours a week the home unit keeps, 0–48.")
    weeks: list[WeekHomeLoad] = Field(default_factory=list, description="Weeks that differ.")
    version: Version


class ApprovalDecision(_Body):
    decision: Literal[ApprovalStatus.APPROVED, ApprovalStatus.DECLINED]
    version: Version


# --- reading -----------------------------------------------------------------------------


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


# --- changing ----------------------------------------------------------------------------


def save_own_profile(session: Session, actor: Actor, edit: ProfileEdit) -> VolunteerProfile:
    """Create or replace the caller's profile; a new one waits for the home leader's approval."""
    profile = _own(session, actor)
    before: dict[str, Any] | None = None
    if profile is None:
        profile = VolunteerProfile(
            person_id=actor.person_id,
            opted_in=True,
            normal_hours=0.0,
            shifts=[Shift.DAY.value],
            home_load=0.0,
            risk_group=False,
            approval=ApprovalStatus.PENDING,
        )
    else:
        if edit.version is None:
            raise InvalidInput("version", "required to change your profile; send the one you read")
        check_version(f"volunteer profile {profile.id}", profile.version, edit.version)
        before = _audited(profile)
    _change_offer(session, profile, edit)
    session.add(profile)
    saved = _saved(session, actor, profile, "create" if before is None else "update", before)
    newly_offered = saved.opted_in and (before is None or not before["opted_in"])
    if newly_offered and saved.approval is ApprovalStatus.PENDING:
        ask_for_approval(session, saved)  # the home unit's leaders must decide
    return saved


def decide_approval(
    session: Session, actor: Actor, profile_id: int, decision: ApprovalDecision
) -> VolunteerProfile:
    """The home-unit leader (or HR) approves or declines; who and when are kept."""
    profile = get_profile(session, actor, profile_id)
    _not_about_oneself(actor, profile, "decision")
    check_version(f"volunteer profile {profile_id}", profile.version, decision.version)
    before = _audited(profile)
    _decide(profile, decision.decision, actor)
    return _saved(session, actor, profile, decision.decision.value, before)


def may_decide(actor: Actor, profile: VolunteerProfile) -> bool:
    """Who approves a volunteer and sets their home load: HR for anyone (so a unit without a
    leader is never stuck), a leader for the staff of the units they lead but not for
    themselves (HR decides for a leader who volunteers)."""
    if actor.is_hr:
        return True
    return actor.leads(profile.person.home_unit_id) and not actor.is_person(profile.person_id)


def _not_about_oneself(actor: Actor, profile: VolunteerProfile, field: str) -> None:
    """Refuse a decision `may_decide` does not allow (`get_profile` already checked reach,
    so what is left is a leader deciding about their own volunteering)."""
    if not may_decide(actor, profile):
        raise InvalidInput(
            field, "you cannot decide this for your own volunteering; an HR coordinator does"
        )


def plan_home_load(
    session: Session, actor: Actor, profile_id: int, plan: HomeLoadPlan
) -> VolunteerProfile:
    """Set the hours the home unit keeps: a default and the weeks that differ (all replaced)."""
    profile = get_profile(session, actor, profile_id)
    _not_about_oneself(actor, profile, "home_load")
    check_version(f"volunteer profile {profile_id}", profile.version, plan.version)
    before = _audited(profile)
    _set_home_load(profile, plan.home_load, plan.weeks, field="weeks")
    return _saved(session, actor, profile, "set_home_load", before)


def patch_profile(
    session: Session, actor: Actor, profile_id: int, patch: ProfilePatch
) -> VolunteerProfile:
    """HR changes any field of any profile, the risk-group flag included."""
    actor.require(actor.is_hr, f"volunteer profile {profile_id}")
    profile = get_profile(session, actor, profile_id)
    check_version(f"volunteer profile {profile_id}", profile.version, patch.version)
    before = _audited(profile)
    _change_offer(session, profile, patch)
    if patch.home_load is not None or patch.home_load_weeks is not None:
        default = patch.home_load if patch.home_load is not None else profile.home_load
        weeks = patch.home_load_weeks
        if weeks is None:
            weeks = home_load_overrides(profile)
        _set_home_load(profile, default, weeks, field="home_load_weeks")
    if patch.approval is not None and patch.approval is not profile.approval:
        _decide(profile, patch.approval, actor)
    return _saved(session, actor, profile, "update", before)


def _own(session: Session, actor: Actor) -> VolunteerProfile | None:
    actor.require(actor.is_staff, "volunteer profile")
    return session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.person_id == actor.person_id)
    )


def _change_offer(
    session: Session, profile: VolunteerProfile, offer: ProfileEdit | ProfilePatch
) -> None:
    """Apply the fields the volunteer offers; None leaves a field as it is.

    Nothing is flushed half-way, so a change is one UPDATE and one new version.
    """
    with session.no_autoflush:
        _apply_offer(session, profile, offer)


def _apply_offer(
    session: Session, profile: VolunteerProfile, offer: ProfileEdit | ProfilePatch
) -> None:
    """Every wrong field is refused at once (`InvalidFields`)."""
    problems = Problems()
    if offer.opted_in is not None:
        profile.opted_in = offer.opted_in
    if offer.normal_hours is not None:
        problems.put(
            profile, "normal_hours", check, "normal_hours", NormalHours, offer.normal_hours
        )
    if offer.skills is not None:
        problems.put(profile, "skills", _skills, session, offer.skills)
    if offer.shifts is not None:
        problems.put(profile, "shifts", _shifts, offer.shifts)
    if offer.availability is not None:
        problems.check(_set_availability, profile, offer.availability)
    if offer.avoid_units is not None:
        problems.put(profile, "avoided_units", _units, session, offer.avoid_units)
    if offer.preferred_areas is not None:
        problems.put(profile, "preferred_areas", _areas, session, offer.preferred_areas)
    problems.refuse()
    if offer.risk_group is not None:
        profile.risk_group = offer.risk_group
    if not profile.opted_in:  # leaving the job bank: health data is kept only while in it
        profile.risk_group = False


def _shifts(shifts: Sequence[Shift]) -> list[str]:
    if not shifts:
        raise InvalidInput("shifts", "choose at least one shift type")
    return sorted({shift.value for shift in shifts})


def _decide(profile: VolunteerProfile, decision: ApprovalStatus, actor: Actor) -> None:
    profile.approval = decision
    profile.approved_by_id = actor.user_id
    profile.approved_at = dt.datetime.now(dt.UTC)


def _set_availability(profile: VolunteerProfile, weeks: Sequence[WeekAvailability]) -> None:
    """Replace availability: the weeks listed, every other week available."""
    wanted = _by_week("availability", [(w.week, w.available) for w in weeks])
    for row in profile.weeks:
        row.available = wanted.pop(row.week, True)
    for week, available in wanted.items():
        profile.weeks.append(
            VolunteerWeek(week=week, available=available, home_load=profile.home_load)
        )


def _set_home_load(
    profile: VolunteerProfile, default: float, weeks: Sequence[WeekHomeLoad], *, field: str
) -> None:
    """Replace the home load: `default`, and the weeks listed; never beyond normal hours."""
    most = profile.normal_hours
    problems = Problems()  # every wrong week is told at once

    def checked(where: str, load: float) -> float:
        return require_hours(where, check(where, HomeLoad, load), most=most)

    problems.check(checked, "home_load", default)
    wanted = _by_week(field, [(w.week, w.home_load) for w in weeks])
    for index, load in enumerate(wanted.values()):
        problems.check(checked, f"{field}[{index}].home_load", load)
    problems.refuse()
    profile.home_load = float(default)
    for row in profile.weeks:
        row.home_load = wanted.pop(row.week, profile.home_load)
    for week, load in wanted.items():
        profile.weeks.append(VolunteerWeek(week=week, available=True, home_load=load))


def _by_week(field: str, pairs: Sequence[tuple[dt.date, T]]) -> dict[dt.date, T]:
    """Per-week values by Monday; `field[i].week` names a non-Monday or a repeated week."""
    by_week: dict[dt.date, T] = {}
    for index, (week, value) in enumerate(pairs):
        require_monday(f"{field}[{index}].week", week)
        if week in by_week:
            raise InvalidInput(f"{field}[{index}].week", f"{week.isoformat()} is listed twice")
        by_week[week] = value
    return by_week


def _skills(session: Session, codes: Sequence[str]) -> list[Skill]:
    found = {s.code: s for s in session.scalars(select(Skill).where(Skill.code.in_(codes)))}
    for index, code in enumerate(codes):
        if code not in found:
            raise InvalidInput(f"skills[{index}]", f"unknown skill {code!r}")
    return [found[code] for code in dict.fromkeys(codes)]


def _units(session: Session, refs: Sequence[UnitRef]) -> list[Unit]:
    ids = [ref for ref in refs if isinstance(ref, int)]
    codes = [ref for ref in refs if isinstance(ref, str)]
    rows = session.scalars(select(Unit).where(or_(Unit.id.in_(ids), Unit.code.in_(codes))))
    found: dict[UnitRef, Unit] = {}
    for unit in rows:
        found[unit.id] = found[unit.code] = unit
    return _resolved("avoid_units", "unit", refs, found)


def _areas(session: Session, refs: Sequence[AreaRef]) -> list[Area]:
    ids = [ref for ref in refs if isinstance(ref, int)]
    names = [ref for ref in refs if isinstance(ref, str)]
    rows = session.scalars(select(Area).where(or_(Area.id.in_(ids), Area.name.in_(names))))
    found: dict[AreaRef, Area] = {}
    for area in rows:
        found[area.id] = found[area.name] = area
    return _resolved("preferred_areas", "area", refs, found)


def _resolved(
    field: str, kind: str, refs: Sequence[int | str], found: dict[int | str, T]
) -> list[T]:
    """The rows `refs` name, each once, in the order given; an unknown one names its place."""
    for index, ref in enumerate(refs):
        if ref not in found:
            raise InvalidInput(f"{field}[{index}]", f"unknown {kind} {ref!r}")
    return list(dict.fromkeys(found[ref] for ref in refs))


def _audited(profile: VolunteerProfile) -> dict[str, Any]:
    """The profile's fields as the audit log shows them (risk group masked on the way out)."""
    return {
        "opted_in": profile.opted_in,
        "normal_hours": profile.normal_hours,
        "skills": sorted(skill.code for skill in profile.skills),
        "shifts": sorted(profile.shifts),
        "unavailable_weeks": [week.isoformat() for week in unavailable_weeks(profile)],
        "home_load": profile.home_load,
        "home_load_weeks": {
            row.week.isoformat(): row.home_load for row in home_load_overrides(profile)
        },
        "avoid_units": sorted(unit.code for unit in profile.avoided_units),
        "preferred_areas": sorted(area.name for area in profile.preferred_areas),
        "approval": profile.approval.value,
        "approved_by_id": profile.approved_by_id,
        "approved_at": profile.approved_at.isoformat() if profile.approved_at else None,
        "risk_group": profile.risk_group,
    }


def _saved(
    session: Session,
    actor: Actor,
    profile: VolunteerProfile,
    action: str,
    before: dict[str, Any] | None,
) -> VolunteerProfile:
    """Drop week rows that say nothing, write the change with its audit entry, and flush so
    the answer carries the new version."""
    profile.weeks = [
        row for row in profile.weeks if not row.available or row.home_load != profile.home_load
    ]
    after = _audited(profile)
    old, new = audit.changed(before or {}, after) if before is not None else (None, after)
    if new:
        # Collections alone do not update the row; touching it bumps the version for them too.
        profile.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        audit.record(
            session,
            user_id=actor.user_id,
            action=action,
            entity=ENTITY,
            entity_id=profile.id,
            before=_masked(old),
            after=_masked(new),
        )
    session.flush()
    return profile


def _masked(fields: dict[str, Any] | None) -> dict[str, Any] | None:
    if fields is None or "risk_group" not in fields:
        return fields
    return fields | {"risk_group": HIDDEN}
