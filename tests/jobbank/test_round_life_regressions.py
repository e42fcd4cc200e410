"""What the round's life machine (`test_round_life.py`) found, kept as plain regression tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from jobbank import db, needs, rounds, solving
from jobbank.core.access import Actor
from jobbank.db import transaction
from jobbank.db.models import Assignment, MessageKind, OutboxMessage
from jobbank.notifications import week_label
from jobbank.runtime.jobs import run_job
from tests import lookups
from tests.conftest import BACKENDS
from tests.jobbank.round_life import QUICK, WEEK0, Factory, copies_of


def _solved_and_published(factory: Factory, hr: Actor, start: dt.date, weeks: int) -> int:
    """A new round over these weeks, solved by a worker and published: its id."""
    with transaction(factory) as session:
        round_id = rounds.create_round(session, start=start, weeks=weeks).id
        job_id = solving.start_solve(session, hr, round_id, QUICK).id
    run_job(factory, job_id)
    with transaction(factory) as session:
        rounds.publish_round(session, hr, round_id)
    return round_id


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_replanned_week_tells_the_person_the_unit_they_no_longer_go_to(
    backend: str, life_template: Callable[[str], str], tmp_path: Path
) -> None:
    """Regression: the "changed" message looked each need's unit up by the need's id as if it
    were a unit's id, so it named another unit, or the publish failed with a KeyError."""
    url, drop = copies_of(backend, life_template(backend), tmp_path)()
    engine = db.make_engine(url)
    factory = db.make_session_factory(engine)
    try:
        with transaction(factory) as session:
            hr = lookups.actor(session, "hr")
        first = _solved_and_published(factory, hr, WEEK0, 2)
        with transaction(factory) as session:
            cleaning = lookups.need(session, "n3")
            assert cleaning.unit.code == "solgaarden" and cleaning.id != cleaning.unit_id
            lent = session.scalars(
                select(Assignment).filter_by(round_id=first, need_id=cleaning.id)
            ).all()
            was = [(row.person_id, row.week) for row in lent]
            needs.close_need(session, hr, cleaning.id, cleaning.version)
        assert was, "the first plan lends someone to n3"
        second = _solved_and_published(factory, hr, WEEK0, 2)
        with transaction(factory) as session:
            for person_id, week in was:
                message = session.scalars(
                    select(OutboxMessage).filter_by(dedupe_key=f"round:{second}:person:{person_id}")
                ).one()
                assert message.kind is MessageKind.ASSIGNMENT_CHANGED
                line = f"{week_label('da', week)}, Plejecenter Solgården: udgår (var "
                assert line in message.body, message.body
    finally:
        engine.dispose()
        drop()
