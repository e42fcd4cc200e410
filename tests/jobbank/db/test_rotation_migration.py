"""Migration 0013 (rotation rounds, introductions, learners): rows stored before it read with
the defaults that plan as before, the new values are kept on both backends, and it goes back
down and up again cleanly."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Need,
    Skill,
    Unit,
    VolunteerProfile,
)
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import Purpose, RoundResult
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)
NEW_COLUMNS = {
    "allocation_round": {"purpose"},
    "unit": {"intro_capacity", "intro_hours"},
    "need": {"accepts_learners", "learner_share"},
    "assignment": {"learner"},
}


def _seeded_with_a_plan(url: str) -> None:
    """The small municipality and a round planning Anne on n1 in its first week."""
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, a_municipality(), today=MONDAY)
        rnd = create_round(session, start=MONDAY, weeks=2)
        planned = Planned(staff="e1", need="n1", week=0, hours=12)
        store_result(session, rnd, RoundResult(status="feasible", assignments=[planned]))
    engine.dispose()


def _schema(url: str) -> tuple[set[str], dict[str, set[str]]]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        tables = set(inspector.get_table_names())
        columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in NEW_COLUMNS}
    engine.dispose()
    return tables, columns


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_rows_stored_before_0013_read_as_before(backend: str, fresh_database_url: object) -> None:
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url)
    _seeded_with_a_plan(url)
    command.downgrade(db.alembic_config(url), "0012")
    tables, columns = _schema(url)
    assert "volunteer_learn_skill" not in tables
    assert all(not NEW_COLUMNS[t] & columns[t] for t in NEW_COLUMNS)

    db.upgrade(url)

    engine = db.make_engine(url)
    with Session(engine) as session:
        rnd = session.scalars(sa.select(AllocationRound)).one()
        units = session.scalars(sa.select(Unit)).all()
        needs = session.scalars(sa.select(Need)).all()
        profiles = session.scalars(sa.select(VolunteerProfile)).all()
        assert rnd.purpose is Purpose.CRISIS
        assert {(u.intro_capacity, u.intro_hours) for u in units} == {(None, 0.0)}
        assert {(n.accepts_learners, n.learner_share) for n in needs} == {(False, 0.0)}
        assert [p.learn_skills for p in profiles] == [[]] * len(profiles)
        assert session.scalars(sa.select(Assignment)).one().learner is False
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_purpose_introductions_and_learners_are_kept_and_go_down_cleanly(
    backend: str, fresh_database_url: object
) -> None:
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url)
    _seeded_with_a_plan(url)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        session.scalars(sa.select(AllocationRound)).one().purpose = Purpose.ROTATION
        unit = session.scalars(sa.select(Unit).where(Unit.code == "solgaarden")).one()
        unit.intro_capacity, unit.intro_hours = 2, 4.5
        need = session.scalars(sa.select(Need).where(Need.ref == "n1")).one()
        need.accepts_learners, need.learner_share = True, 0.5
        session.scalars(sa.select(Assignment)).one().learner = True
        skill = Skill(code="cook", label_da="Kok", label_en="Cook")
        profile = session.scalars(sa.select(VolunteerProfile)).first()
        assert profile is not None
        profile.learn_skills = [skill]
        profile_id = profile.id
    with Session(engine) as session:
        assert session.scalars(sa.select(AllocationRound)).one().purpose is Purpose.ROTATION
        unit = session.scalars(sa.select(Unit).where(Unit.code == "solgaarden")).one()
        assert (unit.intro_capacity, unit.intro_hours) == (2, 4.5)
        need = session.scalars(sa.select(Need).where(Need.ref == "n1")).one()
        assert (need.accepts_learners, need.learner_share) == (True, 0.5)
        assert session.scalars(sa.select(Assignment)).one().learner is True
        profile = session.get_one(VolunteerProfile, profile_id)
        assert [s.code for s in profile.learn_skills] == ["cook"]
    with Session(engine) as session, session.begin():
        # A wish to learn goes with its skill; the skill's holders' offers would refuse it.
        session.delete(session.scalars(sa.select(Skill).where(Skill.code == "cook")).one())
    with Session(engine) as session:
        assert session.get_one(VolunteerProfile, profile_id).learn_skills == []
    engine.dispose()

    command.downgrade(db.alembic_config(url), "0012")
    tables, columns = _schema(url)
    assert "volunteer_learn_skill" not in tables
    assert all(not NEW_COLUMNS[t] & columns[t] for t in NEW_COLUMNS)
    db.upgrade(url)
    tables, columns = _schema(url)
    assert "volunteer_learn_skill" in tables
    assert all(NEW_COLUMNS[t] <= columns[t] for t in NEW_COLUMNS)
