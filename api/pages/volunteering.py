"""Volunteering pages: a unit leader approves their staff's offers and plans the hours the
home unit keeps (HR does so for every unit, those without a leader included); staff keep
their own volunteer profile.

Both save through `jobbank.volunteers`, the same services as the API (version checks, audit).
The risk-group flag is health data: the profile form lets staff declare it (or withdraw it),
but never shows what they declared, and leaders never see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB
from api.pages.i18n import language_of, translate
from api.pages.numbers import typed_number
from api.pages.refusals import STALE, form_field, sentence, sentences
from jobbank import organisation
from jobbank.core.access import Actor
from jobbank.core.bounds import shaped_within
from jobbank.core.errors import Conflict, InvalidInput, NotFound, Problems
from jobbank.core.weeks import monday_of, week_starts
from jobbank.db.models import ApprovalStatus, VolunteerProfile
from jobbank.volunteers import (
    ApprovalDecision,
    DayPlan,
    HomeLoadPlan,
    ProfileEdit,
    UnitWaiting,
    WeekAvailability,
    WeekHomeLoad,
    decide_approval,
    get_profile,
    home_load_in,
    home_load_overrides,
    own_profile,
    own_profile_or_none,
    plan_days,
    plan_home_load,
    save_own_profile,
    unavailable_weeks,
    volunteer_counts,
    volunteers_to_decide,
    waiting_by_unit,
)
from solver.bounds import hours_a_day
from solver.contract import WEEKDAYS, Shift, Weekday

PLANNED_WEEKS = 8
"""Weeks ahead a leader plans the home load for, and staff give their availability for."""
Form = dict[str, Any]
SHIFTS = {shift.value for shift in Shift}
WEEKDAY_NAMES = {day.value for day in WEEKDAYS}


def _coming_weeks() -> list[dt.date]:
    return week_starts(monday_of(dt.date.today()), PLANNED_WEEKS)


def _many(form: Form, name: str) -> list[str]:
    """A field's values: a form sends one value as text and several as a list."""
    value = form.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _version(form: Form) -> int | None:
    text = str(form.get("version", ""))
    return int(text) if text.isdigit() else None


# --- approvals ------------------------------------------------------------------------------

SHOWN = 200
"""Volunteers one approvals page shows (HR's unfiltered list can be long)."""
STATUSES = {
    "waiting": ApprovalStatus.PENDING,
    "approved": ApprovalStatus.APPROVED,
    "declined": ApprovalStatus.DECLINED,
    "all": None,
}


@dataclass
class Approval:
    """One volunteer the caller decides about, with the home load planned for the coming weeks."""

    profile: VolunteerProfile
    weeks: list[tuple[dt.date, float]]
    unit_has_leader: bool = True
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    sent: Form = field(default_factory=dict)
    """The home-load or days form as sent, shown again when it could not be saved."""

    @property
    def hours_a_day(self) -> float:
        return hours_a_day(self.profile.normal_hours, self.profile.daily_hours)

    @property
    def away_days(self) -> list[str]:
        """The weekdays the days form shows ticked: as sent, else as saved."""
        if "daily_hours" in self.sent:
            return _many(self.sent, "away_days")
        return list(self.profile.away_days)


@dataclass(frozen=True)
class Choice:
    """Which volunteers the page lists: a unit (or all) and a status."""

    unit_id: int | None
    status: str

    @classmethod
    def of(cls, actor: Actor, unit: str | None, status: str | None) -> Choice:
        """HR starts at every unit's waiting volunteers, a leader at all of their units'."""
        unit_id = int(unit) if unit and unit.isdigit() else None
        if status not in STATUSES:
            status = "waiting" if actor.is_hr else "all"
        return cls(unit_id, status)

    @property
    def query(self) -> dict[str, str]:
        return {"status": self.status} | ({"unit": str(self.unit_id)} if self.unit_id else {})


@dataclass
class Approvals:
    rows: list[Approval]
    total: int
    units: list[UnitWaiting]
    """Every unit with its waiting volunteers (HR's filter), empty for a leader."""


def _approvals(session: Session, actor: Actor, choice: Choice) -> Approvals:
    """The volunteers the caller may decide about (`may_decide`), as `choice` filters them."""
    if not (actor.is_leader or actor.is_hr):
        raise NotFound("volunteers: not found")
    profiles, total = volunteers_to_decide(
        session, actor, approval=STATUSES[choice.status], unit_id=choice.unit_id, most=SHOWN
    )
    units = waiting_by_unit(session, actor) if actor.is_hr else []
    unled = {unit.id for unit in units if not unit.has_leader}
    weeks = _coming_weeks()
    rows = [
        Approval(p, [(w, home_load_in(p, w)) for w in weeks], p.person.home_unit_id not in unled)
        for p in profiles
    ]
    return Approvals(rows, total, units)


