"""Changing a published plan as applying a change set does: assignment rows added, changed or
deleted, one `AssignmentChange` per assignment-week, the plan's revision raised, and then
`follow_changes`, all in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobbank.db import transaction
from jobbank.db.models import AllocationRound, Assignment, AssignmentChange
from jobbank.live_plan.effects import FollowUp, follow_changes
from tests.lookups import need, person, user


class Edit(NamedTuple):
    """`employee_no` works `hours` for need `ref` in week `week` (0 ends it)."""

    employee_no: str
    ref: str
    week: int
    hours: float


def change_plan(
    factory: sessionmaker[Session], round_id: int, *edits: Edit, by: str = "hr"
) -> FollowUp:
    with transaction(factory) as session:
        rnd = session.get_one(AllocationRound, round_id)
        by_id = user(session, by).id
        changes = [_apply(session, rnd, edit, by_id) for edit in edits]
        rnd.plan_revision += 1
        return follow_changes(session, rnd, changes, by=by_id)


def _apply(session: Session, rnd: AllocationRound, edit: Edit, by: int) -> AssignmentChange:
    who, what = person(session, edit.employee_no), need(session, edit.ref)
    week = rnd.start + dt.timedelta(weeks=edit.week)
    row = session.scalar(
        select(Assignment).filter_by(round_id=rnd.id, person_id=who.id, need_id=what.id, week=week)
    )
    before = row.hours if row is not None else 0.0
    if row is None:
        new = Assignment(round_id=rnd.id, person_id=who.id, need_id=what.id, week=week)
        new.hours = edit.hours
        session.add(new)
    elif edit.hours == 0:
        session.delete(row)
    else:
        row.hours = edit.hours
    change = AssignmentChange(
        round_id=rnd.id,
        person_id=who.id,
        need_id=what.id,
        week=week,
        hours_before=before,
        hours_after=edit.hours,
        changed_by_id=by,
    )
    session.add(change)
    session.flush()
    return change
