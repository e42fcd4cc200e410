"""The weekly pulse: the lent person says, each week of a deployment, whether the work was
meaningful and how pressed their home tasks made them; leaders and HR read it per unit-week.

The evaluation behind it found lent staff "felt superfluous and pressed by their own tasks at
the same time". The person decides who may see their name; an answer without one is shown only
among at least `ANONYMITY_MIN` such answers of the same unit-week, and never counted into a
mean or a low-answer count that would give its scores away.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, TypeAlias

from annotated_types import Interval
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import InvalidInput
from jobbank.core.texts import Comment, clean
from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, Deployment, Person, PulseAnswer, RoundStatus, Unit
from jobbank.deployments.reach import Side, deployment_in_reach
from jobbank.deployments.records import planned_weeks

LEAST_SCORE, MOST_SCORE = 1, 5
PulseScore: TypeAlias = Annotated[int, Interval(ge=LEAST_SCORE, le=MOST_SCORE)]
"""One answer to a pulse question: 1 (not at all) … 5 (fully / very)."""
LOW_MEANINGFUL = 2
"""Meaningful work at or below this is a low answer: the person felt superfluous."""
HIGH_PRESSED = 4
"""Pressed by home tasks at or above this is a low answer: the person is squeezed."""
ANONYMITY_MIN = 3
"""Unnamed answers of a unit-week are shown (without names) only when at least this many
make them anonymous; fewer are only counted."""
SHOWN_WEEKS = 12
"""How many weeks back `pulse_of_units` reads unless told otherwise."""
NOT_A_PLANNED_WEEK = "not_a_planned_week"
WEEK_NOT_BEGUN = "week_not_begun"
AUDITED = ("deployment_id", "week", "named")
"""What the audit log keeps of an answer: never the comment, and not the scores either, for
HR reads the log with who wrote each entry, which would unmask an unnamed answer."""


def is_low(meaningful: int, pressed: int) -> bool:
    """An answer that should make a leader look: little meaningful work or much pressure."""
    return meaningful <= LOW_MEANINGFUL or pressed >= HIGH_PRESSED


# --- the person answers ----------------------------------------------------------------------


def answer_pulse(
    session: Session,
    actor: Actor,
    deployment_id: int,
    week: dt.date,
    *,
    meaningful: int,
    pressed: int,
    comment: str = "",
    named: bool = False,
    today: dt.date | None = None,
) -> PulseAnswer:
    """The lent person's answer for one begun planned week of their deployment; answering the
    week again replaces the answer. Anyone else gets `NotFound`."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=frozenset({Side.PERSON}))
    check("meaningful", PulseScore, meaningful)
    check("pressed", PulseScore, pressed)
    comment = clean("comment", Comment, comment)
    require_pulse_week(session, deployment, week, today)
    answer, new = _answer_row(session, deployment.id, week)
    action = "answer_pulse" if new else "replace_pulse"
    answer.meaningful, answer.pressed = meaningful, pressed
    answer.comment, answer.named = comment, named
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action=action,
        entity="pulse_answer",
        entity_id=answer.id,
        after=audit.fields_of(answer, AUDITED),
    )
    return answer


def _answer_row(session: Session, deployment_id: int, week: dt.date) -> tuple[PulseAnswer, bool]:
    """The deployment-week's answer row, locked, and whether it is new. A second
    tap on a phone's save button can race the first to insert it: the loser updates the
    winner's row instead of failing."""
    query = (
        select(PulseAnswer)
        .where(PulseAnswer.deployment_id == deployment_id, PulseAnswer.week == week)
        .with_for_update()
    )
    answer = session.scalar(query)
    if answer is not None:
        return answer, False
    answer = PulseAnswer(deployment_id=deployment_id, week=week, meaningful=0, pressed=0)
    try:
        with session.begin_nested():
            session.add(answer)
    except IntegrityError:
        return session.scalars(query).one(), False
    return answer, True


def require_pulse_week(
    session: Session, deployment: Deployment, week: dt.date, today: dt.date | None = None
) -> None:
    """`InvalidInput` on `week` unless it is a planned week of `deployment` that has begun."""
    if week not in {planned.week for planned in planned_weeks(session, deployment)}:
        raise InvalidInput(
            "week",
            f"{week.isoformat()} is not a planned week of deployment {deployment.id}",
            code=NOT_A_PLANNED_WEEK,
        )
    if week > monday_of(today or dt.date.today()):
        raise InvalidInput(
            "week", f"the week of {week.isoformat()} has not begun yet", code=WEEK_NOT_BEGUN
        )


@dataclass(frozen=True)
class PulseSheet:
    """A deployment's pulse as its person sees it: each begun planned week, with their answer
    where they gave one, newest week first."""

    deployment: Deployment
    weeks: list[dt.date]
    answers: dict[dt.date, PulseAnswer]
    next_weeks: list[dt.date] = field(default_factory=list)
    """Planned weeks still to come, which cannot be answered yet."""


def pulse_sheet(
    session: Session, actor: Actor, deployment_id: int, today: dt.date | None = None
) -> PulseSheet:
    """The person's own pulse of a deployment; for anyone else (leaders and HR included) the
    deployment is `NotFound`: others' answers are read per unit only."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=frozenset({Side.PERSON}))
    this_week = monday_of(today or dt.date.today())
    planned = [p.week for p in planned_weeks(session, deployment)]
    answers = session.scalars(
        select(PulseAnswer).where(PulseAnswer.deployment_id == deployment.id)
    ).all()
    return PulseSheet(
        deployment=deployment,
        weeks=sorted((w for w in planned if w <= this_week), reverse=True),
        answers={a.week: a for a in answers},
        next_weeks=[w for w in planned if w > this_week],
    )


# --- leaders and HR read them per unit-week -----------------------------------------------------


@dataclass(frozen=True)
class ShownAnswer:
    """An answer a leader may see: with the person's name where they agreed, else none."""

    meaningful: int
    pressed: int
    comment: str
    low: bool
    person: str | None = None
    deployment_id: int | None = None
    """Only with the name: which deployment it was."""


