"""Erasure and retention reach the live plan: an event's reason is personal data (it may name
an illness), a change set names the people it moves, and how far a log-in has read the
plan's changes only serves that log-in. What happened to the plan stays."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import NotFound
from jobbank.db.models import (
    AssignmentChange,
    AuditEntry,
    ChangeSet,
    PlanEvent,
    UserAccount,
)
from jobbank.db.models.live_plan import ChangesSeen
from jobbank.live_plan import events
from jobbank.live_plan.change_sets import apply_change_set, build_change_set
from jobbank.live_plan.changes_seen import mark_changes_seen
from jobbank.live_plan.events import AbsenceReport
from jobbank.privacy import apply_retention, erase_person, personal_data, plan_retention
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ENDED = THIS_MONDAY + dt.timedelta(weeks=4)
"""The day after the round's last week."""


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def absence(person_id: int, week: int, reason: str) -> AbsenceReport:
    first = THIS_MONDAY + dt.timedelta(weeks=week)
    return AbsenceReport(
        person_id=person_id, first_day=first, last_day=first + dt.timedelta(days=4), reason=reason
    )


def anne_sick_and_repaired(app: Litestar, ids: Ids) -> None:
    """Anne is sick next week ("Feber"), Bo the week after, covering for her in his words;
    HR repairs the plan for Anne, and Anne reads what changed."""
    with factory(app)() as session, session.begin():
        anne = actor(session, "anne")
        events.report_absence(session, anne, ids.round_id, absence(ids.anne, 1, "Feber"))
        hr = actor(session, "hr")
        change_set = build_change_set(session, hr, ids.round_id)
        apply_change_set(session, hr, ids.round_id, change_set.id)
        bo = actor(session, "bo")
        words = "Dækker for Anne Jensen"
        events.report_absence(session, bo, ids.round_id, absence(ids.bo, 2, words))
        mark_changes_seen(session, anne, 10**9)


def test_erasure_blanks_the_reasons_and_keeps_what_happened_to_the_plan(app: Litestar) -> None:
    ids = first_round(app)
    anne_sick_and_repaired(app, ids)
    with factory(app)() as session, session.begin():
        changes = session.scalar(select(func.count(AssignmentChange.id)))
        anne_user = actor(session, "anne").user_id

        erase_person(session, actor(session, "hr"), ids.anne)

        reasons = {e.person_id: e.reason for e in session.scalars(select(PlanEvent)).all()}
        assert reasons == {ids.anne: "", ids.bo: f"Dækker for Slettet person {ids.anne}"}
        stored = json.dumps([c.result for c in session.scalars(select(ChangeSet))])
        assert '"e1"' not in stored and f'"erased-{ids.anne}"' in stored
        assert session.scalar(select(ChangesSeen).filter_by(user_id=anne_user)) is None
        assert session.scalar(select(func.count(AssignmentChange.id))) == changes
        erased = session.scalars(select(AuditEntry).filter_by(action="erase")).one()
        assert erased.after is not None and erased.after["event_reasons"] == 1


def test_retention_forgets_why_and_who_in_an_ended_round_once(app: Litestar) -> None:
    ids = first_round(app)
    anne_sick_and_repaired(app, ids)
    later = ENDED + dt.timedelta(days=10)
    with factory(app)() as session, session.begin():
        assert plan_retention(session, days=30, today=later).event_reasons == 0
        assert plan_retention(session, days=5, today=later).event_reasons == 2

        done = apply_retention(session, days=5, today=later)

        assert done.round_ids == [ids.round_id] and done.event_reasons == 2
        assert {e.reason for e in session.scalars(select(PlanEvent))} == {""}
        stored = json.dumps([c.result for c in session.scalars(select(ChangeSet))])
        assert '"e1"' not in stored and '"anon-' in stored
        again = apply_retention(session, days=5, today=later)
        assert again.event_reasons == 0


def test_a_persons_data_holds_their_events_with_reasons_changes_and_what_they_read(
    app: Litestar,
) -> None:
    ids = first_round(app)
    anne_sick_and_repaired(app, ids)
    with factory(app)() as session, session.begin():
        anne = actor(session, "anne")
        mine = personal_data(session, anne, ids.anne)
        by_hr = personal_data(session, actor(session, "hr"), ids.anne)
        bos = personal_data(session, actor(session, "bo"), ids.bo)
        with pytest.raises(NotFound):
            personal_data(session, actor(session, "leder_bs"), ids.anne)  # her home leader
        newest = session.scalar(select(func.max(AssignmentChange.id)))
        exports = session.scalars(select(AuditEntry).filter_by(action="export")).all()

    assert mine == by_hr
    assert [(e.kind, e.reason, e.reported_by_self, e.open) for e in mine.plan_events] == [
        ("absence", "Feber", True, False)
    ]
    assert ("n1", 1, "ended") in {
        (c.need, (c.week - THIS_MONDAY).days // 7, c.kind) for c in mine.assignment_changes
    }
    assert mine.changes_seen_through == newest
    assert mine.person.employee_no == "e1" and mine.account is not None
    assert [e.reason for e in bos.plan_events] == ["Dækker for Anne Jensen"]
    assert all("risk" not in data.model_dump_json().lower() for data in (mine, bos))
    assert [(e.entity, e.entity_id) for e in exports] == [("person", str(ids.anne))] * 2 + [
        ("person", str(ids.bo))
    ]


def test_an_erased_persons_data_holds_no_reason_and_no_reading(app: Litestar) -> None:
    ids = first_round(app)
    anne_sick_and_repaired(app, ids)
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        erase_person(session, hr, ids.anne)
        data = personal_data(session, hr, ids.anne)

    assert [e.reason for e in data.plan_events] == [""]
    assert data.changes_seen_through is None and data.calendar_feeds == []
    assert data.person.name == f"Slettet person {ids.anne}" and data.volunteering is None
