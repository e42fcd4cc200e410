"""Deployments a change to a published plan ended: the weeks a person no longer works, so
their page can show them as ended rather than let them silently disappear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    Need,
    Skill,
    Unit,
)


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


CHANGES_OF_PERSON = (
    select(
        AssignmentChange.round_id,
        AllocationRound.name,
        AssignmentChange.need_id,
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
    .order_by(AssignmentChange.id)
)


class _LastChange(NamedTuple):
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


def ended_deployments(session: Session, actor: Actor) -> list[EndedDeployment]:
    """The caller's own ended weeks, per (round, need), most recently ended first: weeks
    whose last change ended them and that no assignment has given back."""
    if actor.person_id is None:
        return []
    rows = session.execute(CHANGES_OF_PERSON.where(AssignmentChange.person_id == actor.person_id))
    last = {}
    for row in rows:
        change = _LastChange(*row)
        last[(change.round_id, change.need_id, change.week)] = change
    ended = {key: change for key, change in last.items() if change.hours_after == 0}
    if not ended:
        return []
    still = set(
        session.execute(
            select(Assignment.round_id, Assignment.need_id, Assignment.week).where(
                Assignment.person_id == actor.person_id,
                Assignment.round_id.in_(sorted({key[0] for key in ended})),
            )
        ).tuples()
    )
    grouped: dict[tuple[int, int], list[_LastChange]] = {}
    for key, change in sorted(ended.items(), key=lambda item: item[1].week):
        if key not in still:
            grouped.setdefault(key[:2], []).append(change)
    deployments = [_deployment(changes) for changes in grouped.values()]
    return sorted(deployments, key=lambda deployment: deployment.ended_at, reverse=True)


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
    )
