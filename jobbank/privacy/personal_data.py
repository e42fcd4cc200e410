"""Access: everything Jobbank holds about one person, as one JSON document for them to take
away (GDPR articles 15 and 20); the export itself is audited."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.db.models import (
    Assignment,
    AssignmentChange,
    CalendarFeed,
    OutboxMessage,
    Person,
    PlanEvent,
    UserAccount,
)
from jobbank.db.models.live_plan import ChangesSeen, DayChange
from jobbank.privacy.voice import OwnDeployment, own_deployments
from solver.contract import WorkDay


class OwnPerson(BaseModel):
    employee_no: str
    name: str
    email: str
    phone: str
    language: str
    home_unit: str
    leads: list[str] = Field(description="The units they lead, by code.")
    erased_at: dt.datetime | None


class OwnAccount(BaseModel):
    username: str
    roles: list[str]
    is_active: bool


class OwnWeek(BaseModel):
    week: dt.date
    available: bool
    home_load: float


class OwnVolunteering(BaseModel):
    """The volunteer profile, without the risk-group flag: staff declare it but never read it
    back (HR reads it on the profile, audited as a health read)."""

    opted_in: bool
    approval: str
    normal_hours: float
    home_load: float
    away_days: list[str]
    daily_hours: float | None
    shifts: list[str]
    skills: list[str]
    learn_skills: list[str]
    preferred_areas: list[str]
    avoided_units: list[str]
    weeks: list[OwnWeek]


class OwnAssignment(BaseModel):
    round_id: int
    need: str
    unit: str
    week: dt.date
    hours: float
    days: list[WorkDay]


class OwnEvent(BaseModel):
    """An event on a published plan about the person, with its reason: it is theirs."""

    id: int
    round_id: int
    kind: str
    first_day: dt.date
    last_day: dt.date | None
    hours: float | None
    reason: str
    reported_by_self: bool
    open: bool
    created_at: dt.datetime


class OwnChange(BaseModel):
    """A change to one of their assignment-weeks on a published plan."""

    id: int
    round_id: int
    need: str
    unit: str
    week: dt.date
    kind: str
    hours_before: float
    hours_after: float
    changed_at: dt.datetime


class OwnDayChange(BaseModel):
    """A day of one of their assignment-weeks that a change added, moved or took away."""

    id: int
    round_id: int
    need: str
    unit: str
    date: dt.date
    day_before: WorkDay | None
    day_after: WorkDay | None
    changed_at: dt.datetime


class OwnMessage(BaseModel):
    kind: str
    to_address: str
    subject: str
    body: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class OwnFeed(BaseModel):
    """A calendar feed they made (never its address, which is a secret)."""

    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_read_at: dt.datetime | None


class PersonalData(BaseModel):
    """What Jobbank holds about one person, for them to take away (GDPR article 15 and 20)."""

    person: OwnPerson
    account: OwnAccount | None
    volunteering: OwnVolunteering | None
    assignments: list[OwnAssignment]
    plan_events: list[OwnEvent]
    assignment_changes: list[OwnChange]
    day_changes: list[OwnDayChange] = Field(
        description="The days of their assignment-weeks a change added, moved or took away."
    )
    changes_seen_through: int | None = Field(
        description="The newest change to a published plan their log-in has marked seen."
    )
    messages: list[OwnMessage]
    calendar_feeds: list[OwnFeed]
    deployments: list[OwnDeployment] = Field(
        description="Their deployments: their answer, pulse, the thread messages they wrote, "
        "hours worked and both sides' evaluations."
    )


def personal_data(session: Session, actor: Actor, person_id: int) -> PersonalData:
    """Everything about one person, for HR or the person themselves (anyone else finds
    nothing); the export is audited, not what it held."""
    person = session.get(Person, person_id)
    if person is None or not (actor.is_hr or actor.is_person(person_id)):
        raise NotFound(f"person {person_id}: not found")
    account = person.account
    data = PersonalData(
        person=OwnPerson(
            employee_no=person.employee_no,
            name=person.name,
            email=person.email,
            phone=person.phone,
            language=person.language,
            home_unit=person.home_unit.code,
            leads=sorted(unit.code for unit in person.leads),
            erased_at=person.erased_at,
        ),
        account=_own_account(account),
        volunteering=_own_volunteering(person),
        assignments=_own_assignments(session, person_id),
        plan_events=_own_events(session, person_id, account),
        assignment_changes=_own_changes(session, person_id),
        day_changes=_own_day_changes(session, person_id),
        changes_seen_through=(
            session.scalar(
                select(ChangesSeen.seen_through_id).where(ChangesSeen.user_id == account.id)
            )
            if account is not None
            else None
        ),
        messages=[
            OwnMessage(
                kind=m.kind.value,
                to_address=m.to_address,
                subject=m.subject,
                body=m.body,
                status=m.status.value,
                created_at=m.created_at,
                sent_at=m.sent_at,
            )
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.person_id == person_id)
                .order_by(OutboxMessage.id)
            )
        ],
        deployments=own_deployments(session, person_id),
        calendar_feeds=[
            OwnFeed(created_at=f.created_at, revoked_at=f.revoked_at, last_read_at=f.last_read_at)
            for f in session.scalars(
                select(CalendarFeed)
                .where(CalendarFeed.person_id == person_id)
                .order_by(CalendarFeed.id)
            )
        ],
    )
    audit.record(
        session,
        user_id=actor.user_id or None,
        action="export",
        entity="person",
        entity_id=person_id,
    )
    return data


def _own_account(account: UserAccount | None) -> OwnAccount | None:
    if account is None:
        return None
    return OwnAccount(
        username=account.username,
        roles=sorted(role.value for role in account.roles),
        is_active=account.is_active,
    )


def _own_volunteering(person: Person) -> OwnVolunteering | None:
    profile = person.volunteer
    if profile is None:
        return None
    return OwnVolunteering(
        opted_in=profile.opted_in,
        approval=profile.approval.value,
        normal_hours=profile.normal_hours,
        away_days=list(profile.away_days),
        daily_hours=profile.daily_hours,
        home_load=profile.home_load,
        shifts=list(profile.shifts),
        skills=sorted(skill.code for skill in profile.skills),
        learn_skills=sorted(skill.code for skill in profile.learn_skills),
        preferred_areas=sorted(area.name for area in profile.preferred_areas),
        avoided_units=sorted(unit.code for unit in profile.avoided_units),
        weeks=[
            OwnWeek(week=w.week, available=w.available, home_load=w.home_load)
            for w in sorted(profile.weeks, key=lambda w: w.week)
        ],
    )


def _own_assignments(session: Session, person_id: int) -> list[OwnAssignment]:
    rows = session.scalars(
        select(Assignment)
        .where(Assignment.person_id == person_id)
        .order_by(Assignment.round_id, Assignment.week, Assignment.id)
    )
    return [
        OwnAssignment(
            round_id=row.round_id,
            need=row.need.ref,
            unit=row.need.unit.code,
            week=row.week,
            hours=row.hours,
            days=list(row.work_days),
        )
        for row in rows
    ]


def _own_events(session: Session, person_id: int, account: UserAccount | None) -> list[OwnEvent]:
    rows = session.scalars(
        select(PlanEvent).where(PlanEvent.person_id == person_id).order_by(PlanEvent.id)
    )
    return [
        OwnEvent(
            id=event.id,
            round_id=event.round_id,
            kind=event.kind.value,
            first_day=event.first_day,
            last_day=event.last_day,
            hours=event.hours,
            reason=event.reason,
            reported_by_self=account is not None and event.reported_by_id == account.id,
            open=event.change_set_id is None,
            created_at=event.created_at,
        )
        for event in rows
    ]


def _own_changes(session: Session, person_id: int) -> list[OwnChange]:
    rows = session.scalars(
        select(AssignmentChange)
        .where(AssignmentChange.person_id == person_id)
        .order_by(AssignmentChange.id)
    )
    return [
        OwnChange(
            id=change.id,
            round_id=change.round_id,
            need=change.need.ref,
            unit=change.need.unit.code,
            week=change.week,
            kind=change.kind,
            hours_before=change.hours_before,
            hours_after=change.hours_after,
            changed_at=change.created_at,
        )
        for change in rows
    ]


def _own_day_changes(session: Session, person_id: int) -> list[OwnDayChange]:
    rows = session.scalars(
        select(DayChange).where(DayChange.person_id == person_id).order_by(DayChange.id)
    )
    return [
        OwnDayChange(
            id=change.id,
            round_id=change.round_id,
            need=change.need.ref,
            unit=change.need.unit.code,
            date=change.date,
            day_before=change.day_before,
            day_after=change.day_after,
            changed_at=change.created_at,
        )
        for change in rows
    ]
