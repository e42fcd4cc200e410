"""Deployments over HTTP: the lent person's answer, what leaders and HR see of it, and why
the person was chosen."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Id, Paging
from api.paging import page_of
from jobbank.core.texts import Comment
from jobbank.db.models import DeclineReason, DeploymentAnswer
from jobbank.deployments import answers
from jobbank.deployments.answers import MOST_DAYS, WITHIN_DAYS
from jobbank.deployments.views import DeploymentView, deployment_view, deployments_for
from jobbank.deployments.why import WhyChosen, why_chosen


class DeploymentPerson(BaseModel):
    id: int
    name: str
    home_unit: str


class DeploymentUnit(BaseModel):
    id: int
    name: str
    address: str
    phone: str


class WeekOut(BaseModel):
    week: dt.date = Field(description="The week's Monday.")
    hours: float


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str


class DeploymentOut(BaseModel):
    """A deployment and the person's answer; the decline's reason and note only for the
    person and HR."""

    id: int
    round_id: int
    round_name: str
    person: DeploymentPerson
    unit: DeploymentUnit
    weeks: list[WeekOut] = Field(description="The weeks the plan lends the person, with hours.")
    contacts: list[ContactOut]
    answer: DeploymentAnswer | None = Field(description="None while the person has not answered.")
    answered_at: dt.datetime | None
    decline_reason: DeclineReason | None = None
    decline_note: str | None = None

    @classmethod
    def of(cls, view: DeploymentView) -> DeploymentOut:
        d = view.deployment
        return cls(
            id=d.id,
            round_id=d.round_id,
            round_name=view.round_name,
            person=DeploymentPerson(
                id=d.person.id, name=d.person.name, home_unit=d.person.home_unit.name
            ),
            unit=DeploymentUnit(
                id=d.unit.id, name=d.unit.name, address=d.unit.address, phone=d.unit.phone
            ),
            weeks=[WeekOut(week=w.week, hours=w.hours) for w in view.weeks],
            contacts=[ContactOut(name=c.name, phone=c.phone, email=c.email) for c in view.contacts],
            answer=d.answer,
            answered_at=d.answered_at,
            decline_reason=view.decline_reason,
            decline_note=view.decline_note,
        )


class AnswerIn(BaseModel):
    """Confirm, or decline with a reason from the list and your own words (HR alone reads
    them)."""

    model_config = ConfigDict(extra="forbid")

    answer: DeploymentAnswer
    reason: DeclineReason | None = Field(None, description="Why you decline; needed to decline.")
    note: Comment = Field("", description="Your own words, at most 2000 characters.")


class WordsOut(BaseModel):
    da: str
    en: str


class ReasonOut(BaseModel):
    code: str = Field(description="skill, free_hours, low_home_load, need, home_week, pauses")
    words: WordsOut


class WhyWeekOut(BaseModel):
    week: dt.date
    normal_hours: float
    home_load: float = Field(description="Hours the home unit still needs that week.")
    free_hours: float = Field(description="Normal hours less home load.")
    lent_here: float
    lent_in_all: float
    home_hours_left: float
    wanted: float = Field(description="Hours the unit's needs want that week.")


class PauseOut(BaseModel):
    title: WordsOut
    done: bool


class WhyOut(BaseModel):
    """Why the person was chosen, in plain words (Danish and English)."""

    deployment_id: int
    unit: str
    priority: int | None
    reasons: list[ReasonOut]
    weeks: list[WhyWeekOut]
    pauses: list[PauseOut]

    @classmethod
    def of(cls, why: WhyChosen) -> WhyOut:
        return cls(
            deployment_id=why.deployment_id,
            unit=why.unit,
            priority=why.priority,
            reasons=[
                ReasonOut(code=r.code, words=WordsOut(da=r.words.da, en=r.words.en))
                for r in why.reasons
            ],
            weeks=[
                WhyWeekOut(
                    week=w.week,
                    normal_hours=w.normal_hours,
                    home_load=w.home_load,
                    free_hours=w.free_hours,
                    lent_here=w.lent_here,
                    lent_in_all=w.lent_in_all,
                    home_hours_left=w.home_hours_left,
                    wanted=w.wanted,
                )
                for w in why.weeks
            ],
            pauses=[
                PauseOut(title=WordsOut(da=p.title.da, en=p.title.en), done=p.done)
                for p in why.pauses
            ],
        )


WithinDays = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=MOST_DAYS,
        description=f"Days ahead to look, 1–{MOST_DAYS} (default {WITHIN_DAYS}).",
    ),
]


class DeploymentController(Controller):
    """Deployments of published rounds: one person's time at one receiving unit."""

    path = "/api/deployments"
    tags = ("deployments",)
    guards = [logged_in]  # noqa: RUF012

    @get(sync_to_thread=True)
    def list_deployments(
        self, db_session: DB, request: AnyRequest, paging: Paging
    ) -> OffsetPagination[DeploymentOut]:
        """The deployments you play a part in (yours, those coming to and lent out from the
        units you lead; HR all), newest round first, with the person's answer."""
        rows, total = deployments_for(db_session, current_actor(request), paging)
        return page_of(rows, total, paging, DeploymentOut.of)

    @get("/unconfirmed", sync_to_thread=True)
    def unconfirmed(
        self, db_session: DB, request: AnyRequest, within_days: WithinDays = WITHIN_DAYS
    ) -> list[DeploymentOut]:
        """HR: deployments nobody has answered that start this week or within `within_days`
        days, soonest first."""
        found = answers.unconfirmed(db_session, current_actor(request), within_days)
        return [DeploymentOut.of(view) for view in found]

    @get("/{deployment_id:int}", sync_to_thread=True)
    def one(
        self, db_session: DB, request: AnyRequest, deployment_id: FromPath[Id]
    ) -> DeploymentOut:
        """One deployment you play a part in."""
        return DeploymentOut.of(deployment_view(db_session, current_actor(request), deployment_id))

    @post("/{deployment_id:int}/answer", sync_to_thread=True, status_code=200)
    def answer(
        self,
        db_session: DB,
        request: AnyRequest,
        deployment_id: FromPath[Id],
        data: JSONBody[AnswerIn],
    ) -> DeploymentOut:
        """Your answer to your deployment: confirm (again: nothing changes), or decline with
        a reason before its first week begins (409 after: report an absence instead)."""
        actor = current_actor(request)
        answers.answer(db_session, actor, deployment_id, data.answer, data.reason, data.note)
        return DeploymentOut.of(deployment_view(db_session, actor, deployment_id))

    @get("/{deployment_id:int}/why", sync_to_thread=True)
    def why(self, db_session: DB, request: AnyRequest, deployment_id: FromPath[Id]) -> WhyOut:
        """Why the person was chosen, in plain words: for the person, both leaders and HR."""
        return WhyOut.of(why_chosen(db_session, current_actor(request), deployment_id))
