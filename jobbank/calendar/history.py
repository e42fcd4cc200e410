"""What changes to published plans did to a person's assignment-weeks and to their days: how
many, when, and the hours after (a week ended stays in the feed as cancelled, and so does a
day taken away)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from jobbank.db.models import AssignmentChange, DayChange, Need, Unit
from solver.contract import WorkDay


@dataclass(frozen=True)
class WeekHistory:
    """What changes to published plans did to one (person, need, week): how many there were,
    the last one's time and hours after it, and where the need is (for a cancelled event)."""

    changes: int
    last_at: dt.datetime
    hours_after: float
    unit: str
    address: str


ChangeKey = tuple[int, dt.date]
"""(need id, week) of one person's assignment-week."""

CHANGES_OF_PERSON = (
    select(
        AssignmentChange.need_id,
        AssignmentChange.week,
        AssignmentChange.created_at,
        AssignmentChange.hours_after,
        Unit.name,
        Unit.address,
    )
    .join(Need, Need.id == AssignmentChange.need_id)
    .join(Unit, Unit.id == Need.unit_id)
    .where(AssignmentChange.person_id == bindparam("person_id"))
    .order_by(AssignmentChange.id)
)


def changes_of(session: Session, person_id: int) -> dict[ChangeKey, WeekHistory]:
    """Each of the person's assignment-weeks a change to a published plan touched."""
    history: dict[ChangeKey, WeekHistory] = {}
    for need_id, week, at, after, unit, address in session.execute(
        CHANGES_OF_PERSON, {"person_id": person_id}
    ).tuples():
        seen = history.get((need_id, week))
        count = seen.changes + 1 if seen is not None else 1
        history[(need_id, week)] = WeekHistory(count, _utc(at), after, unit, address)
    return history


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class DayHistory:
    """What changes to published plans did to one day of a person at a need: how many, the
    last one's time, the day as it was before it was taken away (None while it is planned),
    and where the need is."""

    changes: int
    last_at: dt.datetime
    taken_away: WorkDay | None
    unit: str
    address: str


DayKey = tuple[int, dt.date]
"""(need id, date) of one of a person's days."""

DAY_CHANGES_OF_PERSON = (
    select(
        DayChange.need_id,
        DayChange.date,
        DayChange.created_at,
        DayChange.day_before,
        DayChange.day_after,
        Unit.name,
        Unit.address,
    )
    .join(Need, Need.id == DayChange.need_id)
    .join(Unit, Unit.id == Need.unit_id)
    .where(DayChange.person_id == bindparam("person_id"))
    .order_by(DayChange.id)
)


def day_changes_of(session: Session, person_id: int) -> dict[DayKey, DayHistory]:
    """Each of the person's days a change to a published plan added, moved or took away."""
    history: dict[DayKey, DayHistory] = {}
    for need_id, date, at, before, after, unit, address in session.execute(
        DAY_CHANGES_OF_PERSON, {"person_id": person_id}
    ).tuples():
        seen = history.get((need_id, date))
        count = seen.changes + 1 if seen is not None else 1
        gone = WorkDay.model_validate(before) if after is None and before is not None else None
        history[(need_id, date)] = DayHistory(count, _utc(at), gone, unit, address)
    return history
