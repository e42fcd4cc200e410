"""Overdue checklist items: the sweep sends each person one digest a day of their newly overdue
items, and leaves the items as their readers saw them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from jobbank.db import transaction
from jobbank.db.models import ChecklistItem, MessageKind
from jobbank.notifications import sweep_overdue
from tests.api.published_round import THIS_MONDAY
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    BO_AT_HJEMMEPLEJEN,
    Factory,
    messages,
    publish,
)
from tests.lookups import unit


def test_the_sweep_sends_each_person_one_digest_a_day_of_their_newly_overdue_items(
    factory: Factory,
) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    later = THIS_MONDAY + dt.timedelta(days=60)
    with transaction(factory) as session:
        assert sweep_overdue(session, today=THIS_MONDAY - dt.timedelta(days=10)) == 0
        items = session.scalars(select(ChecklistItem).order_by(ChecklistItem.id)).all()
        items[0].done_at = dt.datetime.now(dt.UTC)  # ticked: not overdue
        ticked = items[0].id
        hjemmeplejen = unit(session, "hjemmeplejen")
        hjemmeplejen.leaders = []  # nobody leads it: HR is told instead
        open_items = len(items) - 1
    before = len(messages(factory))

    with transaction(factory) as session:
        assert sweep_overdue(session, today=later) == 5  # one digest per person concerned
        assert sweep_overdue(session, today=later) == 0

    overdue = messages(factory, kind=MessageKind.CHECKLIST_OVERDUE)
    assert len(overdue) == len(messages(factory)) - before == 5
    by_person = dict(overdue)
    assert sorted(by_person) == ["e1", "e2", "e4", "e5", "e6"]  # not Gustav (e7)
    told = sum(m.body.count("\n  - ") for m in by_person.values())
    assert told == open_items  # every open item in exactly one digest: each has one audience
    assert "Dit udlån til Plejecenter Solgården:" in by_person["e1"].body
    assert "Dit udlån til Hjemmeplejen:" in by_person["e2"].body
    assert "Anne Jensens udlån til Plejecenter Solgården:" in by_person["e6"].body
    assert "Bo Nielsens udlån til Hjemmeplejen:" in by_person["e4"].body
    erik = by_person["e5"]  # the sending leader's items, of both his people
    assert erik.subject == "Tjeklister: 6 punkter over tid"
    for name in ("Anne Jensens udlån til Plejecenter Solgården", "Bo Nielsens udlån til Hjemm"):
        assert name in erik.body
    assert erik.body.count("  - Tal med medarbejderen om udlånet før start (senest ") == 2

    # Unticked later that day, an item waits for the next day's digest, which tells only it.
    with transaction(factory) as session:
        session.get_one(ChecklistItem, ticked).done_at = None
    with transaction(factory) as session:
        assert sweep_overdue(session, today=later) == 0
        assert sweep_overdue(session, today=later + dt.timedelta(days=1)) == 1
        assert sweep_overdue(session, today=later + dt.timedelta(days=2)) == 0
        reminded = session.scalars(select(ChecklistItem.reminded_on)).all()
    assert set(reminded) == {later, later + dt.timedelta(days=1)}
    _, frida = messages(factory, kind=MessageKind.CHECKLIST_OVERDUE)[-1]
    assert frida.subject == "Tjeklister: 1 punkt over tid"
    assert frida.body.count("\n  - ") == 1


def test_a_reminder_leaves_the_item_as_its_readers_saw_it(factory: Factory) -> None:
    """A page open since before the sweep still ticks: the reminder moved no version."""
    publish(factory, *ANNE_AT_SOLGAARDEN)
    with factory() as session:
        versions = dict(
            session.execute(select(ChecklistItem.id, ChecklistItem.version)).tuples().all()
        )
    with transaction(factory) as session:
        assert sweep_overdue(session, today=THIS_MONDAY + dt.timedelta(days=60)) > 0
    with factory() as session:
        after = dict(
            session.execute(select(ChecklistItem.id, ChecklistItem.version)).tuples().all()
        )
    assert after == versions
