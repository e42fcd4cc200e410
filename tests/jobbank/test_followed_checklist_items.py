"""Both leaders follow the lent employee's own checklist items, read only."""

from __future__ import annotations

import datetime as dt

import pytest
from advanced_alchemy.filters import LimitOffset
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.checklists import Place, create_checklists, items_at, list_checklists, mark_done
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.core.roles import Role
from jobbank.db.models import Audience, ChecklistItem, RoundStatus
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests import lookups
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)
ALL = LimitOffset(limit=100, offset=0)


@pytest.fixture
def lent(session: Session) -> Session:
    """Anne (Borgerservice) is lent to Solgården in a published round with its checklist."""
    load_municipality(session, a_municipality(), today=MONDAY)
    rnd = create_round(session, start=MONDAY, weeks=4)
    planned = [Planned(staff="e1", need="n1", week=0, hours=12)]
    store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
    rnd.status = RoundStatus.PUBLISHED
    rnd.published_at = dt.datetime.combine(MONDAY - dt.timedelta(weeks=4), dt.time(12), dt.UTC)
    create_checklists(session, rnd, by=None)
    session.flush()
    return session


def leader_of(session: Session, code: str) -> Actor:
    unit = lookups.unit(session, code)
    leader = lookups.person(session, "e4")
    return Actor(
        user_id=0,
        username=f"leder.{code}",
        roles=frozenset({Role.UNIT_LEADER}),
        person_id=leader.id,
        led_unit_ids=frozenset({unit.id}),
    )


def anne(session: Session) -> Actor:
    return lookups.actor(session, "anne")


def test_a_tick_of_the_employee_shows_to_both_leaders(lent: Session) -> None:
    own = list_checklists(lent, anne(lent), ALL)[0][0]
    assert own.followed == []
    first = own.items[0]
    mark_done(lent, anne(lent), first.id, done=True, version=first.version)

    for code, own_audience in (
        ("solgaarden", Audience.RECEIVING_LEADER),
        ("borgerservice", Audience.SENDING_LEADER),
    ):
        [view] = list_checklists(lent, leader_of(lent, code), ALL)[0]
        assert {item.audience for item in view.followed} == {Audience.EMPLOYEE}
        assert own_audience in {item.audience for item in view.items}
        assert Audience.EMPLOYEE not in {item.audience for item in view.items}
        followed = {item.id: item for item in view.followed}
        assert followed[first.id].done_at is not None
        assert all(item.done_at is None for item in view.followed if item.id != first.id)


def test_a_leader_cannot_tick_the_employee_s_items(lent: Session) -> None:
    [view] = list_checklists(lent, leader_of(lent, "solgaarden"), ALL)[0]
    item = view.followed[0]
    with pytest.raises(NotFound):
        mark_done(lent, leader_of(lent, "solgaarden"), item.id, done=True, version=item.version)
    assert item.done_at is None


def test_another_unit_s_leader_follows_nothing(lent: Session) -> None:
    assert list_checklists(lent, leader_of(lent, "hjemmeplejen"), ALL) == ([], 0)


def hr(session: Session) -> Actor:
    return lookups.actor(session, "hr")


@pytest.mark.parametrize("who", ["anne", "solgaarden", "borgerservice", "hr"])
def test_the_items_read_for_a_page_are_those_the_checklist_shows(lent: Session, who: str) -> None:
    # Pages read items by place in one statement that skips audiences the caller has nowhere;
    # what is left must be exactly what the checklist itself shows this caller.
    actor = anne(lent) if who == "anne" else hr(lent) if who == "hr" else leader_of(lent, who)
    [view] = list_checklists(lent, actor, ALL)[0]
    place = Place(view.round.id, view.person.id, view.unit.id)
    read = items_at(lent, actor, [place]).get(place)
    assert read is not None
    assert sorted(item.id for item in read.items) == sorted(item.id for item in view.items)
    assert sorted(item.id for item in read.followed) == sorted(item.id for item in view.followed)
    assert read.items  # everyone here has items of their own


def test_the_items_read_for_a_page_come_soonest_due_first(lent: Session) -> None:
    actor = anne(lent)
    [view] = list_checklists(lent, actor, ALL)[0]
    place = Place(view.round.id, view.person.id, view.unit.id)
    items = lent.scalars(select(ChecklistItem).order_by(ChecklistItem.id)).all()
    for days, item in enumerate(items):  # the items made last are due first
        item.due_on = MONDAY - dt.timedelta(days=days // 2)  # two by two on the same day
    lent.flush()

    read = items_at(lent, actor, [place])[place]

    shown = [(item.due_on, item.id) for item in read.items]
    assert len(shown) > 2
    assert shown == sorted(shown)
