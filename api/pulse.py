"""The weekly pulse: the lent person answers for their deployment's weeks; the receiving
leader and HR read it per unit-week and see the flags low answers raise."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, put
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Id
from jobbank import checklists
from jobbank.checklists import ItemLine, Place
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import InvalidInput
from jobbank.core.texts import Comment
from jobbank.db.models import PulseAnswer
from jobbank.deployments import (
    PulseFlag,
    PulseScore,
    PulseSheet,
    ShownAnswer,
    Side,
    UnitWeekPulse,
    answer_pulse,
    deployment_in_reach,
    is_low,
    pulse_flags,
    pulse_of_units,
    pulse_sheet,
)
from solver.bounds import Day

MEANINGFUL = "Did you have meaningful work this week? 1 not at all … 5 fully."
PRESSED = "How pressed were you by your home tasks? 1 not at all … 5 very."
PERSON = frozenset({Side.PERSON})
NAMED = "Leaders may see my name with this answer; otherwise it shows only among three or more."


class PulseIn(BaseModel):
    meaningful: PulseScore = Field(description=MEANINGFUL)
    pressed: PulseScore = Field(description=PRESSED)
    comment: Comment = ""
    named: bool = Field(False, description=NAMED)


class PulseAnswerOut(BaseModel):
    week: dt.date
    meaningful: int
    pressed: int
    comment: str
    named: bool
    low: bool

    @classmethod
    def of(cls, answer: PulseAnswer) -> PulseAnswerOut:
        return cls(
            week=answer.week,
            meaningful=answer.meaningful,
            pressed=answer.pressed,
            comment=answer.comment,
            named=answer.named,
            low=is_low(answer.meaningful, answer.pressed),
        )


class PulseWeekOut(BaseModel):
    week: dt.date
    answer: PulseAnswerOut | None


class PulseSheetOut(BaseModel):
    """Your own pulse of one deployment: each begun planned week, newest first."""

    deployment_id: int
    unit: str
    weeks: list[PulseWeekOut]
    next_weeks: list[dt.date] = Field(description="Planned weeks not begun yet.")

    @classmethod
    def of(cls, sheet: PulseSheet) -> PulseSheetOut:
        answers = sheet.answers
        return cls(
            deployment_id=sheet.deployment.id,
            unit=sheet.deployment.unit.name,
            weeks=[
                PulseWeekOut(week=w, answer=PulseAnswerOut.of(answers[w]) if w in answers else None)
                for w in sheet.weeks
            ],
            next_weeks=sheet.next_weeks,
        )


class ShownAnswerOut(BaseModel):
    meaningful: int
    pressed: int
    comment: str
    low: bool
    person: str | None = Field(None, description="Only where the person let leaders see it.")
    deployment_id: int | None = None

    @classmethod
    def of(cls, answer: ShownAnswer) -> ShownAnswerOut:
        return cls(
            meaningful=answer.meaningful,
            pressed=answer.pressed,
            comment=answer.comment,
            low=answer.low,
            person=answer.person,
            deployment_id=answer.deployment_id,
        )


class UnitWeekPulseOut(BaseModel):
    unit_id: int
    unit: str
    week: dt.date
    answered: int
    meaningful_mean: float | None = Field(description="Over the answers shown only.")
    pressed_mean: float | None = Field(description="Over the answers shown only.")
    low: int = Field(description="Low answers among those shown.")
    named: list[ShownAnswerOut]
    anonymous: list[ShownAnswerOut] = Field(
        description="Unnamed answers, only where at least three make them anonymous."
    )
    more_answered: int = Field(description="Unnamed answers too few to show: counted only.")

    @classmethod
    def of(cls, pulse: UnitWeekPulse) -> UnitWeekPulseOut:
        return cls(
            unit_id=pulse.unit_id,
            unit=pulse.unit,
            week=pulse.week,
            answered=pulse.answered,
            meaningful_mean=pulse.meaningful_mean,
            pressed_mean=pulse.pressed_mean,
            low=pulse.low,
            named=[ShownAnswerOut.of(a) for a in pulse.named],
            anonymous=[ShownAnswerOut.of(a) for a in pulse.anonymous],
            more_answered=pulse.more_answered,
        )


class OpenItemOut(BaseModel):
    id: int
    title_da: str
    title_en: str
    due_on: dt.date


class PulseFlagOut(BaseModel):
    """Low answers to look at, with the open checklist items of the deployments concerned."""

    unit_id: int
    unit: str
    week: dt.date
    person: str | None = Field(description="Set where the person let leaders see their name.")
    deployment_id: int | None
    low: list[ShownAnswerOut]
    open_items: list[OpenItemOut]


def open_items(db: Session, actor: Actor, flags: list[PulseFlag]) -> list[list[ItemLine]]:
    """For each flag, the checklist items still open that the caller ticks or follows on the
    deployments it concerns, soonest due first (read in one statement for them all)."""
    places = {flag_place: Place(*flag_place) for flag in flags for flag_place in flag.places}
    found = checklists.items_at(db, actor, places.values())
    shown = []
    for flag in flags:
        items = [
            item
            for place in flag.places
            if (at := found.get(places[place])) is not None
            for item in (*at.items, *at.followed)
            if item.done_at is None
        ]
        shown.append(sorted(items, key=lambda item: (item.due_on, item.id)))
    return shown


def _week(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("week", f"{text!r} is not a date", code="not_a_date") from None
    return check("week", Day, day)


class DeploymentPulseController(Controller):
    """The lent person's own pulse; to anyone else these paths do not exist (404)."""

    path = "/api/deployments"
    tags = ("pulse",)
    guards = [logged_in]  # noqa: RUF012

    @get("/{deployment_id:int}/pulse", sync_to_thread=True)
    def get_pulse(
        self, db_session: DB, request: AnyRequest, deployment_id: FromPath[Id]
    ) -> PulseSheetOut:
        """Your answers to the weekly pulse of your deployment, a row per begun planned week.
        Nobody else reads them here, leaders and HR included: they read `/api/pulse/units`."""
        sheet = pulse_sheet(db_session, current_actor(request), deployment_id)
        return PulseSheetOut.of(sheet)

    @put("/{deployment_id:int}/pulse/{week:str}", sync_to_thread=True)
    def answer(
        self,
        db_session: DB,
        request: AnyRequest,
        deployment_id: FromPath[Id],
        week: FromPath[str],
        data: JSONBody[PulseIn],
    ) -> PulseAnswerOut:
        """Answer the pulse for `week` (its Monday), a planned week of your deployment that has
        begun; answering again replaces the answer. 422 names the field: a score outside 1–5,
        a week not planned (`not_a_planned_week`) or not begun (`week_not_begun`)."""
        actor = current_actor(request)
        deployment_in_reach(db_session, actor, deployment_id, sides=PERSON)  # 404 before 422
        saved = answer_pulse(
            db_session,
            actor,
            deployment_id,
            _week(week),
            meaningful=data.meaningful,
            pressed=data.pressed,
            comment=data.comment,
            named=data.named,
        )
        return PulseAnswerOut.of(saved)


