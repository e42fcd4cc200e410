"""Approval wanted: HR coordinators are told of a volunteer waiting for their decision."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.roles import Role
from jobbank.db.models import (
    MessageKind,
    Person,
    UserAccount,
    UserRole,
    VolunteerProfile,
)
from jobbank.notifications.writing import add_message


def ask_for_approval(session: Session, profile: VolunteerProfile) -> int:
    """Ask the leaders of the volunteer's home unit to approve them; a leader who volunteers
    is approved by someone else, so with no other leader HR coordinators are asked."""
    volunteer = profile.person
    deciders = [p for p in volunteer.home_unit.leaders if p.id != volunteer.id]
    if not deciders:
        deciders = [p for p in hr_coordinators(session) if p.id != volunteer.id]
    return sum(
        add_message(
            session,
            decider,
            MessageKind.APPROVAL_WANTED,
            f"approval:{profile.id}:v{profile.version}:to:{decider.id}",
            volunteer=volunteer,
        )
        for decider in deciders
    )


def hr_coordinators(session: Session) -> list[Person]:
    """The people who log in as HR coordinators (with an active account)."""
    return list(
        session.scalars(
            select(Person)
            .join(UserAccount, UserAccount.person_id == Person.id)
            .join(UserRole, UserRole.user_id == UserAccount.id)
            .where(UserRole.role == Role.HR_COORDINATOR, UserAccount.is_active.is_(True))
            .order_by(Person.id)
        ).unique()
    )
