"""Checklists created on publishing: one per new (person, receiving unit) pair."""

from __future__ import annotations

import datetime as dt

import pytest
from advanced_alchemy.filters import LimitOffset
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.checklists import (
    DEFAULT_ITEMS,
    PUBLISHING_GRACE,
    ItemDates,
    TemplateItem,
    create_checklists,
    due_dates,
    overdue_items,
)
from jobbank.db.models import (
    AllocationRound,
    Audience,
    AuditEntry,
    Checklist,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    RoundStatus,
    TickableFrom,
)
from jobbank.notifications import sweep_overdue
from jobbank.rounds import create_round, store_result
from jobbank.seeding import NeedSeed, load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.builders import a_municipality
from tests.lookups import actor, need, person, unit

MONDAY = dt.date(2026, 3, 16)
WEEK = dt.timedelta(weeks=1)
AHEAD = 4 * WEEK
"""How long before its start `published` publishes a round: no due date needs moving then."""


@pytest.fixture
def seeded(session: Session) -> Session:
    """The test municipality plus a nurse need at Hjemmeplejen, so Anne can go to two units."""
    base = a_municipality()
    n3 = NeedSeed(ref="n3", unit="hjemmeplejen", skill="nurse", hours=20, weeks=4)
    load_municipality(session, base.model_copy(update={"needs": [*base.needs, n3]}), today=MONDAY)
    return session


def published(session: Session, start: dt.date, *planned: Planned) -> AllocationRound:
    rnd = create_round(session, start=start, weeks=4)
    store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
    rnd.status = RoundStatus.PUBLISHED
    rnd.published_at = dt.datetime.combine(start - AHEAD, dt.time(12), dt.UTC)
    session.flush()
    return rnd


def test_one_checklist_per_person_and_receiving_unit(seeded: Session) -> None:
    rnd = published(
        seeded,
        MONDAY,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=12),
        Planned(staff="e1", need="n3", week=2, hours=8),
    )
    created = create_checklists(seeded, rnd, by=None)
    anne = person(seeded, "e1")
    assert {(c.person_id, c.unit_id, c.starts_on) for c in created} == {
        (anne.id, unit(seeded, "solgaarden").id, MONDAY),
        (anne.id, unit(seeded, "hjemmeplejen").id, MONDAY + 2 * WEEK),
    }
    assert all(len(c.items) == len(DEFAULT_ITEMS) for c in created)


def test_due_dates_count_from_the_first_monday_or_the_last_friday(seeded: Session) -> None:
    rnd = published(
        seeded,
        MONDAY,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=12),
    )
    [checklist] = create_checklists(seeded, rnd, by=None)
    due = {(item.title_en, item.due_on) for item in checklist.items}
    assert ("Name a contact person for the lent employee", MONDAY - dt.timedelta(days=5)) in due
    assert ("Check in with the employee after the first week", MONDAY + WEEK) in due
    last_friday = MONDAY + WEEK + dt.timedelta(days=4)
    assert ("Hold a short evaluation at the end", last_friday) in due


def test_area_and_unit_templates_add_their_items(seeded: Session) -> None:
    solgaarden, borgerservice = unit(seeded, "solgaarden"), unit(seeded, "borgerservice")

    def template(name: str, **where: int) -> ChecklistTemplate:
        item = ChecklistTemplateItem(
            audience=Audience.EMPLOYEE,
            title_da=name,
            title_en=name,
            due_day=2,
            anchor=DueAnchor.END,
        )
        return ChecklistTemplate(name=name, items=[item], **where)

    seeded.add_all(
        [
            template("area", area_id=solgaarden.area_id),
            template("unit", unit_id=solgaarden.id),
            template("other area", area_id=borgerservice.area_id),
            template("other unit", unit_id=unit(seeded, "hjemmeplejen").id),
        ]
    )
    rnd = published(seeded, MONDAY, Planned(staff="e1", need="n1", week=0, hours=12))
    [checklist] = create_checklists(seeded, rnd, by=None)
    sunday = MONDAY + dt.timedelta(days=6)
    added = {(i.title_en, i.due_on) for i in checklist.items if i.title_en in {"area", "unit"}}
    assert added == {("area", sunday), ("unit", sunday)}
    assert len(checklist.items) == len(DEFAULT_ITEMS) + 2


def test_publishing_twice_creates_nothing_new(seeded: Session) -> None:
    rnd = published(seeded, MONDAY, Planned(staff="e1", need="n1", week=0, hours=12))
    assert len(create_checklists(seeded, rnd, by=None)) == 1
    assert create_checklists(seeded, rnd, by=None) == []
    assert len(seeded.scalars(select(Checklist)).all()) == 1


def test_a_pair_carried_over_from_the_previous_round_gets_no_new_checklist(
    seeded: Session,
) -> None:
    first = published(seeded, MONDAY, Planned(staff="e1", need="n1", week=0, hours=12))
    create_checklists(seeded, first, by=None)
    second = published(
        seeded,
        MONDAY + WEEK,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n3", week=1, hours=8),
    )
    assert second.previous_round_id == first.id
    [new] = create_checklists(seeded, second, by=None)
    assert new.unit_id == unit(seeded, "hjemmeplejen").id
    assert new.starts_on == MONDAY + 2 * WEEK


def test_each_new_checklist_is_audited(seeded: Session) -> None:
    rnd = published(seeded, MONDAY, Planned(staff="e1", need="n1", week=1, hours=12))
    [checklist] = create_checklists(seeded, rnd, by=None)
    entry = seeded.scalars(select(AuditEntry).where(AuditEntry.entity == "checklist")).one()
    assert entry.action == "create" and entry.entity_id == str(checklist.id)
    assert entry.after is not None
    assert entry.after["starts_on"] == (MONDAY + WEEK).isoformat()
    assert entry.after["items"] == len(DEFAULT_ITEMS)


