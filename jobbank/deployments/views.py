"""Deployments as their readers see them: where and when, whom to ask, and the person's
answer. The decline's reason and note are read by HR and the person alone (the note may tell
of health); leaders see only that it was declined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    DeclineReason,
    Deployment,
    DeploymentAnswer,
    Need,
    Person,
    RoundStatus,
)
from jobbank.deployments.reach import Side, deployment_in_reach, deployments_in_reach, sides_of
from jobbank.deployments.records import PlannedWeek, deployments_of_person, planned_weeks_of


@dataclass(frozen=True)
class Contact:
    """Whom the person asks at the receiving unit."""

    name: str
    phone: str
    email: str

    @classmethod
    def of(cls, person: Person) -> Contact:
        return cls(name=person.name, phone=person.phone, email=person.email)


@dataclass(frozen=True)
class DeploymentView:
    """One deployment as `sides` may read it."""

    deployment: Deployment
    round_name: str
    sides: frozenset[Side]
    weeks: list[PlannedWeek]
    contacts: list[Contact]

    @property
    def id(self) -> int:
        return self.deployment.id

    @property
    def answer(self) -> DeploymentAnswer | None:
        return self.deployment.answer

    @property
    def reads_decline(self) -> bool:
        return bool(self.sides & {Side.PERSON, Side.HR})

    @property
    def decline_reason(self) -> DeclineReason | None:
        return self.deployment.decline_reason if self.reads_decline else None

    @property
    def decline_note(self) -> str | None:
        return self.deployment.decline_note if self.reads_decline else None

    @property
    def first_week(self) -> dt.date | None:
        return self.weeks[0].week if self.weeks else None

    @property
    def last_week(self) -> dt.date | None:
        return self.weeks[-1].week if self.weeks else None

    @property
    def total_hours(self) -> float:
        return sum(week.hours for week in self.weeks)


def deployment_view(session: Session, actor: Actor, deployment_id: int) -> DeploymentView:
    """One deployment in the caller's reach (404 otherwise)."""
    deployment = deployment_in_reach(session, actor, deployment_id)
    return views_of(session, actor, [deployment])[0]


def deployments_for(
    session: Session, actor: Actor, paging: LimitOffset, *, round_id: int | None = None
) -> tuple[list[DeploymentView], int]:
    """The deployments of published rounds the caller plays a part in, newest round first,
    and how many there are."""
    where = [AllocationRound.status == RoundStatus.PUBLISHED, deployments_in_reach(actor)]
    if round_id is not None:
        where.append(Deployment.round_id == round_id)
    query = (
        select(Deployment)
        .join(Person, Person.id == Deployment.person_id)
        .join(AllocationRound, AllocationRound.id == Deployment.round_id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AllocationRound.start.desc(), Deployment.id)
        .limit(paging.limit)
        .offset(paging.offset)
    ).all()
    return views_of(session, actor, list(rows)), total


def own_deployments(
    session: Session, actor: Actor, *, today: dt.date | None = None
) -> list[DeploymentView]:
    """The caller's own deployments of published rounds still running (their round's last
    week is this week or later), newest round first."""
    today = today or dt.date.today()
    rows = deployments_of_person(session, actor.person_id, running_from=today)
    return views_of(session, actor, list(rows))


def answers_of(
    session: Session, keys: Sequence[tuple[int, int, int]]
) -> dict[tuple[int, int, int], Deployment]:
    """The deployments of these (round, person, unit) triples, for lists built elsewhere."""
    if not keys:
        return {}
    rounds, people = {key[0] for key in keys}, {key[1] for key in keys}
    rows = session.scalars(
        select(Deployment).where(Deployment.round_id.in_(rounds), Deployment.person_id.in_(people))
    ).all()
    wanted = set(keys)
    found = {(d.round_id, d.person_id, d.unit_id): d for d in rows}
    return {key: d for key, d in found.items() if key in wanted}


def views_of(session: Session, actor: Actor, deployments: list[Deployment]) -> list[DeploymentView]:
    weeks = planned_weeks_of(session, deployments)
    names = dict(
        session.execute(
            select(AllocationRound.id, AllocationRound.name).where(
                AllocationRound.id.in_({d.round_id for d in deployments})
            )
        )
        .tuples()
        .all()
    )
    return [
        DeploymentView(
            deployment=d,
            round_name=names.get(d.round_id, ""),
            sides=sides_of(actor, d),
            weeks=weeks[d.id],
            contacts=_contacts(session, d),
        )
        for d in deployments
    ]


def _contacts(session: Session, deployment: Deployment) -> list[Contact]:
    """The contact persons of the unit's needs the person works on, else its leaders."""
    named = session.scalars(
        select(Person)
        .join(Need, Need.contact_person_id == Person.id)
        .join(Assignment, Assignment.need_id == Need.id)
        .where(
            Assignment.round_id == deployment.round_id,
            Assignment.person_id == deployment.person_id,
            Need.unit_id == deployment.unit_id,
        )
        .distinct()
    ).all()
    people = named or sorted(deployment.unit.leaders, key=lambda leader: leader.name)
    return [Contact.of(person) for person in people]


__all__ = [
    "Contact",
    "DeploymentView",
    "answers_of",
    "deployment_view",
    "deployments_for",
    "own_deployments",
    "views_of",
]
