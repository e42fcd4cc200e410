"""The lent person confirms or declines a deployment; a decline is an event the live plan's
repair fills from someone else."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.db.models import (
    AuditEntry,
    DeclineReason,
    Deployment,
    DeploymentAnswer,
    EventKind,
    Person,
    PlanEvent,
    UserAccount,
)
from jobbank.deployments.answers import DECLINED, STARTED, confirm, decline
from jobbank.live_plan import events
from jobbank.live_plan.change_sets import apply_change_set, build_change_set, repair_result
from solver.contract import Assignment as Planned
from tests.api.published_round import THIS_MONDAY, add_need_n3, factory, first_round, publish

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def deployment_of(session: Session, round_id: int, employee_no: str) -> Deployment:
    return session.scalars(
        select(Deployment)
        .join(Person, Person.id == Deployment.person_id)
        .where(Deployment.round_id == round_id, Person.employee_no == employee_no)
    ).one()


def bo_on_n3_from_next_week(app: Litestar) -> int:
    """A round starting next week: Bo on n3 at Solgården its first two weeks; Anne, a nurse
    volunteer too, is free to take it."""
    add_need_n3(app)
    return publish(
        app,
        Planned(staff="e2", need="n3", week=0, hours=8),
        Planned(staff="e2", need="n3", week=1, hours=8),
        start=NEXT_MONDAY,
        weeks=3,
    )


def test_only_the_person_answers_and_confirming_twice_changes_nothing(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        anne = deployment_of(session, ids.round_id, "e1")
        for other in ("hr", "leder_sol", "leder_bs", "bo"):
            with pytest.raises(NotFound):
                confirm(session, actor(session, other), anne.id)
        first = confirm(session, actor(session, "anne"), anne.id)
        answered = first.answered_at
        again = confirm(session, actor(session, "anne"), anne.id)
        assert again.answer is DeploymentAnswer.CONFIRMED
        assert again.answered_at == answered


def test_a_decline_is_an_event_for_the_repair_and_keeps_the_note_out_of_the_audit(
    app: Litestar,
) -> None:
    round_id = bo_on_n3_from_next_week(app)
    with factory(app)() as session, session.begin():
        bo = deployment_of(session, round_id, "e2")
        confirm(session, actor(session, "bo"), bo.id)  # a confirmation may still turn
        declined = decline(
            session, actor(session, "bo"), bo.id, DeclineReason.PERSONAL, "Min ryg driller"
        )
        assert declined.answer is DeploymentAnswer.DECLINED
        event = session.get_one(PlanEvent, declined.decline_event_id)
        assert (event.kind, event.person_id, event.first_day) == (
            EventKind.DECLINE,
            bo.person_id,
            NEXT_MONDAY,
        )
        assert event.need is not None and event.need.ref == "n3"
        logged = session.scalars(select(AuditEntry)).all()
        assert not any("ryg" in str(entry.after) for entry in logged)
        with pytest.raises(Conflict) as refused:
            confirm(session, actor(session, "bo"), bo.id)
        assert refused.value.code == DECLINED


def test_the_note_keeps_to_the_text_policy(app: Litestar) -> None:
    round_id = bo_on_n3_from_next_week(app)
    with factory(app)() as session, session.begin():
        bo = deployment_of(session, round_id, "e2")
        with pytest.raises(InvalidInput) as refused:
            decline(session, actor(session, "bo"), bo.id, DeclineReason.OTHER, "x" * 2001)
        assert refused.value.field == "note"
        assert session.get_one(Deployment, bo.id).answer is None


def test_once_the_first_week_began_a_decline_points_to_plan_changes(app: Litestar) -> None:
    ids = first_round(app)  # starts this Monday
    with factory(app)() as session, session.begin():
        anne = deployment_of(session, ids.round_id, "e1")
        with pytest.raises(Conflict) as refused:
            decline(session, actor(session, "anne"), anne.id, DeclineReason.TIMING, "")
        assert refused.value.code == STARTED
        assert "/plan-changes" in str(refused.value)


def test_the_repair_ends_the_declined_weeks_and_fills_them_from_someone_else(
    app: Litestar,
) -> None:
    round_id = bo_on_n3_from_next_week(app)
    with factory(app)() as session, session.begin():
        bo = deployment_of(session, round_id, "e2")
        decline(session, actor(session, "bo"), bo.id, DeclineReason.HOME_TASKS, "")
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        change_set = build_change_set(session, hr, round_id)
        changes = {
            (c.staff, c.need, c.week): (c.hours_before, c.hours_after)
            for c in repair_result(change_set).changes
        }
        assert changes[("e2", "n3", 0)] == (8.0, 0.0)
        assert changes[("e2", "n3", 1)] == (8.0, 0.0)
        assert changes[("e1", "n3", 0)][1] > 0
        apply_change_set(session, hr, round_id, change_set.id)
        views = events.list_events(session, hr, round_id)
        assert [view.event.kind for view in views] == [EventKind.DECLINE]
        assert not views[0].open
