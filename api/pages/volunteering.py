"""Volunteering pages: a unit leader approves their staff's offers and plans the hours the
home unit keeps; staff keep their own volunteer profile.

Both save through `jobbank.volunteers`, the same services as the API (version checks, audit).
The risk-group flag is health data: the profile form lets staff declare it (or withdraw it),
but never shows what they declared, and leaders never see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from advanced_alchemy.filters import LimitOffset
from babel.numbers import format_decimal
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB
from api.pages.i18n import language_of, translate
from api.pages.needs import STALE, explain, field_of
from jobbank.access import Actor
from jobbank.bounds import shaped
from jobbank.contract import Shift
from jobbank.errors import Conflict, InvalidInput, NotFound
from jobbank.models import ApprovalStatus, Area, Skill, Unit, VolunteerProfile
from jobbank.volunteers import (
    ApprovalDecision,
    HomeLoadPlan,
    ProfileEdit,
    WeekAvailability,
    WeekHomeLoad,
    decide_approval,
    get_profile,
    home_load_in,
    home_load_overrides,
    list_profiles,
    own_profile,
    own_profile_or_none,
    plan_home_load,
    save_own_profile,
    unavailable_weeks,
)
from jobbank.weeks import monday_of, week_starts

ALL = LimitOffset(limit=1000, offset=0)
PLANNED_WEEKS = 8
"""Weeks ahead a leader plans the home load for, and staff give their availability for."""
Form = dict[str, Any]
SHIFTS = {shift.value for shift in Shift}


def _coming_weeks() -> list[dt.date]:
    return week_starts(monday_of(dt.date.today()), PLANNED_WEEKS)


def _many(form: Form, name: str) -> list[str]:
    """A field's values: a form sends one value as text and several as a list."""
    value = form.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _hours(field_name: str, text: str) -> float:
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(field_name, f"{text!r} is not a number") from None


def _version(form: Form) -> int | None:
    text = str(form.get("version", ""))
    return int(text) if text.isdigit() else None


# --- approvals ------------------------------------------------------------------------------


@dataclass
class Approval:
    """One volunteer of a unit the leader leads, with the home load planned for the coming weeks."""

    profile: VolunteerProfile
    weeks: list[tuple[dt.date, float]]
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    sent: Form = field(default_factory=dict)
    """The home-load form as sent, shown again when it could not be saved."""


def _approvals(session: Session, actor: Actor) -> list[Approval]:
    """Volunteers whose home unit the caller leads, pending first, then by name."""
    if not actor.is_leader:
        raise NotFound("volunteers: not found")
    profiles, _ = list_profiles(session, actor, ALL)
    mine = [
        p
        for p in profiles
        if actor.leads(p.person.home_unit_id) and not actor.is_person(p.person_id)
    ]
    mine.sort(key=lambda p: p.approval is not ApprovalStatus.PENDING)
    weeks = _coming_weeks()
    return [Approval(p, [(w, home_load_in(p, w)) for w in weeks]) for p in mine]


def _approvals_page(
    actor: Actor, rows: list[Approval], saved: str | None = None, status_code: int = 200
) -> Template:
    return Template(
        "volunteering_approvals.html",
        context={"actor": actor, "rows": rows, "saved": saved},
        status_code=status_code,
    )


@get("/volunteering/approvals", sync_to_thread=True)
def approvals_page(
    db_session: DB, request: HTMXRequest, saved: FromQuery[str | None] = None
) -> Template:
    """Your units' volunteers: approve or decline each offer, and plan the hours you keep."""
    actor = current_actor(request)
    return _approvals_page(actor, _approvals(db_session, actor), saved)