@dataclass(frozen=True)
class UnitWeekPulse:
    """One unit's pulse of one week: how many answered, and what of it may be shown."""

    unit_id: int
    unit: str
    week: dt.date
    answered: int
    named: list[ShownAnswer]
    anonymous: list[ShownAnswer]
    """Unnamed answers, only when at least `ANONYMITY_MIN` of them; in an order of their own
    content, never of who gave them."""
    more_answered: int
    """Unnamed answers too few to be anonymous: counted, nothing more."""

    @property
    def shown(self) -> list[ShownAnswer]:
        return self.named + self.anonymous

    @property
    def meaningful_mean(self) -> float | None:
        return _mean(a.meaningful for a in self.shown)

    @property
    def pressed_mean(self) -> float | None:
        return _mean(a.pressed for a in self.shown)

    @property
    def low(self) -> int:
        """Low answers among those shown (an unshown one would give its scores away)."""
        return sum(a.low for a in self.shown)


def _mean(scores: Iterable[int]) -> float | None:
    values = list(scores)
    return round(sum(values) / len(values), 2) if values else None


def require_pulse_reader(session: Session, actor: Actor) -> None:
    """Only HR and the leaders of units people are lent to read the pulse; to anyone else
    (staff, a leader who only lends people out) it does not exist."""
    receives = actor.is_leader and session.scalar(
        select(
            select(Deployment.id)
            .join(AllocationRound, AllocationRound.id == Deployment.round_id)
            .where(
                AllocationRound.status == RoundStatus.PUBLISHED,
                Deployment.unit_id.in_(actor.led_unit_ids),
            )
            .exists()
        )
    )
    actor.require(actor.is_hr or bool(receives), "pulse")


def readable_units(actor: Actor) -> ColumnElement[bool]:
    """SQL for the deployments whose pulse `actor` reads: HR all, a leader those to the units
    they lead (never those lent out from them)."""
    return true() if actor.is_hr else Deployment.unit_id.in_(actor.led_unit_ids)


def pulse_of_units(
    session: Session,
    actor: Actor,
    *,
    unit_id: int | None = None,
    since: dt.date | None = None,
    today: dt.date | None = None,
) -> list[UnitWeekPulse]:
    """The pulse of the units in the caller's reach per unit and week, newest week first,
    from `since` (by default `SHOWN_WEEKS` back); `unit_id` keeps one unit."""
    require_pulse_reader(session, actor)
    if unit_id is not None:
        actor.require(actor.is_hr or actor.leads(unit_id), f"unit {unit_id}")
    this_week = monday_of(today or dt.date.today())
    first = monday_of(since or this_week - dt.timedelta(weeks=SHOWN_WEEKS))
    rows = session.execute(
        select(PulseAnswer, Deployment.id, Unit.id, Unit.name, Person.name)
        .join(Deployment, Deployment.id == PulseAnswer.deployment_id)
        .join(AllocationRound, AllocationRound.id == Deployment.round_id)
        .join(Unit, Unit.id == Deployment.unit_id)
        .join(Person, Person.id == Deployment.person_id)
        .where(
            AllocationRound.status == RoundStatus.PUBLISHED,
            readable_units(actor),
            PulseAnswer.week >= first,
            *([Deployment.unit_id == unit_id] if unit_id is not None else []),
        )
    ).tuples()
    grouped: dict[tuple[int, str, dt.date], list[tuple[PulseAnswer, int, str]]] = defaultdict(list)
    for answer, deployment_id, unit, unit_name, person in rows:
        grouped[(unit, unit_name, answer.week)].append((answer, deployment_id, person))
    found = [_unit_week(*key, answers) for key, answers in grouped.items()]
    return sorted(found, key=lambda p: (-p.week.toordinal(), p.unit, p.unit_id))


def _unit_week(
    unit_id: int, unit: str, week: dt.date, answers: list[tuple[PulseAnswer, int, str]]
) -> UnitWeekPulse:
    named = sorted(
        (_shown(a, person, deployment_id) for a, deployment_id, person in answers if a.named),
        key=lambda a: (a.person or "", a.deployment_id or 0),
    )
    unnamed = [_shown(a) for a, _, _ in answers if not a.named]
    anonymous = len(unnamed) >= ANONYMITY_MIN
    return UnitWeekPulse(
        unit_id=unit_id,
        unit=unit,
        week=week,
        answered=len(answers),
        named=named,
        anonymous=sorted(unnamed, key=lambda a: (a.meaningful, a.pressed, a.comment))
        if anonymous
        else [],
        more_answered=0 if anonymous else len(unnamed),
    )


def _shown(
    answer: PulseAnswer, person: str | None = None, deployment_id: int | None = None
) -> ShownAnswer:
    return ShownAnswer(
        meaningful=answer.meaningful,
        pressed=answer.pressed,
        comment=answer.comment,
        low=is_low(answer.meaningful, answer.pressed),
        person=person,
        deployment_id=deployment_id,
    )
