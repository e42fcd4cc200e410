"""Days in a round's life on SQLite and PostgreSQL: the snapshot carries shift times, away days
and daily hours (schema version 2); a stored result keeps each assignment's days, and its
export reads back the same; pins keep or drop their days; version-1 snapshots still load."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.days import stored_shift_times
from jobbank.db.models import AllocationRound, Need, Person, UserAccount, VolunteerProfile
from jobbank.live_plan.change_sets import change_plan
from jobbank.rounds import (
    create_round,
    pin_assignment,
    round_input,
    round_result,
    store_result,
    unpin_assignment,
)
from jobbank.seeding import load_municipality
from solver.contract import (
    Assignment as Planned,
)
from solver.contract import (
    RoundResult,
    ShiftTime,
    Weekday,
    WorkDay,
    parse_round_input,
    parse_round_result,
)
from solver.round_input import VERSION_2_FIELDS
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)
EARLY = ShiftTime(days=[Weekday.MON, Weekday.TUE, Weekday.WED], start="07:00", end="15:00")
NIGHT = ShiftTime(days=[Weekday.SAT], start="22:00", end="06:00")


def day(offset: int, start: str, end: str, hours: float) -> WorkDay:
    return WorkDay(date=MONDAY + dt.timedelta(days=offset), start=start, end=end, hours=hours)


ANNE_WEEK_0 = Planned(
    staff="e1",
    need="n1",
    week=0,
    hours=15,
    days=(day(0, "07:00", "15:00", 8), day(1, "07:00", "14:00", 7)),
)
ANNE_WEEK_1 = Planned(staff="e1", need="n1", week=1, hours=8, days=(day(12, "22:00", "06:00", 8),))
BO_BY_THE_WEEK = Planned(staff="e2", need="n2", week=1, hours=10)


@pytest.fixture
def seeded(session: Session) -> Session:
    """The small municipality, n1 with an early and a night shift, Anne away three days."""
    load_municipality(session, a_municipality(), today=MONDAY + dt.timedelta(days=2))
    need = session.scalars(select(Need).where(Need.ref == "n1")).one()
    need.shift_times = stored_shift_times([EARLY, NIGHT])
    anne = _profile(session, "e1")
    anne.away_days, anne.daily_hours = ["mon", "tue", "sat"], 8.0
    session.flush()
    return session


def _profile(session: Session, employee_no: str) -> VolunteerProfile:
    return session.scalars(
        select(VolunteerProfile).join(Person).where(Person.employee_no == employee_no)
    ).one()


def _hr(session: Session) -> Actor:
    return actor_for(session.scalars(select(UserAccount).where(UserAccount.username == "hr")).one())


def test_the_snapshot_carries_shift_times_away_days_and_daily_hours(seeded: Session) -> None:
    snapshot = round_input(seeded, create_round(seeded, start=MONDAY, weeks=2))
    assert snapshot.schema_version == 2
    n1, n2 = snapshot.needs
    assert n1.shift_times == [EARLY, NIGHT] and n2.shift_times == []
    anne, bo = snapshot.staff
    assert anne.away_days == [Weekday.MON, Weekday.TUE, Weekday.SAT] and anne.daily_hours == 8
    assert bo.away_days == list(Weekday) and bo.daily_hours is None


def test_a_stored_result_keeps_each_assignments_days(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    result = RoundResult(status="feasible", assignments=[ANNE_WEEK_0, ANNE_WEEK_1, BO_BY_THE_WEEK])
    store_result(seeded, rnd, result)
    seeded.flush()
    seeded.expire_all()
    again = seeded.get_one(AllocationRound, rnd.id)
    assert round_result(again) == result
    stored = {(row.need.ref, row.week): row.work_days for row in again.assignments}
    assert stored == {
        ("n1", MONDAY): ANNE_WEEK_0.days,
        ("n1", MONDAY + dt.timedelta(weeks=1)): ANNE_WEEK_1.days,
        ("n2", MONDAY + dt.timedelta(weeks=1)): (),
    }


def test_the_exported_result_imports_with_the_same_days(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    store_result(seeded, rnd, RoundResult(status="feasible", assignments=[ANNE_WEEK_0]))
    exported = json.dumps(round_result(rnd).model_dump(mode="json"))  # type: ignore[union-attr]
    store_result(seeded, rnd, RoundResult(status="feasible"))
    assert rnd.assignments == []

    store_result(seeded, rnd, parse_round_result(json.loads(exported)))

    assert [row.work_days for row in rnd.assignments] == [ANNE_WEEK_0.days]
    snapshot = round_input(seeded, rnd)
    assert parse_round_input(json.loads(json.dumps(snapshot.model_dump(mode="json")))) == snapshot


def test_a_pin_keeps_its_days_until_its_hours_change(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    store_result(seeded, rnd, RoundResult(status="feasible", assignments=[ANNE_WEEK_0]))
    row = rnd.assignments[0]
    hr = _hr(seeded)
    person, need = row.person_id, row.need_id

    pin_assignment(seeded, hr, rnd.id, person_id=person, need_id=need, week=MONDAY, hours=15)
    assert round_input(seeded, rnd).pinned == [ANNE_WEEK_0]

    pin_assignment(seeded, hr, rnd.id, person_id=person, need_id=need, week=MONDAY, hours=12)
    without_days = ANNE_WEEK_0.model_copy(update={"hours": 12, "days": ()})
    assert round_input(seeded, rnd).pinned == [without_days]

    unpin_assignment(seeded, hr, rnd.id, row.id)
    assert (row.hours, row.work_days, row.pinned) == (15, ANNE_WEEK_0.days, False)


def test_a_result_whose_days_do_not_add_up_is_refused(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    wrong = ANNE_WEEK_0.model_copy(update={"hours": 16})
    with pytest.raises(ValueError, match="the days add up to 15 hours, not 16"):
        store_result(seeded, rnd, RoundResult(status="feasible", assignments=[wrong]))


def test_stored_version_1_snapshots_and_results_still_load(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    v1 = json.loads(json.dumps(rnd.input_snapshot))
    v1["schema_version"] = 1
    v1.pop("purpose")
    v1["rules"].pop("coverage_trade")
    for section, fields in VERSION_2_FIELDS.items():  # every field version 2 added
        for row in v1[section]:
            for field in fields:
                row.pop(field, None)
    rnd.input_snapshot = v1
    rnd.result = {
        "schema_version": 1,
        "status": "feasible",
        "assignments": [{"staff": "e2", "need": "n2", "week": 1, "hours": 10}],
    }
    seeded.flush()
    seeded.expire_all()
    again = seeded.get_one(AllocationRound, rnd.id)

    snapshot = round_input(seeded, again)
    assert snapshot.schema_version == 2
    assert [n.shift_times for n in snapshot.needs] == [[], []]
    assert [s.away_days for s in snapshot.staff] == [list(Weekday)] * 2
    assert round_result(again) == RoundResult(status="feasible", assignments=[BO_BY_THE_WEEK])


def test_a_need_whose_stored_shift_times_are_beyond_the_contract_is_left_out(
    seeded: Session, caplog: pytest.LogCaptureFixture
) -> None:
    need = seeded.scalars(select(Need).where(Need.ref == "n1")).one()
    need.shift_times = [{"days": ["mon"], "start": "06:00", "end": "22:00"}]  # 16 hours
    seeded.flush()
    snapshot = round_input(seeded, create_round(seeded, start=MONDAY, weeks=2))
    assert [n.id for n in snapshot.needs] == ["n2"]
    assert "need n1 left out of the round" in caplog.text


def test_a_repaired_plan_gives_the_weeks_it_placed_again_their_days(seeded: Session) -> None:
    rnd = create_round(seeded, start=MONDAY, weeks=2)
    store_result(
        seeded, rnd, RoundResult(status="feasible", assignments=[ANNE_WEEK_0, ANNE_WEEK_1])
    )
    moved = ANNE_WEEK_0.model_copy(
        update={"days": (day(1, "07:00", "15:00", 8), day(2, "07:00", "14:00", 7))}
    )

    change_plan(seeded, rnd, [], [moved, ANNE_WEEK_1], change_set_id=None, by=None)

    assert [row.work_days for row in rnd.assignments] == [moved.days, ANNE_WEEK_1.days]
