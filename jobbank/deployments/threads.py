"""A deployment's thread: questions and practicalities between the lent person, the leaders of
their home unit and the leaders of the receiving unit.

The thread is between those three parties alone. HR does not read it, nor does anyone else: it
answers them `NotFound`, as for a deployment out of reach. Absence reasons and the risk-group
flag stay in HR's own views and are never shown here; the page asks people not to write about
health in the thread. Each message is told to the other parties through the outbox
(`jobbank.notifications.threads`), in the same transaction as the message itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput
from jobbank.core.texts import Description, clean
from jobbank.db.models import Deployment, DeploymentMessage, Person
from jobbank.deployments.reach import Side, deployment_in_reach
from jobbank.notifications.threads import tell_thread_message

PARTIES = frozenset({Side.PERSON, Side.HOME_LEADER, Side.RECEIVING_LEADER})
"""Who takes part in a thread; HR is not among them."""
ENTITY = "deployment_message"
AUDITED = ("deployment_id", "author_id")
"""What the audit log keeps of a message: who wrote in which thread, never what they wrote."""


@dataclass(frozen=True)
class Participant:
    """Someone who takes part in a thread, and as what (a leader of both units: both)."""

    person: Person
    sides: frozenset[Side]


@dataclass(frozen=True)
class Thread:
    """A deployment's thread as one of its parties sees it: who takes part, and the
    messages, oldest first."""

    deployment: Deployment
    participants: list[Participant]
    messages: list[DeploymentMessage]


def participants(deployment: Deployment) -> list[Participant]:
    """The lent person, then the leaders of their home unit, then those of the receiving unit;
    each person once."""
    sides: dict[int, set[Side]] = {}
    people: dict[int, Person] = {}
    home = deployment.person.home_unit
    for person, side in [
        (deployment.person, Side.PERSON),
        *((leader, Side.HOME_LEADER) for leader in sorted(home.leaders, key=_by_name)),
        *(
            (leader, Side.RECEIVING_LEADER)
            for leader in sorted(deployment.unit.leaders, key=_by_name)
        ),
    ]:
        people.setdefault(person.id, person)
        sides.setdefault(person.id, set()).add(side)
    return [Participant(people[pid], frozenset(sides[pid])) for pid in people]


def _by_name(person: Person) -> tuple[str, int]:
    return (person.name, person.id)


def list_messages(
    session: Session, actor: Actor, deployment_id: int, paging: LimitOffset | None = None
) -> tuple[list[DeploymentMessage], int]:
    """The thread's messages, oldest first (one page of them if `paging`), and how many it
    holds; for the person and the leaders of both units, `NotFound` for anyone else (HR too)."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=PARTIES)
    total = session.scalar(
        select(func.count(DeploymentMessage.id)).where(
            DeploymentMessage.deployment_id == deployment.id
        )
    )
    return _messages(session, deployment, paging), total or 0


def thread_of(session: Session, actor: Actor, deployment_id: int) -> Thread:
    """The thread with who takes part in it, for its page; `NotFound` as `list_messages`."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=PARTIES)
    return Thread(deployment, participants(deployment), _messages(session, deployment))


def _messages(
    session: Session, deployment: Deployment, paging: LimitOffset | None = None
) -> list[DeploymentMessage]:
    query = (
        select(DeploymentMessage)
        .where(DeploymentMessage.deployment_id == deployment.id)
        .order_by(DeploymentMessage.created_at, DeploymentMessage.id)
    )
    if paging is not None:
        query = query.limit(paging.limit).offset(paging.offset)
    return list(session.scalars(query))


def post_message(
    session: Session, actor: Actor, deployment_id: int, body: str
) -> DeploymentMessage:
    """Write `body` in the thread as the actor's person, and tell every other party through
    the outbox. Only the person and the leaders of both units may write (others: `NotFound`);
    the body is required and keeps the text policy of a description (4000 characters)."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=PARTIES)
    text = clean("body", Description, body)
    if not text:
        raise InvalidInput("body", "is required: write a message", code="required")
    author = session.get_one(Person, actor.person_id)  # every party is a person
    message = DeploymentMessage(deployment_id=deployment.id, author_id=author.id, body=text)
    session.add(message)
    session.flush()
    session.refresh(message)
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity=ENTITY,
        entity_id=message.id,
        after=audit.fields_of(message, AUDITED),
    )
    others = [p.person for p in participants(deployment) if p.person.id != author.id]
    tell_thread_message(session, deployment, message, author, others)
    return message
