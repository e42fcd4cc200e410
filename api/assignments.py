"""Assignments of published rounds: staff see their own, leaders incoming and lent-out staff."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery
from pydantic import BaseModel

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Paging
from api.paging import page_of
from api.shapes import ContactOut, UnitRef
from jobbank.assignments import Deployment, Direction, RoundInfo, list_deployments
from jobbank.db.models import AllocationRound
from solver.contract import Shift


class RoundRef(BaseModel):
    id: int
    name: str
    start: dt.date
    weeks: int

    @classmethod
    def of(cls, rnd: AllocationRound | RoundInfo) -> RoundRef:
        return cls(id=rnd.id, name=rnd.name, start=rnd.start, weeks=rnd.weeks)


class LentPerson(ContactOut):
    """The person who is lent (never their risk group)."""

    home_unit: UnitRef


class ReceivingUnit(UnitRef):
    address: str
    phone: str


class SkillRef(BaseModel):
    code: str
    label_da: str
    label_en: str


class NeedRef(BaseModel):
    id: int
    ref: str
    skill: SkillRef
    shift: Shift
    description: str


class WeekHours(BaseModel):
    week: dt.date
    """The week's Monday."""
    hours: float


class DeploymentOut(BaseModel):
    """One person's work for one need in a published round."""

    round: RoundRef
    person: LentPerson
    unit: ReceivingUnit
    need: NeedRef
    weeks: list[WeekHours]
    total_hours: float
    contacts: list[ContactOut]
    """The need's contact person, or else the receiving unit's leaders."""

    @classmethod
    def of(cls, deployment: Deployment) -> DeploymentOut:
        person, need = deployment.person, deployment.need
        unit = need.unit
        return cls(
            round=RoundRef.of(deployment.round),
            person=LentPerson(
                home_unit=UnitRef.of(person.home_unit),
                **ContactOut.of(person).model_dump(),
            ),
            unit=ReceivingUnit(
                id=unit.id, code=unit.code, name=unit.name, address=unit.address, phone=unit.phone
            ),
            need=NeedRef(
                id=need.id,
                ref=need.ref,
                skill=SkillRef(
                    code=need.skill.code, label_da=need.skill.label_da, label_en=need.skill.label_en
                ),
                shift=need.shift,
                description=need.description,
            ),
            weeks=[WeekHours(week=week, hours=hours) for week, hours in deployment.weeks],
            total_hours=deployment.total_hours,
            contacts=[ContactOut.of(contact) for contact in deployment.contacts],
        )


class AssignmentController(Controller):
    path = "/api"
    tags = ("assignments",)
    guards = [logged_in]  # noqa: RUF012

    @get("/assignments", sync_to_thread=True)
    def list_assignments(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        round_id: FromQuery[int | None] = None,
        unit_id: FromQuery[int | None] = None,
        person_id: FromQuery[int | None] = None,
        direction: FromQuery[Direction | None] = None,
    ) -> OffsetPagination[DeploymentOut]:
        """Assignments of published rounds in your reach, grouped per round, person and need.

        Staff see their own; unit leaders those coming to the units they lead and those of
        people whose home unit they lead (`direction=incoming|outgoing` keeps one way, seen
        from `unit_id` or else from the units you lead); HR sees all. Without `round_id`,
        weeks a later published round planned again show that round's plan.
        """
        rows, total = list_deployments(
            db_session,
            current_actor(request),
            paging,
            round_id=round_id,
            unit_id=unit_id,
            person_id=person_id,
            direction=direction,
        )
        return page_of(rows, total, paging, DeploymentOut.of)

    @get("/me/assignments", sync_to_thread=True)
    def my_assignments(
        self,
        db_session: DB,
        request: AnyRequest,
        paging: Paging,
        round_id: FromQuery[int | None] = None,
    ) -> OffsetPagination[DeploymentOut]:
        """Your own assignments in published rounds: where, which weeks, whom to contact."""
        actor = current_actor(request)
        if actor.person_id is None:
            return page_of([], 0, paging, DeploymentOut.of)
        rows, total = list_deployments(
            db_session, actor, paging, round_id=round_id, person_id=actor.person_id
        )
        return page_of(rows, total, paging, DeploymentOut.of)
