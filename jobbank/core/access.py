"""Who is asking, and what they may reach.

Services take an `Actor` and answer `NotFound` for anything outside its reach, so the
existence of other people's rows never leaks (the design asks for 404, not 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jobbank.core.errors import NotFound
from jobbank.core.roles import Role
from jobbank.db.models import UserAccount


@dataclass(frozen=True)
class Actor:
    """A logged-in user: their roles, their person (if any) and the units they lead."""

    user_id: int
    username: str
    roles: frozenset[Role]
    person_id: int | None = None
    name: str = ""
    led_unit_ids: frozenset[int] = field(default_factory=frozenset)
    language: str | None = None
    """The language the person chose for pages and messages; None for a log-in without one."""

    @property
    def is_hr(self) -> bool:
        return Role.HR_COORDINATOR in self.roles

    @property
    def is_leader(self) -> bool:
        return Role.UNIT_LEADER in self.roles and bool(self.led_unit_ids)

    @property
    def is_staff(self) -> bool:
        return Role.STAFF in self.roles and self.person_id is not None

    def leads(self, unit_id: int) -> bool:
        """True for a unit leader of `unit_id` (HR is not a leader of every unit)."""
        return Role.UNIT_LEADER in self.roles and unit_id in self.led_unit_ids

    def is_person(self, person_id: int) -> bool:
        return self.person_id is not None and self.person_id == person_id

    def require(self, allowed: bool, what: str) -> None:
        """Raise `NotFound` naming `what` unless `allowed`."""
        if not allowed:
            raise NotFound(f"{what}: not found")


def actor_for(user: UserAccount) -> Actor:
    """The actor a user account acts as."""
    person = user.person
    return actor_of(
        user_id=user.id,
        username=user.username,
        roles=frozenset(user.roles),
        person=(person.id, person.name) if person is not None else None,
        led_unit_ids=frozenset(unit.id for unit in person.leads) if person else frozenset(),
        language=person.language if person is not None else None,
    )


def actor_of(
    *,
    user_id: int,
    username: str,
    roles: frozenset[Role],
    person: tuple[int, str] | None,
    led_unit_ids: frozenset[int],
    language: str | None = None,
) -> Actor:
    """The actor of a log-in, from its parts: named after its person if it has one; the units
    a person leads only count with the unit-leader role."""
    return Actor(
        user_id=user_id,
        username=username,
        roles=roles,
        person_id=person[0] if person is not None else None,
        name=person[1] if person is not None else username,
        led_unit_ids=led_unit_ids if Role.UNIT_LEADER in roles else frozenset(),
        language=language,
    )
