"""Change sets on a published plan: built from the open events, applied once and atomically,
refused when the plan changed since; and the urgent call's shortlist and direct assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    ChangeSetStatus,
    PlanEvent,
    UserAccount,
)
from jobbank.live_plan import events
from jobbank.live_plan.change_sets import (
    RepairSettings,
    apply_change_set,
    build_change_set,
    repair_result,
)
from jobbank.live_plan.events import AbsenceReport
from jobbank.live_plan.shortlist import assign_directly, shortlist_for
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def anne_is_sick_next_week(app: Litestar, ids: Ids) -> int:
    with factory(app)() as session, session.begin():
        report = AbsenceReport(
            person_id=ids.anne,
            first_day=THIS_MONDAY + dt.timedelta(weeks=1),
            last_day=THIS_MONDAY + dt.timedelta(weeks=1, days=4),
        )
        return events.report_absence(session, actor(session, "anne"), ids.round_id, report).id


def plan_of(session: Session, round_id: int) -> dict[tuple[str, str, int], float]:
    rows = session.scalars(select(Assignment).where(Assignment.round_id == round_id)).all()
    return {
        (r.person.employee_no, r.need.ref, (r.week - THIS_MONDAY).days // 7): r.hours for r in rows
    }


def test_a_change_set_repairs_the_open_events_and_changes_nothing_until_applied(
    app: Litestar,
) -> None:
    ids = first_round(app)
    event_id = anne_is_sick_next_week(app, ids)
    with factory(app)() as session, session.begin():
        before = plan_of(session, ids.round_id)
        change_set = build_change_set(session, actor(session, "hr"), ids.round_id)
        result = repair_result(change_set)
        assert change_set.status is ChangeSetStatus.PROPOSED
        assert change_set.event_ids == [event_id]
        assert ("e1", "n1", 1, 12.0, 0.0) in {
            (c.staff, c.need, c.week, c.hours_before, c.hours_after) for c in result.changes
        }
        assert plan_of(session, ids.round_id) == before


def test_applying_changes_the_plan_once_marks_the_events_and_keeps_each_change(
    app: Litestar,
) -> None:
    ids = first_round(app)
    event_id = anne_is_sick_next_week(app, ids)
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        change_set = build_change_set(session, hr, ids.round_id)
        changes = len(repair_result(change_set).changes)
        apply_change_set(session, hr, ids.round_id, change_set.id)
        again = apply_change_set(session, hr, ids.round_id, change_set.id)
        assert again.status is ChangeSetStatus.APPLIED
        assert ("e1", "n1", 1) not in plan_of(session, ids.round_id)
        assert ("e1", "n1", 0) in plan_of(session, ids.round_id)
        assert session.scalar(select(func.count(AssignmentChange.id))) == changes
        assert session.get(PlanEvent, event_id).change_set_id == change_set.id  # type: ignore[union-attr]
        assert session.get(AllocationRound, ids.round_id).plan_revision == 1  # type: ignore[union-attr]


def test_a_change_set_built_on_a_plan_that_changed_since_is_refused_and_nothing_changes(
    app: Litestar,
) -> None:
    ids = first_round(app)
    anne_is_sick_next_week(app, ids)
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        first = build_change_set(session, hr, ids.round_id)
        second = build_change_set(session, hr, ids.round_id)
        apply_change_set(session, hr, ids.round_id, second.id)
        after = plan_of(session, ids.round_id)
    with factory(app)() as session, session.begin():
        with pytest.raises(Conflict) as refused:
            apply_change_set(session, actor(session, "hr"), ids.round_id, first.id)
        assert refused.value.code == "change_set_stale"
    with factory(app)() as session:
        assert plan_of(session, ids.round_id) == after


def test_only_hr_reaches_change_sets(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        for username in ("anne", "leder_sol"):
            with pytest.raises(NotFound):
                build_change_set(session, actor(session, username), ids.round_id)


def test_settings_out_of_bounds_are_refused_naming_the_field(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        with pytest.raises(InvalidInput) as refused:
            build_change_set(
                session, actor(session, "hr"), ids.round_id, RepairSettings(max_moves=10**6)
            )
        assert (refused.value.field, refused.value.code) == ("max_moves", "outside_range")


def test_an_excluded_person_gets_no_new_hours(app: Litestar) -> None:
    ids = first_round(app)
    anne_is_sick_next_week(app, ids)
    with factory(app)() as session, session.begin():
        settings = RepairSettings(excluded=[ids.bo])
        result = repair_result(
            build_change_set(session, actor(session, "hr"), ids.round_id, settings)
        )
        assert all(c.staff != "e2" or c.hours_after <= c.hours_before for c in result.changes)


def test_the_shortlist_and_a_direct_assignment_checked_against_it(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        n3 = session.scalars(
            select(Assignment.need_id).where(Assignment.person_id == ids.bo)
        ).first()
        assert n3 is not None
        week = THIS_MONDAY + dt.timedelta(weeks=2)
        listed = {
            s.person.employee_no: s.candidate
            for s in shortlist_for(session, hr, ids.round_id, n3, week)
        }
        assert listed["e2"].introduced and listed["e2"].hours == 8
        with pytest.raises(InvalidInput) as refused:
            assign_directly(
                session, hr, ids.round_id, person_id=ids.bo, need_id=n3, week=week, hours=10
            )
        assert refused.value.code == "more_than_offered"
        rows = assign_directly(
            session, hr, ids.round_id, person_id=ids.bo, need_id=n3, week=week, hours=8
        )
        assert [(r.hours_before, r.hours_after) for r in rows] == [(0, 8)]
        assert plan_of(session, ids.round_id)[("e2", "n3", 2)] == 8
        assert session.get(AllocationRound, ids.round_id).plan_revision == 1  # type: ignore[union-attr]
        with pytest.raises(InvalidInput) as again:
            assign_directly(
                session, hr, ids.round_id, person_id=ids.bo, need_id=n3, week=week, hours=8
            )
        assert again.value.code == "not_on_shortlist"
