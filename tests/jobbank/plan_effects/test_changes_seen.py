"""What changed since you last looked: each reader sees the changes that concern them (staff
their own, leaders their units' incoming and their own people, HR all), new ones marked until
they mark them seen."""

from __future__ import annotations

from advanced_alchemy.filters import LimitOffset

from jobbank.db import transaction
from jobbank.live_plan.changes_seen import changes_to_read, mark_changes_seen
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    BO_AT_HJEMMEPLEJEN,
    Factory,
    publish,
)
from tests.jobbank.plan_effects.changing import Edit, change_plan
from tests.jobbank.plan_effects.test_effects import BO_MOVES_TO_SOLGAARDEN
from tests.lookups import actor

PAGE = LimitOffset(limit=50, offset=0)


def changed_world(factory: Factory) -> int:
    """Bo moves from Hjemmeplejen to Solgården; then Anne's second week at Solgården shrinks."""
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)
    change_plan(factory, round_id, Edit("e1", "n1", 1, 6))
    return round_id


def _seen_by(factory: Factory, username: str) -> list[tuple[str, str, str]]:
    with factory() as session:
        read = changes_to_read(session, actor(session, username), PAGE)
    return [(change.person, change.unit, change.kind) for change in read.changes]


def test_each_reader_sees_the_changes_that_concern_them(factory: Factory) -> None:
    changed_world(factory)

    anne_shrinks = ("Anne Jensen", "Plejecenter Solgården", "changed")
    bo_comes = ("Bo Nielsen", "Plejecenter Solgården", "added")
    bo_leaves = ("Bo Nielsen", "Hjemmeplejen", "ended")
    assert _seen_by(factory, "anne") == [anne_shrinks]
    assert sorted(_seen_by(factory, "bo")) == sorted([bo_comes, bo_leaves])
    assert _seen_by(factory, "leder_sol") == [anne_shrinks, bo_comes]  # newest first
    assert _seen_by(factory, "leder_hp") == [bo_leaves]
    assert len(_seen_by(factory, "leder_bs")) == 3  # both are his people
    assert len(_seen_by(factory, "hr")) == 3
    assert _seen_by(factory, "carla") == []


def test_changes_are_new_until_marked_seen(factory: Factory) -> None:
    round_id = changed_world(factory)
    with transaction(factory) as session:
        bo = actor(session, "bo")
        before = changes_to_read(session, bo, PAGE)
        assert (before.total, before.new) == (2, 2) and all(c.new for c in before.changes)
        mark_changes_seen(session, bo, before.newest_id)

    change_plan(factory, round_id, Edit("e2", "n1", 2, 4))

    with transaction(factory) as session:
        bo = actor(session, "bo")
        after = changes_to_read(session, bo, PAGE)
        assert (after.total, after.new) == (3, 1)
        assert [c.new for c in after.changes] == [True, False, False]
        # marking never goes back, nor past the newest change there is
        assert mark_changes_seen(session, bo, 1) == after.seen_through_id
        assert mark_changes_seen(session, bo, 10**9) == after.newest_id
    with factory() as session:
        assert changes_to_read(session, actor(session, "bo"), PAGE).new == 0
        assert changes_to_read(session, actor(session, "anne"), PAGE).new == 1  # hers are hers
