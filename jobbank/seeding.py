"""Sample data: the shape of a municipality fixture and loading it into the database.

A fixture is plain JSON (or the `Municipality` built in Python by `fixtures/`). Weeks in a
fixture are offsets from the Monday the data is loaded on, so a demo always looks current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.accounts import add_user
from jobbank.checklists.defaults import ensure_default_template
from jobbank.core import audit
from jobbank.core.days import (
    DailyHours,
    ShiftTimeBody,
    check_away_days,
    check_shift_times,
    stored_shift_times,
)
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.roles import Role
from jobbank.core.texts import Address, Code, Description, Email, Name, Phone
from jobbank.core.weeks import monday_of
from jobbank.db.models import (
    ApprovalStatus,
    Area,
    Need,
    NeedWeek,
    Person,
    Skill,
    Unit,
    VolunteerProfile,
    VolunteerWeek,
)
from solver.bounds import (
    BlockHours,
    HomeLoad,
    NeedHours,
    NormalHours,
    Priority,
    RoundWeeks,
    WeekHours,
)
from solver.contract import WEEKDAYS, ContractError, Shift, Weekday


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaSeed(_Seed):
    name: Name


class UnitSeed(_Seed):
    code: Code = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: Name
    area: Name
    address: Address = ""
    phone: Phone = ""


class SkillSeed(_Seed):
    code: Code = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label_da: Name
    label_en: Name


class VolunteerSeed(_Seed):
    """A person's volunteer profile; home load and availability are per week offset."""

    opted_in: bool = True
    approved: bool = True
    skills: list[str]
    normal_hours: NormalHours
    shifts: list[Shift] = Field(default_factory=lambda: [Shift.DAY])
    home_load: HomeLoad | list[HomeLoad] = 0.0
    unavailable_weeks: list[int] = Field(default_factory=list)
    risk_group: bool = False
    avoid_units: list[str] = Field(default_factory=list)
    preferred_areas: list[str] = Field(default_factory=list)
    away_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    daily_hours: DailyHours | None = None


class PersonSeed(_Seed):
    employee_no: Code
    name: Name
    email: Email
    phone: Phone = ""
    home_unit: str
    volunteer: VolunteerSeed | None = None


class UserSeed(_Seed):
    """A log-in for a person; `leads` lists the unit codes a unit leader leads."""

    username: str
    password: str
    person: str  # employee_no
    roles: list[Role]
    leads: list[str] = Field(default_factory=list)


class NeedSeed(_Seed):
    ref: str
    unit: str
    skill: str
    hours: NeedHours | list[WeekHours]
    first_week: int = Field(0, ge=0, le=520)
    weeks: RoundWeeks = 4
    shift: Shift = Shift.DAY
    priority: Priority = 3
    exposed: bool = False
    min_block: BlockHours = 4.0
    description: Description = ""
    shift_times: list[ShiftTimeBody] = Field(default_factory=list)


class Municipality(_Seed):
    """A whole sample organisation: areas, units, skills, people, log-ins and needs."""

    name: str
    areas: list[AreaSeed]
    units: list[UnitSeed]
    skills: list[SkillSeed]
    people: list[PersonSeed]
    users: list[UserSeed]
    needs: list[NeedSeed]


# --- loading ------------------------------------------------------------------------------


class SeedSummary(BaseModel):
    areas: int
    units: int
    skills: int
    people: int
    volunteers: int
    users: int
    needs: int


def check_references(municipality: Municipality) -> list[str]:
    """Every problem of a fixture, each naming its row; empty when it can be loaded."""
    m = municipality
    areas = {a.name for a in m.areas}
    units = {u.code for u in m.units}
    skills = {s.code for s in m.skills}
    people = {p.employee_no for p in m.people}
    problems = [
        *(
            f"{kind} {key}: duplicate"
            for kind, keys in (
                ("area", [a.name for a in m.areas]),
                ("unit", [u.code for u in m.units]),
                ("skill", [s.code for s in m.skills]),
                ("person", [p.employee_no for p in m.people]),
                ("user", [u.username for u in m.users]),
                ("need", [n.ref for n in m.needs]),
            )
            for key in _repeated(keys)
        ),
        *(f"unit {u.code}: area: unknown area {u.area!r}" for u in m.units if u.area not in areas),
    ]
    for p in m.people:
        if p.home_unit not in units:
            problems.append(f"person {p.employee_no}: home_unit: unknown unit {p.home_unit!r}")
        if p.volunteer is not None:
            v = p.volunteer
            problems += [
                f"person {p.employee_no}: skills: unknown skill {s!r}"
                for s in v.skills
                if s not in skills
            ]
            problems += [
                f"person {p.employee_no}: avoid_units: unknown unit {u!r}"
                for u in v.avoid_units
                if u not in units
            ]
            problems += [
                f"person {p.employee_no}: preferred_areas: unknown area {a!r}"
                for a in v.preferred_areas
                if a not in areas
            ]
            problems += _refusals(
                f"person {p.employee_no}", "away_days", check_away_days, v.away_days
            )
    for user in m.users:
        if user.person not in people:
            problems.append(f"user {user.username}: person: unknown employee {user.person!r}")
        problems += [
            f"user {user.username}: leads: unknown unit {u!r}" for u in user.leads if u not in units
        ]
    for n in m.needs:
        if n.unit not in units:
            problems.append(f"need {n.ref}: unit: unknown unit {n.unit!r}")
        if n.skill not in skills:
            problems.append(f"need {n.ref}: skill: unknown skill {n.skill!r}")
        if isinstance(n.hours, list) and len(n.hours) != n.weeks:
            problems.append(f"need {n.ref}: hours: {len(n.hours)} values for {n.weeks} weeks")
        problems += _refusals(f"need {n.ref}", "shift_times", check_shift_times, n.shift_times)
    return problems


