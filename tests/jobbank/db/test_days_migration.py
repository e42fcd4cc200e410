"""Migration 0011 (days and shift times): rows stored before it read with the defaults that
plan as before, the new values are kept on both backends, and it goes back down cleanly."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.db.models import EVERY_DAY, Assignment, AssignmentDay, Need, VolunteerProfile
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)


def _seeded_with_a_plan(url: str) -> int:
    """The small municipality and a round planning Anne on n1 in its first week; its id."""
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, a_municipality(), today=MONDAY)
        rnd = create_round(session, start=MONDAY, weeks=2)
        planned = Planned(staff="e1", need="n1", week=0, hours=12)
        store_result(session, rnd, RoundResult(status="feasible", assignments=[planned]))
        round_id = rnd.id
    engine.dispose()
    return round_id


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_rows_stored_before_0011_read_as_before(backend: str, fresh_database_url: object) -> None:
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url)
    _seeded_with_a_plan(url)
    command.downgrade(db.alembic_config(url), "0010")
    engine = db.make_engine(url)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        need_columns = {c["name"] for c in sa.inspect(connection).get_columns("need")}
    engine.dispose()
    assert "assignment_day" not in tables and "shift_times" not in need_columns

    db.upgrade(url)

    engine = db.make_engine(url)
    with Session(engine) as session:
        needs = session.scalars(sa.select(Need)).all()
        profiles = session.scalars(sa.select(VolunteerProfile)).all()
        assignment = session.scalars(sa.select(Assignment)).one()
        assert [need.shift_times for need in needs] == [[], []]
        assert [p.away_days for p in profiles] == [EVERY_DAY] * 3
        assert [p.daily_hours for p in profiles] == [None] * 3
        assert assignment.days == []
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_shift_times_away_days_and_work_days_are_kept(
    backend: str, fresh_database_url: object
) -> None:
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url)
    _seeded_with_a_plan(url)
    engine = db.make_engine(url)
    shift = {"days": ["mon", "tue"], "start": "22:00", "end": "06:00"}
    with Session(engine) as session, session.begin():
        session.scalars(sa.select(Need).where(Need.ref == "n1")).one().shift_times = [shift]
        profile = session.scalars(sa.select(VolunteerProfile)).first()
        assert profile is not None
        profile.away_days, profile.daily_hours = ["mon", "tue"], 7.5
        profile_id = profile.id
        assignment = session.scalars(sa.select(Assignment)).one()
        assignment.days = [
            AssignmentDay(date=MONDAY, start_time=dt.time(22), end_time=dt.time(6), hours=8),
            AssignmentDay(
                date=MONDAY + dt.timedelta(days=1),
                start_time=dt.time(22),
                end_time=dt.time(2),
                hours=4,
            ),
        ]
    with Session(engine) as session:
        need = session.scalars(sa.select(Need).where(Need.ref == "n1")).one()
        assert need.shift_times == [shift]
        profile = session.get_one(VolunteerProfile, profile_id)
        assert (profile.away_days, profile.daily_hours) == (["mon", "tue"], 7.5)
        days = session.scalars(sa.select(Assignment)).one().work_days
        assert [(d.date, d.start, d.end, d.hours) for d in days] == [
            (MONDAY, dt.time(22), dt.time(6), 8),
            (MONDAY + dt.timedelta(days=1), dt.time(22), dt.time(2), 4),
        ]
        session.delete(session.scalars(sa.select(Assignment)).one())
        session.flush()
        assert session.scalar(sa.select(sa.func.count()).select_from(AssignmentDay)) == 0
    engine.dispose()
