"""What people send about a volunteer profile: the offer, a leader's home-load plan, a decision."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jobbank.core.days import DailyHours
from jobbank.core.texts import Code, Name
from jobbank.db.models import ApprovalStatus
from solver.bounds import Day, HomeLoad, NormalHours, RowId, Version
from solver.contract import Shift, Weekday

MAX_LEARN_SKILLS = 50
"""Skills one person wants to learn: as many as the round contract carries."""


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
    learn_skills: list[Code] = Field(
        default_factory=list,
        max_length=MAX_LEARN_SKILLS,
        description="Codes of skills you want to learn beside someone who holds them; not "
        "one of your own `skills`.",
    )
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
    """HR's change of any field of a profile; fields left out (or null) stay as they are,
    but for `daily_hours`, where null is the default."""

    opted_in: bool | None = None
    normal_hours: NormalHours | None = None
    skills: list[Code] | None = None
    learn_skills: list[Code] | None = Field(
        None,
        max_length=MAX_LEARN_SKILLS,
        description="Skills the person wants to learn; left out while `skills` changes, "
        "those the person now holds are dropped (learned).",
    )
    shifts: list[Shift] | None = None
    availability: list[WeekAvailability] | None = None
    avoid_units: list[UnitRef] | None = None
    preferred_areas: list[AreaRef] | None = None
    risk_group: bool | None = None
    home_load: HomeLoad | None = None
    home_load_weeks: list[WeekHomeLoad] | None = None
    approval: ApprovalStatus | None = None
    away_days: list[Weekday] | None = Field(
        None,
        description="Weekdays (`mon` … `sun`) the person may be away from the home unit, as "
        "`PUT /api/volunteers/{id}/days` sets them; none keeps them home.",
    )
    daily_hours: DailyHours | None = Field(
        None,
        description="The most hours the person works in a day, more than 0, at most 13, in "
        "half hours; left out: stays; null: a fifth of their normal hours, rounded up.",
    )
    version: Version


class HomeLoadPlan(_Body):
    """What the home unit keeps: a default per week and the weeks that differ."""

    home_load: HomeLoad = Field(description="Default hours a week the home unit keeps, 0–48.")
    weeks: list[WeekHomeLoad] = Field(default_factory=list, description="Weeks that differ.")
    version: Version


class ApprovalDecision(_Body):
    decision: Literal[ApprovalStatus.APPROVED, ApprovalStatus.DECLINED]
    version: Version


class DayPlan(_Body):
    """The weekdays the home unit lets the person be lent on, and their hours a day."""

    away_days: list[Weekday] = Field(
        description="Weekdays (`mon` … `sun`) the person may be away from the home unit; "
        "all seven by default, none keeps them home."
    )
    daily_hours: DailyHours | None = Field(
        None,
        description="The most hours the person works in a day, more than 0, at most 13, in "
        "half hours; null: a fifth of their normal hours, rounded up to a half hour.",
    )
    version: Version
