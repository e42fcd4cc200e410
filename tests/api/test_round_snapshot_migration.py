"""Migration 0007: a round stored before hours had bounds (90 normal hours, a need of 1e30
hours a week, 60-hour pins) reads again after the upgrade, through the services, the API and
its page, and the migration says what it changed."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.models import AllocationRound, Assignment, Need, Person, RoundStatus
from jobbank.rounds import round_input, round_result
from jobbank.weeks import monday_of
from tests.api.conftest import Client

MONDAY = monday_of(dt.date.today())


def _as_stored_before_the_bounds(snapshot: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """The snapshot and result an older version could store: its contract let them pass."""
    old = copy.deepcopy(snapshot)
    person, other = old["staff"][0], old["staff"][1]
    huge, kept = old["needs"][0], old["needs"][1]
    person.update(normal_hours=90, home_load=[60, 10])
    other.update(normal_hours=37, home_load=50)
    huge["hours"] = [1e30, 1e30]
    kept["min_block"] = 60
    pin = {"staff": person["id"], "need": kept["id"], "week": 0, "hours": 60}
    old["pinned"] = [pin, {**pin, "need": huge["id"]}]
    result = {
        "status": "feasible",
        "assignments": [pin, {**pin, "need": huge["id"], "week": 1, "hours": 20}],
        "unfilled": [{"need": huge["id"], "week": 0, "hours": 1e30, "reasons": []}],
    }
    return old, result


def test_a_round_stored_beyond_the_bounds_reads_after_the_upgrade(
    world_url: str,
    as_user: Callable[[str], Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    hr = as_user("hr")
    created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 2})
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    snapshot = hr.get(f"/api/rounds/{round_id}/input").json()
    old, result = _as_stored_before_the_bounds(snapshot)
    command.downgrade(db.alembic_config(world_url), "0006")
    engine = db.make_engine(world_url)
    with Session(engine) as session, session.begin():
        rnd = session.get(AllocationRound, round_id)
        assert rnd is not None
        rnd.input_snapshot, rnd.result, rnd.status = old, result, RoundStatus.PROPOSED
        person = session.scalars(
            select(Person).where(Person.employee_no == old["staff"][0]["id"])
        ).one()
        need = session.scalars(select(Need).where(Need.ref == old["needs"][1]["id"])).one()
        session.add(
            Assignment(round=rnd, person=person, need=need, week=MONDAY, hours=60, pinned=True)
        )

    with caplog.at_level(logging.WARNING, logger="jobbank.migrations"):
        db.upgrade(world_url)

    with Session(engine) as session:
        rnd = session.get(AllocationRound, round_id)
        assert rnd is not None
        read, planned = round_input(session, rnd), round_result(rnd)
    engine.dispose()
    assert [s.normal_hours for s in read.staff[:2]] == [48, 37]
    assert [s.home_load for s in read.staff[:2]] == [[48, 10], [37, 37]]
    assert old["needs"][0]["id"] not in [n.id for n in read.needs]
    assert read.needs[0].min_block == 48
    assert [(p.need, p.hours) for p in read.pinned] == [(old["needs"][1]["id"], 48)]
    assert planned is not None
    assert [(a.need, a.hours) for a in planned.assignments] == [(old["needs"][1]["id"], 48)]
    assert planned.unfilled == []
    assert f"round {round_id}: brought within bounds: staff" in caplog.text
    assert f"need {old['needs'][0]['id']}: more than 168 hours a week, left out" in caplog.text
    for path in ("/api/rounds/{}/input", "/api/rounds/{}/result", "/api/rounds/{}", "/rounds/{}"):
        assert hr.get(path.format(round_id)).status_code == 200, path
    assert hr.get("/dashboard").status_code == 200
