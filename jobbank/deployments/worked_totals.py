"""A round's planned and worked hours side by side, per deployment-week: what the impact
report sums per unit and week and what the round's spreadsheet of worked hours lists.

A week counts what the current plan gives the deployment in it and the hours entered for it:
confirmed by the receiving leader (worked) or still waiting for their sign-off. A week the
plan no longer holds but that has hours entered is kept, planned at 0, so nothing worked
goes missing from the sums when a change to the plan ends a deployment early.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound, Deployment, WorkedWeek
from jobbank.deployments.records import planned_weeks_of


@dataclass(frozen=True)
class WorkedRow:
    """One deployment-week: who, where, the plan's hours and the hours entered."""

    deployment_id: int
    employee_no: str
    name: str
    home_unit: str
    unit_code: str
    unit_name: str
    week: dt.date
    planned_hours: float
    entered_hours: float | None
    """None while nobody entered hours for the week."""
    confirmed: bool

    @property
    def worked_hours(self) -> float:
        """The hours the receiving leader confirmed (0 while none are)."""
        return (self.entered_hours or 0.0) if self.confirmed else 0.0

    @property
    def waiting_hours(self) -> float:
        """Hours the person entered that wait for sign-off."""
        return 0.0 if self.confirmed else (self.entered_hours or 0.0)


def worked_rows(session: Session, rnd: AllocationRound) -> list[WorkedRow]:
    """Every deployment-week of `rnd` that is planned or has hours entered, by week, person,
    unit."""
    deployments = list(
        session.scalars(select(Deployment).where(Deployment.round_id == rnd.id)).unique()
    )
    if not deployments:
        return []
    planned = planned_weeks_of(session, deployments)
    entered = {
        (row.deployment_id, row.week): row
        for row in session.scalars(
            select(WorkedWeek).where(WorkedWeek.deployment_id.in_([d.id for d in deployments]))
        )
    }
    rows = []
    for deployment in deployments:
        hours = {week.week: week.hours for week in planned[deployment.id]}
        weeks = set(hours) | {week for (d_id, week) in entered if d_id == deployment.id}
        for week in weeks:
            row = entered.get((deployment.id, week))
            rows.append(_row(deployment, week, hours.get(week, 0.0), row))
    return sorted(rows, key=lambda r: (r.week, r.name, r.employee_no, r.unit_code))


def _row(
    deployment: Deployment, week: dt.date, planned: float, entered: WorkedWeek | None
) -> WorkedRow:
    person, unit = deployment.person, deployment.unit
    return WorkedRow(
        deployment_id=deployment.id,
        employee_no=person.employee_no,
        name=person.name,
        home_unit=person.home_unit.code,
        unit_code=unit.code,
        unit_name=unit.name,
        week=week,
        planned_hours=planned,
        entered_hours=entered.hours if entered else None,
        confirmed=entered is not None and entered.confirmed_at is not None,
    )
