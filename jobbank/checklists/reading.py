"""Reading checklists: each caller's items of a checklist, and the items at the places a page
shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import Select, bindparam, func, select, tuple_
from sqlalchemy.orm import Session, defer

from jobbank.checklists.overdue import overdue_in_sql
from jobbank.checklists.reach import (
    EMPLOYEE_AUDIENCES,
    Place,
    audiences_at,
    audiences_for,
    checklist_in_reach,
    followed_at,
    followed_audiences_for,
    item_in_reach,
)
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.db import plain_rows
from jobbank.db.models import AllocationRound, Audience, Checklist, ChecklistItem, Person, Unit


@dataclass(frozen=True)
class ChecklistView:
    """A checklist as one caller sees it: only the items of their audiences."""

    checklist: Checklist
    person: Person
    unit: Unit
    round: AllocationRound
    items: list[ChecklistItem]
    done_by: dict[int, str]
    """Usernames of who ticked the shown items, by user id."""
    followed: list[ChecklistItem] = field(default_factory=list)
    """Items the caller follows but does not tick (see `followed_audiences_for`)."""


def list_checklists(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    round_id: int | None = None,
    unit_id: int | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> tuple[list[ChecklistView], int]:
    """The checklists in the caller's reach, soonest start first, and how many there are.

    `overdue` keeps those with an open item of the caller's past its due date.
    """
    conditions = [checklist_in_reach(actor)]
    if round_id is not None:
        conditions.append(Checklist.round_id == round_id)
    if unit_id is not None:
        conditions.append(Checklist.unit_id == unit_id)
    if overdue:
        late = (
            select(ChecklistItem.id)
            .where(
                ChecklistItem.checklist_id == Checklist.id,
                item_in_reach(actor),
                overdue_in_sql(today or dt.date.today()),
            )
            .exists()
        )
        conditions.append(late)
    query = _checklists().where(*conditions)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Checklist.starts_on, Checklist.id).limit(paging.limit).offset(paging.offset)
    ).tuples()
    shown = [(row, _items_shown(actor, *row[:2])) for row in rows]
    # Who ticked what, for the whole page at once rather than a query per checklist.
    done_by = audit.usernames(
        session, (i.done_by_id for _, items in shown for i in items if i.done_by_id)
    )
    return [_view(actor, *row, items, done_by) for row, items in shown], total


@dataclass(frozen=True)
class ItemLine:
    """A checklist item as a page lists it, read as plain columns."""

    id: int
    title_da: str
    title_en: str
    due_on: dt.date
    tickable_from: dt.date | None
    done_at: dt.datetime | None
    version: int


@dataclass(frozen=True)
class PlaceItems:
    """At one place, the caller's own items and those they follow, soonest due first."""

    items: list[ItemLine] = field(default_factory=list)
    followed: list[ItemLine] = field(default_factory=list)


ITEMS_AT_PLACES = (
    select(
        ChecklistItem.id,
        ChecklistItem.title_da,
        ChecklistItem.title_en,
        ChecklistItem.due_on,
        ChecklistItem.tickable_from,
        ChecklistItem.done_at,
        ChecklistItem.version,
        ChecklistItem.audience,
        Checklist.round_id,
        Checklist.person_id,
        Checklist.unit_id,
        Person.home_unit_id,
    )
    .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
    .join(Person, Person.id == Checklist.person_id)
    .where(
        tuple_(Checklist.round_id, Checklist.person_id, Checklist.unit_id).in_(
            bindparam("places", expanding=True)
        ),
        ChecklistItem.audience.in_(bindparam("audiences", expanding=True)),
    )
)
"""Built once: pages with deployments run it on every view. Unordered: `items_at` sorts the few
rows it gets. Asked to order them, SQLite walked every item of every checklist in due order to
save itself that sort (10 ms a staff page on the medium sample, where reading the places'
items through their checklists takes 0.5 ms)."""