class PulseController(Controller):
    """The pulse per unit-week, for receiving leaders (their units) and HR (all); 404 to
    everyone else."""

    path = "/api/pulse"
    tags = ("pulse",)
    guards = [logged_in]  # noqa: RUF012

    @get("/units", sync_to_thread=True)
    def units(
        self,
        db_session: DB,
        request: AnyRequest,
        unit_id: FromQuery[Id | None] = None,
        since: FromQuery[Day | None] = None,
    ) -> list[UnitWeekPulseOut]:
        """Per unit and week, newest first (by default the last twelve weeks): how many
        answered, the means and low answers of those shown, answers with names where the person
        agreed, unnamed ones only where at least three make them anonymous."""
        found = pulse_of_units(db_session, current_actor(request), unit_id=unit_id, since=since)
        return [UnitWeekPulseOut.of(pulse) for pulse in found]

    @get("/flags", sync_to_thread=True)
    def flags(self, db_session: DB, request: AnyRequest) -> list[PulseFlagOut]:
        """Low answers of this week and the last (meaningful work 2 or less, or pressed 4 or
        more), with the checklist items still open: a named one flags its deployment,
        unnamed ones their unit-week only where at least three answers make them anonymous."""
        actor = current_actor(request)
        found = pulse_flags(db_session, actor)
        return [
            PulseFlagOut(
                unit_id=flag.unit_id,
                unit=flag.unit,
                week=flag.week,
                person=flag.person,
                deployment_id=flag.deployment_id,
                low=[ShownAnswerOut.of(a) for a in flag.low],
                open_items=[
                    OpenItemOut(id=i.id, title_da=i.title_da, title_en=i.title_en, due_on=i.due_on)
                    for i in items
                ],
            )
            for flag, items in zip(found, open_items(db_session, actor, found), strict=True)
        ]
