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
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, RoundStatus
from jobbank.rounds import round_input, round_result
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


@pytest.mark.parametrize("status", [RoundStatus.PROPOSED, RoundStatus.PUBLISHED])
def test_a_round_stored_beyond_the_bounds_reads_after_the_upgrade(
    status: RoundStatus,
    world_url: str,
    as_user: Callable[[str], Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    hr = as_user("hr")
    created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 2})
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    old, result = _as_stored_before_the_bounds(hr.get(f"/api/rounds/{round_id}/input").json())
    kept, huge = old["needs"][1]["id"], old["needs"][0]["id"]
    command.downgrade(db.alembic_config(world_url), "0006")
    engine = db.make_engine(world_url)
    _store(engine, round_id, old, result, status)

    with caplog.at_level(logging.WARNING, logger="jobbank.db.migrations"):
        db.upgrade(world_url)

    with Session(engine) as session:
        rnd = session.get(AllocationRound, round_id)
        assert rnd is not None
        read, planned = round_input(session, rnd), round_result(rnd)
        stored = sorted((row.need.ref, row.hours) for row in rnd.assignments)
    engine.dispose()
    assert [s.normal_hours for s in read.staff[:2]] == [48, 37]
    assert [s.home_load for s in read.staff[:2]] == [[48, 10], [37, 37]]
    assert huge not in [n.id for n in read.needs]
    assert read.needs[0].min_block == 48
    assert [(p.need, p.hours) for p in read.pinned] == [(kept, 48)]
    assert planned is not None
    assert planned.unfilled == []
    # A published round keeps what its people were told; the result and the stored rows agree.
    told = [(kept, 48), (huge, 20)] if status is RoundStatus.PUBLISHED else [(kept, 48)]
    assert sorted((a.need, a.hours) for a in planned.assignments) == sorted(told) == stored
    assert f"round {round_id}: brought within bounds: staff" in caplog.text
    assert f"need {huge}: more than 168 hours a week, left out" in caplog.text
    if status is RoundStatus.PROPOSED:
        _reads(hr, round_id, READ_PROPOSED)
        published = hr.post(f"/api/rounds/{round_id}/publish")
        assert published.status_code == 200, published.text
    _reads(hr, round_id, READ_PUBLISHED)
    _reads(as_user("leder_sol"), round_id, ("/needs", "/", "/api/needs"))


JSON = sa.JSON().with_variant(JSONB(), "postgresql")
ROUNDS = sa.table(
    "allocation_round",
    sa.column("id", sa.BigInteger()),
    sa.column("input_snapshot", JSON),
    sa.column("result", JSON),
    sa.column("status", sa.String()),
    sa.column("published_at", sa.DateTime(timezone=True)),
)
ASSIGNMENTS = sa.table(
    "assignment",
    sa.column("round_id", sa.BigInteger()),
    sa.column("person_id", sa.BigInteger()),
    sa.column("need_id", sa.BigInteger()),
    sa.column("week", sa.Date()),
    sa.column("hours", sa.Float()),
    sa.column("pinned", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _store(
    engine: Engine,
    round_id: int,
    snapshot: dict[str, Any],
    result: dict[str, Any],
    status: RoundStatus,
) -> None:
    """The round as an older version stored it: its snapshot, result and assignments, written
    to the tables of that version (today's models hold columns it did not have)."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(
            ROUNDS.update()
            .where(ROUNDS.c.id == round_id)
            .values(
                input_snapshot=snapshot,
                result=result,
                status=status.value,
                published_at=now if status is RoundStatus.PUBLISHED else None,
            )
        )
        person = connection.scalar(
            sa.text("SELECT id FROM person WHERE employee_no = :no"),
            {"no": snapshot["staff"][0]["id"]},
        )
        kept, huge = (
            connection.scalar(sa.text("SELECT id FROM need WHERE ref = :ref"), {"ref": need["id"]})
            for need in (snapshot["needs"][1], snapshot["needs"][0])
        )
        row = {"round_id": round_id, "person_id": person, "created_at": now, "updated_at": now}
        next_week = MONDAY + dt.timedelta(weeks=1)
        connection.execute(
            ASSIGNMENTS.insert(),
            [
                {**row, "need_id": kept, "week": MONDAY, "hours": 60, "pinned": True},
                {**row, "need_id": huge, "week": next_week, "hours": 20, "pinned": False},
            ],
        )


READ_PROPOSED = (
    "/api/rounds/{}/input",
    "/api/rounds/{}/result",
    "/api/rounds/{}/proposal",
    "/api/rounds/{}",
    "/rounds/{}",
    "/rounds/{}/publish",
    "/api/rounds/{}/export/needs.csv",
    "/api/rounds/{}/export/persons.xlsx",
    "/api/rounds/{}/export/unfilled.csv",
    "/dashboard",
)
READ_PUBLISHED = (
    *READ_PROPOSED,
    "/api/rounds/{}/report",
    "/reports/rounds/{}",
    "/api/reports/over-time",
    "/reports",
)


def _reads(client: Client, round_id: int, paths: tuple[str, ...]) -> None:
    for path in paths:
        answer = client.get(path.format(round_id))
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