def _audiences_anywhere(actor: Actor) -> frozenset[Audience]:
    """The audiences `actor` could tick or follow at some place: what `items_at` reads, so
    that staff do not read the four in five items meant for leaders only to drop them. Which
    of these apply at each place is still `audiences_at` and `followed_at`'s to say."""
    if actor.is_hr or actor.is_leader:
        return frozenset(Audience)
    return EMPLOYEE_AUDIENCES if actor.person_id is not None else frozenset()


def items_at(session: Session, actor: Actor, places: Iterable[Place]) -> dict[Place, PlaceItems]:
    """The items of the checklists at `places` the caller ticks or follows, in one statement:
    pages that show deployments with their checklists need no more than this."""
    wanted = list(dict.fromkeys(places))
    anywhere = sorted(_audiences_anywhere(actor))
    if not wanted or not anywhere:
        return {}
    found: dict[Place, PlaceItems] = {}
    audiences: dict[Place, tuple[frozenset[Audience], frozenset[Audience]]] = {}
    rows = plain_rows(session, ITEMS_AT_PLACES, {"places": wanted, "audiences": anywhere})
    for row in sorted(rows, key=lambda row: (row.due_on, row.id)):
        place = Place(row.round_id, row.person_id, row.unit_id)
        if place not in audiences:
            at_place = (place.unit_id, place.person_id, row.home_unit_id)
            audiences[place] = (audiences_at(actor, *at_place), followed_at(actor, *at_place))
        own, followed = audiences[place]
        if row.audience in own:
            into = found.setdefault(place, PlaceItems()).items
        elif row.audience in followed:
            into = found.setdefault(place, PlaceItems()).followed
        else:
            continue
        into.append(
            ItemLine(
                row.id,
                row.title_da,
                row.title_en,
                row.due_on,
                row.tickable_from,
                row.done_at,
                row.version,
            )
        )
    return found


def get_checklist(session: Session, actor: Actor, checklist_id: int) -> ChecklistView:
    row = (
        session.execute(
            _checklists().where(Checklist.id == checklist_id, checklist_in_reach(actor))
        )
        .tuples()
        .one_or_none()
    )
    if row is None:
        raise NotFound(f"checklist {checklist_id}: not found")
    items = _items_shown(actor, *row[:2])
    done_by = audit.usernames(session, (i.done_by_id for i in items if i.done_by_id))
    return _view(actor, *row, items, done_by)


WITHOUT_DOCUMENTS = (defer(AllocationRound.input_snapshot), defer(AllocationRound.result))
"""A round's input and result are megabytes of JSON at 2,000 staff; a list of checklists needs
neither."""


def _checklists() -> Select[tuple[Checklist, Person, Unit, AllocationRound]]:
    return (
        select(Checklist, Person, Unit, AllocationRound)
        .options(*WITHOUT_DOCUMENTS)
        .join(Person, Person.id == Checklist.person_id)
        .join(Unit, Unit.id == Checklist.unit_id)
        .join(AllocationRound, AllocationRound.id == Checklist.round_id)
    )


def _items_shown(actor: Actor, checklist: Checklist, person: Person) -> list[ChecklistItem]:
    """The caller's own items of the checklist."""
    audiences = audiences_for(actor, checklist, person)
    return [item for item in checklist.items if item.audience in audiences]


def _view(
    actor: Actor,
    checklist: Checklist,
    person: Person,
    unit: Unit,
    rnd: AllocationRound,
    items: list[ChecklistItem],
    done_by: dict[int, str],
) -> ChecklistView:
    followed_audiences = followed_audiences_for(actor, checklist, person)
    followed = [item for item in checklist.items if item.audience in followed_audiences]
    mine = {i.done_by_id: done_by[i.done_by_id] for i in items if i.done_by_id in done_by}
    return ChecklistView(checklist, person, unit, rnd, items, mine, followed)
