"""The impact report's changes agree with the change rows, however the plan was changed: by
a change set applied for an event, and by HR's direct assignment from the shortlist (which
reports no event of its own)."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.db.models import Assignment, AssignmentChange, UserAccount
from jobbank.live_plan import events
from jobbank.live_plan.change_sets import apply_change_set, build_change_set
from jobbank.live_plan.events import AbsenceReport
from jobbank.live_plan.shortlist import assign_directly
from jobbank.report import over_time, report_of
from jobbank.report.shape import PlanChanges
from jobbank.rounds import get_round
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def counted(session: Session, round_id: int) -> PlanChanges:
    """The report's changes, checked to be the over-time figures of the same round."""
    changes = report_of(session, get_round(session, round_id)).changes
    (row,) = [row for row in over_time(session).rounds if row.round_id == round_id]
    assert (row.plan_events, row.hours_moved, row.people_disturbed) == (
        changes.events,
        changes.hours_moved,
        changes.people_disturbed,
    )
    return changes


def from_rows(session: Session, round_id: int, events_reported: int) -> PlanChanges:
    """The changes as the rows tell them, counted by hand."""
    rows = session.scalars(
        select(AssignmentChange).where(AssignmentChange.round_id == round_id)
    ).all()
    return PlanChanges(
        events=events_reported,
        hours_moved=sum(abs(row.hours_after - row.hours_before) for row in rows),
        people_disturbed=len({row.person_id for row in rows}),
    )


def repair_annes_absence(session: Session, ids: Ids) -> None:
    first = THIS_MONDAY + dt.timedelta(weeks=1)
    report = AbsenceReport(
        person_id=ids.anne, first_day=first, last_day=first + dt.timedelta(days=4)
    )
    events.report_absence(session, actor(session, "anne"), ids.round_id, report)
    hr = actor(session, "hr")
    apply_change_set(session, hr, ids.round_id, build_change_set(session, hr, ids.round_id).id)


def test_a_direct_assignment_counts_as_its_change_rows_say(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        n3 = session.scalars(
            select(Assignment.need_id).where(Assignment.person_id == ids.bo)
        ).first()
        assert n3 is not None
        assign_directly(
            session,
            actor(session, "hr"),
            ids.round_id,
            person_id=ids.bo,
            need_id=n3,
            week=THIS_MONDAY + dt.timedelta(weeks=2),
            hours=8,
        )
        changes = counted(session, ids.round_id)
        assert changes == from_rows(session, ids.round_id, events_reported=0)
        assert (changes.events, changes.hours_moved, changes.people_disturbed) == (0, 8.0, 1)


def test_a_change_set_and_a_direct_assignment_add_up(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        repair_annes_absence(session, ids)
        after_repair = counted(session, ids.round_id)
        assert after_repair == from_rows(session, ids.round_id, events_reported=1)
        assert after_repair.hours_moved >= 12 and after_repair.people_disturbed >= 1
        n3 = session.scalars(
            select(Assignment.need_id).where(Assignment.person_id == ids.bo)
        ).first()
        assert n3 is not None
        assign_directly(
            session,
            actor(session, "hr"),
            ids.round_id,
            person_id=ids.bo,
            need_id=n3,
            week=THIS_MONDAY + dt.timedelta(weeks=3),
            hours=8,
        )
        both = counted(session, ids.round_id)
        assert both == from_rows(session, ids.round_id, events_reported=1)
        assert both.hours_moved == after_repair.hours_moved + 8
