"""Checklists created on publishing: one per new (person, receiving unit) pair."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.checklists import DEFAULT_ITEMS, create_checklists
from jobbank.contract import Assignment as Planned
from jobbank.contract import RoundResult
from jobbank.models import (
    AllocationRound,
    Audience,
    AuditEntry,
    Checklist,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    Person,
    RoundStatus,
    Unit,
)
from jobbank.rounds import create_round, store_result
from jobbank.seeding import NeedSeed, load_municipality
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)
WEEK = dt.timedelta(weeks=1)


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
    rnd.published_at = dt.datetime.now(dt.UTC)
    session.flush()
    return rnd


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def person(session: Session, employee_no: str) -> Person:
    return session.scalars(select(Person).where(Person.employee_no == employee_no)).one()


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
