"""What people see of published rounds: who works where, which weeks, and whom to call.

Everyone sees their own part at once: staff their assignments, leaders the people coming to
their units and those lent out from them, HR the whole round. Proposals are not shown here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import ColumnElement, Row, and_, false, func, not_, or_, select, true, tuple_
from sqlalchemy.orm import Session, defer, lazyload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from jobbank.access import Actor
from jobbank.models import AllocationRound, Assignment, Need, Person, RoundStatus, Unit

Loaded = TypeVar("Loaded", AllocationRound, Person, Need)

WITHOUT_DOCUMENTS = (defer(AllocationRound.input_snapshot), defer(AllocationRound.result))
"""A round's input and result are megabytes of JSON at 2,000 staff; listing assignments needs
neither, and decoding them was most of each request's time (`jobbank load`)."""


class Direction(StrEnum):
    """Seen from a unit: people coming to it, or people lent out from it."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"


@dataclass(frozen=True)
class Deployment:
    """One person's work for one need in one published round, week by week."""

    round: AllocationRound
    person: Person
    need: Need
    weeks: list[tuple[dt.date, float]]
    assignment_id: int | None = None
    """The first week's assignment row: names the whole deployment in links (its .ics)."""

    @property
    def total_hours(self) -> float:
        return sum(hours for _, hours in self.weeks)

    @property
    def contacts(self) -> list[Person]:
        """Whom the person asks for: the need's contact person, else the unit's leaders."""
        if self.need.contact_person is not None:
            return [self.need.contact_person]
        return sorted(self.need.unit.leaders, key=lambda leader: leader.name)


def list_deployments(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    round_id: int | None = None,
    unit_id: int | None = None,
    person_id: int | None = None,
    direction: Direction | None = None,
) -> tuple[list[Deployment], int]:
    """The caller's part of published rounds, soonest first, and how many there are.

    Without `round_id`, weeks that a later published round planned again show only that
    round's plan. `direction` looks from `unit_id`, or else from the units the caller leads.
    """
    conditions = [
        AllocationRound.status == RoundStatus.PUBLISHED,
        _in_reach(actor),
        *_seen_from(actor, unit_id, direction),
    ]
    if round_id is not None:
        conditions.append(Assignment.round_id == round_id)
    else:
        conditions.append(_not_replanned(session))
    if person_id is not None:
        conditions.append(Assignment.person_id == person_id)
    groups = (
        select(
            Assignment.round_id,
            Assignment.person_id,
            Assignment.need_id,
            func.min(Assignment.week).label("first_week"),
        )
        .join(AllocationRound, AllocationRound.id == Assignment.round_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Person, Person.id == Assignment.person_id)
        .where(*conditions)
        .group_by(Assignment.round_id, Assignment.person_id, Assignment.need_id)
    )
    total = session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    page = session.execute(
        groups.order_by("first_week", Assignment.round_id, Assignment.person_id, Assignment.need_id)
        .limit(paging.limit)
        .offset(paging.offset)
    ).all()
    keys = [(row.round_id, row.person_id, row.need_id) for row in page]
    return _deployments(session, keys, conditions), total


def _in_reach(actor: Actor) -> ColumnElement[bool]:
    """HR: all; leaders: to and from the units they lead; everyone: their own."""
    if actor.is_hr:
        return true()
    return or_(
        Need.unit_id.in_(actor.led_unit_ids),
        Person.home_unit_id.in_(actor.led_unit_ids),
        Assignment.person_id == actor.person_id if actor.person_id is not None else false(),
    )


def _seen_from(
    actor: Actor, unit_id: int | None, direction: Direction | None
) -> list[ColumnElement[bool]]:
    """To or from `unit_id` (else the units the caller leads); a direction keeps only that way."""
    if unit_id is None and (direction is None or not actor.led_unit_ids):
        return []
    units = {unit_id} if unit_id is not None else set(actor.led_unit_ids)
    if direction is Direction.INCOMING:
        return [Need.unit_id.in_(units)]
    if direction is Direction.OUTGOING:
        return [Person.home_unit_id.in_(units)]
    return [or_(Need.unit_id.in_(units), Person.home_unit_id.in_(units))]


def _not_replanned(session: Session) -> ColumnElement[bool]:
    """Leave out weeks of a published round that a later-published round covers again."""
    rounds = session.scalars(
        select(AllocationRound)
        .options(*WITHOUT_DOCUMENTS)
        .where(AllocationRound.status == RoundStatus.PUBLISHED)
        .order_by(AllocationRound.published_at, AllocationRound.id)
    ).all()
    replanned = [
        and_(
            Assignment.round_id == earlier.id,
            Assignment.week >= later.start,
            Assignment.week <= later.end,
        )
        for i, earlier in enumerate(rounds)
        for later in rounds[i + 1 :]
        if later.start <= earlier.end and earlier.start <= later.end
    ]
    return not_(or_(*replanned)) if replanned else true()


def _deployments(
    session: Session, keys: list[tuple[int, int, int]], conditions: list[ColumnElement[bool]]
) -> list[Deployment]:
    """The weeks of each (round, person, need) on the page, under the same conditions.

    The weeks are read as plain rows, and each round, person and need once: loading every
    week as an assignment with its person and need joined in cost several times the CPU."""
    if not keys:
        return []
    weeks = session.execute(
        select(
            Assignment.id,
            Assignment.round_id,
            Assignment.person_id,
            Assignment.need_id,
            Assignment.week,
            Assignment.hours,
        )
        .join(AllocationRound, AllocationRound.id == Assignment.round_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Person, Person.id == Assignment.person_id)
        .where(
            *conditions,
            # One expanding parameter: the statement is the same whatever the page's length, so
            # it is compiled once, not once per page size.
            tuple_(Assignment.round_id, Assignment.person_id, Assignment.need_id).in_(keys),
        )
        .order_by(Assignment.week)
    ).all()
    grouped: dict[tuple[int, int, int], list[Row[Any]]] = defaultdict(list)
    for row in weeks:
        grouped[(row.round_id, row.person_id, row.need_id)].append(row)
    rounds = _by_id(session, AllocationRound, {k[0] for k in keys}, WITHOUT_DOCUMENTS)
    people = _by_id(session, Person, {k[1] for k in keys})
    # A deployment has weeks of its own; the need's wanted weeks are read only if asked for.
    need_options = (selectinload(Need.unit, Unit.leaders), lazyload(Need.weeks))
    needs = _by_id(session, Need, {k[2] for k in keys}, need_options)
    return [
        Deployment(
            round=rounds[round_id],
            person=people[person_id],
            need=needs[need_id],
            weeks=[(row.week, row.hours) for row in grouped[(round_id, person_id, need_id)]],
            assignment_id=grouped[(round_id, person_id, need_id)][0].id,
        )
        for round_id, person_id, need_id in keys
    ]


def _by_id(
    session: Session,
    model: type[Loaded],
    ids: set[int],
    options: Sequence[ExecutableOption] = (),
) -> dict[int, Loaded]:
    rows = session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    return {row.id: row for row in rows}
