"""After a change to a published plan: a message to each person it touches and nobody else,
in their language, one per change set; checklists for new pairs, closed (not deleted) for
ended ones and not overdue any more."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import select

from jobbank import checklists
from jobbank.db import transaction
from jobbank.db.models import (
    AllocationRound,
    AssignmentChange,
    Checklist,
    ChecklistItem,
    EventKind,
    MessageKind,
    PlanEvent,
)
from jobbank.live_plan.effects import follow_changes
from jobbank.notifications import sweep_overdue
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    BO_AT_HJEMMEPLEJEN,
    Factory,
    messages,
    publish,
)
from tests.jobbank.plan_effects.changing import Edit, change_plan
from tests.lookups import actor, person, unit

BO_MOVES_TO_SOLGAARDEN = (Edit("e2", "n2", 1, 0), Edit("e2", "n1", 1, 8))
SECRET_REASON = "influenza og hjertebanken"
SECRET_WORDS = ("influenza", "hjertebanken")
"""What only HR may read of the absence: no message, feed or page may show it."""


def bo_falls_ill(factory: Factory, round_id: int) -> None:
    """An absence with a reason only HR may read, as the change set would repair."""
    with transaction(factory) as session:
        session.add(
            PlanEvent(
                round_id=round_id,
                kind=EventKind.ABSENCE,
                person_id=person(session, "e2").id,
                first_day=dt.date.today(),
                reason=SECRET_REASON,
            )
        )


def test_each_person_touched_gets_one_message_in_their_language(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    with transaction(factory) as session:
        person(session, "e6").language = "en"  # Frida reads English
    bo_falls_ill(factory, round_id)
    before = len(messages(factory))

    follow_up = change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)

    told = dict(messages(factory)[before:])
    # Bo, his home leader Erik, Gustav who loses him, Frida who gets him; not Anne, not HR
    assert sorted(told) == ["e2", "e5", "e6", "e7"]
    assert follow_up.messages == 4
    assert {message.kind for message in told.values()} == {MessageKind.ASSIGNMENT_CHANGED}
    bo = told["e2"].body
    assert "Dine opgaver:" in bo and "Hjemmeplejen" in bo and "udgår (var 8 timer)" in bo
    assert "Plejecenter Solgården" in bo and "ny, 8 timer" in bo
    assert "Bo Nielsen:" not in bo  # his own lines need no name
    frida = told["e6"]
    assert frida.language == "en" and frida.subject.startswith("Changes to the plan")
    assert "Bo Nielsen: week" in frida.body and "new, 8 hours" in frida.body
    assert "Hjemmeplejen" not in frida.body  # only what happens at her unit
    gustav = told["e7"].body
    assert "Bo Nielsen: uge" in gustav and "udgår (var 8 timer)" in gustav
    assert "Solgården" not in gustav
    erik = told["e5"].body  # his employee: both lines
    assert "Hjemmeplejen" in erik and "Solgården" in erik
    for message in told.values():
        text = (message.subject + message.body).lower()
        assert "risk" not in text and "risiko" not in text
        assert "influenza" not in text and "hjertebanken" not in text


def test_following_the_same_changes_again_tells_nobody_twice(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    change_plan(factory, round_id, Edit("e1", "n1", 1, 6))
    after_first = len(messages(factory))
    with transaction(factory) as session:
        rnd = session.get_one(AllocationRound, round_id)
        changes = list(session.scalars(select(AssignmentChange)))
        again = follow_changes(session, rnd, changes, by=None)

    assert again.messages == 0 and again.checklists_created == 0
    assert len(messages(factory)) == after_first


def test_a_change_set_touching_nobody_tells_nobody(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN)
    before = len(messages(factory))
    assert change_plan(factory, round_id).messages == 0
    assert len(messages(factory)) == before


def test_a_new_pair_gets_a_checklist_and_an_ended_one_is_closed_not_deleted(
    factory: Factory,
) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)

    follow_up = change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)

    assert (follow_up.checklists_created, follow_up.checklists_closed) == (1, 1)
    with factory() as session:
        bo = person(session, "e2")
        lists = {
            c.unit_id: c for c in session.scalars(select(Checklist).filter_by(person_id=bo.id))
        }
        at_home_care, at_solgaarden = (
            lists[unit(session, "hjemmeplejen").id],
            lists[unit(session, "solgaarden").id],
        )
        assert at_home_care.closed_at is not None and at_home_care.items
        assert at_solgaarden.closed_at is None and at_solgaarden.items


def test_a_person_back_at_a_unit_opens_its_checklist_again(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)

    follow_up = change_plan(factory, round_id, Edit("e2", "n2", 2, 8))

    assert (follow_up.checklists_created, follow_up.checklists_reopened) == (0, 1)
    with factory() as session:
        bo = person(session, "e2")
        open_lists = session.scalars(
            select(Checklist).filter_by(person_id=bo.id, closed_at=None)
        ).all()
        assert len(open_lists) == 2


def test_a_closed_checklist_is_neither_overdue_nor_reminded(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)
    with transaction(factory) as session:  # as if weeks had passed: every item is late
        for item in session.scalars(select(ChecklistItem)):
            item.due_on -= dt.timedelta(weeks=6)

    with transaction(factory) as session:
        hr = actor(session, "hr")
        bo = person(session, "e2").id
        late, _ = checklists.overdue_items(session, hr, LimitOffset(limit=500, offset=0))
        closed = session.scalars(
            select(Checklist.id).where(Checklist.person_id == bo, Checklist.closed_at.is_not(None))
        ).one()
        assert late and closed not in {overdue.checklist.id for overdue in late}
        sweep_overdue(session)
    with factory() as session:
        reminded = session.scalars(
            select(ChecklistItem).where(
                ChecklistItem.checklist_id == closed, ChecklistItem.reminded_on.is_not(None)
            )
        ).all()
        assert reminded == []
        assert not checklists.is_overdue(dt.date(2020, 1, 1), None, dt.date.today(), closed=True)


def test_a_checklist_a_change_made_counts_its_due_dates_from_the_change(
    factory: Factory,
) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    with transaction(factory) as session:  # published three weeks ago
        rnd = session.get_one(AllocationRound, round_id)
        assert rnd.published_at is not None
        rnd.published_at -= dt.timedelta(weeks=3)

    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)

    with factory() as session:
        new = session.scalars(
            select(Checklist).filter_by(
                person_id=person(session, "e2").id, unit_id=unit(session, "solgaarden").id
            )
        ).one()
        today = dt.date.today()
        assert all(item.due_on >= today for item in new.items)
        assert not any(checklists.is_overdue(i.due_on, i.done_at, today) for i in new.items)
