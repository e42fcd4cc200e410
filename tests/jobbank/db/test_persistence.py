"""Persistence on SQLite and PostgreSQL: migrations, seeding, locking, and the round round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from fixtures import sample_municipality
from jobbank import db
from jobbank.accounts import add_user, authenticate
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.roles import Role
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    Base,
    ChecklistTemplate,
    Need,
    Person,
    RoundStatus,
)
from jobbank.organisation import SkillService, UnitService
from jobbank.rounds import create_round, round_input, round_result, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import ContractError, Metrics, RoundResult, parse_round_input
from tests.builders import PASSWORD, a_municipality

MONDAY = dt.date(2026, 3, 16)


@pytest.fixture
def seeded(session: Session) -> Session:
    load_municipality(session, a_municipality(), today=MONDAY + dt.timedelta(days=2))
    return session


def test_migrations_build_every_table_the_models_define(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_runs_with_wal_and_foreign_keys(fresh_database_url: object) -> None:
    engine = db.make_engine(fresh_database_url("sqlite"))  # type: ignore[operator]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_seeding_loads_every_part(seeded: Session) -> None:
    assert seeded.scalar(select(func.count()).select_from(Person)) == 4
    anne = seeded.scalar(select(Person).where(Person.employee_no == "e1"))
    assert anne is not None and anne.volunteer is not None
    assert [w.home_load for w in anne.volunteer.weeks] == [20, 20, 10, 10]
    assert [w.available for w in anne.volunteer.weeks] == [True, True, True, False]
    assert anne.account is not None and anne.account.roles == {Role.STAFF}
    leader = seeded.scalar(select(Person).where(Person.employee_no == "e4"))
    assert leader is not None and [u.code for u in leader.leads] == ["solgaarden"]
    assert seeded.scalar(select(func.count()).select_from(ChecklistTemplate)) == 1


def test_seeding_a_bad_fixture_names_each_row_and_writes_nothing(session: Session) -> None:
    good = a_municipality()
    bad_need = good.needs[0].model_copy(update={"skill": "juggling"})
    bad = good.model_copy(update={"needs": [bad_need, good.needs[1]]})
    with pytest.raises(ContractError) as caught:
        load_municipality(session, bad, today=MONDAY)
    assert caught.value.messages == ["need n1: skill: unknown skill 'juggling'"]
    assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_seeding_refuses_a_database_that_holds_data(seeded: Session) -> None:
    with pytest.raises(Conflict, match="already holds data"):
        load_municipality(seeded, a_municipality(), today=MONDAY)


def test_round_snapshot_holds_approved_volunteers_and_open_needs(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=4)
    snapshot = round_input(seeded, rnd)
    assert [s.id for s in snapshot.staff] == ["e1", "e2"]  # e3 is not approved
    anne, bo = snapshot.staff
    assert anne.home_load == [20, 20, 10, 10] and anne.available == [True, True, True, False]
    assert anne.preferred_areas == ["Social og Sundhed"]
    assert bo.risk_group and bo.avoid_units == ["hjemmeplejen"] and bo.home_load == [17] * 4
    n1, n2 = snapshot.needs
    assert n1.hours == [30, 30, 0, 30] and n1.weight == 16 and n1.exposed
    assert n2.hours == [0, 10, 10, 0] and n2.shift == "evening"
    assert {u.id for u in snapshot.units} == {"solgaarden", "hjemmeplejen", "borgerservice"}


def test_round_trip_export_solve_store_read(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=4)
    exported = parse_round_input(round_input(seeded, rnd).model_dump(mode="json"))
    result = RoundResult(
        status="feasible",
        assignments=[
            Planned(staff="e1", need="n1", week=0, hours=17),
            Planned(staff="e2", need="n2", week=1, hours=10),
        ],
        metrics=Metrics(weighted_coverage=282, upper_bound=300),
    )
    store_result(seeded, rnd, result)
    seeded.flush()
    seeded.expire_all()
    again = seeded.get_one(AllocationRound, rnd.id)
    assert again.status is RoundStatus.PROPOSED
    assert round_result(again) == result
    rows = {(a.person.employee_no, a.need.ref, a.week, a.hours) for a in again.assignments}
    assert rows == {("e1", "n1", MONDAY, 17), ("e2", "n2", MONDAY + dt.timedelta(weeks=1), 10)}
    assert round_input(seeded, again) == exported


def test_pins_are_exported_and_a_result_must_keep_them(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=4)
    store_result(
        seeded,
        rnd,
        RoundResult(
            status="feasible", assignments=[Planned(staff="e1", need="n1", week=1, hours=12)]
        ),
    )
    rnd.assignments[0].pinned = True
    seeded.flush()
    assert round_input(seeded, rnd).pinned == [Planned(staff="e1", need="n1", week=1, hours=12)]
    with pytest.raises(ContractError, match=r"pinned \(e1, n1, week 1\): the result does not keep"):
        store_result(seeded, rnd, RoundResult(status="feasible"))


def test_a_result_about_other_people_is_refused(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=4)
    stranger = RoundResult(
        status="feasible",
        assignments=[
            Planned(staff="e3", need="n1", week=0, hours=8),
            Planned(staff="e1", need="n1", week=5, hours=8),
        ],
    )
    with pytest.raises(ContractError) as caught:
        store_result(seeded, rnd, stranger)
    assert caught.value.messages == [
        "assignments[0] (e3, n1, week 0): unknown staff 'e3'",
        "assignments[1] (e1, n1, week 5): week must be below 4",
    ]
    assert seeded.scalar(select(func.count()).select_from(Assignment)) == 0


def test_an_infeasible_result_keeps_the_round_a_draft_and_says_why(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=4)
    store_result(
        seeded,
        rnd,
        RoundResult(status="infeasible", messages=["pin (e1, n1, week 0): breaks rule 3"]),
    )
    assert rnd.status is RoundStatus.DRAFT
    assert rnd.status_message == "pin (e1, n1, week 0): breaks rule 3"


def test_the_next_round_starts_from_the_published_one(seeded: Session) -> None:
    first = create_round(seeded, start=MONDAY, weeks=4)
    store_result(
        seeded,
        first,
        RoundResult(
            status="feasible", assignments=[Planned(staff="e1", need="n1", week=2, hours=8)]
        ),
    )
    first.status = RoundStatus.PUBLISHED
    first.published_at = dt.datetime.now(dt.UTC)
    seeded.flush()
    second = create_round(seeded, start=MONDAY + dt.timedelta(weeks=1), weeks=3)
    assert second.previous_round_id == first.id
    assert round_input(seeded, second).previous == [Planned(staff="e1", need="n1", week=1, hours=8)]


def test_rounds_cover_whole_weeks(seeded: Session) -> None:
    with pytest.raises(InvalidInput, match="start: 2026-03-17 is not a Monday"):
        create_round(seeded, start=MONDAY + dt.timedelta(days=1), weeks=4)
    with pytest.raises(InvalidInput, match="weeks: must be 1–26, got 27"):
        create_round(seeded, start=MONDAY, weeks=27)


def test_changes_are_audited(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=4)
    entry = seeded.scalar(select(AuditEntry).where(AuditEntry.entity == "round"))
    assert entry is not None and entry.entity_id == str(rnd.id) and entry.action == "create"


def test_accounts_hash_passwords_and_check_log_ins(seeded: Session) -> None:
    user = add_user(seeded, username="kim", password="a long enough secret", roles=[Role.STAFF])
    assert "a long enough secret" not in user.password_hash
    assert authenticate(seeded, "kim", "a long enough secret") is user
    assert authenticate(seeded, "kim", "wrong password!") is None
    assert authenticate(seeded, "nobody", PASSWORD) is None
    with pytest.raises(Conflict, match="username: 'kim' is taken"):
        add_user(seeded, username="kim", password="another secret!!", roles=[Role.STAFF])
    with pytest.raises(InvalidInput, match="password: must be at least 12 characters"):
        add_user(seeded, username="lea", password="short", roles=[Role.STAFF])


def test_repository_services_find_units_and_skills(seeded: Session) -> None:
    units = UnitService(session=seeded)
    unit = units.by_code("solgaarden")
    assert unit is not None and unit.area.name == "Social og Sundhed"
    assert units.count() == 3
    skills, total = SkillService(session=seeded).get_many_and_count()
    assert total == 2 and {s.code for s in skills} == {"nurse", "cleaning"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_edits_of_one_need_conflict(backend: str, fresh_database_url: object) -> None:
    """Two coordinators load the same need; the second save is refused, not silently applied."""
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url)
    engine = db.make_engine(url)
    factory = db.make_session_factory(engine)
    with db.transaction(factory) as session:
        load_municipality(session, a_municipality(), today=MONDAY)
    with factory() as first, factory() as second:
        mine = first.scalar(select(Need).where(Need.ref == "n1"))
        theirs = second.scalar(select(Need).where(Need.ref == "n1"))
        assert mine is not None and theirs is not None
        mine.priority = 4
        first.commit()
        theirs.priority = 1
        with pytest.raises(StaleDataError):
            second.commit()
    with factory() as check:
        need = check.scalar(select(Need).where(Need.ref == "n1"))
        assert need is not None and need.priority == 4 and need.version == 2
    engine.dispose()


def test_sample_municipality_loads_and_gives_a_valid_round(session: Session) -> None:
    summary = load_municipality(session, sample_municipality(), today=MONDAY)
    assert summary.units >= 20 and summary.volunteers >= 60
    snapshot = round_input(session, create_round(session, start=MONDAY, weeks=4))
    assert len(snapshot.staff) >= 50 and len(snapshot.needs) >= 30
    assert parse_round_input(snapshot.model_dump(mode="json")) == snapshot
    assert all(n.shift_times for n in snapshot.needs)  # the demo's days reach the round
    assert any(len(s.away_days) < 5 for s in snapshot.staff)
    assert any(s.daily_hours is not None for s in snapshot.staff)


PLANNER_STATISTICS = {
    "sqlite": "SELECT DISTINCT tbl FROM sqlite_stat1",
    "postgresql": "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= 0",
}
"""The tables the query planner has statistics of (PostgreSQL: -1 tuples until analysed)."""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_after_a_bulk_load_the_planner_knows_the_tables(
    backend: str, fresh_database_url: object
) -> None:
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.transaction(db.make_session_factory(engine)) as session:
        load_municipality(session, sample_municipality(), today=MONDAY)
    db.refresh_statistics(engine)
    with engine.connect() as connection:
        known = set(connection.exec_driver_sql(PLANNER_STATISTICS[backend]).scalars())
    engine.dispose()
    assert {"person", "unit", "need", "skill"} <= known
