"""Worked hours per deployment-week: the receiving leader enters them (confirmed at once) or
the lent person enters them and the receiving leader signs them off; HR may do what the
receiving leader does; the home leader reads them. See `jobbank.deployments.worked`."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, ConfigDict, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Id
from jobbank.deployments import worked
from jobbank.deployments.worked import (
    MAX_WORKED_HOURS,
    WORKED_MARGIN,
    DeploymentHours,
    WorkedHours,
    WorkedWeekLine,
)
from solver.bounds import Day, Version

_HOURS = (
    f"Hours worked that week, in half hours: from 0 to the week's planned hours plus "
    f"{WORKED_MARGIN:g} (one working day), never above {MAX_WORKED_HOURS:g}; more answers 422 "
    "naming `hours` (code `above_worked_margin`)."
)


class WorkedWeekOut(BaseModel):
    week: dt.date = Field(description="The Monday of the week.")
    planned_hours: float
    most_hours: float = Field(description="The most hours the week may be entered with.")
    begun: bool = Field(description="Its Monday has come: hours may be entered.")
    hours: float | None = Field(description="Hours entered; null while nobody entered any.")
    entered_by: str | None
    confirmed_by: str | None
    confirmed_at: dt.datetime | None = Field(
        description="Null while the hours wait for the receiving leader's sign-off."
    )
    version: int | None = Field(description="The row's version; null before hours are entered.")

    @classmethod
    def of(cls, line: WorkedWeekLine) -> WorkedWeekOut:
        return cls(
            week=line.week,
            planned_hours=line.planned_hours,
            most_hours=line.most_hours,
            begun=line.begun,
            hours=line.hours,
            entered_by=line.entered_by,
            confirmed_by=line.confirmed_by,
            confirmed_at=line.confirmed_at,
            version=line.version,
        )


class DeploymentHoursOut(BaseModel):
    deployment_id: int
    planned_hours: float
    worked_hours: float = Field(description="Hours the receiving leader confirmed.")
    waiting_hours: float = Field(description="Hours the person entered, not yet signed off.")
    may_enter: bool
    may_confirm: bool
    weeks: list[WorkedWeekOut]

    @classmethod
    def of(cls, hours: DeploymentHours) -> DeploymentHoursOut:
        return cls(
            deployment_id=hours.deployment.id,
            planned_hours=hours.planned_hours,
            worked_hours=hours.worked_hours,
            waiting_hours=hours.waiting_hours,
            may_enter=hours.may_enter,
            may_confirm=hours.may_confirm,
            weeks=[WorkedWeekOut.of(line) for line in hours.weeks],
        )


class WorkedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: WorkedHours = Field(description=_HOURS)
    version: Version | None = Field(None, description="The week's version you saw; 409 if stale.")


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Version | None = Field(None, description="The week's version you saw; 409 if stale.")


class WorkedWeekController(Controller):
    path = "/api/deployments/{deployment_id:int}/worked-weeks"
    tags = ("deployments",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_weeks(
        self, db_session: DB, request: AnyRequest, deployment_id: FromPath[Id]
    ) -> DeploymentHoursOut:
        """Each week the plan lends the person to the unit, with its planned hours and the
        hours worked: for the person, both leaders and HR."""
        hours = worked.deployment_hours(db_session, current_actor(request), deployment_id)
        return DeploymentHoursOut.of(hours)

    @put("/{week:date}", sync_to_thread=True)
    def enter(
        self,
        db_session: DB,
        request: AnyRequest,
        deployment_id: FromPath[Id],
        week: FromPath[Day],
        data: JSONBody[WorkedIn],
    ) -> WorkedWeekOut:
        """Enter the hours worked in a week that has begun. The receiving leader's (or HR's)
        are confirmed at once; the person's wait for their sign-off, and once confirmed only
        the leader may change them (409, `worked_hours_confirmed`). A week the plan gives the
        deployment no hours, or that has not begun, answers 422 naming `week`."""
        line = worked.enter_worked(
            db_session,
            current_actor(request),
            deployment_id,
            week,
            data.hours,
            version=data.version,
        )
        return WorkedWeekOut.of(line)

    @post("/{week:date}/confirm", sync_to_thread=True, status_code=200)
    def confirm(
        self,
        db_session: DB,
        request: AnyRequest,
        deployment_id: FromPath[Id],
        week: FromPath[Day],
        data: JSONBody[ConfirmIn | None] = None,
    ) -> WorkedWeekOut:
        """Sign off the hours the person entered (the receiving leader or HR); confirming
        twice changes nothing, a week without hours answers 409 (`no_worked_hours`)."""
        line = worked.confirm_worked(
            db_session,
            current_actor(request),
            deployment_id,
            week,
            version=data.version if data else None,
        )
        return WorkedWeekOut.of(line)
