"""Worked hours per deployment-week, as the services see them: Anne (Borgerservice) is lent to
Solgården in weeks 0 and 1 (12 and 45 hours) and week 3 (6 hours); Frida leads Solgården
(receiving), Erik leads Borgerservice (home), HR is HR."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.cli.report import round_tables
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.core.roles import Role
from jobbank.db.models import AllocationRound, AuditEntry, Deployment, RoundStatus, UserAccount
from jobbank.deployments import open_deployments
from jobbank.deployments.worked import (
    ABOVE_MARGIN,
    CONFIRMED,
    NOT_A_WORKED_WEEK,
    NOTHING_ENTERED,
    confirm_worked,
    deployment_hours,
    enter_worked,
    waiting_for,
    weeks_to_enter,
)
from jobbank.exports import View, round_table
from jobbank.report import report_of
from jobbank.rounds import create_round, store_result
from jobbank.seeding import PersonSeed, UserSeed, load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.builders import PASSWORD, a_municipality

MONDAY = dt.date(2026, 3, 2)
WEEK1, WEEK3 = MONDAY + dt.timedelta(weeks=1), MONDAY + dt.timedelta(weeks=3)
IN_WEEK1 = WEEK1 + dt.timedelta(days=2)
LEADER = Role.UNIT_LEADER


@pytest.fixture
def world(session: Session) -> tuple[Session, int]:
    """The seeded world with Anne's published deployment at Solgården; its id."""
    base = a_municipality()
    leaders = [
        PersonSeed(employee_no=no, name=name, email=f"{no}@x.example", home_unit=unit)
        for no, name, unit in (
            ("e5", "Frida Leder", "solgaarden"),
            ("e6", "Erik Leder", "borgerservice"),
        )
    ]
    users = [
        UserSeed(username=name, password=PASSWORD, person=no, roles=[LEADER], leads=[unit])
        for name, no, unit in (("frida", "e5", "solgaarden"), ("erik", "e6", "borgerservice"))
    ]
    world = base.model_copy(
        update={"people": [*base.people, *leaders], "users": [*base.users, *users]}
    )
    load_municipality(session, world, today=MONDAY)
    rnd = create_round(session, start=MONDAY, weeks=4)
    store_result(
        session,
        rnd,
        RoundResult(
            status="feasible",
            assignments=[
                Planned(staff="e1", need="n1", week=0, hours=12),
                Planned(staff="e1", need="n1", week=1, hours=45),
                Planned(staff="e1", need="n1", week=3, hours=6),
            ],
        ),
    )
    rnd.status, rnd.published_at = RoundStatus.PUBLISHED, dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    session.flush()
    (deployment,) = open_deployments(session, rnd)
    return session, deployment.id


def as_user(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def test_the_person_enters_and_the_receiving_leader_signs_off(world: tuple[Session, int]) -> None:
    session, deployment = world
    anne, frida = as_user(session, "anne"), as_user(session, "frida")
    entered = enter_worked(session, anne, deployment, MONDAY, 10.5, today=IN_WEEK1)
    assert entered.hours == 10.5 and entered.waiting
    assert entered.entered_by == "Anne Jensen"
    assert [w.deployment_id for w in waiting_for(session, frida)] == [deployment]
    assert waiting_for(session, as_user(session, "erik")) == []

    again_the_same = enter_worked(session, anne, deployment, MONDAY, 10.5, today=IN_WEEK1)
    assert again_the_same.version == entered.version  # nothing changed, nothing audited
    confirmed = confirm_worked(session, frida, deployment, MONDAY, version=entered.version)
    assert confirmed.confirmed_by == "Frida Leder" and not confirmed.waiting
    assert waiting_for(session, frida) == []
    again = confirm_worked(session, frida, deployment, MONDAY)  # changes nothing
    assert again.confirmed_at == confirmed.confirmed_at

    with pytest.raises(Conflict) as refused:
        enter_worked(session, anne, deployment, MONDAY, 12, today=IN_WEEK1)
    assert refused.value.code == CONFIRMED
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "worked_week")
    ).all()
    assert list(actions) == ["enter_worked", "confirm_worked"]


def test_the_leaders_hours_are_confirmed_at_once_and_name_who_changed_them(
    world: tuple[Session, int],
) -> None:
    session, deployment = world
    anne, frida, hr = (as_user(session, name) for name in ("anne", "frida", "hr"))
    enter_worked(session, anne, deployment, MONDAY, 12, today=IN_WEEK1)
    changed = enter_worked(session, frida, deployment, MONDAY, 9, today=IN_WEEK1)
    assert changed.confirmed_by == changed.entered_by == "Frida Leder"
    by_hr = enter_worked(session, hr, deployment, MONDAY, 8, today=IN_WEEK1)
    assert by_hr.confirmed_by == "Dorte Leder" and by_hr.hours == 8