def _approvals_page(
    session: Session,
    actor: Actor,
    choice: Choice,
    listed: Approvals,
    saved: str | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        "volunteering_approvals.html",
        context={
            "actor": actor,
            "listed": listed,
            "rows": listed.rows,
            "choice": choice,
            "counts": volunteer_counts(session, actor),
            "saved": saved,
            "weekdays": WEEKDAYS,
        },
        status_code=status_code,
    )


@get("/volunteering/approvals", sync_to_thread=True)
def approvals_page(
    db_session: DB,
    request: HTMXRequest,
    saved: FromQuery[str | None] = None,
    unit: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
) -> Template:
    """Volunteers to decide about: approve or decline each offer, and plan the hours kept.
    HR sees every unit's (those of units without a leader included), a leader their units'."""
    actor = current_actor(request)
    choice = Choice.of(actor, unit, status)
    return _approvals_page(db_session, actor, choice, _approvals(db_session, actor, choice), saved)


def _back(actor: Actor, form: Form, saved: str) -> Redirect:
    """Back to the list the form was sent from, saying what was saved."""
    choice = Choice.of(actor, str(form.get("unit", "")), str(form.get("status", "")))
    query = urlencode(choice.query | {"saved": saved})
    return Redirect(f"/volunteering/approvals?{query}", status_code=303)


