"""The services that record events on a published plan, called as each reader would: every
wrong field refused at once, nothing written then, each event audited without its reason,
and the readers' reach."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import InvalidFields, NotFound
from jobbank.db.models import AllocationRound, AuditEntry, PlanEvent, UserAccount
from jobbank.live_plan import events
from jobbank.live_plan.change_sets import apply_change_set, build_change_set
from jobbank.live_plan.events import AbsenceReport, HomeRecallReport, WithdrawalReport
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def day(week: int, weekday: int = 0) -> dt.date:
    return THIS_MONDAY + dt.timedelta(weeks=week, days=weekday)


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def sick(ids: Ids, **changes: object) -> AbsenceReport:
    fields = {"person_id": ids.anne, "first_day": day(1), "last_day": day(1, 4), "reason": "Feber"}
    return AbsenceReport.model_validate(fields | changes)


def test_every_wrong_field_is_refused_at_once_and_nothing_is_written(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        report = HomeRecallReport(person_id=ids.anne, first_day=day(6), last_day=day(-1), hours=40)
        with pytest.raises(InvalidFields) as refused:
            events.report_home_recall(session, actor(session, "hr"), ids.round_id, report)
        session.rollback()
        assert [p.field for p in refused.value.problems] == ["first_day", "last_day", "hours"]
        assert session.scalar(select(func.count(PlanEvent.id))) == 0


def test_an_event_is_audited_without_its_reason(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        event = events.report_absence(session, actor(session, "anne"), ids.round_id, sick(ids))
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plan_event")).one()
        assert entry.entity_id == str(event.id)
        assert entry.after == {
            "round_id": ids.round_id,
            "kind": "absence",
            "person_id": ids.anne,
            "need_id": None,
            "first_day": day(1).isoformat(),
            "last_day": day(1, 4).isoformat(),
            "hours": None,
        }


def test_readers_see_the_reason_only_when_it_is_theirs_to_see(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        events.report_absence(session, actor(session, "anne"), ids.round_id, sick(ids))
        seen = {
            name: [
                v.reason for v in events.list_events(session, actor(session, name), ids.round_id)
            ]
            for name in ("hr", "anne", "leder_bs", "leder_sol", "bo")
        }
    assert seen == {
        "hr": ["Feber"],
        "anne": ["Feber"],
        "leder_bs": [None],
        "leder_sol": [None],  # Anne is lent to Solgården: Frida must know she will not come
        "bo": [],
    }


def test_the_receiving_leader_reads_who_will_not_come_never_why_nor_home_recalls(
    app: Litestar,
) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        anne, hr = actor(session, "anne"), actor(session, "hr")
        events.report_absence(session, anne, ids.round_id, sick(ids))
        withdrawal = WithdrawalReport(person_id=ids.anne, first_day=day(2))
        events.report_withdrawal(session, anne, ids.round_id, withdrawal)
        recall = HomeRecallReport(person_id=ids.bo, first_day=day(1), last_day=day(1), hours=10)
        events.report_home_recall(session, hr, ids.round_id, recall)
        seen = {
            name: [
                (v.event.kind.value, v.event.person_id, v.reason)
                for v in events.list_events(session, actor(session, name), ids.round_id)
            ]
            for name in ("leder_sol", "leder_hp")
        }
    assert seen == {
        "leder_sol": [("absence", ids.anne, None), ("withdrawal", ids.anne, None)],
        "leder_hp": [],
    }


def test_the_receiving_leader_still_reads_an_absence_once_a_change_ended_the_deployment(
    app: Litestar,
) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        events.report_absence(session, actor(session, "anne"), ids.round_id, sick(ids))
        change_set = build_change_set(session, hr, ids.round_id)
        apply_change_set(session, hr, ids.round_id, change_set.id)
        frida = actor(session, "leder_sol")
        seen = events.list_events(session, frida, ids.round_id)
        assert [(v.event.person_id, v.reason, v.open) for v in seen] == [(ids.anne, None, False)]
        assert not events.may_cancel(session, frida, seen[0].event)


def test_only_the_volunteer_or_hr_withdraws(app: Litestar) -> None:
    ids = first_round(app)
    report = WithdrawalReport(person_id=ids.anne, first_day=day(2))
    with factory(app)() as session, session.begin():
        with pytest.raises(NotFound):
            events.report_withdrawal(session, actor(session, "leder_bs"), ids.round_id, report)
        event = events.report_withdrawal(session, actor(session, "anne"), ids.round_id, report)
        assert event.reported_by_id == actor(session, "anne").user_id


def test_the_live_rounds_are_the_published_ones_not_yet_over(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        hr = actor(session, "hr")
        assert [r.id for r in events.live_rounds(session, hr)] == [ids.round_id]
        assert events.live_rounds(session, hr, today=day(4)) == []
        rnd = session.get_one(AllocationRound, ids.round_id)
        people = events.planned_people(session, actor(session, "leder_bs"), rnd)
        assert events.planned_people(session, actor(session, "leder_hp"), rnd) == []
        assert sorted(p.employee_no for p in people) == ["e1", "e2"]