def _refusals(row: str, field: str, check: Callable[[str, Any], object], value: Any) -> list[str]:
    """A field's refusals, each naming its row: days and shift times get the checks they get
    wherever they enter (`jobbank.core.days`)."""
    try:
        check(field, value)
    except InvalidInput as refused:
        return [f"{row}: {problem}" for problem in refused.problems]
    return []


def _repeated(keys: list[str]) -> list[str]:
    seen: set[str] = set()
    return [k for k in keys if k in seen or seen.add(k)]  # type: ignore[func-returns-value]


def load_municipality(
    session: Session, municipality: Municipality, *, today: dt.date
) -> SeedSummary:
    """Load a whole fixture into an empty database, in the caller's transaction.

    Week offsets count from the Monday of `today`. Nothing is written if any row is wrong.
    """
    problems = check_references(municipality)
    if problems:
        raise ContractError(problems)
    if session.scalar(select(Unit.id).limit(1)) is not None:
        raise Conflict(
            "the database already holds data; seed an empty database", code="database_not_empty"
        )
    week0 = monday_of(today)
    areas = {a.name: Area(name=a.name) for a in municipality.areas}
    units = {
        u.code: Unit(code=u.code, name=u.name, area=areas[u.area], address=u.address, phone=u.phone)
        for u in municipality.units
    }
    skills = {
        s.code: Skill(code=s.code, label_da=s.label_da, label_en=s.label_en)
        for s in municipality.skills
    }
    session.add_all([*areas.values(), *units.values(), *skills.values()])
    people = {p.employee_no: _person(p, units, skills, areas, week0) for p in municipality.people}
    session.add_all(people.values())
    session.flush()
    for user in municipality.users:
        person = people[user.person]
        add_user(
            session, username=user.username, password=user.password, roles=user.roles, person=person
        )
        person.leads = [units[code] for code in user.leads]
    session.add_all(_need(n, units, skills, week0) for n in municipality.needs)
    ensure_default_template(session)
    session.flush()
    audit.record(
        session, user_id=None, action="seed", entity="municipality", entity_id=municipality.name
    )
    return SeedSummary(
        areas=len(areas),
        units=len(units),
        skills=len(skills),
        people=len(people),
        volunteers=sum(p.volunteer is not None for p in municipality.people),
        users=len(municipality.users),
        needs=len(municipality.needs),
    )


def _person(
    seed: PersonSeed,
    units: dict[str, Unit],
    skills: dict[str, Skill],
    areas: dict[str, Area],
    week0: dt.date,
) -> Person:
    person = Person(
        employee_no=seed.employee_no,
        name=seed.name,
        email=seed.email,
        phone=seed.phone,
        home_unit=units[seed.home_unit],
    )
    v = seed.volunteer
    if v is None:
        return person
    loads = v.home_load if isinstance(v.home_load, list) else []
    person.volunteer = VolunteerProfile(
        opted_in=v.opted_in,
        normal_hours=v.normal_hours,
        shifts=[s.value for s in v.shifts],
        home_load=v.home_load if isinstance(v.home_load, float) else (loads[0] if loads else 0.0),
        risk_group=v.risk_group,
        approval=ApprovalStatus.APPROVED if v.approved else ApprovalStatus.PENDING,
        approved_at=dt.datetime.now(dt.UTC) if v.approved else None,
        skills=[skills[code] for code in v.skills],
        avoided_units=[units[code] for code in v.avoid_units],
        preferred_areas=[areas[name] for name in v.preferred_areas],
        away_days=check_away_days("away_days", v.away_days),
        daily_hours=v.daily_hours,
        weeks=[
            VolunteerWeek(
                week=week0 + dt.timedelta(weeks=w),
                available=w not in v.unavailable_weeks,
                home_load=loads[w] if w < len(loads) else (loads[-1] if loads else 0.0),
            )
            for w in sorted({*range(len(loads)), *v.unavailable_weeks})
        ],
    )
    return person


def _need(seed: NeedSeed, units: dict[str, Unit], skills: dict[str, Skill], week0: dt.date) -> Need:
    first = week0 + dt.timedelta(weeks=seed.first_week)
    per_week = seed.hours if isinstance(seed.hours, list) else [seed.hours] * seed.weeks
    default = max(set(per_week), key=per_week.count)
    return Need(
        ref=seed.ref,
        unit=units[seed.unit],
        skill=skills[seed.skill],
        hours=default,
        first_week=first,
        last_week=first + dt.timedelta(weeks=seed.weeks - 1),
        shift=seed.shift,
        priority=seed.priority,
        exposed=seed.exposed,
        min_block=seed.min_block,
        description=seed.description,
        shift_times=stored_shift_times(check_shift_times("shift_times", seed.shift_times)),
        weeks=[
            NeedWeek(week=first + dt.timedelta(weeks=w), hours=h)
            for w, h in enumerate(per_week)
            if h != default
        ],
    )


def read_fixture(path: Path) -> Municipality:
    """A fixture from a JSON file, with errors that name the row."""
    try:
        return Municipality.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise ContractError(
            [f"{'.'.join(map(str, e['loc'])) or 'fixture'}: {e['msg']}" for e in exc.errors()]
        ) from None
