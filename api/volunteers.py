"""Volunteer profiles over HTTP: your own under `/api/me/volunteer`, others under
`/api/volunteers` for their home-unit leaders and HR.

The risk-group flag goes out to HR coordinators only (`VolunteerWithHealth`), and each such
answer is written to the audit log as `read_health`; everyone else gets `Volunteer`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from litestar import Controller, get, patch, post, put
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.auth import current_actor, hr_only, leader_or_hr, logged_in
from api.deps import DB, AnyRequest, Id, Paging
from api.paging import page_of
from api.shapes import UnitRef
from jobbank import volunteers
from jobbank.core.access import Actor
from jobbank.db.models import ApprovalStatus, Area, VolunteerProfile
from jobbank.volunteers import (
    ApprovalDecision,
    DayPlan,
    HomeLoadPlan,
    ProfileEdit,
    ProfilePatch,
    WeekAvailability,
    WeekHomeLoad,
)
from solver.bounds import hours_a_day
from solver.contract import Shift, Weekday


class AreaBrief(BaseModel):
    id: int
    name: str

    @classmethod
    def of(cls, area: Area) -> AreaBrief:
        return cls(id=area.id, name=area.name)


class VolunteerPerson(BaseModel):
    id: int
    employee_no: str
    name: str
    email: str
    phone: str
    home_unit: UnitRef


class Volunteer(BaseModel):
    """A volunteer profile as staff and leaders see it: never the risk-group flag."""

    # No other fields: so a schema reader tells this shape from `VolunteerWithHealth`.
    model_config = ConfigDict(extra="forbid")

    id: int
    person: VolunteerPerson
    opted_in: bool
    normal_hours: float
    skills: list[str]
    learn_skills: list[str] = Field(description="Skills the person wants to learn.")
    shifts: list[Shift]
    availability: list[WeekAvailability] = Field(description="Weeks away; others: available.")
    home_load: float = Field(description="Default hours a week the home unit keeps.")
    home_load_weeks: list[WeekHomeLoad] = Field(description="Weeks with another home load.")
    away_days: list[Weekday] = Field(
        description="Weekdays the home unit lets the person be lent on (set by its leader)."
    )
    daily_hours: float | None = Field(
        description="The most hours a day the home leader set; null: from the normal hours."
    )
    hours_a_day: float = Field(
        description="The most hours a day rounds plan: `daily_hours`, else a fifth of the "
        "normal hours rounded up to a half hour (at most 13)."
    )
    avoid_units: list[UnitRef]
    preferred_areas: list[AreaBrief]
    approval: ApprovalStatus
    approved_by_id: int | None = Field(description="Who approved or declined.")
    approved_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, profile: VolunteerProfile) -> Volunteer:
        person = profile.person
        return cls(
            id=profile.id,
            person=VolunteerPerson(
                id=person.id,
                employee_no=person.employee_no,
                name=person.name,
                email=person.email,
                phone=person.phone,
                home_unit=UnitRef.of(person.home_unit),
            ),
            opted_in=profile.opted_in,
            normal_hours=profile.normal_hours,
            skills=sorted(skill.code for skill in profile.skills),
            learn_skills=sorted(skill.code for skill in profile.learn_skills),
            shifts=[Shift(shift) for shift in sorted(profile.shifts)],
            availability=[
                WeekAvailability(week=week, available=False)
                for week in volunteers.unavailable_weeks(profile)
            ],
            home_load=profile.home_load,
            home_load_weeks=volunteers.home_load_overrides(profile),
            away_days=[Weekday(day) for day in profile.away_days],
            daily_hours=profile.daily_hours,
            hours_a_day=hours_a_day(profile.normal_hours, profile.daily_hours),
            avoid_units=sorted(
                (UnitRef.of(unit) for unit in profile.avoided_units), key=lambda u: u.code
            ),
            preferred_areas=sorted(
                (AreaBrief.of(area) for area in profile.preferred_areas), key=lambda a: a.name
            ),
            approval=profile.approval,
            approved_by_id=profile.approved_by_id,
            approved_at=profile.approved_at,
            version=profile.version,
            created_at=profile.created_at,
            updated_at=profile.updated_at,
        )


class VolunteerWithHealth(Volunteer):
    """A volunteer profile as HR coordinators see it, with the risk-group flag (audited)."""

    risk_group: bool = Field(description="Health data: HR only; every read is audited.")


def _shaped(
    db: Session, actor: Actor, profiles: Sequence[VolunteerProfile]
) -> list[Volunteer | VolunteerWithHealth]:
    """Profiles as this caller may see them; HR's reads of health data are audited here."""
    if volunteers.read_health(db, actor, profiles):
        return [
            VolunteerWithHealth(**Volunteer.of(p).model_dump(), risk_group=p.risk_group)
            for p in profiles
        ]
    return [Volunteer.of(p) for p in profiles]


