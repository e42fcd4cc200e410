"""Staff and their volunteer profiles from an HR system's export, matched by employee number.

A row creates or updates the person (name, e-mail, home unit, phone, message language) and
their volunteer profile (skills, normal hours, opted in, and the daily hours and the weekdays
the person may be lent on: `mon-fri` or `man, tir`; `none` keeps them home). A new profile
waits for the home leader's approval, as one saved by the person would; an updated one keeps
its approval, home load and risk-group flag, which the export does not hold. Columns the file
lacks leave the stored values alone. The checks are the people and volunteer services' own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.days import DailyHours, check_away_days, check_daily_hours
from jobbank.core.texts import Code, Email, Name, Phone
from jobbank.db.models import EVERY_DAY, ApprovalStatus, Person, Skill, Unit, VolunteerProfile
from jobbank.imports.rows import CHOICE, FLAG, LOOKUP, RowReader, flag, number
from jobbank.imports.shift_times import weekdays_of_text
from jobbank.people import check_person_fields
from solver.bounds import NormalHours
from solver.contract import Shift

FIELDS = (
    "employee_no",
    "name",
    "email",
    "home_unit",
    "skills",
    "normal_hours",
    "phone",
    "language",
    "opted_in",
    "daily_hours",
    "away_days",
)
REQUIRED = ("employee_no", "name", "email", "home_unit", "skills", "normal_hours")
COLUMNS: dict[str, Any] = {
    "employee_no": Code,
    "name": Name,
    "email": Email,
    "home_unit": LOOKUP,
    "skills": LOOKUP,
    "normal_hours": NormalHours,
    "phone": Phone,
    "language": CHOICE,
    "opted_in": FLAG,
    "daily_hours": DailyHours,
    "away_days": CHOICE,
}
"""What each column holds: its bound or text policy (`solver.bounds`, `jobbank.core.texts`),
or a code looked up, a choice or a yes/no."""
KEY = "employee_no"
PERSON_TEXT = ("name", "email", "phone", "language")
PROFILE_FIELDS = frozenset(
    {"volunteer", "skills", "normal_hours", "opted_in", "daily_hours", "away_days"}
)


@dataclass(frozen=True)
class StaffRow:
    """A checked row: the person's fields as the people service cleaned them, and the offer."""

    employee_no: str
    person: dict[str, Any]
    skills: list[Skill] | None
    normal_hours: float
    opted_in: bool | None
    daily_hours: float | None
    away_days: list[str] | None


class StaffImport:
    """Checks rows against the catalogue and people in the database, and stores them."""

    kind: str = "staff"
    fields: tuple[str, ...] = FIELDS
    columns: dict[str, Any] = COLUMNS
    required: tuple[str, ...] = REQUIRED
    key: str = KEY

    def __init__(self, session: Session) -> None:
        self.session = session
        self.units = {unit.code: unit for unit in session.scalars(select(Unit))}
        self.unit_codes = {unit.id: unit.code for unit in self.units.values()}
        self.skills = {skill.code: skill for skill in session.scalars(select(Skill))}
        self.person_ids = dict(
            session.execute(select(Person.employee_no, Person.id)).tuples().all()
        )

    def check(self, reader: RowReader) -> StaffRow | None:
        fields: dict[str, Any] = {}
        for field in ("employee_no", *PERSON_TEXT):
            value = reader.text(field, required=field in REQUIRED)
            if value is None or (not value and field == "language"):  # empty: keep or default
                continue
            own_id = self.person_ids.get(value.strip()) if field == "employee_no" else None
            cleaned = reader.checked(
                field, check_person_fields, self.session, {field: value}, own_id=own_id
            )
            fields |= cleaned or {}
        unit_code = reader.text("home_unit", required=True)
        if unit_code is not None:
            unit = self.units.get(unit_code)
            if unit is None:
                reader.problem("home_unit", f"unknown unit code {unit_code!r}")
            else:
                fields["home_unit_id"] = unit.id
        skills = self._skills(reader)
        hours = reader.parsed("normal_hours", number, required=True)
        if hours is not None:
            hours = reader.checked(
                "normal_hours", check, "normal_hours", COLUMNS["normal_hours"], hours
            )
        opted_in = reader.parsed("opted_in", flag)
        daily_hours = reader.parsed("daily_hours", number)
        if daily_hours is not None:
            daily_hours = reader.checked(
                "daily_hours", check_daily_hours, "daily_hours", daily_hours
            )
        away = reader.parsed("away_days", weekdays_of_text)
        away_days = (
            reader.checked("away_days", check_away_days, "away_days", away)
            if away is not None
            else None
        )
        if reader.problems or hours is None or "employee_no" not in fields:
            return None
        return StaffRow(
            fields["employee_no"], fields, skills, hours, opted_in, daily_hours, away_days
        )

    def _skills(self, reader: RowReader) -> list[Skill] | None:
        codes = reader.codes("skills")
        if codes is None:
            return None
        unknown = [code for code in codes if code not in self.skills]
        if unknown:
            reader.problem("skills", f"unknown skill {', '.join(map(repr, unknown))}")
            return None
        return [self.skills[code] for code in dict.fromkeys(codes)]

    def store(self, actor: Actor, row: StaffRow) -> str:
        """Create or update the person and profile; 'created', 'updated' or 'unchanged'."""
        session = self.session
        person = session.scalar(select(Person).where(Person.employee_no == row.employee_no))
        before = self._audited(person) if person is not None else None
        with session.no_autoflush:
            if person is None:
                person = Person(**row.person)
                session.add(person)
            else:
                for name, value in row.person.items():
                    setattr(person, name, value)
            self._offer(person, row)
        after = self._audited(person)
        old, new = audit.changed(before or {}, after)
        if before is not None and not new:
            return "unchanged"
        if before is not None and person.volunteer is not None and new.keys() & PROFILE_FIELDS:
            # Skills alone do not update the row; touching it moves its version for them too.
            person.volunteer.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        audit.record(
            session,
            user_id=actor.user_id or None,
            action="import",
            entity="person",
            entity_id=person.id,
            before=old if before is not None else None,
            after=new,
        )
        return "created" if before is None else "updated"

    def _offer(self, person: Person, row: StaffRow) -> None:
        profile = person.volunteer
        if profile is None:
            profile = VolunteerProfile(
                opted_in=True,
                normal_hours=row.normal_hours,
                shifts=[Shift.DAY.value],
                home_load=0.0,
                risk_group=False,
                approval=ApprovalStatus.PENDING,
                skills=[],
                away_days=list(EVERY_DAY),
            )
            person.volunteer = profile
        profile.normal_hours = row.normal_hours
        if row.skills is not None and {s.code for s in row.skills} != {
            s.code for s in profile.skills
        }:
            profile.skills = row.skills
        if row.opted_in is not None:
            profile.opted_in = row.opted_in
        if row.daily_hours is not None:
            profile.daily_hours = row.daily_hours
        if row.away_days is not None:
            profile.away_days = row.away_days

    def _audited(self, person: Person) -> dict[str, Any]:
        profile = person.volunteer
        return {
            "employee_no": person.employee_no,
            "name": person.name,
            "email": person.email,
            "phone": person.phone or "",
            "language": person.language or "da",
            "home_unit": self.unit_codes.get(person.home_unit_id),
            "volunteer": profile is not None,
            "skills": sorted(s.code for s in profile.skills) if profile else [],
            "normal_hours": profile.normal_hours if profile else None,
            "opted_in": profile.opted_in if profile else None,
            "daily_hours": profile.daily_hours if profile else None,
            "away_days": list(profile.away_days) if profile else None,
        }
