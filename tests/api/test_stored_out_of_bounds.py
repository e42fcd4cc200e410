"""Data stored before the bounds held (a need of 1e30 hours a week, 90 normal hours) stops
neither a round nor a page: the snapshot leaves such a row out, saying why."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from jobbank.core.weeks import monday_of
from jobbank.db.models import Need, NeedStatus, Person, VolunteerProfile
from tests.api.conftest import Client

MONDAY = monday_of(dt.date.today())


def _store(world: Engine, statement: object) -> None:
    """Write past the services, as an older version of Jobbank could have."""
    with Session(world) as session, session.begin():
        session.execute(statement)  # type: ignore[call-overload]


def test_a_stored_need_beyond_the_week_stops_no_round_and_no_page(
    as_user: Callable[[str], Client], world: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    _store(world, update(Need).where(Need.ref == "n1").values(hours=1e30))
    hr, frida = as_user("hr"), as_user("leder_sol")

    with caplog.at_level(logging.WARNING, logger="jobbank.rounds"):
        created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 4})

    assert created.status_code == 201, created.text
    snapshot = hr.get(f"/api/rounds/{created.json()['id']}/input").json()
    assert "n1" not in [need["id"] for need in snapshot["needs"]]
    assert "need n1 left out of the round: hours[0]: must be at most 168" in caplog.text
    assert frida.get("/needs").status_code == 200
    assert frida.get("/").status_code == 200


def test_a_closed_need_beyond_the_week_keeps_the_needs_page(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    values = {"hours": 1e30, "status": NeedStatus.CLOSED}
    _store(world, update(Need).where(Need.ref == "n1").values(**values))
    frida = as_user("leder_sol")

    assert frida.get("/needs").status_code == 200
    assert frida.get("/api/needs").status_code == 200


def test_stored_normal_hours_beyond_the_bound_leave_the_volunteer_out(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    start = {"start": MONDAY.isoformat(), "weeks": 2}
    first = hr.post("/api/rounds", json=start).json()
    employee_no = hr.get(f"/api/rounds/{first['id']}/input").json()["staff"][0]["id"]
    person = select(Person.id).where(Person.employee_no == employee_no).scalar_subquery()
    _store(
        world,
        update(VolunteerProfile)
        .where(VolunteerProfile.person_id == person)
        .values(normal_hours=90),
    )

    created = hr.post("/api/rounds", json=start)

    assert created.status_code == 201, created.text
    staff = hr.get(f"/api/rounds/{created.json()['id']}/input").json()["staff"]
    assert employee_no not in [row["id"] for row in staff]
