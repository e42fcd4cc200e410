"""The impact report: each figure checked against the raw rows it comes from.

The world: Anne and Bo (Borgerservice) and Eva (Hjemmeplejen) volunteer; Solgården needs a
nurse (n1, priority 5), Hjemmeplejen a nurse (n3, priority 4) and a cleaner (n2). Round 1
lends Anne and Bo to Solgården; round 2, a re-plan of the same weeks published later, keeps
Anne at Solgården, sends her to Hjemmeplejen too and Eva to Solgården; round 3 is only a
proposal that sends Bo and Eva back to Solgården.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import NamedTuple

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jobbank.checklists import create_checklists
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.core.roles import Role
from jobbank.core.weeks import week_starts
from jobbank.db.models import (
    AllocationRound,
    Area,
    Assignment,
    Audience,
    Base,
    Checklist,
    ChecklistItem,
    Need,
    Person,
    RoundStatus,
    Skill,
    Unit,
    VolunteerProfile,
)
from jobbank.needs import hours_in
from jobbank.report import over_time, report_of, round_report
from jobbank.rounds import create_round, store_result
from jobbank.seeding import NeedSeed, PersonSeed, load_municipality
from jobbank.volunteers import available_in, home_load_in, is_plannable
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests import lookups
from tests.builders import a_municipality, a_volunteer

MONDAY = dt.date(2026, 3, 16)
TODAY = MONDAY + dt.timedelta(days=10)
PUBLISHED_AT = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
HR = Actor(user_id=1, username="hr", roles=frozenset({Role.HR_COORDINATOR}))
LEADER = Actor(user_id=2, username="leder", roles=frozenset({Role.UNIT_LEADER}))


class Rounds(NamedTuple):
    first: AllocationRound
    replan: AllocationRound
    proposal: AllocationRound


@pytest.fixture
def seeded(session: Session) -> Session:
    base = a_municipality()
    eva = PersonSeed(
        employee_no="e5",
        name="Eva Holm",
        email="eva@x.example",
        home_unit="hjemmeplejen",
        volunteer=a_volunteer(home_load=[17, 17, 30, 17]),
    )
    n3 = NeedSeed(ref="n3", unit="hjemmeplejen", skill="nurse", hours=20, weeks=4, priority=4)
    world = base.model_copy(update={"people": [*base.people, eva], "needs": [*base.needs, n3]})
    load_municipality(session, world, today=MONDAY)
    return session


def a_round(
    session: Session, *planned: Planned, published_at: dt.datetime | None, start: dt.date = MONDAY
) -> AllocationRound:
    rnd = create_round(session, start=start, weeks=4)
    store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
    if published_at is not None:
        rnd.status, rnd.published_at = RoundStatus.PUBLISHED, published_at
        session.flush()
        create_checklists(session, rnd, by=None)
    session.flush()
    return rnd


@pytest.fixture
def db(seeded: Session) -> Session:
    """The seeded session, by a short name."""
    return seeded


@pytest.fixture
def three_rounds(seeded: Session) -> Rounds:
    first = a_round(
        seeded,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=12),
        Planned(staff="e2", need="n1", week=0, hours=10),
        published_at=PUBLISHED_AT,
    )
    replan = a_round(
        seeded,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n3", week=2, hours=8),
        Planned(staff="e5", need="n1", week=1, hours=20),
        Planned(staff="e5", need="n1", week=3, hours=30),
        published_at=PUBLISHED_AT + dt.timedelta(hours=1),
    )
    proposal = a_round(
        seeded,
        Planned(staff="e2", need="n1", week=3, hours=10),
        Planned(staff="e5", need="n1", week=3, hours=20),
        published_at=None,
    )
    return Rounds(first, replan, proposal)


# --- figures computed the long way, from the rows --------------------------------------------


def assignments_of(session: Session, rnd: AllocationRound) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.round_id == rnd.id)))


def expected_coverage(
    session: Session, rnd: AllocationRound
) -> dict[tuple[str, int, dt.date], list[float]]:
    """[wanted, covered] per (area, priority, week) from the need rows and the assignments."""
    planned: dict[tuple[int, dt.date], float] = defaultdict(float)
    for row in assignments_of(session, rnd):
        planned[(row.need_id, row.week)] += row.hours
    cells: dict[tuple[str, int, dt.date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for need in session.scalars(select(Need)):
        for week in week_starts(rnd.start, rnd.weeks):
            wanted = hours_in(need, week)
            if wanted:
                cell = cells[(need.unit.area.name, need.priority, week)]
                cell[0] += wanted
                cell[1] += min(wanted, planned[(need.id, week)])
    return cells


def summed(
    cells: dict[tuple[str, int, dt.date], list[float]], part: int
) -> dict[object, tuple[float, float]]:
    sums: dict[object, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for key, (wanted, covered) in cells.items():
        sums[key[part]][0] += wanted
        sums[key[part]][1] += covered
    return {key: (wanted, covered) for key, (wanted, covered) in sums.items()}


def volunteers(session: Session) -> list[VolunteerProfile]:
    return [p for p in session.scalars(select(VolunteerProfile)) if is_plannable(p)]


# --- coverage --------------------------------------------------------------------------------


def test_wanted_and_covered_hours_add_up_by_area_priority_and_week(
    db: Session, three_rounds: Rounds
) -> None:
    for rnd in three_rounds:
        report = report_of(db, rnd, today=TODAY)
        cells = expected_coverage(db, rnd)
        assert {a.area: (a.wanted_hours, a.covered_hours) for a in report.by_area} == summed(
            cells, 0
        )
        assert {
            p.priority: (p.wanted_hours, p.covered_hours) for p in report.by_priority
        } == summed(cells, 1)
        assert {w.week: (w.wanted_hours, w.covered_hours) for w in report.by_week} == summed(
            cells, 2
        )
        assert report.total.wanted_hours == sum(wanted for wanted, _ in cells.values())
        assert report.total.covered_hours == sum(covered for _, covered in cells.values())
        assert report.total.share == report.total.covered_hours / report.total.wanted_hours


def test_coverage_by_area_and_week_is_the_finer_grain_of_both(
    db: Session, three_rounds: Rounds
) -> None:
    rnd = three_rounds.replan
    report = report_of(db, rnd, today=TODAY)
    for area in report.by_area:
        cells = [c for c in report.by_area_week if c.area == area.area]
        assert sum(c.wanted_hours for c in cells) == area.wanted_hours
        assert sum(c.covered_hours for c in cells) == area.covered_hours


def test_a_need_week_counts_no_more_than_it_wanted(seeded: Session) -> None:
    rnd = a_round(seeded, Planned(staff="e1", need="n1", week=0, hours=12), published_at=None)
    extra = assignments_of(seeded, rnd)[0]
    seeded.add(
        Assignment(
            round_id=rnd.id,
            person_id=extra.person_id,
            need_id=extra.need_id,
            week=MONDAY + dt.timedelta(weeks=2),
            hours=8,
        )
    )
    seeded.flush()
    report = report_of(seeded, rnd, today=TODAY)
    week_two = next(w for w in report.by_week if w.week == MONDAY + dt.timedelta(weeks=2))
    assert week_two.covered_hours <= week_two.wanted_hours
    assert report.people.lent_hours == 20  # the hours were worked all the same


def test_the_report_reads_the_snapshot_not_todays_needs(db: Session, three_rounds: Rounds) -> None:
    rnd = three_rounds.first
    before = report_of(db, rnd, today=TODAY)
    for need in db.scalars(select(Need)):
        need.hours, need.priority = 99, 1
        need.weeks = []
    db.flush()
    after = report_of(db, rnd, today=TODAY)
    assert after.total == before.total and after.by_priority == before.by_priority


# --- people and units ------------------------------------------------------------------------


def test_never_used_volunteers_are_listed_with_their_capacity(
    db: Session, three_rounds: Rounds
) -> None:
    rnd = three_rounds.first
    report = report_of(db, rnd, today=TODAY)
    used = {row.person.employee_no for row in assignments_of(db, rnd) if row.hours > 0}
    mondays = week_starts(rnd.start, rnd.weeks)
    idle = {
        p.person.employee_no: sum(
            max(0.0, p.normal_hours - home_load_in(p, week)) if available_in(p, week) else 0.0
            for week in mondays
        )
        for p in volunteers(db)
        if p.person.employee_no not in used
    }
    assert report.people.in_round == len(volunteers(db))
    assert report.people.used == len(used)
    assert report.people.never_used == len(idle) > 0
    assert {p.employee_no: p.capacity_hours for p in report.people.never_used_people} == idle
    hours = [row.hours for row in assignments_of(db, rnd)]
    assert report.people.lent_hours == sum(hours)


def test_hours_lent_per_home_unit_and_received_per_unit(db: Session, three_rounds: Rounds) -> None:
    rnd = three_rounds.replan
    report = report_of(db, rnd, today=TODAY)
    lent: dict[str, float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    flows: dict[tuple[str, str], float] = defaultdict(float)
    for row in assignments_of(db, rnd):
        home, there = row.person.home_unit.code, row.need.unit.code
        lent[home] += row.hours
        received[there] += row.hours
        flows[(home, there)] += row.hours
    by_unit = {u.unit: u for u in report.units}
    assert {code: u.lent_hours for code, u in by_unit.items() if u.lent_hours} == lent
    assert {code: u.received_hours for code, u in by_unit.items() if u.received_hours} == received
    assert all(u.net_hours == u.received_hours - u.lent_hours for u in report.units)
    assert sum(u.net_hours for u in report.units) == 0
    assert {(f.from_unit, f.to_unit): f.hours for f in report.flows} == flows


def test_a_lender_whose_employee_number_changed_keeps_their_home_unit(
    db: Session, three_rounds: Rounds
) -> None:
    """The snapshot names Anne e1; HR corrects her number afterwards. Her hours are still lent
    by Borgerservice, by name: no unit without a code or a name."""
    before = report_of(db, three_rounds.first, today=TODAY)
    anne = lookups.person(db, "e1")
    anne.employee_no = "e1-corrected"
    db.flush()
    after = report_of(db, three_rounds.first, today=TODAY)
    assert all(u.unit and u.unit_name for u in after.units)
    assert all(f.from_unit and f.from_unit_name for f in after.flows)
    assert [(u.unit, u.unit_name, u.lent_hours) for u in after.units] == [
        (u.unit, u.unit_name, u.lent_hours) for u in before.units
    ]
    assert {(f.from_unit_name, f.to_unit_name, f.hours) for f in after.flows} == {
        (f.from_unit_name, f.to_unit_name, f.hours) for f in before.flows
    }


def test_introductions_count_first_placements_against_earlier_published_rounds(
    db: Session, three_rounds: Rounds
) -> None:
    seen: set[tuple[str, str]] = set()
    published = sorted(
        (r for r in three_rounds if r.published_at is not None),
        key=lambda r: r.published_at or PUBLISHED_AT,
    )
    expected: dict[int, int] = {}
    for rnd in [*published, three_rounds.proposal]:
        pairs = {(row.person.employee_no, row.need.unit.code) for row in assignments_of(db, rnd)}
        expected[rnd.id] = len(pairs - seen)
        if rnd.published_at is not None:
            seen |= pairs
    reports = {rnd.id: report_of(db, rnd, today=TODAY) for rnd in three_rounds}
    assert {key: r.introductions for key, r in reports.items()} == expected
    assert expected == {
        three_rounds.first.id: 2,
        three_rounds.replan.id: 2,
        three_rounds.proposal.id: 0,
    }
    for report in reports.values():
        assert sum(u.introductions for u in report.units) == report.introductions


# --- checklists ------------------------------------------------------------------------------


def test_checklist_completion_per_audience(db: Session, three_rounds: Rounds) -> None:
    rnd = three_rounds.first
    items = list(
        db.scalars(select(ChecklistItem).join(Checklist).where(Checklist.round_id == rnd.id))
    )
    for item in items[::3]:
        item.done_at = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)
    db.flush()
    report = report_of(db, rnd, today=TODAY)
    expected = {
        audience: (
            len(mine := [i for i in items if i.audience is audience]),
            sum(i.done_at is not None for i in mine),
            sum(i.due_on <= TODAY for i in mine),
            sum(i.done_at is None and i.due_on < TODAY for i in mine),
        )
        for audience in Audience
        if any(i.audience is audience for i in items)
    }
    got = {c.audience: (c.items, c.done, c.due, c.overdue) for c in report.checklists}
    assert got == expected
    assert sum(c.overdue for c in report.checklists) > 0


# --- over time, access and privacy -----------------------------------------------------------


def test_over_time_lists_published_rounds_in_date_order(db: Session, three_rounds: Rounds) -> None:
    earlier = a_round(db, published_at=PUBLISHED_AT, start=MONDAY - dt.timedelta(weeks=8))
    report = over_time(db, today=TODAY)
    assert [r.round_id for r in report.rounds] == [
        earlier.id,
        three_rounds.first.id,
        three_rounds.replan.id,
    ]
    for row in report.rounds:
        rnd = db.get_one(AllocationRound, row.round_id)
        # The running total is the one figure a round's own report cannot know.
        so_far = {"new_experiences_so_far"}
        alone = report_of(db, rnd, today=TODAY).figures()
        assert row.model_dump(exclude=so_far) == alone.model_dump(exclude=so_far)
    in_range = over_time(db, start=MONDAY, end=MONDAY + dt.timedelta(weeks=1), today=TODAY)
    assert [r.round_id for r in in_range.rounds] == [three_rounds.first.id, three_rounds.replan.id]
    with pytest.raises(InvalidInput, match="end"):
        over_time(db, start=MONDAY, end=MONDAY - dt.timedelta(days=1))


def test_only_hr_reads_the_report(db: Session, three_rounds: Rounds) -> None:
    assert round_report(db, HR, three_rounds.first.id).round_id == three_rounds.first.id
    with pytest.raises(NotFound):
        round_report(db, LEADER, three_rounds.first.id)
    with pytest.raises(NotFound):
        round_report(db, HR, 999_999)


def test_a_round_without_a_snapshot_has_no_report(seeded: Session) -> None:
    rnd = AllocationRound(name="Tom", start=MONDAY, weeks=1)
    seeded.add(rnd)
    seeded.flush()
    with pytest.raises(Conflict):
        report_of(seeded, rnd)


def test_the_report_carries_no_risk_group_flag(db: Session, three_rounds: Rounds) -> None:
    assert any(p.risk_group for p in volunteers(db))
    for rnd in three_rounds:
        assert "risk" not in report_of(db, rnd, today=TODAY).model_dump_json().lower()


# --- size ------------------------------------------------------------------------------------


def test_a_medium_round_reports_in_well_under_two_seconds(session: Session) -> None:
    """2,000 volunteers × 1,500 needs × 4 weeks, planned greedily, as `jobbank bench` makes it."""
    rnd = medium_round(session)
    began = time.perf_counter()
    report = report_of(session, rnd, today=TODAY)
    seconds = time.perf_counter() - began
    assert report.people.in_round == 2000 and report.people.used > 0
    assert seconds < 2.0, f"the report took {seconds:.2f} s"


def medium_round(session: Session) -> AllocationRound:
    """The generated medium round stored row by row, with a greedy plan as its assignments."""
    from fixtures.generator import generate_round
    from solver import greedy_plan

    plan_input = generate_round(staff=2000, needs=1500, weeks=4, seed=1).model_copy(
        update={"start": MONDAY}
    )
    plan = greedy_plan(plan_input)
    area_ids = {}
    for name in sorted({u.area or "-" for u in plan_input.units}):
        area = Area(name=name)
        session.add(area)
        session.flush()
        area_ids[name] = area.id
    unit_ids = _bulk(
        session,
        Unit,
        "code",
        [
            {"code": u.id, "name": u.name or u.id, "area_id": area_ids[u.area or "-"]}
            for u in plan_input.units
        ],
    )
    skill_ids = _bulk(
        session,
        Skill,
        "code",
        [
            {"code": c, "label_da": c, "label_en": c}
            for c in sorted({n.skill for n in plan_input.needs})
        ],
    )
    person_ids = _bulk(
        session,
        Person,
        "employee_no",
        [
            {"employee_no": s.id, "name": s.name, "home_unit_id": unit_ids[s.home_unit]}
            for s in plan_input.staff
        ],
    )
    last = MONDAY + dt.timedelta(weeks=3)
    need_ids = _bulk(
        session,
        Need,
        "ref",
        [
            {
                "ref": n.id,
                "unit_id": unit_ids[n.unit],
                "skill_id": skill_ids[n.skill],
                "hours": 0,
                "first_week": MONDAY,
                "last_week": last,
            }
            for n in plan_input.needs
        ],
    )
    rnd = AllocationRound(
        name="Medium",
        start=MONDAY,
        weeks=4,
        status=RoundStatus.PROPOSED,
        input_snapshot=plan_input.model_dump(mode="json"),
    )
    session.add(rnd)
    session.flush()
    mondays = week_starts(MONDAY, 4)
    session.execute(
        insert(Assignment),
        [
            {
                "round_id": rnd.id,
                "person_id": person_ids[a.staff],
                "need_id": need_ids[a.need],
                "week": mondays[a.week],
                "hours": a.hours,
            }
            for a in plan.assignments
        ],
    )
    session.expire_all()
    return session.get_one(AllocationRound, rnd.id)


def _bulk(
    session: Session, model: type[Base], key: str, rows: list[dict[str, object]]
) -> dict[str, int]:
    """Insert `rows` in one statement; their ids by `key`."""
    session.execute(insert(model), rows)
    found = session.execute(select(getattr(model, key), model.id)).tuples()
    return dict(found.all())
