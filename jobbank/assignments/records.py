"""The records of what people see of published rounds: small frozen records read from plain rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from jobbank.db.models import AllocationRound, Assignment, Need, Person, Unit
from solver.contract import Shift, WorkDay


class Direction(StrEnum):
    """Seen from a unit: people coming to it, or people lent out from it."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    start: dt.date
    weeks: int
    published_at: dt.datetime | None

    @classmethod
    def of(cls, rnd: AllocationRound) -> RoundInfo:
        return cls(rnd.id, rnd.name, rnd.start, rnd.weeks, rnd.published_at)


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    address: str
    phone: str

    @classmethod
    def of(cls, unit: Unit) -> UnitInfo:
        return cls(unit.id, unit.code, unit.name, unit.address, unit.phone)


@dataclass(frozen=True)
class ContactInfo:
    """A person to reach, and how."""

    id: int
    name: str
    email: str
    phone: str

    @classmethod
    def of(cls, person: Person) -> ContactInfo:
        return cls(person.id, person.name, person.email, person.phone)


@dataclass(frozen=True)
class PersonInfo(ContactInfo):
    """The lent person (never their risk group)."""

    language: str
    home_unit: UnitInfo

    @property
    def home_unit_id(self) -> int:
        return self.home_unit.id

    @classmethod
    def of(cls, person: Person) -> PersonInfo:
        return cls(
            person.id,
            person.name,
            person.email,
            person.phone,
            person.language,
            UnitInfo.of(person.home_unit),
        )


@dataclass(frozen=True)
class SkillInfo:
    code: str
    label_da: str
    label_en: str


@dataclass(frozen=True)
class NeedInfo:
    id: int
    ref: str
    description: str
    shift: Shift
    unit: UnitInfo
    skill: SkillInfo
    contact_person: ContactInfo | None

    @property
    def unit_id(self) -> int:
        return self.unit.id

    @classmethod
    def of(cls, need: Need) -> NeedInfo:
        skill = need.skill
        contact = need.contact_person
        return cls(
            need.id,
            need.ref,
            need.description,
            need.shift,
            UnitInfo.of(need.unit),
            SkillInfo(skill.code, skill.label_da, skill.label_en),
            ContactInfo.of(contact) if contact is not None else None,
        )


@dataclass(frozen=True)
class Deployment:
    """One person's work for one need in one published round, week by week."""

    round: RoundInfo
    person: PersonInfo
    need: NeedInfo
    weeks: list[tuple[dt.date, float]]
    contacts: list[ContactInfo]
    """Whom the person asks for: the need's contact person, else the unit's leaders by name."""
    assignment_id: int | None = None
    """The first week's assignment row: names the whole deployment in links (its .ics)."""
    days: dict[dt.date, tuple[WorkDay, ...]] = field(default_factory=dict)
    """The days of each week the plan has put on days, where they were read with it."""
    learner: bool = False
    """The person works the need as a learner, beside a holder of its skill (rule 11)."""

    @property
    def total_hours(self) -> float:
        return sum(hours for _, hours in self.weeks)


def deployments_of(rnd: AllocationRound, rows: Iterable[Assignment]) -> list[Deployment]:
    """Assignment entities of one round grouped per (person, need), in the order first met."""
    grouped: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for row in rows:
        grouped[(row.person_id, row.need_id)].append(row)
    info = RoundInfo.of(rnd)
    deployments = []
    for group in grouped.values():
        need = group[0].need
        contacts = (
            [need.contact_person]
            if need.contact_person is not None
            else sorted(need.unit.leaders, key=lambda leader: leader.name)
        )
        deployments.append(
            Deployment(
                round=info,
                person=PersonInfo.of(group[0].person),
                need=NeedInfo.of(need),
                weeks=[(row.week, row.hours) for row in group],
                contacts=[ContactInfo.of(contact) for contact in contacts],
                assignment_id=group[0].id,
                days={row.week: row.work_days for row in group if row.days},
                learner=any(row.learner for row in group),
            )
        )
    return deployments
