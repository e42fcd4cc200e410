"""Deployments a change to a published plan ended: the weeks a person no longer works, so
their page, and their leaders' pages (home and receiving), can show them as ended rather
than let them silently disappear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from jobbank.assignments.records import Direction
from jobbank.core.access import Actor
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    Need,
    Person,
    Skill,
    Unit,
)

MOST_ENDED = 200
"""Ended deployments one page lists at most, most recently ended first."""


@dataclass(frozen=True)
class EndedDeployment:
    """One person's weeks at one need of a published round that a change ended."""

    round_id: int
    round_name: str
    need_id: int
    unit: str
    skill_da: str
    skill_en: str
    weeks: list[tuple[dt.date, float]]
    """Each ended week and the hours it had before it ended."""
    ended_at: dt.datetime
    person: str = ""
    """Whose deployment it was (their name), for a leader's list."""
    home_unit: str = ""


HOME = aliased(Unit, name="home")

CHANGE_LINES = (
    select(
        AssignmentChange.id,
        AssignmentChange.person_id,
        Person.name.label("person"),
        HOME.name.label("home_unit"),
        AssignmentChange.round_id,
        AllocationRound.name.label("round_name"),
        AssignmentChange.need_id,
        Unit.id.label("unit_id"),
        Unit.name.label("unit"),
        Skill.label_da,
        Skill.label_en,
        AssignmentChange.week,
        AssignmentChange.hours_before,
        AssignmentChange.hours_after,
        AssignmentChange.created_at,
    )
    .join(AllocationRound, AllocationRound.id == AssignmentChange.round_id)
    .join(Need, Need.id == AssignmentChange.need_id)
    .join(Unit, Unit.id == Need.unit_id)
    .join(Skill, Skill.id == Need.skill_id)
    .join(Person, Person.id == AssignmentChange.person_id)
    .join(HOME, HOME.id == Person.home_unit_id)
)
"""Each change to a published plan with the names its readers see (`Need` and `Person` are
joined, for a filter on reach): ended deployments and "what changed" both read these."""


class _LastChange(NamedTuple):
    person_id: int
    person: str
    home_unit: str
    round_id: int
    round_name: str
    need_id: int
    unit: str
    skill_da: str
    skill_en: str
    week: dt.date
    hours_before: float
    hours_after: float
    at: dt.datetime


WeekKey = tuple[int, int, int, dt.date]
"""(person, round, need, week)."""


def ended_deployments(session: Session, actor: Actor) -> list[EndedDeployment]:
    """The caller's own ended weeks, per (round, need), most recently ended first: weeks
    whose last change ended them and that no assignment has given back."""
    if actor.person_id is None:
        return []
    return _ended(session, AssignmentChange.person_id == actor.person_id)


def ended_at_led_units(
    session: Session, actor: Actor, direction: Direction
) -> list[EndedDeployment]:
    """The ended weeks a leader's deployment pages show beside those still planned: of the
    people coming to the units they lead (`incoming`) or lent out from them (`outgoing`),
    as staff see their own (nothing for anyone who leads no unit)."""
    if not actor.is_leader:
        return []
    led = sorted(actor.led_unit_ids)
    at = Need.unit_id if direction is Direction.INCOMING else Person.home_unit_id
    return _ended(session, at.in_(led))


def _ended(session: Session, where: ColumnElement[bool]) -> list[EndedDeployment]:
    last: dict[WeekKey, _LastChange] = {}
    for row in session.execute(CHANGE_LINES.where(where).order_by(AssignmentChange.id)):
        change = _LastChange(
            person_id=row.person_id,
            person=row.person,
            home_unit=row.home_unit,
            round_id=row.round_id,
            round_name=row.round_name,
            need_id=row.need_id,
            unit=row.unit,
            skill_da=row.label_da,
            skill_en=row.label_en,
            week=row.week,
            hours_before=row.hours_before,
            hours_after=row.hours_after,
            at=row.created_at,
        )
        last[(change.person_id, change.round_id, change.need_id, change.week)] = change
    ended = {key: change for key, change in last.items() if change.hours_after == 0}
    if not ended:
        return []
    still = set(
        session.execute(
            select(
                Assignment.person_id, Assignment.round_id, Assignment.need_id, Assignment.week
            ).where(
                Assignment.person_id.in_(sorted({key[0] for key in ended})),
                Assignment.round_id.in_(sorted({key[1] for key in ended})),
            )
        ).tuples()
    )
    grouped: dict[tuple[int, int, int], list[_LastChange]] = {}
    for key, change in sorted(ended.items(), key=lambda item: item[1].week):
        if key not in still:
            grouped.setdefault(key[:3], []).append(change)
    deployments = [_deployment(changes) for changes in grouped.values()]
    deployments.sort(key=lambda deployment: deployment.ended_at, reverse=True)
    return deployments[:MOST_ENDED]


def _deployment(changes: list[_LastChange]) -> EndedDeployment:
    first = changes[0]
    return EndedDeployment(
        round_id=first.round_id,
        round_name=first.round_name,
        need_id=first.need_id,
        unit=first.unit,
        skill_da=first.skill_da,
        skill_en=first.skill_en,
        weeks=[(change.week, change.hours_before) for change in changes],
        ended_at=max(change.at for change in changes),
        person=first.person,
        home_unit=first.home_unit,
    )
