"""Folding a published round's events into its facts: each kind, partial weeks, pins that
yield, past weeks that touch nothing, and a folded round that always validates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from jobbank.db.models import EventKind
from jobbank.live_plan.facts import EventFact, fold
from solver.contract import Need, NeedWeek, RoundInput, StaffWeek
from tests.solver.builders import a_need, a_round, a_staff

MONDAY = dt.date(2026, 3, 16)
"""Week 0 of the test round (the builders' start)."""
BEFORE = MONDAY - dt.timedelta(days=3)
"""A today before the round: no week is past."""


def day(week: int, weekday: int = 0) -> dt.date:
    return MONDAY + dt.timedelta(weeks=week, days=weekday)


def three_weeks(**pins: object) -> RoundInput:
    """Anne (37 h, 7 h home load) and Bo (30 h) over three weeks; need n1 wants 20 h."""
    return a_round(
        staff=[a_staff("anne", home_load=7), a_staff("bo", normal_hours=30)],
        needs=[a_need("n1", hours=20), a_need("n2", hours=10)],
        weeks=3,
        pinned=list(pins.get("pinned", [])),  # type: ignore[call-overload]
    )


def an_event(kind: EventKind, first: dt.date, **fields: object) -> EventFact:
    return EventFact(id=fields.pop("id", 1), kind=kind, first_day=first, **fields)  # type: ignore[arg-type]


def staff(facts_input: RoundInput, id_: str) -> tuple[list[float], list[bool]]:
    row = next(s for s in facts_input.staff if s.id == id_)
    return list(row.home_load), list(row.available)


def test_no_events_leave_the_snapshot_as_it_is() -> None:
    snapshot = three_weeks()
    facts = fold(snapshot, [], today=BEFORE)
    assert facts.round_input == snapshot
    assert (facts.touched_needs, facts.touched_staff, facts.event_ids) == ([], [], [])


def test_a_whole_absent_working_week_makes_the_person_unavailable() -> None:
    absence = an_event(EventKind.ABSENCE, day(1, 0), last_day=day(1, 4), staff="anne")
    facts = fold(three_weeks(), [absence], today=BEFORE)
    assert staff(facts.round_input, "anne") == ([7, 7, 7], [True, False, True])
    assert facts.touched_staff == [StaffWeek(staff="anne", week=1)]
    assert facts.event_ids == [1]


def test_absent_days_of_a_week_raise_the_home_load_by_a_fifth_of_normal_hours_each() -> None:
    # Thursday of week 0 to Tuesday of week 1: 2 days, then 2 days (the weekend counts not).
    absence = an_event(EventKind.ABSENCE, day(0, 3), last_day=day(1, 1), staff="anne")
    facts = fold(three_weeks(), [absence], today=BEFORE)
    # 2 × 37 / 5 = 14.8 → 15 (rounded up to the half hour), on top of the 7 h home load.
    assert staff(facts.round_input, "anne") == ([22, 22, 7], [True, True, True])
    assert facts.touched_staff == [StaffWeek(staff="anne", week=0), StaffWeek(staff="anne", week=1)]


def test_the_home_load_never_exceeds_the_normal_hours() -> None:
    absence = an_event(EventKind.ABSENCE, day(0, 0), last_day=day(0, 3), staff="anne")
    recall = an_event(EventKind.HOME_RECALL, day(0), last_day=day(0), staff="anne", hours=30, id=2)
    facts = fold(three_weeks(), [recall, absence], today=BEFORE)
    assert staff(facts.round_input, "anne")[0] == [37, 7, 7]


def test_a_weekend_absence_touches_nothing() -> None:
    absence = an_event(EventKind.ABSENCE, day(0, 5), last_day=day(0, 6), staff="anne")
    facts = fold(three_weeks(), [absence], today=BEFORE)
    assert staff(facts.round_input, "anne") == ([7, 7, 7], [True, True, True])
    assert facts.touched_staff == []


def test_a_home_recall_sets_the_home_load_of_its_weeks() -> None:
    recall = an_event(EventKind.HOME_RECALL, day(1, 2), last_day=day(2, 0), staff="bo", hours=20)
    facts = fold(three_weeks(), [recall], today=BEFORE)
    assert staff(facts.round_input, "bo") == ([0, 20, 20], [True, True, True])
    assert facts.touched_staff == [StaffWeek(staff="bo", week=1), StaffWeek(staff="bo", week=2)]


def test_a_need_change_sets_the_hours_from_its_week_on() -> None:
    change = an_event(EventKind.NEED_CHANGE, day(1, 3), need="n1", hours=35)
    facts = fold(three_weeks(), [change], today=BEFORE)
    n1 = next(n for n in facts.round_input.needs if n.id == "n1")
    assert list(n1.hours) == [20, 35, 35]
    assert facts.touched_needs == [NeedWeek(need="n1", week=1), NeedWeek(need="n1", week=2)]


def test_a_need_closed_wants_no_hours() -> None:
    change = an_event(EventKind.NEED_CHANGE, day(0), need="n2", hours=0)
    facts = fold(three_weeks(), [change], today=BEFORE)
    n2 = next(n for n in facts.round_input.needs if n.id == "n2")
    assert list(n2.hours) == [0, 0, 0]


def test_an_urgent_need_joins_the_round_by_its_reference() -> None:
    new = Need(id="n9", unit="ward", skill="nurse", hours=[0, 16, 16], priority=5)
    urgent = an_event(EventKind.URGENT_NEED, day(1, 2), need="n9", hours=16, new_need=new)
    facts = fold(three_weeks(), [urgent], today=BEFORE)
    assert [n.id for n in facts.round_input.needs] == ["n1", "n2", "n9"]
    assert facts.touched_needs == [NeedWeek(need="n9", week=1), NeedWeek(need="n9", week=2)]


def test_a_later_need_change_of_an_urgent_need_applies_to_it() -> None:
    new = Need(id="n9", unit="ward", skill="nurse", hours=[16, 16, 16])
    urgent = an_event(EventKind.URGENT_NEED, day(0), need="n9", hours=16, new_need=new)
    closed = an_event(EventKind.NEED_CHANGE, day(2), need="n9", hours=0, id=2)
    facts = fold(three_weeks(), [urgent, closed], today=BEFORE)
    n9 = next(n for n in facts.round_input.needs if n.id == "n9")
    assert list(n9.hours) == [16, 16, 0]


def test_a_withdrawal_takes_the_rest_of_the_first_week_and_every_week_after() -> None:
    # From Wednesday of week 1: Wed–Fri away (3 × 30 / 5 = 18 h), weeks 2 on unavailable.
    withdrawal = an_event(EventKind.WITHDRAWAL, day(1, 2), staff="bo")
    facts = fold(three_weeks(), [withdrawal], today=BEFORE)
    assert staff(facts.round_input, "bo") == ([0, 18, 0], [True, True, False])
    assert facts.touched_staff == [StaffWeek(staff="bo", week=1), StaffWeek(staff="bo", week=2)]


def test_applied_events_change_the_facts_but_touch_nothing() -> None:
    absence = an_event(EventKind.ABSENCE, day(0), last_day=day(0, 4), staff="anne", open=False)
    change = an_event(EventKind.NEED_CHANGE, day(2), need="n1", hours=5, open=False, id=2)
    facts = fold(three_weeks(), [absence, change], today=BEFORE)
    assert staff(facts.round_input, "anne")[1] == [False, True, True]
    assert (facts.touched_staff, facts.touched_needs, facts.event_ids) == ([], [], [])


def test_weeks_wholly_past_are_touched_by_nothing() -> None:
    absence = an_event(EventKind.ABSENCE, day(0), last_day=day(1, 4), staff="anne")
    change = an_event(EventKind.NEED_CHANGE, day(0), need="n1", hours=5, id=2)
    # Today is the Tuesday of week 1: week 0 is past; week 1 has begun and still counts.
    facts = fold(three_weeks(), [absence, change], today=day(1, 1))
    assert staff(facts.round_input, "anne")[1] == [False, False, True]
    assert facts.touched_staff == [StaffWeek(staff="anne", week=1)]
    assert facts.touched_needs == [NeedWeek(need="n1", week=1), NeedWeek(need="n1", week=2)]


def test_an_event_wholly_in_the_past_touches_nothing_though_it_is_open() -> None:
    absence = an_event(EventKind.ABSENCE, day(0), last_day=day(0, 2), staff="anne")
    facts = fold(three_weeks(), [absence], today=day(2))
    assert facts.touched_staff == []
    assert facts.event_ids == [1]


def a_pin(staff_: str, need: str, week: int, hours: float) -> dict[str, object]:
    return {"staff": staff_, "need": need, "week": week, "hours": hours}


def test_an_absence_drops_the_pins_the_person_can_no_longer_keep() -> None:
    pinned = [a_pin("anne", "n1", 0, 20), a_pin("anne", "n1", 1, 20), a_pin("bo", "n1", 1, 10)]
    # Anne away Monday–Tuesday of week 0 (15 h): 37 − 7 − 15 = 15 < 20; all week 1: 0.
    absence = an_event(EventKind.ABSENCE, day(0), last_day=day(0, 1), staff="anne")
    whole = an_event(EventKind.ABSENCE, day(1), last_day=day(1, 4), staff="anne", id=2)
    facts = fold(three_weeks(pinned=pinned), [absence, whole], today=BEFORE)
    assert [p.model_dump(exclude={"days", "learner"}) for p in facts.round_input.pinned] == [
        a_pin("bo", "n1", 1, 10)
    ]


def test_a_pin_that_still_fits_is_kept() -> None:
    pinned = [a_pin("anne", "n1", 0, 10)]
    absence = an_event(EventKind.ABSENCE, day(0), last_day=day(0), staff="anne")
    facts = fold(three_weeks(pinned=pinned), [absence], today=BEFORE)
    assert len(facts.round_input.pinned) == 1  # 37 − 7 − 7.5 = 22.5 ≥ 10


def test_a_shrunk_need_drops_the_pins_it_no_longer_wants() -> None:
    pinned = [a_pin("anne", "n1", 0, 15), a_pin("anne", "n1", 2, 15), a_pin("bo", "n2", 2, 10)]
    change = an_event(EventKind.NEED_CHANGE, day(2), need="n1", hours=8)
    facts = fold(three_weeks(pinned=pinned), [change], today=BEFORE)
    assert [(p.staff, p.week) for p in facts.round_input.pinned] == [("anne", 0), ("bo", 2)]


def test_events_about_someone_the_round_does_not_plan_change_nothing() -> None:
    absence = an_event(EventKind.ABSENCE, day(0), last_day=day(2), staff="zoe")
    change = an_event(EventKind.NEED_CHANGE, day(0), need="n77", hours=4, id=2)
    facts = fold(three_weeks(), [absence, change], today=BEFORE)
    assert facts.round_input == three_weeks()
    assert facts.event_ids == [1, 2]


days = st.integers(min_value=-10, max_value=30).map(lambda d: MONDAY + dt.timedelta(days=d))
half_hours = st.integers(min_value=0, max_value=96).map(lambda h: h / 2)


@st.composite
def events(draw: st.DrawFn) -> list[EventFact]:
    found = []
    for i in range(draw(st.integers(min_value=0, max_value=8))):
        kind = draw(st.sampled_from(list(EventKind)))
        first = draw(days)
        last = draw(st.one_of(st.none(), days.filter(lambda d, f=first: d >= f)))
        new = None
        if kind is EventKind.URGENT_NEED:
            hours = draw(st.lists(half_hours, min_size=3, max_size=3))
            new = Need(id=f"u{i}", unit="ward", skill="nurse", hours=hours)
        found.append(
            EventFact(
                id=i + 1,
                kind=kind,
                first_day=first,
                last_day=last,
                staff=draw(st.sampled_from(["anne", "bo", "zoe"])),
                need=new.id if new else draw(st.sampled_from(["n1", "n2", "n9"])),
                hours=draw(st.integers(min_value=0, max_value=336).map(lambda h: h / 2)),
                open=draw(st.booleans()),
                new_need=new,
            )
        )
    return found


pins = st.lists(
    st.builds(
        a_pin,
        st.sampled_from(["anne", "bo"]),
        st.sampled_from(["n1", "n2"]),
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=1, max_value=40).map(lambda h: h / 2),
    ),
    max_size=6,
    unique_by=lambda p: (p["staff"], p["need"], p["week"]),
)


@settings(max_examples=200, deadline=None)
@given(events(), pins, days)
def test_a_folded_round_always_validates(
    found: list[EventFact], pinned: list[dict[str, object]], today: dt.date
) -> None:
    facts = fold(three_weeks(pinned=pinned), found, today=today)
    again = RoundInput.model_validate(facts.round_input.model_dump(mode="json"))
    assert again == facts.round_input
    assert {p.week for p in facts.round_input.pinned} <= {0, 1, 2}
    assert all(0 <= w.week < 3 for w in [*facts.touched_needs, *facts.touched_staff])
    assert facts.event_ids == [e.id for e in found if e.open]
