"""A generated sample (`fixtures.generator`) as a whole database, ready for `jobbank load`.

The benchmark's rounds are only solver input; a load test needs the organisation behind
them: units, people, needs, log-ins for HR, one leader per unit and every staff member, a
published round so staff have assignments to read, and a draft round for HR to solve.

Log-ins are made here rather than through `seeding.load_municipality`'s users, because each
of those hashes its password with argon2 (~0.1–0.2 s): 2,000 hashes would take minutes.
All sample log-ins share one password and its one hash. The load tool does not log in over
HTTP either (the log-in limit and argon2 would be what it measures): it gets API tokens
straight from `sessions.open_session`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import sessions
from jobbank.accounts import hash_password
from jobbank.core import audit
from jobbank.core.access import actor_for
from jobbank.core.roles import Role
from jobbank.core.weeks import monday_of
from jobbank.db.models import Assignment, AuthKind, Person, Unit, UserAccount, UserRole
from jobbank.rounds import create_round, publish_round, round_input, store_result
from jobbank.seeding import (
    AreaSeed,
    Municipality,
    NeedSeed,
    PersonSeed,
    SkillSeed,
    UnitSeed,
    VolunteerSeed,
    load_municipality,
)
from solver.contract import RoundInput

SAMPLE_PASSWORD = "load-sample-password"
HR_USERNAME = "hr"
TOKEN_LIFETIME = dt.timedelta(days=1)


@dataclass(frozen=True)
class Leader:
    token: str
    unit_id: int
    skills: tuple[str, ...]
    """Skills the unit asks for in the sample, so posted needs look like its own."""


@dataclass(frozen=True)
class LoadSample:
    """What a load run needs to know about the seeded database."""

    hr_token: str
    leaders: list[Leader]
    staff_tokens: list[str]
    """Tokens of staff with assignments in the published round."""
    draft_round_id: int
    first_week: dt.date


def municipality_of(sample: RoundInput, *, name: str = "Generated municipality") -> Municipality:
    """The organisation a generated round describes, without log-ins; week 0 is its start."""
    areas = sorted({u.area for u in sample.units})
    skills = sorted({s for p in sample.staff for s in p.skills} | {n.skill for n in sample.needs})
    return Municipality(
        name=name,
        areas=[AreaSeed(name=a) for a in areas],
        units=[UnitSeed(code=u.id, name=u.name, area=u.area) for u in sample.units],
        skills=[SkillSeed(code=s, label_da=s, label_en=s) for s in skills],
        people=[
            PersonSeed(
                employee_no=p.id,
                name=p.name or p.id,
                email=f"{p.id}@example.org",
                home_unit=p.home_unit,
                volunteer=VolunteerSeed(
                    skills=p.skills,
                    normal_hours=p.normal_hours,
                    shifts=p.shifts,
                    home_load=p.home_load,
                    unavailable_weeks=[w for w, free in enumerate(p.available) if not free],
                    risk_group=p.risk_group,
                    avoid_units=p.avoid_units,
                    preferred_areas=p.preferred_areas,
                ),
            )
            for p in sample.staff
        ],
        users=[],
        needs=[
            NeedSeed(
                ref=n.id,
                unit=n.unit,
                skill=n.skill,
                hours=n.hours,
                weeks=sample.weeks,
                shift=n.shift,
                priority=n.priority,
                exposed=n.exposed,
                min_block=n.min_block,
            )
            for n in sample.needs
        ],
    )


def seed_load_sample(session: Session, sample: RoundInput, *, today: dt.date) -> LoadSample:
    """Load the sample into an empty database, publish a greedy plan of it and open a draft
    round over the same weeks; in the caller's transaction."""
    from solver import greedy_plan

    load_municipality(session, municipality_of(sample), today=today)
    hr = _add_log_ins(session)
    start = monday_of(today)
    published = create_round(session, start=start, weeks=sample.weeks, name="Load: published")
    store_result(session, published, greedy_plan(round_input(session, published)))
    publish_round(session, actor_for(hr), published.id)
    draft = create_round(session, start=start, weeks=sample.weeks, name="Load: to solve")
    return LoadSample(
        hr_token=_token(session, hr),
        leaders=_leaders(session, sample),
        staff_tokens=_staff_tokens(session, published.id),
        draft_round_id=draft.id,
        first_week=start,
    )


def _add_log_ins(session: Session) -> UserAccount:
    """HR, a staff log-in for everyone, and the first person of each unit as its leader."""
    shared = hash_password(SAMPLE_PASSWORD)
    hr = UserAccount(
        username=HR_USERNAME,
        password_hash=shared,
        role_rows=[UserRole(role=Role.HR_COORDINATOR)],
    )
    session.add(hr)
    led: set[int] = set()
    for person in session.scalars(select(Person).order_by(Person.id)):
        roles = [Role.STAFF]
        if person.home_unit_id not in led:
            led.add(person.home_unit_id)
            person.leads = [person.home_unit]
            roles.append(Role.UNIT_LEADER)
        session.add(
            UserAccount(
                username=person.employee_no,
                password_hash=shared,
                person=person,
                role_rows=[UserRole(role=role) for role in roles],
            )
        )
    session.flush()
    audit.record(
        session, user_id=None, action="seed", entity="user_account", entity_id="load sample"
    )
    return hr


def _token(session: Session, user: UserAccount) -> str:
    opened = sessions.open_session(
        session, user, kind=AuthKind.TOKEN, label="load test", lifetime=TOKEN_LIFETIME
    )
    return opened.secret


def _leaders(session: Session, sample: RoundInput) -> list[Leader]:
    asked: dict[str, set[str]] = {}
    for need in sample.needs:
        asked.setdefault(need.unit, set()).add(need.skill)
    leaders = []
    for unit in session.scalars(select(Unit).order_by(Unit.id)):
        account = session.scalar(
            select(UserAccount).join(Person).where(Person.leads.contains(unit))
        )
        if account is not None and unit.code in asked:
            leaders.append(
                Leader(_token(session, account), unit.id, tuple(sorted(asked[unit.code])))
            )
    return leaders


def _staff_tokens(session: Session, round_id: int) -> list[str]:
    assigned = select(Assignment.person_id).where(Assignment.round_id == round_id).distinct()
    accounts = session.scalars(
        select(UserAccount).where(UserAccount.person_id.in_(assigned)).order_by(UserAccount.id)
    ).all()
    return [_token(session, account) for account in accounts]