# --- due dates counted from publishing, ticking windows, the contact person -----------------

SUNDAY_BEFORE = MONDAY - dt.timedelta(days=1)


def template_item(
    due_day: int,
    anchor: DueAnchor = DueAnchor.START,
    tickable_from: TickableFrom = TickableFrom.PUBLISHING,
) -> TemplateItem:
    return TemplateItem(Audience.RECEIVING_LEADER, "x", "x", due_day, anchor, tickable_from)


def dates(item: TemplateItem, published_on: dt.date, weeks: int = 2) -> ItemDates:
    return due_dates(item, published_on, MONDAY, MONDAY + (weeks - 1) * WEEK)


def test_a_round_published_well_ahead_keeps_the_dates_counted_from_the_start() -> None:
    for due_day in (-5, -1, 0, 7):
        due_on = dates(template_item(due_day), MONDAY - AHEAD).due_on
        assert due_on == MONDAY + dt.timedelta(days=due_day)


def test_preparations_of_a_round_published_the_day_before_are_due_on_the_first_day() -> None:
    for due_day in (-5, -3, -1, 0):
        assert dates(template_item(due_day), SUNDAY_BEFORE).due_on == MONDAY
    # Later items keep their day: publishing gives two days, and the second day is Tuesday.
    assert dates(template_item(1), SUNDAY_BEFORE).due_on == MONDAY + dt.timedelta(days=1)
    assert dates(template_item(7), SUNDAY_BEFORE).due_on == MONDAY + WEEK


def test_items_of_a_round_published_late_are_due_two_days_after_publishing() -> None:
    wednesday = MONDAY + dt.timedelta(days=2)
    friday = wednesday + PUBLISHING_GRACE
    for due_day in (-5, 0, 1, 4):
        assert dates(template_item(due_day), wednesday).due_on == friday
    assert dates(template_item(7), wednesday).due_on == MONDAY + WEEK
    # A few days before the start, preparations get the grace but never beyond the start.
    thursday_before = MONDAY - dt.timedelta(days=4)
    assert dates(template_item(-5), thursday_before).due_on == MONDAY - dt.timedelta(days=2)
    assert dates(template_item(-1), thursday_before).due_on == MONDAY - dt.timedelta(days=1)


def test_an_item_opens_for_ticking_at_the_start_or_in_the_last_week_and_is_due_after() -> None:
    last_week = MONDAY + 3 * WEEK
    evaluation = template_item(0, DueAnchor.END, TickableFrom.LAST_WEEK)
    assert dates(evaluation, MONDAY - AHEAD, weeks=4) == ItemDates(
        last_week + dt.timedelta(days=4), last_week
    )
    early = template_item(-3, tickable_from=TickableFrom.START)
    assert dates(early, MONDAY - AHEAD) == ItemDates(MONDAY, MONDAY)
    assert dates(template_item(-3), MONDAY - AHEAD).tickable_from is None


def test_a_round_published_the_day_before_it_starts_floods_nobody(seeded: Session) -> None:
    rnd = published(
        seeded,
        MONDAY,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e2", need="n1", week=0, hours=12),
    )
    rnd.published_at = dt.datetime.combine(SUNDAY_BEFORE, dt.time(15), dt.UTC)
    checklists = create_checklists(seeded, rnd, by=None)
    assert min(item.due_on for c in checklists for item in c.items) == MONDAY
    assert sweep_overdue(seeded, today=MONDAY) == 0  # nothing overdue on the first day
    hr = actor(seeded, "hr")
    assert overdue_items(seeded, hr, LimitOffset(100, 0), today=MONDAY) == ([], 0)
    # Tuesday, the preparations left undone are overdue: one digest for each person concerned.
    assert 0 < sweep_overdue(seeded, today=MONDAY + dt.timedelta(days=1)) <= 4


def test_the_default_template_asks_each_person_one_thing_a_day() -> None:
    """The receiving leader ticks the permanent staff's items too."""
    tickers = {
        Audience.RECEIVING_LEADER: "receiving",
        Audience.PERMANENT_STAFF: "receiving",
        Audience.SENDING_LEADER: "sending",
        Audience.EMPLOYEE: "employee",
    }
    days = [(tickers[item.audience], item.anchor, item.due_day) for item in DEFAULT_ITEMS]
    assert len(days) == len(set(days))


def test_the_default_evaluations_open_in_the_last_week() -> None:
    evaluations = [item for item in DEFAULT_ITEMS if "evaluation" in item.title_en]
    assert len(evaluations) == 2
    assert {item.tickable_from for item in evaluations} == {TickableFrom.LAST_WEEK}


def test_a_need_that_names_a_contact_person_skips_the_item_asking_for_one(
    seeded: Session,
) -> None:
    contact = [item.title_en for item in DEFAULT_ITEMS if item.skip_if_need_has_contact]
    assert contact == ["Name a contact person for the lent employee"]
    n1 = need(seeded, "n1")
    n1.contact_person = person(seeded, "e4")
    rnd = published(
        seeded,
        MONDAY,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n3", week=1, hours=8),  # Hjemmeplejen's need names nobody
    )
    by_unit = {c.unit_id: c for c in create_checklists(seeded, rnd, by=None)}
    at_solgaarden = [i.title_en for i in by_unit[unit(seeded, "solgaarden").id].items]
    at_hjemmeplejen = [i.title_en for i in by_unit[unit(seeded, "hjemmeplejen").id].items]
    assert contact[0] not in at_solgaarden and len(at_solgaarden) == len(DEFAULT_ITEMS) - 1
    assert contact[0] in at_hjemmeplejen and len(at_hjemmeplejen) == len(DEFAULT_ITEMS)
