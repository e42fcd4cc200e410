"""New experience and learners in the impact report, counted against the rounds by hand.

The world: Anne and Bo work at Borgerservice (Administration), Eva at Hjemmeplejen (Social og
Sundhed). Solgården (n1) and Hjemmeplejen (n3) are in Social og Sundhed, Borgerservice (n4)
in Administration. Every round is one week long, one week after the other.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound
from jobbank.report import over_time, report_of
from jobbank.seeding import NeedSeed, PersonSeed, load_municipality
from solver.contract import Assignment as Planned
from tests.builders import a_municipality, a_volunteer
from tests.jobbank.test_report import TODAY, a_round

MONDAY = dt.date(2026, 3, 16)
PUBLISHED_AT = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def db(session: Session) -> Session:
    base = a_municipality()
    eva = PersonSeed(
        employee_no="e5",
        name="Eva Holm",
        email="eva@x.example",
        home_unit="hjemmeplejen",
        volunteer=a_volunteer(),
    )
    needs = [
        NeedSeed(ref=ref, unit=unit, skill="nurse", hours=20, weeks=12)
        for ref, unit in [("n1", "solgaarden"), ("n3", "hjemmeplejen"), ("n4", "borgerservice")]
    ]
    world = base.model_copy(update={"people": [*base.people, eva], "needs": needs})
    load_municipality(session, world, today=MONDAY)
    return session


def week_round(
    session: Session, week: int, *planned: Planned, published: bool = True
) -> AllocationRound:
    """A one-week round `week` weeks after MONDAY, published an hour after the one before."""
    return a_round(
        session,
        *planned,
        published_at=PUBLISHED_AT + dt.timedelta(hours=week) if published else None,
        start=MONDAY + dt.timedelta(weeks=week),
    )


def at(staff: str, need: str, hours: float = 10, *, learner: bool = False) -> Planned:
    return Planned(staff=staff, need=need, week=0, hours=hours, learner=learner)


def test_a_unit_new_to_the_person_counts_once_a_known_unit_not_at_all(db: Session) -> None:
    first = week_round(db, 0, at("e1", "n1"), at("e2", "n1"))
    second = week_round(db, 1, at("e1", "n1"), at("e5", "n1"))

    assert report_of(db, first, today=TODAY).experience.new_units == 2
    # Anne knows Solgården from the first round; Eva is new there.
    assert report_of(db, second, today=TODAY).experience.new_units == 1


def test_a_new_unit_in_a_known_area_is_no_new_area(db: Session) -> None:
    week_round(db, 0, at("e1", "n1"))
    # Hjemmeplejen is new to Anne but in Social og Sundhed, where she worked at Solgården;
    # Borgerservice is new to Eva, and Administration too.
    second = week_round(db, 1, at("e1", "n3"), at("e5", "n4"))

    experience = report_of(db, second, today=TODAY).experience
    assert (experience.new_units, experience.new_areas) == (2, 1)


def test_only_rounds_that_started_earlier_make_a_unit_known(db: Session) -> None:
    # Published first but starting later: it does not make Solgården known to the round
    # that starts before it, and over time each pair is new exactly once.
    later = week_round(db, 2, at("e1", "n1"))
    earlier = week_round(db, 1, at("e1", "n1"))

    assert report_of(db, earlier, today=TODAY).experience.new_units == 1
    assert report_of(db, later, today=TODAY).experience.new_units == 0


def test_drafts_and_proposals_make_nothing_known(db: Session) -> None:
    week_round(db, 0, at("e1", "n1"), published=False)
    second = week_round(db, 1, at("e1", "n1"))

    assert report_of(db, second, today=TODAY).experience.new_units == 1
    assert [row.new_experiences for row in over_time(db, today=TODAY).rounds] == [1]


def test_learners_are_the_person_need_pairs_the_stored_result_places_as_learners(
    db: Session,
) -> None:
    rnd = a_round(
        db,
        Planned(staff="e1", need="n1", week=0, hours=10, learner=True),
        Planned(staff="e1", need="n1", week=1, hours=10, learner=True),
        Planned(staff="e2", need="n1", week=0, hours=10),
        Planned(staff="e5", need="n3", week=1, hours=6, learner=True),
        published_at=PUBLISHED_AT,
        start=MONDAY,
    )

    assert report_of(db, rnd, today=TODAY).experience.learners_placed == 2


def test_over_time_adds_up_per_round_so_far_and_per_quarter(db: Session) -> None:
    # MONDAY is in March (first quarter); three weeks later is April (second quarter).
    # Solgården is a new area for Eva although her home unit is in the same area: like the
    # solver's experience term, only units worked at in earlier rounds make an area known.
    week_round(db, 0, at("e1", "n1"), at("e2", "n1"))
    week_round(db, 1, at("e1", "n3"), at("e5", "n1", learner=True))
    week_round(db, 3, at("e1", "n1"), at("e5", "n4"))

    figures = over_time(db, today=TODAY)

    rows = [(r.new_experiences, r.new_areas, r.learners_placed) for r in figures.rounds]
    assert rows == [(2, 2, 0), (2, 1, 1), (1, 1, 0)]
    assert [r.new_experiences_so_far for r in figures.rounds] == [2, 4, 5]
    quarters = [
        (q.starts, q.quarter, q.rounds, q.new_experiences, q.new_areas, q.learners_placed)
        for q in figures.experience_by_quarter
    ]
    assert quarters == [
        (dt.date(2026, 1, 1), 1, 2, 4, 3, 1),
        (dt.date(2026, 4, 1), 2, 1, 1, 1, 0),
    ]