@post("/volunteering/approvals/{profile_id:int}/decision", sync_to_thread=True, status_code=303)
def decide(
    db_session: DB, request: HTMXRequest, profile_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Approve or decline one volunteer's offer."""
    actor = current_actor(request)
    wanted = str(data.get("decision", ""))
    if wanted not in (ApprovalStatus.APPROVED.value, ApprovalStatus.DECLINED.value):
        raise InvalidInput(
            "decision",
            f"must be approved or declined, got {wanted!r}",
            code="not_a_choice",
            params={"choices": ["approved", "declined"]},
        )
    decision = ApprovalDecision(decision=ApprovalStatus(wanted), version=_version(data) or 0)
    try:
        profile = decide_approval(db_session, actor, profile_id, decision)
    except Conflict:
        return _failed(db_session, request, actor, profile_id, data, {}, STALE)
    return _back(actor, data, profile.person.name)


@post("/volunteering/approvals/{profile_id:int}/home-load", sync_to_thread=True, status_code=303)
def save_home_load(
    db_session: DB, request: HTMXRequest, profile_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """The hours the home unit keeps: the default and each of the coming weeks."""
    actor = current_actor(request)
    language = language_of(request)
    weeks = _coming_weeks()
    profile = get_profile(db_session, actor, profile_id)
    problems = Problems()  # every field that cannot be read, with the service's refusals
    default = problems.check(typed_number, "home_load", data.get("home_load", ""))
    if default is None:
        default = profile.home_load
    shown = []
    for w in weeks:
        name = f"week-{w.isoformat()}"
        hours = problems.check(typed_number, name, data.get(name, ""))
        if hours is not None and hours != default:
            # unchecked here: the service checks each week's bound, naming `weeks[i]`
            shown.append(WeekHomeLoad.model_construct(week=w, home_load=hours))
    kept = [o for o in home_load_overrides(profile) if o.week not in weeks]
    plan = HomeLoadPlan.model_construct(
        home_load=default, weeks=kept + shown, version=_version(data) or 0
    )
    try:
        problems.check(plan_home_load, db_session, actor, profile_id, plan)
        problems.refuse()
    except InvalidInput as error:
        errors = {
            _week_field(problem, plan): sentence(language, problem) for problem in error.problems
        }
        return _failed(db_session, request, actor, profile_id, data, errors, "")
    except Conflict:
        return _failed(db_session, request, actor, profile_id, data, {}, STALE)
    return _back(actor, data, "home-load")


@post("/volunteering/approvals/{profile_id:int}/days", sync_to_thread=True, status_code=303)
def save_days(
    db_session: DB, request: HTMXRequest, profile_id: FromPath[int], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """The weekdays the person may be lent on, and their hours a day (empty: from their
    normal hours)."""
    actor = current_actor(request)
    get_profile(db_session, actor, profile_id)  # out of reach: 404 before any value
    problems = Problems()
    text = str(data.get("daily_hours", "")).strip()
    daily_hours = problems.check(typed_number, "daily_hours", text) if text else None
    days = [Weekday(day) for day in _many(data, "away_days") if day in WEEKDAY_NAMES]
    plan = DayPlan.model_construct(  # unchecked here: the service checks each bound
        away_days=days, daily_hours=daily_hours, version=_version(data) or 0
    )
    try:
        if not problems.found:
            problems.check(plan_days, db_session, actor, profile_id, plan)
        problems.refuse()
    except InvalidInput as error:
        errors = sentences(language_of(request), error)
        return _failed(db_session, request, actor, profile_id, data, errors, "")
    except Conflict:
        return _failed(db_session, request, actor, profile_id, data, {}, STALE)
    return _back(actor, data, "days")


def _week_field(problem: InvalidInput, plan: HomeLoadPlan) -> str:
    """The form field a problem belongs to: `weeks[i]` names the i-th week sent."""
    name = form_field(problem)
    if name != "weeks":
        return name
    index = int(problem.field.split("[", 1)[1].split("]", 1)[0])
    return f"week-{plan.weeks[index].week.isoformat()}"


def _failed(
    session: Session,
    request: HTMXRequest,
    actor: Actor,
    profile_id: int,
    sent: Form,
    errors: dict[str, str],
    message: str,
) -> Template:
    """The page again with the failure at the volunteer it concerns (the change is rolled back)."""
    session.rollback()
    choice = Choice.of(actor, str(sent.get("unit", "")), str(sent.get("status", "")))
    listed = _approvals(session, actor, choice)
    for row in listed.rows:
        if row.profile.id == profile_id:
            row.errors = errors
            row.sent = sent if errors else {}
            row.message = translate(language_of(request), message) if message else ""
    status_code = 409 if message else 422
    return _approvals_page(session, actor, choice, listed, status_code=status_code)


# --- my volunteer profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileView:
    """What the profile form shows: the saved profile, or what was just sent if it failed.

    It holds no risk-group flag: that is never shown back.
    """

    opted_in: bool
    normal_hours: str
    skills: frozenset[str]
    learn_skills: frozenset[str]
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
                learn_skills=nothing,
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
            learn_skills=frozenset(skill.code for skill in profile.learn_skills),
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
            learn_skills=frozenset(_many(form, "learn_skills")),
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
            "skills": organisation.skills_by_label(session),
            "shifts": list(Shift),
            "units": organisation.all_units(session),
            "areas": organisation.all_areas(session),
            "weeks": _coming_weeks(),
            "errors": errors or {},
            "saved": saved,
            "hours_a_day": (
                hours_a_day(profile.normal_hours, profile.daily_hours) if profile else None
            ),
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
    """Your offer to be lent out: skills, skills to learn, hours, weeks, where (not) to go, and
    opting in or out."""
    actor = current_actor(request)
    actor.require(actor.is_staff, "volunteer profile")
    profile = _own_or_none(db_session, actor)
    view = ProfileView.of(profile, language_of(request))
    return _profile_page(db_session, actor, profile, view, saved=saved)


def _edit_of(
    form: Form, profile: VolunteerProfile | None, problems: Problems
) -> ProfileEdit | None:
    """The form as the service's `ProfileEdit`; weeks outside the form keep their availability.
    A field that cannot be read goes to `problems` and is sent as it was, and one beyond its
    bound goes there and is left out, so that the service still checks the others and the
    page tells every wrong field at once."""
    weeks = _coming_weeks()
    away = set(weeks) - {dt.date.fromisoformat(w) for w in _many(form, "available")}
    earlier = [w for w in unavailable_weeks(profile) if w not in weeks] if profile else []
    declared, withdrawn = form.get("risk_group") == "on", form.get("risk_group_withdrawn") == "on"
    if declared and withdrawn:
        problems.add(
            InvalidInput("risk_group", "choose one of declare and withdraw", code="one_of_two")
        )
        declared = withdrawn = False
    hours = problems.check(typed_number, "normal_hours", form.get("normal_hours", ""))
    if hours is None:
        hours = profile.normal_hours if profile else 0.0
    return shaped_within(
        ProfileEdit,
        problems,
        opted_in=form.get("opted_in") == "on",
        normal_hours=hours,
        skills=_many(form, "skills"),
        learn_skills=_many(form, "learn_skills"),
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
    problems = Problems()
    try:
        edit = problems.check(_edit_of, data, profile, problems)  # beyond bounds: kept, left out
        if edit is not None:
            problems.check(save_own_profile, db_session, actor, edit)
        problems.refuse()
    except InvalidInput as error:
        errors, status = sentences(language, error), 422
    except Conflict:
        errors, status = {"version": translate(language, STALE)}, 409
    else:
        return Redirect("/volunteering/profile?saved=true", status_code=303)
    db_session.rollback()
    profile = _own_or_none(db_session, actor)
    view = ProfileView.sent(data)
    return _profile_page(db_session, actor, profile, view, errors, status_code=status)


ROUTES = [approvals_page, decide, save_home_load, save_days, profile_page, save_profile]
