"""Changing volunteer profiles: a person's own offer, the home leader's approval and home load,
HR's corrections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.days import check_away_days, check_daily_hours
from jobbank.core.errors import InvalidInput, Problems, check_version
from jobbank.core.weeks import require_hours, require_monday
from jobbank.db.models import (
    EVERY_DAY,
    ApprovalStatus,
    Area,
    Skill,
    Unit,
    VolunteerProfile,
    VolunteerWeek,
)
from jobbank.notifications import ask_for_approval
from jobbank.volunteers.bodies import (
    ApprovalDecision,
    AreaRef,
    DayPlan,
    HomeLoadPlan,
    ProfileEdit,
    ProfilePatch,
    UnitRef,
    WeekAvailability,
    WeekHomeLoad,
)
from jobbank.volunteers.reading import (
    ENTITY,
    get_profile,
    home_load_overrides,
    may_decide,
    own_profile_or_none,
    unavailable_weeks,
)
from solver.bounds import HomeLoad, NormalHours
from solver.contract import Shift, Weekday

HIDDEN = "(health data, not logged)"
T = TypeVar("T")


def save_own_profile(session: Session, actor: Actor, edit: ProfileEdit) -> VolunteerProfile:
    """Create or replace the caller's profile; a new one waits for the home leader's approval."""
    profile = own_profile_or_none(session, actor)
    before: dict[str, Any] | None = None
    if profile is None:
        profile = VolunteerProfile(
            person_id=actor.person_id,
            opted_in=True,
            normal_hours=0.0,
            shifts=[Shift.DAY.value],
            home_load=0.0,
            away_days=list(EVERY_DAY),
            risk_group=False,
            approval=ApprovalStatus.PENDING,
        )
    else:
        if edit.version is None:
            raise InvalidInput(
                "version",
                "required to change your profile; send the one you read",
                code="version_required",
            )
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


def _not_about_oneself(actor: Actor, profile: VolunteerProfile, field: str) -> None:
    """Refuse a decision `may_decide` does not allow (`get_profile` already checked reach,
    so what is left is a leader deciding about their own volunteering)."""
    if not may_decide(actor, profile):
        raise InvalidInput(
            field,
            "you cannot decide this for your own volunteering; an HR coordinator does",
            code="own_volunteering",
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


def plan_days(session: Session, actor: Actor, profile_id: int, plan: DayPlan) -> VolunteerProfile:
    """Set the weekdays the home unit lets the person be lent on and their hours a day (the
    home-unit leader or HR); both are replaced, every wrong one refused at once."""
    profile = get_profile(session, actor, profile_id)
    _not_about_oneself(actor, profile, "away_days")
    check_version(f"volunteer profile {profile_id}", profile.version, plan.version)
    before = _audited(profile)
    problems = Problems()
    _set_days(problems, profile, plan.away_days, plan.daily_hours)
    problems.refuse()
    return _saved(session, actor, profile, "set_days", before)


def _set_days(
    problems: Problems,
    profile: VolunteerProfile,
    away_days: Sequence[Weekday],
    daily_hours: float | None,
) -> None:
    """Away days and daily hours as `jobbank.core.days` checks them, for the home leader's
    days and HR's profile change alike; a wrong one is kept in `problems`, the profile left
    as it was."""
    problems.put(profile, "away_days", check_away_days, "away_days", away_days)
    checked = problems.check(check_daily_hours, "daily_hours", daily_hours)
    if not problems.at("daily_hours"):
        profile.daily_hours = checked


def _patch_days(problems: Problems, profile: VolunteerProfile, patch: ProfilePatch) -> None:
    """HR's days in a profile change: a field left out stays; `daily_hours` sent as null is
    the default (a fifth of the normal hours)."""
    daily_given = "daily_hours" in patch.model_fields_set
    if patch.away_days is None and not daily_given:
        return
    away_days = patch.away_days
    if away_days is None:
        away_days = [Weekday(day) for day in profile.away_days]
    daily_hours = patch.daily_hours if daily_given else profile.daily_hours
    _set_days(problems, profile, away_days, daily_hours)


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
    if offer.learn_skills is not None:
        problems.put(profile, "learn_skills", _learn_skills, session, offer.learn_skills, profile)
    elif offer.skills is not None:  # a skill now held is learned
        profile.learn_skills = [s for s in profile.learn_skills if s not in profile.skills]
    if offer.shifts is not None:
        problems.put(profile, "shifts", _shifts, offer.shifts)
    if offer.availability is not None:
        problems.check(_set_availability, profile, offer.availability)
    if offer.avoid_units is not None:
        problems.put(profile, "avoided_units", _units, session, offer.avoid_units)
    if offer.preferred_areas is not None:
        problems.put(profile, "preferred_areas", _areas, session, offer.preferred_areas)
    if isinstance(offer, ProfilePatch):
        _patch_days(problems, profile, offer)
    problems.refuse()
    if offer.risk_group is not None:
        profile.risk_group = offer.risk_group
    if not profile.opted_in:  # leaving the job bank: health data is kept only while in it
        profile.risk_group = False


def _shifts(shifts: Sequence[Shift]) -> list[str]:
    if not shifts:
        raise InvalidInput("shifts", "choose at least one shift type", code="no_shift")
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
            raise InvalidInput(
                f"{field}[{index}].week", f"{week.isoformat()} is listed twice", code="listed_twice"
            )
        by_week[week] = value
    return by_week


def _skills(session: Session, codes: Sequence[str], field: str = "skills") -> list[Skill]:
    """The catalogue's skills of these codes, each once; an unknown one names its place."""
    found = {s.code: s for s in session.scalars(select(Skill).where(Skill.code.in_(codes)))}
    for index, code in enumerate(codes):
        if code not in found:
            raise InvalidInput(
                f"{field}[{index}]",
                f"unknown skill {code!r}",
                code="unknown_skill",
                params={"skill": code},
            )
    return [found[code] for code in dict.fromkeys(codes)]


def _learn_skills(session: Session, codes: Sequence[str], profile: VolunteerProfile) -> list[Skill]:
    """Skills the person wants to learn: known to the catalogue, and none they hold (the
    profile's skills as this change leaves them)."""
    held = {skill.code for skill in profile.skills}
    for index, code in enumerate(codes):
        if code in held:
            raise InvalidInput(
                f"learn_skills[{index}]",
                f"skill {code!r} is already among the person's skills; name only skills to learn",
                code="already_held",
                params={"skill": code},
            )
    return _skills(session, codes, "learn_skills")


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
            raise InvalidInput(
                f"{field}[{index}]",
                f"unknown {kind} {ref!r}",
                code="no_such_unit" if kind == "unit" else "no_such_area",
            )
    return list(dict.fromkeys(found[ref] for ref in refs))


def _audited(profile: VolunteerProfile) -> dict[str, Any]:
    """The profile's fields as the audit log shows them (risk group masked on the way out)."""
    return {
        "opted_in": profile.opted_in,
        "normal_hours": profile.normal_hours,
        "skills": sorted(skill.code for skill in profile.skills),
        "learn_skills": sorted(skill.code for skill in profile.learn_skills),
        "shifts": sorted(profile.shifts),
        "unavailable_weeks": [week.isoformat() for week in unavailable_weeks(profile)],
        "home_load": profile.home_load,
        "away_days": list(profile.away_days),
        "daily_hours": profile.daily_hours,
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
