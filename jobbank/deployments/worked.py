"""The hours a lent person really worked, per week of their deployment.

The receiving leader enters a week's hours, confirmed at once; or the person enters them and
the receiving leader signs them off. HR may do what the receiving leader does. The home leader
reads them. A week can be entered once its Monday has come, and only if the current plan gives
the deployment hours in it. A week's hours lie between 0 and what the plan gave it plus
`WORKED_MARGIN`, never above `MAX_WORKED_HOURS`, in half hours: overtime beyond a working day
is a mistake in typing, not a plan. The person cannot change hours the leader confirmed; the
leader can (the confirmation then names them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, TypeAlias

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Conflict, InvalidInput, check_version
from jobbank.db.models import (
    AllocationRound,
    Deployment,
    Person,
    RoundStatus,
    Unit,
    UserAccount,
    WorkedWeek,
)
from jobbank.deployments.reach import Side, deployment_in_reach, sides_of
from jobbank.deployments.records import (
    PlannedWeek,
    deployments_of_person,
    planned_weeks,
    planned_weeks_of,
)
from solver.bounds import MAX_NORMAL_HOURS

WORKED_MARGIN = 8.0
"""Hours a week may exceed its plan by: one working day (a shift that ran late, a day swapped
in from another week)."""
MAX_WORKED_HOURS = MAX_NORMAL_HOURS
"""Never more than 48 hours in a week (the EU Working Time Directive's average)."""

WorkedHours: TypeAlias = Annotated[
    float, Field(ge=0, le=MAX_WORKED_HOURS, multiple_of=0.5, allow_inf_nan=False)
]
"""Hours worked in one week: 0 to 48 in half hours (the plan's margin is checked after)."""

ABOVE_MARGIN = "above_worked_margin"
"""More hours than the week's plan plus the margin allow (422 naming `hours`)."""
NOT_A_WORKED_WEEK = "not_a_worked_week"
"""The week has not begun, or the plan gives the deployment no hours in it (422, `week`)."""
CONFIRMED = "worked_hours_confirmed"
"""The person tried to change hours the receiving leader confirmed (409)."""
NOTHING_ENTERED = "no_worked_hours"
"""A confirmation of a week nobody entered hours for (409)."""

READERS = frozenset(Side)
SIGNERS = frozenset({Side.RECEIVING_LEADER, Side.HR})
ENTERERS = SIGNERS | {Side.PERSON}
FIELDS = ("hours", "entered_by_id", "confirmed_by_id", "confirmed_at")


@dataclass(frozen=True)
class WorkedWeekLine:
    """One planned week of a deployment: the plan's hours and what was entered for it."""

    week: dt.date
    planned_hours: float
    most_hours: float
    """The most hours that may be entered: planned + margin, at most 48."""
    begun: bool
    """Its Monday has come: hours may be entered."""
    hours: float | None = None
    entered_by: str | None = None
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None = None
    version: int | None = None

    @property
    def waiting(self) -> bool:
        """Entered by the person, not yet signed off."""
        return self.hours is not None and self.confirmed_at is None


@dataclass(frozen=True)
class DeploymentHours:
    """A deployment's weeks as the caller sees them, and what they may do."""

    deployment: Deployment
    weeks: list[WorkedWeekLine]
    may_enter: bool
    may_confirm: bool

    @property
    def planned_hours(self) -> float:
        return sum(line.planned_hours for line in self.weeks)

    @property
    def worked_hours(self) -> float:
        """Hours confirmed so far."""
        return sum(line.hours or 0 for line in self.weeks if line.confirmed_at is not None)

    @property
    def waiting_hours(self) -> float:
        return sum(line.hours or 0 for line in self.weeks if line.waiting)


def most_hours(planned: float) -> float:
    """The most hours a week planned at `planned` may be entered with."""
    return min(planned + WORKED_MARGIN, MAX_WORKED_HOURS)


def deployment_hours(
    session: Session, actor: Actor, deployment_id: int, *, today: dt.date | None = None
) -> DeploymentHours:
    """Each planned week of the deployment with its worked hours, for anyone in its reach."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=READERS)
    return _hours_of(session, actor, deployment, today or dt.date.today())


def enter_worked(
    session: Session,
    actor: Actor,
    deployment_id: int,
    week: dt.date,
    hours: float,
    *,
    version: int | None = None,
    today: dt.date | None = None,
) -> WorkedWeekLine:
    """Set a week's worked hours: the receiving leader's (or HR's) are confirmed at once, the
    person's wait for sign-off. Answers the week as it now stands."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=ENTERERS)
    signs = bool(sides_of(actor, deployment) & SIGNERS)
    check("hours", WorkedHours, float(hours))
    planned = _planned_week(session, deployment, week, today or dt.date.today())
    _require_within_margin(hours, planned.hours)
    row = _row(session, deployment.id, week)
    check_version(_what(deployment.id, week), row.version if row else 0, version)
    if row is not None and row.confirmed_at is not None and not signs:
        raise Conflict(
            f"{_what(deployment.id, week)}: the receiving leader confirmed these hours; "
            "ask them to change them",
            code=CONFIRMED,
            field="hours",
        )
    if row is not None and _unchanged(row, actor, float(hours), signs=signs):
        return _line(session, planned, row, today or dt.date.today())
    before = audit.fields_of(row, FIELDS) if row else {}
    if row is None:
        row = WorkedWeek(deployment_id=deployment.id, week=week, hours=hours)
        session.add(row)
    row.hours = float(hours)
    row.entered_by_id = actor.user_id
    row.confirmed_by_id = actor.user_id if signs else None
    row.confirmed_at = dt.datetime.now(dt.UTC) if signs else None
    session.flush()
    _audit(session, actor, "enter_worked", row, before)
    return _line(session, planned, row, today or dt.date.today())


def confirm_worked(
    session: Session,
    actor: Actor,
    deployment_id: int,
    week: dt.date,
    *,
    version: int | None = None,
    today: dt.date | None = None,
) -> WorkedWeekLine:
    """Sign off the hours the person entered for a week (the receiving leader or HR); a
    second confirmation changes nothing."""
    deployment = deployment_in_reach(session, actor, deployment_id, sides=SIGNERS)
    planned = _planned_week(session, deployment, week, today or dt.date.today())
    row = _row(session, deployment.id, week)
    check_version(_what(deployment.id, week), row.version if row else 0, version)
    if row is None:
        raise Conflict(
            f"{_what(deployment.id, week)}: no hours are entered to confirm",
            code=NOTHING_ENTERED,
            field="week",
        )
    if row.confirmed_at is None:
        before = audit.fields_of(row, FIELDS)
        row.confirmed_by_id = actor.user_id
        row.confirmed_at = dt.datetime.now(dt.UTC)
        session.flush()
        _audit(session, actor, "confirm_worked", row, before)
    return _line(session, planned, row, today or dt.date.today())


@dataclass(frozen=True)
class WaitingWeek:
    """A week a person entered hours for that waits for the caller's sign-off."""

    deployment_id: int
    person: str
    unit: str
    week: dt.date
    hours: float


def waiting_for(session: Session, actor: Actor, *, limit: int = 20) -> list[WaitingWeek]:
    """Weeks of people lent to the units `actor` leads whose hours wait for sign-off, oldest
    first (at most `limit`)."""
    if not actor.led_unit_ids:
        return []
    rows = session.execute(
        select(Deployment.id, Person.name, Unit.name, WorkedWeek.week, WorkedWeek.hours)
        .join(Deployment, Deployment.id == WorkedWeek.deployment_id)
        .join(Person, Person.id == Deployment.person_id)
        .join(Unit, Unit.id == Deployment.unit_id)
        .join(AllocationRound, AllocationRound.id == Deployment.round_id)
        .where(
            WorkedWeek.confirmed_at.is_(None),
            Deployment.unit_id.in_(actor.led_unit_ids),
            AllocationRound.status == RoundStatus.PUBLISHED,
        )
        .order_by(WorkedWeek.week, Person.name, Deployment.id)
        .limit(limit)
    ).tuples()
    return [WaitingWeek(*row) for row in rows]


RECENT_WEEKS = 4
"""A lent person is reminded of weeks without hours for this long after they began."""


@dataclass(frozen=True)
class WeekToEnter:
    """A begun week of the caller's own deployment that nobody entered hours for yet."""

    deployment_id: int
    unit: str
    week: dt.date
    planned_hours: float


def weeks_to_enter(
    session: Session, actor: Actor, *, today: dt.date | None = None
) -> list[WeekToEnter]:
    """The caller's own deployments' weeks of the last `RECENT_WEEKS` that have begun and
    have no hours yet, oldest first."""
    today = today or dt.date.today()
    since = today - dt.timedelta(weeks=RECENT_WEEKS)
    deployments = deployments_of_person(
        session, actor.person_id, started_by=today, running_from=since
    )
    if not deployments:
        return []
    entered = set(
        session.execute(
            select(WorkedWeek.deployment_id, WorkedWeek.week).where(
                WorkedWeek.deployment_id.in_([d.id for d in deployments])
            )
        ).tuples()
    )
    planned_of = planned_weeks_of(session, deployments)
    found = [
        WeekToEnter(deployment.id, deployment.unit.name, planned.week, planned.hours)
        for deployment in deployments
        for planned in planned_of[deployment.id]
        if since < planned.week <= today and (deployment.id, planned.week) not in entered
    ]
    return sorted(found, key=lambda w: (w.week, w.unit))


# --- the parts ------------------------------------------------------------------------------


def _what(deployment_id: int, week: dt.date) -> str:
    return f"deployment {deployment_id}, week {week.isoformat()}"


def _planned_week(
    session: Session, deployment: Deployment, week: dt.date, today: dt.date
) -> PlannedWeek:
    """The plan's week `week` of the deployment, if it has begun; else `InvalidInput` naming
    `week`."""
    for planned in planned_weeks(session, deployment):
        if planned.week == week:
            if week > today:
                raise InvalidInput(
                    "week",
                    f"{week.isoformat()} has not begun; enter hours from its Monday on",
                    code=NOT_A_WORKED_WEEK,
                )
            return planned
    raise InvalidInput(
        "week",
        f"{week.isoformat()} is not a week the plan lends the person to the unit",
        code=NOT_A_WORKED_WEEK,
    )


def _require_within_margin(hours: float, planned: float) -> None:
    most = most_hours(planned)
    if hours > most:
        raise InvalidInput(
            "hours",
            f"must be at most {most:g}: the {planned:g} hours planned this week plus "
            f"a margin of {WORKED_MARGIN:g} (one working day), never above "
            f"{MAX_WORKED_HOURS:g}; got {hours:g}",
            code=ABOVE_MARGIN,
            params={"most": most, "planned": planned, "margin": WORKED_MARGIN},
        )


def _unchanged(row: WorkedWeek, actor: Actor, hours: float, *, signs: bool) -> bool:
    """Saving the same hours again, as the one who entered them, changes nothing."""
    confirmed = row.confirmed_at is not None
    return row.hours == hours and row.entered_by_id == actor.user_id and confirmed == signs


def _row(session: Session, deployment_id: int, week: dt.date) -> WorkedWeek | None:
    return session.scalar(
        select(WorkedWeek).where(WorkedWeek.deployment_id == deployment_id, WorkedWeek.week == week)
    )


def _audit(
    session: Session, actor: Actor, action: str, row: WorkedWeek, before: dict[str, object]
) -> None:
    changed_before, after = audit.changed(before, audit.fields_of(row, FIELDS))
    audit.record(
        session,
        user_id=actor.user_id,
        action=action,
        entity="worked_week",
        entity_id=row.id,
        before=changed_before | {"deployment_id": row.deployment_id, "week": row.week.isoformat()},
        after=after,
    )


def _hours_of(
    session: Session, actor: Actor, deployment: Deployment, today: dt.date
) -> DeploymentHours:
    rows = {
        row.week: row
        for row in session.scalars(
            select(WorkedWeek).where(WorkedWeek.deployment_id == deployment.id)
        )
    }
    names = _names(session, rows.values())
    sides = sides_of(actor, deployment)
    return DeploymentHours(
        deployment=deployment,
        weeks=[
            _line(session, planned, rows.get(planned.week), today, names)
            for planned in planned_weeks(session, deployment)
        ],
        may_enter=bool(sides & ENTERERS),
        may_confirm=bool(sides & SIGNERS),
    )


def _names(session: Session, rows: Iterable[WorkedWeek]) -> dict[int, str]:
    """The person's name (or username) of each log-in that entered or confirmed `rows`."""
    ids = {
        user_id
        for row in rows
        for user_id in (row.entered_by_id, row.confirmed_by_id)
        if user_id is not None
    }
    if not ids:
        return {}
    found = session.execute(
        select(UserAccount.id, UserAccount.username, Person.name)
        .outerjoin(Person, Person.id == UserAccount.person_id)
        .where(UserAccount.id.in_(ids))
    ).tuples()
    return {user_id: name or username for user_id, username, name in found}


def _line(
    session: Session,
    planned: PlannedWeek,
    row: WorkedWeek | None,
    today: dt.date,
    names: dict[int, str] | None = None,
) -> WorkedWeekLine:
    if names is None:
        names = _names(session, [row] if row else [])
    line = WorkedWeekLine(
        week=planned.week,
        planned_hours=planned.hours,
        most_hours=most_hours(planned.hours),
        begun=planned.week <= today,
    )
    if row is None:
        return line
    return WorkedWeekLine(
        week=line.week,
        planned_hours=line.planned_hours,
        most_hours=line.most_hours,
        begun=line.begun,
        hours=row.hours,
        entered_by=names.get(row.entered_by_id) if row.entered_by_id else None,
        confirmed_by=names.get(row.confirmed_by_id) if row.confirmed_by_id else None,
        confirmed_at=row.confirmed_at,
        version=row.version,
    )
