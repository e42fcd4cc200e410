"""What the pulse asks of people now: a flag for the receiving leader and HR where a low answer
came in lately, and a prompt for the lent person whose week has begun unanswered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, Deployment, PulseAnswer, RoundStatus
from jobbank.deployments.pulse import (
    ShownAnswer,
    UnitWeekPulse,
    pulse_of_units,
    readable_units,
    require_pulse_reader,
)
from jobbank.deployments.records import deployments_of_person, planned_weeks_of

FLAG_WEEKS = 2
"""A low answer flags the front pages for its week and the next: long enough to be seen on a
Monday, short enough that old worries do not crowd out new ones."""


@dataclass(frozen=True)
class PulseFlag:
    """Low answers a leader should look at: one named deployment's, or a unit-week's
    anonymous ones; with the deployments whose open checklist items to show beside it."""

    unit_id: int
    unit: str
    week: dt.date
    low: list[ShownAnswer]
    places: list[tuple[int, int, int]]
    """(round, person, unit) of each deployment the flag concerns, for their checklists."""
    person: str | None = None
    """Set for a named answer; a unit-week flag names nobody."""
    deployment_id: int | None = None


def pulse_flags(session: Session, actor: Actor, today: dt.date | None = None) -> list[PulseFlag]:
    """Flags of the last `FLAG_WEEKS` weeks for the units the caller leads (HR: all), newest
    first: a named low answer flags its deployment, unnamed low answers their unit-week only
    where enough answers make them anonymous. Anyone else gets `NotFound`."""
    require_pulse_reader(session, actor)
    since = monday_of(today or dt.date.today()) - dt.timedelta(weeks=FLAG_WEEKS - 1)
    flags: list[PulseFlag] = []
    for unit_week in pulse_of_units(session, actor, since=since, today=today):
        flags.extend(_named_flags(session, unit_week))
        low = [a for a in unit_week.anonymous if a.low]
        if low:
            places = _places_at(session, actor, unit_week.unit_id, unit_week.week)
            flags.append(PulseFlag(unit_week.unit_id, unit_week.unit, unit_week.week, low, places))
    return flags


def _named_flags(session: Session, unit_week: UnitWeekPulse) -> list[PulseFlag]:
    flags = []
    for answer in unit_week.named:
        if not answer.low or answer.deployment_id is None:
            continue
        deployment = session.get_one(Deployment, answer.deployment_id)
        flags.append(
            PulseFlag(
                unit_week.unit_id,
                unit_week.unit,
                unit_week.week,
                [answer],
                [(deployment.round_id, deployment.person_id, deployment.unit_id)],
                person=answer.person,
                deployment_id=deployment.id,
            )
        )
    return flags


def _places_at(
    session: Session, actor: Actor, unit_id: int, week: dt.date
) -> list[tuple[int, int, int]]:
    """Every deployment the plan has at the unit in `week`: all of them, so the list does not
    tell who answered low."""
    deployments = _published(actor).where(Deployment.unit_id == unit_id)
    found = list(session.scalars(deployments).all())
    weeks = planned_weeks_of(session, found)
    return [
        (d.round_id, d.person_id, d.unit_id)
        for d in found
        if any(planned.week == week for planned in weeks[d.id])
    ]


def _published(actor: Actor) -> Select[tuple[Deployment]]:
    return (
        select(Deployment)
        .join(AllocationRound, AllocationRound.id == Deployment.round_id)
        .where(AllocationRound.status == RoundStatus.PUBLISHED, readable_units(actor))
    )


# --- the person's prompt -----------------------------------------------------------------------


@dataclass(frozen=True)
class PulsePrompt:
    """ "How was your week at <unit>?" for a planned week that has begun and has no answer."""

    deployment_id: int
    unit: str
    week: dt.date


def pulse_prompts(
    session: Session, actor: Actor, today: dt.date | None = None
) -> list[PulsePrompt]:
    """The caller's deployments whose current week is planned and not answered yet."""
    this_week = monday_of(today or dt.date.today())
    mine = deployments_of_person(session, actor.person_id, running_from=this_week)
    answered = set(
        session.scalars(
            select(PulseAnswer.deployment_id).where(
                PulseAnswer.deployment_id.in_([d.id for d in mine]), PulseAnswer.week == this_week
            )
        ).all()
    )
    weeks = planned_weeks_of(session, mine)
    return [
        PulsePrompt(d.id, d.unit.name, this_week)
        for d in mine
        if d.id not in answered and any(p.week == this_week for p in weeks[d.id])
    ]
