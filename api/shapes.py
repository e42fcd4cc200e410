"""Small response shapes several resources share: a unit named in passing, a person to contact."""

from __future__ import annotations

from pydantic import BaseModel

from jobbank.assignments import ContactInfo, UnitInfo
from jobbank.db.models import Person, Unit


class UnitRef(BaseModel):
    id: int
    code: str
    name: str

    @classmethod
    def of(cls, unit: Unit | UnitInfo) -> UnitRef:
        return cls(id=unit.id, code=unit.code, name=unit.name)


class ContactOut(BaseModel):
    """A person to reach, and how (never their health data)."""

    id: int
    name: str
    email: str
    phone: str

    @classmethod
    def of(cls, person: Person | ContactInfo) -> ContactOut:
        return cls(id=person.id, name=person.name, email=person.email, phone=person.phone)