def _one(db: Session, actor: Actor, profile: VolunteerProfile) -> Volunteer | VolunteerWithHealth:
    return _shaped(db, actor, [profile])[0]


class MyVolunteerController(Controller):
    """Your own volunteer profile."""

    path = "/api/me/volunteer"
    tags = ("volunteers",)
    guards = (logged_in,)

    @get(sync_to_thread=True)
    def read(self, db_session: DB, request: AnyRequest) -> Volunteer:
        """Your volunteer profile (404 until you have saved one). The risk-group declaration
        is not sent back: it is health data, for HR only."""
        return Volunteer.of(volunteers.own_profile(db_session, current_actor(request)))

    @put(sync_to_thread=True)
    def save(self, db_session: DB, data: JSONBody[ProfileEdit], request: AnyRequest) -> Volunteer:
        """Volunteer, or change your offer: opt in or out, normal hours, skills, skills to
        learn (none you hold), shift types, weeks away, units to avoid, preferred areas,
        risk-group self-declaration (write-only).

        The first save creates the profile, pending your home-unit leader's approval. Later
        saves send the `version` you read and keep the approval; your leader sees the change
        in the audit log. Opting out takes you out of future rounds.
        """
        actor = current_actor(request)
        return Volunteer.of(volunteers.save_own_profile(db_session, actor, data))


class VolunteerController(Controller):
    """Volunteer profiles, for the leaders of their home units and for HR."""

    path = "/api/volunteers"
    tags = ("volunteers",)
    guards = (leader_or_hr,)

    @get(sync_to_thread=True)
    def list_volunteers(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        approval: FromQuery[ApprovalStatus | None] = None,
        unit_id: FromQuery[int | None] = None,
        skill: FromQuery[str | None] = None,
    ) -> OffsetPagination[Volunteer | VolunteerWithHealth]:
        """Volunteers by name: HR sees all, a unit leader those whose home unit they lead.
        Filter by approval, home unit (`unit_id`) and skill code."""
        actor = current_actor(request)
        rows, total = volunteers.list_profiles(
            db_session, actor, paging, approval=approval, unit_id=unit_id, skill=skill
        )
        return page_of(_shaped(db_session, actor, rows), total, paging, lambda shaped: shaped)

    @get("/{profile_id:int}", sync_to_thread=True)
    def read(
        self, db_session: DB, profile_id: FromPath[Id], request: AnyRequest
    ) -> Volunteer | VolunteerWithHealth:
        """One volunteer profile."""
        actor = current_actor(request)
        return _one(db_session, actor, volunteers.get_profile(db_session, actor, profile_id))

    @post("/{profile_id:int}/approval", sync_to_thread=True, status_code=200)
    def decide(
        self,
        db_session: DB,
        profile_id: FromPath[Id],
        data: JSONBody[ApprovalDecision],
        request: AnyRequest,
    ) -> Volunteer | VolunteerWithHealth:
        """Approve or decline volunteering (the home-unit leader or HR); who and when are kept.
        Only approved, opted-in volunteers go into rounds."""
        actor = current_actor(request)
        profile = volunteers.decide_approval(db_session, actor, profile_id, data)
        return _one(db_session, actor, profile)

    @put("/{profile_id:int}/home-load", sync_to_thread=True)
    def plan_home_load(
        self,
        db_session: DB,
        profile_id: FromPath[Id],
        data: JSONBody[HomeLoadPlan],
        request: AnyRequest,
    ) -> Volunteer | VolunteerWithHealth:
        """Set the hours the home unit keeps (the home-unit leader or HR): a default a week and
        the weeks that differ, each at most the volunteer's normal hours. Replaces all weeks."""
        actor = current_actor(request)
        profile = volunteers.plan_home_load(db_session, actor, profile_id, data)
        return _one(db_session, actor, profile)

    @put("/{profile_id:int}/days", sync_to_thread=True)
    def plan_days(
        self,
        db_session: DB,
        profile_id: FromPath[Id],
        data: JSONBody[DayPlan],
        request: AnyRequest,
    ) -> Volunteer | VolunteerWithHealth:
        """Set the weekdays the home unit lets the volunteer be lent on and their hours a day
        (the home-unit leader or HR); both are replaced. Rounds plan their days by these."""
        actor = current_actor(request)
        profile = volunteers.plan_days(db_session, actor, profile_id, data)
        return _one(db_session, actor, profile)

    @patch("/{profile_id:int}", sync_to_thread=True, guards=[hr_only])
    def change(
        self,
        db_session: DB,
        profile_id: FromPath[Id],
        data: JSONBody[ProfilePatch],
        request: AnyRequest,
    ) -> VolunteerWithHealth | Volunteer:
        """Change any field of any profile, the risk-group flag included (HR only)."""
        actor = current_actor(request)
        profile = volunteers.patch_profile(db_session, actor, profile_id, data)
        return _one(db_session, actor, profile)