def test_hours_lie_between_0_and_the_plan_plus_a_working_day_never_above_48(
    world: tuple[Session, int],
) -> None:
    session, deployment = world
    anne = as_user(session, "anne")
    assert enter_worked(session, anne, deployment, MONDAY, 20, today=IN_WEEK1).hours == 20
    assert enter_worked(session, anne, deployment, MONDAY, 0, today=IN_WEEK1).hours == 0
    with pytest.raises(InvalidInput) as above:
        enter_worked(session, anne, deployment, MONDAY, 20.5, today=IN_WEEK1)
    assert (above.value.field, above.value.code) == ("hours", ABOVE_MARGIN)
    assert "at most 20" in str(above.value) and "one working day" in str(above.value)
    assert above.value.params["most"] == 20
    assert enter_worked(session, anne, deployment, WEEK1, 48, today=IN_WEEK1).most_hours == 48
    with pytest.raises(InvalidInput) as capped:
        enter_worked(session, anne, deployment, WEEK1, 48.5, today=IN_WEEK1)
    assert capped.value.field == "hours"
    for wrong in (-0.5, 7.25, float("nan")):
        with pytest.raises(InvalidInput) as refused:
            enter_worked(session, anne, deployment, MONDAY, wrong, today=IN_WEEK1)
        assert refused.value.field == "hours"


def test_a_week_not_begun_or_not_planned_is_refused_naming_week(
    world: tuple[Session, int],
) -> None:
    session, deployment = world
    anne = as_user(session, "anne")
    for week in (WEEK3, MONDAY + dt.timedelta(weeks=2), MONDAY + dt.timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            enter_worked(session, anne, deployment, week, 4, today=IN_WEEK1)
        assert (refused.value.field, refused.value.code) == ("week", NOT_A_WORKED_WEEK)
    with pytest.raises(Conflict) as nothing:
        confirm_worked(session, as_user(session, "frida"), deployment, MONDAY, today=IN_WEEK1)
    assert nothing.value.code == NOTHING_ENTERED


def test_the_home_leader_reads_and_nobody_else_reaches_it(world: tuple[Session, int]) -> None:
    session, deployment = world
    erik = as_user(session, "erik")
    enter_worked(session, as_user(session, "anne"), deployment, MONDAY, 10, today=IN_WEEK1)
    seen = deployment_hours(session, erik, deployment, today=IN_WEEK1)
    assert [line.week for line in seen.weeks] == [MONDAY, WEEK1, WEEK3]
    assert (seen.planned_hours, seen.waiting_hours, seen.worked_hours) == (63, 10, 0)
    assert not seen.may_enter and not seen.may_confirm
    with pytest.raises(NotFound):
        enter_worked(session, erik, deployment, MONDAY, 4, today=IN_WEEK1)
    with pytest.raises(NotFound):
        confirm_worked(session, erik, deployment, MONDAY, today=IN_WEEK1)


def test_the_report_and_the_export_show_planned_beside_worked(world: tuple[Session, int]) -> None:
    session, deployment = world
    anne, frida = as_user(session, "anne"), as_user(session, "frida")
    enter_worked(session, frida, deployment, MONDAY, 11, today=IN_WEEK1)
    enter_worked(session, anne, deployment, WEEK1, 40, today=IN_WEEK1)
    rnd = session.get_one(AllocationRound, session.get_one(Deployment, deployment).round_id)

    report = report_of(session, rnd, today=IN_WEEK1)
    worked = report.worked
    assert [(c.unit, c.week) for c in worked.by_unit_week] == [
        ("solgaarden", MONDAY),
        ("solgaarden", WEEK1),
    ]  # week 3 has not begun
    assert (worked.planned_hours, worked.worked_hours, worked.waiting_hours) == (57, 11, 40)
    assert worked.share == pytest.approx(11 / 57)
    assert worked.by_unit_week[0].share == pytest.approx(11 / 12)
    row = report.figures()
    assert (row.planned_hours_begun, row.worked_hours, row.waiting_hours) == (57, 11, 40)
    cli = {table.section: table for table in round_tables(report)}
    assert [tuple(row[:5]) for row in cli["worked"].rows] == [
        (MONDAY, "solgaarden", 12, 11, 0),
        (WEEK1, "solgaarden", 45, 0, 40),
    ]

    table = round_table(session, rnd, View.WORKED)
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    hours = ("week", "planned_hours", "worked_hours", "waiting_hours")
    assert [tuple(r[name] for name in hours) for r in rows] == [
        (MONDAY, 12, 11, 0),
        (WEEK1, 45, 0, 40),
        (WEEK3, 6, None, None),
    ]
    assert [r["confirmed"] for r in rows] == [True, False, False]


def test_the_person_is_asked_for_the_begun_weeks_without_hours(world: tuple[Session, int]) -> None:
    session, deployment = world
    anne = as_user(session, "anne")
    missing = weeks_to_enter(session, anne, today=IN_WEEK1)
    assert [(w.deployment_id, w.week, w.planned_hours) for w in missing] == [
        (deployment, MONDAY, 12),
        (deployment, WEEK1, 45),
    ]
    enter_worked(session, anne, deployment, MONDAY, 12, today=IN_WEEK1)
    assert [w.week for w in weeks_to_enter(session, anne, today=IN_WEEK1)] == [WEEK1]
    long_after = WEEK3 + dt.timedelta(weeks=5)
    assert weeks_to_enter(session, anne, today=long_after) == []
    assert weeks_to_enter(session, as_user(session, "frida"), today=IN_WEEK1) == []