@post("/volunteering/approvals/{profile_id:int}/decision", sync_to_thread=True, status_code=303)
def decide(
    db_session: DB, request: HTMXRequest, profile_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Approve or decline one volunteer's offer."""
    actor = current_actor(request)
    wanted = str(data.get("decision", ""))
    if wanted not in (ApprovalStatus.APPROVED.value, ApprovalStatus.DECLINED.value):
        raise InvalidInput("decision", f"must be approved or declined, got {wanted!r}")
    decision = ApprovalDecision(decision=ApprovalStatus(wanted), version=_version(data) or 0)
    try:
        profile = decide_approval(db_session, actor, profile_id, decision)
    except Conflict:
        return _failed(db_session, request, actor, profile_id, {}, STALE)
    return Redirect(f"/volunteering/approvals?saved={profile.person.name}", status_code=303)


@post("/volunteering/approvals/{profile_id:int}/home-load", sync_to_thread=True, status_code=303)
def save_home_load(
    db_session: DB, request: HTMXRequest, profile_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """The hours the home unit keeps: the default and each of the coming weeks."""
    actor = current_actor(request)
    language = language_of(request)
    weeks = _coming_weeks()
    errors: dict[str, str] = {}
    try:
        default = _hours("home_load", data.get("home_load", ""))
        shown = [
            # checked by the service, which names a week beyond its bound `weeks[i]`
            WeekHomeLoad.model_construct(
                week=w, home_load=_hours(f"week-{w.isoformat()}", data.get(f"week-{w}", ""))
            )
            for w in weeks
        ]
        version = _version(data)
        if version is None:  # a copy of the page with no version: as good as stale
            raise Conflict("version: missing")
        plan = shaped(HomeLoadPlan, home_load=default, weeks=[], version=version)
        profile = get_profile(db_session, actor, profile_id)
        kept = [o for o in home_load_overrides(profile) if o.week not in weeks]
        plan.weeks = kept + [w for w in shown if w.home_load != default]
        plan_home_load(db_session, actor, profile_id, plan)
    except InvalidInput as error:
        name = field_of(error)
        if name == "weeks":  # `weeks[i]` names the i-th week sent: point at its field
            index = int(error.field.split("[", 1)[1].split("]", 1)[0])
            name = f"week-{plan.weeks[index].week.isoformat()}"
        errors[name] = explain(language, error)
    except Conflict:
        return _failed(db_session, request, actor, profile_id, {}, STALE)
    if errors:
        return _failed(db_session, request, actor, profile_id, errors, "", data)
    return Redirect("/volunteering/approvals?saved=home-load", status_code=303)


def _failed(
    session: Session,
    request: HTMXRequest,
    actor: Actor,
    profile_id: int,
    errors: dict[str, str],
    message: str,
    sent: Form | None = None,
) -> Template:
    """The page again with the failure at the volunteer it concerns (the change is rolled back)."""
    session.rollback()
    rows = _approvals(session, actor)
    for row in rows:
        if row.profile.id == profile_id:
            row.errors = errors
            row.sent = sent or {}
            row.message = translate(language_of(request), message) if message else ""
    return _approvals_page(actor, rows, status_code=409 if message else 422)


# --- my volunteer profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileView:
    """What the profile form shows: the saved profile, or what was just sent if it failed.

    It holds no risk-group flag: that is never shown back.
    """

    opted_in: bool
    normal_hours: str
    skills: frozenset[str]
    shifts: frozenset[str]
    unavailable: frozenset[dt.date]
    avoid_units: frozenset[str]
    preferred_areas: frozenset[str]
    version: str

    @classmethod
    def of(cls, profile: VolunteerProfile | None, language: str) -> ProfileView:
        if profile is None:
            nothing: frozenset[str] = frozenset()
            return cls(
                opted_in=True,
                normal_hours="37",
                skills=nothing,
                shifts=frozenset({Shift.DAY.value}),
                unavailable=frozenset(),
                avoid_units=nothing,
                preferred_areas=nothing,
                version="",
            )
        return cls(
            opted_in=profile.opted_in,
            normal_hours=format_decimal(profile.normal_hours, "#,##0.#", locale=language),
            skills=frozenset(skill.code for skill in profile.skills),
            shifts=frozenset(profile.shifts),
            unavailable=frozenset(unavailable_weeks(profile)),
            avoid_units=frozenset(str(unit.id) for unit in profile.avoided_units),
            preferred_areas=frozenset(str(area.id) for area in profile.preferred_areas),
            version=str(profile.version),
        )

    @classmethod
    def sent(cls, form: Form) -> ProfileView:
        available = set(_many(form, "available"))
        return cls(
            opted_in=form.get("opted_in") == "on",
            normal_hours=str(form.get("normal_hours", "")),
            skills=frozenset(_many(form, "skills")),
            shifts=frozenset(_many(form, "shifts")),
            unavailable=frozenset(w for w in _coming_weeks() if w.isoformat() not in available),
            avoid_units=frozenset(_many(form, "avoid_units")),
            preferred_areas=frozenset(_many(form, "preferred_areas")),
            version=str(form.get("version", "")),
        )


def _profile_page(
    session: Session,
    actor: Actor,
    profile: VolunteerProfile | None,
    view: ProfileView,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    return Template(
        "volunteering_profile.html",
        context={
            "actor": actor,
            "profile": profile,
            "view": view,
            "skills": session.scalars(select(Skill).order_by(Skill.label_da)).all(),
            "shifts": list(Shift),
            "units": session.scalars(select(Unit).order_by(Unit.name)).all(),
            "areas": session.scalars(select(Area).order_by(Area.name)).all(),
            "weeks": _coming_weeks(),
            "errors": errors or {},
            "saved": saved,
        },
        status_code=status_code,
    )


def _own_or_none(session: Session, actor: Actor) -> VolunteerProfile | None:
    try:
        return own_profile(session, actor)
    except NotFound:
        return None


@get("/volunteering/profile", sync_to_thread=True)
def profile_page(db_session: DB, request: HTMXRequest, saved: FromQuery[bool] = False) -> Template:
    """Your offer to be lent out: skills, hours, weeks, where (not) to go, and opting in or out."""
    actor = current_actor(request)
    actor.require(actor.is_staff, "volunteer profile")
    profile = _own_or_none(db_session, actor)
    view = ProfileView.of(profile, language_of(request))
    return _profile_page(db_session, actor, profile, view, saved=saved)


def _edit_of(form: Form, profile: VolunteerProfile | None) -> ProfileEdit:
    """The form as the service's `ProfileEdit`; weeks outside the form keep their availability."""
    weeks = _coming_weeks()
    away = set(weeks) - {dt.date.fromisoformat(w) for w in _many(form, "available")}
    earlier = [w for w in unavailable_weeks(profile) if w not in weeks] if profile else []
    declared, withdrawn = form.get("risk_group") == "on", form.get("risk_group_withdrawn") == "on"
    if declared and withdrawn:
        raise InvalidInput("risk_group", "choose one of declare and withdraw")
    return shaped(
        ProfileEdit,
        opted_in=form.get("opted_in") == "on",
        normal_hours=_hours("normal_hours", form.get("normal_hours", "")),
        skills=_many(form, "skills"),
        shifts=[Shift(s) for s in _many(form, "shifts") if s in SHIFTS],
        availability=[WeekAvailability(week=w, available=False) for w in sorted(away) + earlier],
        avoid_units=[int(u) for u in _many(form, "avoid_units") if u.isdigit()],
        preferred_areas=[int(a) for a in _many(form, "preferred_areas") if a.isdigit()],
        risk_group=True if declared else False if withdrawn else None,
        version=_version(form),
    )


@post("/volunteering/profile", sync_to_thread=True, status_code=303)
def save_profile(
    db_session: DB, request: HTMXRequest, data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Save your profile; a new one waits for your leader's approval."""
    actor = current_actor(request)
    language = language_of(request)
    profile = own_profile_or_none(db_session, actor)  # out of reach: 404 before any value
    try:
        save_own_profile(db_session, actor, _edit_of(data, profile))
    except InvalidInput as error:
        errors = {field_of(error): explain(language, error)}
        status = 422
    except Conflict:
        errors, status = {"version": translate(language, STALE)}, 409
    else:
        return Redirect("/volunteering/profile?saved=true", status_code=303)
    db_session.rollback()
    profile = _own_or_none(db_session, actor)
    view = ProfileView.sent(data)
    return _profile_page(db_session, actor, profile, view, errors, status_code=status)


ROUTES = [approvals_page, decide, save_home_load, profile_page, save_profile]
