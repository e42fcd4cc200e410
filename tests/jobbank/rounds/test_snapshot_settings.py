"""A round's snapshot carries the settings of rotation and introductions, on SQLite and
PostgreSQL: the round's purpose and coverage trade, each unit's intro capacity and hours, each
person's skills to learn, the units they worked at and their lent and lendable hours of the
year before (each week by the published plan that holds for it), each need's learners; and a
stored result keeps which assignments are learners'."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound, Assignment, Skill, Unit, VolunteerProfile
from jobbank.exports import View, round_table
from jobbank.rounds import (
    create_round,
    pin_in_place,
    publish_round,
    round_input,
    store_result,
)
from jobbank.rounds.history import YEAR_WEEKS
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import Purpose, RoundInput, RoundResult, Rules, Staff
from tests import lookups
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)


def week(n: int) -> dt.date:
    return MONDAY + dt.timedelta(weeks=n)


@pytest.fixture
def seeded(session: Session) -> Session:
    load_municipality(session, a_municipality(), today=MONDAY)
    return session


def _profile(session: Session, employee_no: str) -> VolunteerProfile:
    profile = lookups.person(session, employee_no).volunteer
    assert profile is not None
    return profile


def _published(session: Session, start: dt.date, weeks: int, *plan: Planned) -> AllocationRound:
    rnd = create_round(session, start=start, weeks=weeks)
    store_result(session, rnd, RoundResult(status="feasible", assignments=list(plan)))
    return publish_round(session, lookups.actor(session, "hr"), rnd.id)


def _staff(snapshot: RoundInput, employee_no: str) -> Staff:
    return next(s for s in snapshot.staff if s.id == employee_no)


def test_a_round_carries_its_purpose_units_introductions_and_needs_learners(
    seeded: Session,
) -> None:
    solgaarden = seeded.scalars(select(Unit).where(Unit.code == "solgaarden")).one()
    solgaarden.intro_capacity, solgaarden.intro_hours = 2, 4.0
    n2 = lookups.need(seeded, "n2")
    n2.accepts_learners, n2.learner_share = True, 0.5
    _profile(seeded, "e1").learn_skills = [
        seeded.scalars(select(Skill).where(Skill.code == "cleaning")).one()
    ]
    seeded.flush()

    rnd = create_round(
        seeded,
        start=MONDAY,
        weeks=2,
        purpose=Purpose.ROTATION,
        rules=Rules(coverage_trade=0.01),
    )

    snapshot = round_input(seeded, rnd)
    assert snapshot.purpose is Purpose.ROTATION and snapshot.rules.coverage_trade == 0.01
    units = {u.id: (u.intro_capacity, u.intro_hours) for u in snapshot.units}
    assert units == {
        "solgaarden": (2, 4.0),
        "hjemmeplejen": (None, 0.0),
        "borgerservice": (None, 0.0),
    }
    needs = {n.id: (n.accepts_learners, n.learner_share) for n in snapshot.needs}
    assert needs == {"n1": (False, 0.0), "n2": (True, 0.5)}
    assert _staff(snapshot, "e1").learn_skills == ["cleaning"]
    assert _staff(snapshot, "e2").learn_skills == []


def test_past_units_and_lent_hours_read_each_week_by_the_plan_that_holds_for_it(
    seeded: Session,
) -> None:
    _published(
        seeded,
        week(0),
        2,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=10),
    )
    # A later round plans week 1 again (6 hours, not 10) and reaches into the next round.
    _published(
        seeded,
        week(1),
        2,
        Planned(staff="e1", need="n1", week=0, hours=6),
        Planned(staff="e1", need="n2", week=1, hours=4, learner=True),
    )

    rnd = create_round(seeded, start=week(2), weeks=2)

    snapshot = round_input(seeded, rnd)
    anne, bo = _staff(snapshot, "e1"), _staff(snapshot, "e2")
    assert anne.past_units == ["solgaarden"]  # hjemmeplejen's week is not worked yet
    assert anne.lent_last_year == 18
    assert (bo.past_units, bo.lent_last_year) == ([], 0)
    assert [(p.need, p.week, p.learner) for p in snapshot.previous] == [("n2", 0, True)]


def test_lent_hours_count_only_the_year_before_the_round(seeded: Session) -> None:
    _published(seeded, week(0), 1, Planned(staff="e1", need="n1", week=0, hours=12))

    a_year_on = create_round(seeded, start=week(YEAR_WEEKS), weeks=1)
    a_year_and_a_week_on = create_round(seeded, start=week(YEAR_WEEKS + 1), weeks=1)

    last_week_of_year = _staff(round_input(seeded, a_year_on), "e1")
    assert (last_week_of_year.past_units, last_week_of_year.lent_last_year) == (["solgaarden"], 12)
    later = _staff(round_input(seeded, a_year_and_a_week_on), "e1")
    assert (later.past_units, later.lent_last_year) == (["solgaarden"], 0)


def test_lendable_hours_of_the_year_count_from_the_week_the_profile_was_made(
    seeded: Session,
) -> None:
    anne, bo = _profile(seeded, "e1"), _profile(seeded, "e2")
    anne.created_at = dt.datetime.combine(week(-1), dt.time(12), tzinfo=dt.UTC)
    bo.created_at = dt.datetime.combine(week(-100), dt.time(12), tzinfo=dt.UTC)
    seeded.flush()

    snapshot = round_input(seeded, create_round(seeded, start=week(2), weeks=1))

    # Anne: 37 normal hours less the 20 her home unit keeps, in weeks -1, 0 and 1.
    assert _staff(snapshot, "e1").capacity_last_year == 3 * 17
    # Bo: 37 less 17, every one of the 52 weeks.
    assert _staff(snapshot, "e2").capacity_last_year == YEAR_WEEKS * 20


def test_a_stored_learner_assignment_stays_a_learners_its_export_and_pin_say_so(
    seeded: Session,
) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    learning = Planned(staff="e1", need="n2", week=1, hours=4, learner=True)
    store_result(
        seeded,
        rnd,
        RoundResult(
            status="feasible",
            assignments=[Planned(staff="e1", need="n1", week=0, hours=12), learning],
        ),
    )
    rows = seeded.scalars(select(Assignment).where(Assignment.round_id == rnd.id)).all()
    assert {(row.need.ref, row.learner) for row in rows} == {("n1", False), ("n2", True)}

    persons = round_table(seeded, rnd, View.PERSONS)
    learner = persons.columns.index("learner")
    need = persons.columns.index("need_ref")
    assert {(r[need], r[learner]) for r in persons.rows} == {("n1", False), ("n2", True)}

    row = next(row for row in rows if row.learner)
    pin_in_place(seeded, lookups.actor(seeded, "hr"), rnd.id, row.id)

    assert [(p.need, p.learner) for p in round_input(seeded, rnd).pinned] == [("n2", True)]
