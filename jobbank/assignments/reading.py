"""Reading deployments: one statement for a whole page of what the caller may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from typing import Any, NamedTuple

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from jobbank.assignments.lent import last_monday
from jobbank.assignments.records import (
    ContactInfo,
    Deployment,
    Direction,
    NeedInfo,
    PersonInfo,
    RoundInfo,
    SkillInfo,
    UnitInfo,
)
from jobbank.core.access import Actor
from jobbank.db import plain_rows
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Need,
    Person,
    RoundStatus,
    Skill,
    Unit,
    unit_leader,
)


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
    seen_from = _seen_from(actor, unit_id, direction)
    shape = _Shape(actor.is_hr, seen_from, round_id is not None, person_id is not None)
    values = {
        "me": actor.person_id,
        "led": sorted(actor.led_unit_ids),
        "seen": [unit_id] if unit_id is not None else sorted(actor.led_unit_ids),
        "round_id": round_id,
        "person_id": person_id,
    }
    rows = plain_rows(
        session, _weeks_of_page(shape), values | {"limit": paging.limit, "offset": paging.offset}
    ).all()
    if rows:
        total = rows[0].total
    elif paging.offset > 0:  # past the end: the page could not say how many there are
        total = session.scalar(_count_of_groups(shape), values) or 0
    else:
        total = 0
    return _deployments(session, rows), total


class _Seen(StrEnum):
    ALL = "all"
    TO_OR_FROM = "to or from"
    TO = "to"
    FROM = "from"


class _Shape(NamedTuple):
    """What varies between the statements of `list_deployments`; the values are parameters,
    so each shape is built and compiled once and then prepared by the database."""

    everyone: bool
    seen_from: _Seen
    one_round: bool
    one_person: bool


def _seen_from(actor: Actor, unit_id: int | None, direction: Direction | None) -> _Seen:
    """To or from `unit_id` (else the units the caller leads); a direction keeps only that way."""
    if unit_id is None and (direction is None or not actor.led_unit_ids):
        return _Seen.ALL
    if direction is Direction.INCOMING:
        return _Seen.TO
    if direction is Direction.OUTGOING:
        return _Seen.FROM
    return _Seen.TO_OR_FROM


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    """Which assignment weeks the caller sees (needs the round, need and person joined)."""
    seen: BindParameter[list[int]] = bindparam("seen", expanding=True)
    conditions = [AllocationRound.status == RoundStatus.PUBLISHED]
    if not shape.everyone:  # HR sees all; leaders to and from their units; everyone their own
        led: BindParameter[list[int]] = bindparam("led", expanding=True)
        conditions.append(
            or_(
                Need.unit_id.in_(led),
                Person.home_unit_id.in_(led),
                Assignment.person_id == bindparam("me"),
            )
        )
    if shape.seen_from is _Seen.TO:
        conditions.append(Need.unit_id.in_(seen))
    elif shape.seen_from is _Seen.FROM:
        conditions.append(Person.home_unit_id.in_(seen))
    elif shape.seen_from is _Seen.TO_OR_FROM:
        conditions.append(or_(Need.unit_id.in_(seen), Person.home_unit_id.in_(seen)))
    if shape.one_round:
        conditions.append(Assignment.round_id == bindparam("round_id"))
    else:
        conditions.append(~_replanned_later())
    if shape.one_person:
        conditions.append(Assignment.person_id == bindparam("person_id"))
    return conditions


def _replanned_later() -> ColumnElement[bool]:
    """The week lies in a round published after the assignment's own: that round's plan wins."""
    later = aliased(AllocationRound, name="later")
    return exists().where(
        later.status == RoundStatus.PUBLISHED,
        or_(
            later.published_at > AllocationRound.published_at,
            and_(later.published_at == AllocationRound.published_at, later.id > AllocationRound.id),
        ),
        later.start <= Assignment.week,
        Assignment.week <= last_monday(later.start, later.weeks),
    )


def _groups(shape: _Shape) -> Select[Any]:
    """The (round, person, need) groups the caller sees."""
    return (
        select(Assignment.round_id, Assignment.person_id, Assignment.need_id)
        .join(AllocationRound, AllocationRound.id == Assignment.round_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Person, Person.id == Assignment.person_id)
        .where(*_conditions(shape))
        .group_by(Assignment.round_id, Assignment.person_id, Assignment.need_id)
    )


@cache
def _count_of_groups(shape: _Shape) -> Select[Any]:
    return select(func.count()).select_from(_groups(shape).subquery())


HomeUnit, ContactPerson = aliased(Unit, name="home_unit"), aliased(Person, name="contact")


@cache
def _weeks_of_page(shape: _Shape) -> Select[Any]:
    """Every week of the page's (round, person, need) groups with all that is shown of them,
    and how many groups there are in all (a window count over the groups, before the page).
    Built once per shape: building and keying a statement this size cost more CPU than
    running it."""
    page = (
        _groups(shape)
        .add_columns(
            func.min(Assignment.week).label("first_week"), func.count().over().label("total")
        )
        .order_by("first_week", Assignment.round_id, Assignment.person_id, Assignment.need_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    # The page's groups passed every condition; of their weeks, only those replanned go.
    weeks = [] if shape.one_round else [~_replanned_later()]
    return (
        select(
            page.c.total,
            Assignment.id.label("assignment_id"),
            Assignment.week,
            Assignment.hours,
            Assignment.learner,
            *_labelled("round", AllocationRound, "id", "name", "start", "weeks", "published_at"),
            *_labelled("person", Person, "id", "name", "email", "phone", "language"),
            *_labelled("home", HomeUnit, "id", "code", "name", "address", "phone"),
            *_labelled("need", Need, "id", "ref", "description", "shift"),
            *_labelled("unit", Unit, "id", "code", "name", "address", "phone"),
            *_labelled("skill", Skill, "code", "label_da", "label_en"),
            *_labelled("contact", ContactPerson, "id", "name", "email", "phone"),
        )
        .join(
            page,
            and_(
                page.c.round_id == Assignment.round_id,
                page.c.person_id == Assignment.person_id,
                page.c.need_id == Assignment.need_id,
            ),
        )
        .join(AllocationRound, AllocationRound.id == Assignment.round_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Unit, Unit.id == Need.unit_id)
        .join(Skill, Skill.id == Need.skill_id)
        .join(Person, Person.id == Assignment.person_id)
        .join(HomeUnit, HomeUnit.id == Person.home_unit_id)
        .outerjoin(ContactPerson, ContactPerson.id == Need.contact_person_id)
        .where(*weeks)
        .order_by(
            page.c.first_week,
            Assignment.round_id,
            Assignment.person_id,
            Assignment.need_id,
            Assignment.week,
        )
    )


def _labelled(prefix: str, entity: Any, *names: str) -> list[Any]:
    return [getattr(entity, name).label(f"{prefix}_{name}") for name in names]


def _deployments(session: Session, rows: Sequence[Row[Any]]) -> list[Deployment]:
    """The page's week rows as one deployment per (round, person, need), in row order."""
    grouped: dict[tuple[int, int, int], list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault((row.round_id, row.person_id, row.need_id), []).append(row)
    leaders = _leaders(
        session, {group[0].unit_id for group in grouped.values() if group[0].contact_id is None}
    )
    deployments = []
    for group in grouped.values():
        first = group[0]
        unit = UnitInfo(
            first.unit_id, first.unit_code, first.unit_name, first.unit_address, first.unit_phone
        )
        contact = (
            ContactInfo(
                first.contact_id, first.contact_name, first.contact_email, first.contact_phone
            )
            if first.contact_id is not None
            else None
        )
        deployments.append(
            Deployment(
                round=RoundInfo(
                    first.round_id,
                    first.round_name,
                    first.round_start,
                    first.round_weeks,
                    first.round_published_at,
                ),
                person=PersonInfo(
                    first.person_id,
                    first.person_name,
                    first.person_email,
                    first.person_phone,
                    first.person_language,
                    UnitInfo(
                        first.home_id,
                        first.home_code,
                        first.home_name,
                        first.home_address,
                        first.home_phone,
                    ),
                ),
                need=NeedInfo(
                    first.need_id,
                    first.need_ref,
                    first.need_description,
                    first.need_shift,
                    unit,
                    SkillInfo(first.skill_code, first.skill_label_da, first.skill_label_en),
                    contact,
                ),
                weeks=[(row.week, row.hours) for row in group],
                contacts=[contact] if contact is not None else leaders.get(unit.id, []),
                assignment_id=first.assignment_id,
                learner=any(row.learner for row in group),
            )
        )
    return deployments


LEADERS_OF_UNITS = (
    select(unit_leader.c.unit_id, Person.id, Person.name, Person.email, Person.phone)
    .join(Person, Person.id == unit_leader.c.person_id)
    .where(unit_leader.c.unit_id.in_(bindparam("units", expanding=True)))
)


def _leaders(session: Session, unit_ids: set[int]) -> dict[int, list[ContactInfo]]:
    """The leaders of each unit, by name: whom to ask where a need names no contact."""
    if not unit_ids:
        return {}
    rows = plain_rows(session, LEADERS_OF_UNITS, {"units": sorted(unit_ids)})
    leaders: dict[int, list[ContactInfo]] = defaultdict(list)
    for row in rows:
        leaders[row.unit_id].append(ContactInfo(row.id, row.name, row.email, row.phone))
    for contacts in leaders.values():
        contacts.sort(key=lambda leader: leader.name)
    return leaders
