"""The days of published assignment-weeks: when each person works where, read as plain rows
for the calendar and the leaders' week grids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from jobbank.db.models import Assignment, AssignmentDay
from solver.contract import WorkDay

WeekKey = tuple[int, int, dt.date]
"""(round id, need id, week): one assignment-week of a person."""

WORK_DAYS_OF_PEOPLE = (
    select(
        Assignment.round_id,
        Assignment.person_id,
        Assignment.need_id,
        Assignment.week,
        AssignmentDay.date,
        AssignmentDay.start_time,
        AssignmentDay.end_time,
        AssignmentDay.hours,
    )
    .join(AssignmentDay, AssignmentDay.assignment_id == Assignment.id)
    .where(Assignment.person_id.in_(bindparam("people", expanding=True)))
    .order_by(AssignmentDay.date)
)

PersonWeekKey = tuple[int, int, int, dt.date]
"""(round id, person id, need id, week): one assignment-week of anyone."""


def work_days_of_people(
    session: Session, person_ids: Collection[int]
) -> dict[PersonWeekKey, tuple[WorkDay, ...]]:
    """Each of these people's assignment-weeks that has days, with its days by date (one
    statement for a whole page of them)."""
    if not person_ids:
        return {}
    found: dict[PersonWeekKey, list[WorkDay]] = {}
    rows = session.execute(WORK_DAYS_OF_PEOPLE, {"people": sorted(set(person_ids))}).tuples()
    for round_id, person_id, need_id, week, date, start, end, hours in rows:
        day = WorkDay(date=date, start=start, end=end, hours=hours)
        found.setdefault((round_id, person_id, need_id, week), []).append(day)
    return {key: tuple(days) for key, days in found.items()}


def work_days_of(session: Session, person_id: int) -> dict[WeekKey, tuple[WorkDay, ...]]:
    """Each of the person's assignment-weeks that has days, with its days by date."""
    return {
        (round_id, need_id, week): days
        for (round_id, _, need_id, week), days in work_days_of_people(session, [person_id]).items()
    }


PlanKey = tuple[int, int, int]
"""(round id, person id, need id): one deployment."""

WORK_DAYS_IN_WEEK = (
    select(
        Assignment.round_id,
        Assignment.person_id,
        Assignment.need_id,
        AssignmentDay.date,
        AssignmentDay.start_time,
        AssignmentDay.end_time,
        AssignmentDay.hours,
    )
    .join(AssignmentDay, AssignmentDay.assignment_id == Assignment.id)
    .where(
        Assignment.week == bindparam("week"),
        Assignment.person_id.in_(bindparam("people", expanding=True)),
    )
    .order_by(AssignmentDay.date)
)


def work_days_in(
    session: Session, week: dt.date, person_ids: set[int]
) -> dict[PlanKey, tuple[WorkDay, ...]]:
    """The days of these people's assignment-weeks in `week` (a Monday), by deployment."""
    if not person_ids:
        return {}
    found: dict[PlanKey, list[WorkDay]] = {}
    values = {"week": week, "people": sorted(person_ids)}
    for round_id, person_id, need_id, date, start, end, hours in session.execute(
        WORK_DAYS_IN_WEEK, values
    ).tuples():
        day = WorkDay(date=date, start=start, end=end, hours=hours)
        found.setdefault((round_id, person_id, need_id), []).append(day)
    return {key: tuple(days) for key, days in found.items()}
