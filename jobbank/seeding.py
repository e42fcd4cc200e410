"""Sample data: the shape of a municipality fixture and loading it into the database.

A fixture is plain JSON (or the `Municipality` built in Python by `fixtures/`). Weeks in a
fixture are offsets from the Monday the data is loaded on, so a demo always looks current.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from jobbank.contract import Hours, Shift
from jobbank.roles import Role


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaSeed(_Seed):
    name: str


class UnitSeed(_Seed):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    area: str
    address: str = ""
    phone: str = ""


class SkillSeed(_Seed):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label_da: str
    label_en: str


class VolunteerSeed(_Seed):
    """A person's volunteer profile; home load and availability are per week offset."""

    opted_in: bool = True
    approved: bool = True
    skills: list[str]
    normal_hours: Annotated[Hours, Field(le=168)]
    shifts: list[Shift] = Field(default_factory=lambda: [Shift.DAY])
    home_load: Hours | list[Hours] = 0.0
    unavailable_weeks: list[int] = Field(default_factory=list)
    risk_group: bool = False
    avoid_units: list[str] = Field(default_factory=list)
    preferred_areas: list[str] = Field(default_factory=list)


class PersonSeed(_Seed):
    employee_no: str
    name: str
    email: str
    phone: str = ""
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
    hours: Hours | list[Hours]
    first_week: int = Field(0, ge=0)
    weeks: int = Field(4, ge=1, le=26)
    shift: Shift = Shift.DAY
    priority: int = Field(3, ge=1, le=5)
    exposed: bool = False
    min_block: Annotated[Hours, Field(gt=0)] = 4.0
    description: str = ""


class Municipality(_Seed):
    """A whole sample organisation: areas, units, skills, people, log-ins and needs."""

    name: str
    areas: list[AreaSeed]
    units: list[UnitSeed]
    skills: list[SkillSeed]
    people: list[PersonSeed]
    users: list[UserSeed]
    needs: list[NeedSeed]
