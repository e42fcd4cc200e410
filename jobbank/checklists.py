"""Onboarding checklists, so lent staff arrive to real work and a prepared team.

The default template is written from what the municipalities' evaluation reported: lent
staff felt superfluous, leaders spent much effort introducing them, and the people sent
were pressed by their own tasks at the same time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, defer

from jobbank.core import audit, texts
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Conflict, InvalidInput, NotFound, check_version
from jobbank.db import plain_rows
from jobbank.db.models import (
    AllocationRound,
    Area,
    Assignment,
    Audience,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    Person,
    TickableFrom,
    Unit,
)
from solver.bounds import MAX_DUE_DAY, MIN_DUE_DAY, Position

DEFAULT_TEMPLATE_NAME = "Standard: udlån via Jobbanken"


class TemplateItem(NamedTuple):
    audience: Audience
    title_da: str
    title_en: str
    due_day: int
    anchor: DueAnchor = DueAnchor.START
    tickable_from: TickableFrom = TickableFrom.PUBLISHING
    skip_if_need_has_contact: bool = False


_R, _S, _E, _P = (
    Audience.RECEIVING_LEADER,
    Audience.SENDING_LEADER,
    Audience.EMPLOYEE,
    Audience.PERMANENT_STAFF,
)

DEFAULT_ITEMS: tuple[TemplateItem, ...] = (
    TemplateItem(
        _R,
        "Udpeg en fast kontaktperson for den udlånte medarbejder",
        "Name a contact person for the lent employee",
        -5,
        skip_if_need_has_contact=True,
    ),
    TemplateItem(
        _R,
        "Forbered konkrete opgaver, der passer til medarbejderens kompetencer",
        "Prepare concrete tasks that fit the employee's skills",
        -3,
    ),
    TemplateItem(
        _R,
        "Fortæl det faste personale, hvem der kommer, og hvordan I arbejder sammen",
        "Tell the permanent staff who is coming and how you will work together",
        -2,
    ),
    TemplateItem(
        _R,
        "Byd velkommen på første dag: vis rundt, præsentér kollegerne og instruér i hygiejne "
        "og værnemidler",
        "Welcome the employee on day one: show them around, introduce the team and give "
        "instruction in hygiene and protective equipment",
        0,
        tickable_from=TickableFrom.START,
    ),
    TemplateItem(
        _R,
        "Følg op med medarbejderen efter første uge",
        "Check in with the employee after the first week",
        7,
        tickable_from=TickableFrom.START,
    ),
    TemplateItem(
        _R,
        "Hold en kort evaluering ved afslutningen",
        "Hold a short evaluation at the end",
        0,
        DueAnchor.END,
        TickableFrom.LAST_WEEK,
    ),
    TemplateItem(
        _S,
        "Tal med medarbejderen om udlånet før start",
        "Talk with the employee about the deployment before the start",
        -5,
    ),
    TemplateItem(
        _S,
        "Aftal hvilke hjemmeopgaver der sættes på pause eller overdrages",
        "Agree which home tasks pause or are handed over",
        -3,
    ),
    TemplateItem(
        _S,
        "Hold kontakten med medarbejderen undervejs",
        "Keep in touch with the employee during the deployment",
        7,
        tickable_from=TickableFrom.START,
    ),
    TemplateItem(
        _E,
        "Læs om enheden og aftal første dag med kontaktpersonen",
        "Read about the unit and agree the first day with the contact person",
        -1,
    ),
    TemplateItem(
        _E,
        "Gennemgå instruktionen i hygiejne og værnemidler",
        "Complete the hygiene and protective-equipment instruction",
        0,
    ),
    TemplateItem(
        _E,
        "Giv en kort evaluering af udlånet",
        "Give a short evaluation of the deployment",
        0,
        DueAnchor.END,
        TickableFrom.LAST_WEEK,
    ),
    TemplateItem(
        _P, "Aftal hvordan I fordeler opgaverne sammen", "Agree how you share the tasks", 1
    ),
)
"""One item per person and due day: the receiving leader, who ticks the permanent staff's
items too, had three near-identical welcome items due on day one."""


def ensure_default_template(session: Session) -> ChecklistTemplate:
    """The template for every unit; created once, with the items above."""
    template = session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.area_id.is_(None), ChecklistTemplate.unit_id.is_(None)
        )
    )
    if template is not None:
        return template
    template = ChecklistTemplate(
        name=DEFAULT_TEMPLATE_NAME,
        items=[
            ChecklistTemplateItem(
                position=position,
                audience=item.audience,
                title_da=item.title_da,
                title_en=item.title_en,
                due_day=item.due_day,
                anchor=item.anchor,
                tickable_from=item.tickable_from,
                skip_if_need_has_contact=item.skip_if_need_has_contact,
            )
            for position, item in enumerate(DEFAULT_ITEMS)
        ],
    )
    session.add(template)
    session.flush()
    return template


class _Stay(NamedTuple):
    """One person's time at one receiving unit in a round: its first and last week."""

    person_id: int
    unit: Unit
    first_week: dt.date
    last_week: dt.date
    contact_named: bool
    """Every need the person works there names a contact person."""


def create_checklists(session: Session, rnd: AllocationRound, *, by: int | None) -> list[Checklist]:
    """One checklist per new (person, receiving unit) pair of the round; safe to call twice.

    A pair is new unless the previous published round already lent the person to that unit
    (they know the place) or this round already has its checklist. Due dates count from the
    day the round was published as `due_dates` says.
    """
    ensure_default_template(session)
    published_on = published_day(rnd)
    known = _pairs(session, rnd.previous_round_id) | _pairs_with_checklist(session, rnd.id)
    created = []
    for stay in _stays(session, rnd.id):
        if (stay.person_id, stay.unit.id) in known:
            continue
        checklist = Checklist(
            round_id=rnd.id,
            person_id=stay.person_id,
            unit_id=stay.unit.id,
            starts_on=stay.first_week,
            items=_items_for(session, stay, published_on),
        )
        session.add(checklist)
        session.flush()
        audit.record(
            session,
            user_id=by,
            action="create",
            entity="checklist",
            entity_id=checklist.id,
            after=audit.fields_of(checklist, ("round_id", "person_id", "unit_id", "starts_on"))
            | {"items": len(checklist.items)},
        )
        created.append(checklist)
    return created


def published_day(rnd: AllocationRound) -> dt.date:
    """The local day the round was published (today, for one not yet marked published)."""
    if rnd.published_at is None:
        return dt.date.today()
    return rnd.published_at.astimezone().date()


def _stays(session: Session, round_id: int) -> list[_Stay]:
    """Each (person, receiving unit) pair of a round's assignments, in order of first week."""
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    units: dict[int, Unit] = {}
    without_contact: set[tuple[int, int]] = set()
    rows = session.scalars(
        select(Assignment).where(Assignment.round_id == round_id).order_by(Assignment.week)
    )
    for row in rows:
        unit = row.need.unit
        units[unit.id] = unit
        weeks.setdefault((row.person_id, unit.id), []).append(row.week)
        if row.need.contact_person_id is None:
            without_contact.add((row.person_id, unit.id))
    stays = [
        _Stay(pair[0], units[pair[1]], min(days), max(days), pair not in without_contact)
        for pair, days in weeks.items()
    ]
    return sorted(stays, key=lambda stay: (stay.first_week, stay.person_id, stay.unit.id))


def _pairs(session: Session, round_id: int | None) -> set[tuple[int, int]]:
    if round_id is None:
        return set()
    return {(stay.person_id, stay.unit.id) for stay in _stays(session, round_id)}


def _pairs_with_checklist(session: Session, round_id: int) -> set[tuple[int, int]]:
    rows = session.execute(
        select(Checklist.person_id, Checklist.unit_id).where(Checklist.round_id == round_id)
    )
    return {(person_id, unit_id) for person_id, unit_id in rows}


def templates_for(session: Session, unit: Unit) -> list[ChecklistTemplate]:
    """The default template, then the unit's area's, then the unit's own."""
    default = and_(ChecklistTemplate.area_id.is_(None), ChecklistTemplate.unit_id.is_(None))
    templates = session.scalars(
        select(ChecklistTemplate)
        .where(
            or_(
                default,
                ChecklistTemplate.area_id == unit.area_id,
                ChecklistTemplate.unit_id == unit.id,
            )
        )
        .order_by(ChecklistTemplate.id)
    ).all()
    return sorted(templates, key=lambda t: (t.unit_id is not None, t.area_id is not None, t.id))


def _items_for(session: Session, stay: _Stay, published_on: dt.date) -> list[ChecklistItem]:
    items = []
    for template in templates_for(session, stay.unit):
        for item in template.items:
            if item.skip_if_need_has_contact and stay.contact_named:
                continue  # the need names the contact person already
            dates = due_dates(item, published_on, stay.first_week, stay.last_week)
            items.append(
                ChecklistItem(
                    audience=item.audience,
                    title_da=item.title_da,
                    title_en=item.title_en,
                    due_on=dates.due_on,
                    tickable_from=dates.tickable_from,
                )
            )
    return items


PUBLISHING_GRACE = dt.timedelta(days=2)
"""The least time people get for an item once its round is published."""


class ItemDates(NamedTuple):
    due_on: dt.date
    tickable_from: dt.date | None
    """None: from publishing on."""


def due_dates(
    item: ChecklistTemplateItem | TemplateItem,
    published_on: dt.date,
    first_week: dt.date,
    last_week: dt.date,
) -> ItemDates:
    """When a checklist item is due and from when it can be ticked: the one place that says so.

    Counted `due_day` days from the first Monday, or from the Friday of the last week. A
    round published shortly before (or after) it starts would make such days already past,
    so no item is due before `PUBLISHING_GRACE` after publishing, except that an item due by
    the first day stays due by the first day when the round was published before it (it
    prepares the start). No item is due before the day it can be ticked, nor before the
    day of publishing.
    """
    if item.anchor is DueAnchor.END:
        due_on = last_week + dt.timedelta(days=4 + item.due_day)
    else:
        due_on = first_week + dt.timedelta(days=item.due_day)
    earliest = published_on + PUBLISHING_GRACE
    if due_on <= first_week and published_on < first_week:
        earliest = min(earliest, first_week)
    tickable_from = {
        TickableFrom.PUBLISHING: None,
        TickableFrom.START: first_week,
        TickableFrom.LAST_WEEK: last_week,
    }[item.tickable_from]
    due_on = max(due_on, earliest, tickable_from or earliest)
    return ItemDates(due_on, tickable_from)


def is_overdue(due_on: dt.date, done_at: dt.datetime | None, today: dt.date) -> bool:
    """An open item is overdue from the day after it was due."""
    return done_at is None and due_on < today


def can_tick(tickable_from: dt.date | None, today: dt.date) -> bool:
    return tickable_from is None or tickable_from <= today


# --- who sees and ticks which items --------------------------------------------------

RECEIVING_AUDIENCES = frozenset({Audience.RECEIVING_LEADER, Audience.PERMANENT_STAFF})
"""The receiving leader ticks the permanent staff's items on the team's behalf."""
SENDING_AUDIENCES = frozenset({Audience.SENDING_LEADER})
EMPLOYEE_AUDIENCES = frozenset({Audience.EMPLOYEE})
FOLLOWED_AUDIENCES = EMPLOYEE_AUDIENCES
"""Both leaders follow the lent employee's own items, read only: the receiving leader sees
that the first day is agreed, the sending leader that the deployment goes well."""


class Place(NamedTuple):
    """Where a checklist belongs: one person's deployment to one unit in one round."""

    round_id: int
    person_id: int
    unit_id: int


def audiences_for(actor: Actor, checklist: Checklist, person: Person) -> frozenset[Audience]:
    """The audiences whose items `actor` sees and ticks on this checklist (HR: all)."""
    return _audiences(actor, checklist.unit_id, checklist.person_id, person.home_unit_id)


def followed_audiences_for(
    actor: Actor, checklist: Checklist, person: Person
) -> frozenset[Audience]:
    """The audiences whose items `actor` sees but does not tick: a leader of the receiving or
    the sending unit follows the employee's items."""
    return _followed(actor, checklist.unit_id, checklist.person_id, person.home_unit_id)


def _audiences(
    actor: Actor, unit_id: int, person_id: int, home_unit_id: int
) -> frozenset[Audience]:
    if actor.is_hr:
        return frozenset(Audience)
    audiences: frozenset[Audience] = frozenset()
    if actor.leads(unit_id):
        audiences |= RECEIVING_AUDIENCES
    if actor.leads(home_unit_id):
        audiences |= SENDING_AUDIENCES
    if actor.is_person(person_id):
        audiences |= EMPLOYEE_AUDIENCES
    return audiences


def _followed(actor: Actor, unit_id: int, person_id: int, home_unit_id: int) -> frozenset[Audience]:
    if not (actor.leads(unit_id) or actor.leads(home_unit_id)):
        return frozenset()
    return FOLLOWED_AUDIENCES - _audiences(actor, unit_id, person_id, home_unit_id)


def _checklist_in_reach(actor: Actor) -> ColumnElement[bool]:
    """SQL for `audiences_for(...)` being non-empty (needs `Person` joined)."""
    if actor.is_hr:
        return true()
    return or_(
        Checklist.unit_id.in_(actor.led_unit_ids),
        Person.home_unit_id.in_(actor.led_unit_ids),
        Checklist.person_id == actor.person_id if actor.person_id is not None else false(),
    )


def _item_in_reach(actor: Actor) -> ColumnElement[bool]:
    """SQL for `item.audience in audiences_for(...)` (needs `Checklist` and `Person` joined)."""
    if actor.is_hr:
        return true()
    own = (
        and_(
            Checklist.person_id == actor.person_id,
            ChecklistItem.audience.in_(EMPLOYEE_AUDIENCES),
        )
        if actor.person_id is not None
        else false()
    )
    return or_(
        and_(
            Checklist.unit_id.in_(actor.led_unit_ids),
            ChecklistItem.audience.in_(RECEIVING_AUDIENCES),
        ),
        and_(
            Person.home_unit_id.in_(actor.led_unit_ids),
            ChecklistItem.audience.in_(SENDING_AUDIENCES),
        ),
        own,
    )


def overdue_in_sql(today: dt.date) -> ColumnElement[bool]:
    """`is_overdue` as SQL."""
    return and_(ChecklistItem.done_at.is_(None), ChecklistItem.due_on < today)


# --- reading checklists --------------------------------------------------------------


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
    conditions = [_checklist_in_reach(actor)]
    if round_id is not None:
        conditions.append(Checklist.round_id == round_id)
    if unit_id is not None:
        conditions.append(Checklist.unit_id == unit_id)
    if overdue:
        late = (
            select(ChecklistItem.id)
            .where(
                ChecklistItem.checklist_id == Checklist.id,
                _item_in_reach(actor),
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
    of these apply at each place is still `_audiences` and `_followed`'s to say."""
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
            audiences[place] = (_audiences(actor, *at_place), _followed(actor, *at_place))
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
            _checklists().where(Checklist.id == checklist_id, _checklist_in_reach(actor))
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


# --- ticking -------------------------------------------------------------------------


NOT_YET_TICKABLE = "checklist_item_not_yet_tickable"
"""The 409's code when an item is ticked before the day it opens (an evaluation before the
deployment began)."""


def mark_done(
    session: Session, actor: Actor, item_id: int, *, done: bool, version: int | None
) -> ChecklistView:
    """Tick (or, with `done=False`, untick) one of the caller's items; ticking twice is a no-op.

    Answers the item's checklist as the caller sees it.
    """
    item = _item_of(session, actor, item_id)
    check_version(f"checklist item {item_id}", item.version, version)
    if done and item.done_at is None and not can_tick(item.tickable_from, dt.date.today()):
        raise Conflict(
            f"checklist item {item_id}: can be ticked from {item.tickable_from}, not before",
            code=NOT_YET_TICKABLE,
        )
    if (item.done_at is not None) != done:
        before = audit.fields_of(item, ("done_at", "done_by_id"))
        item.done_at = dt.datetime.now(dt.UTC) if done else None
        item.done_by_id = actor.user_id if done else None
        session.flush()
        audit.record(
            session,
            user_id=actor.user_id,
            action="tick" if done else "untick",
            entity="checklist_item",
            entity_id=item.id,
            before=before,
            after=audit.fields_of(item, ("done_at", "done_by_id")),
        )
    return get_checklist(session, actor, item.checklist_id)


def _item_of(session: Session, actor: Actor, item_id: int) -> ChecklistItem:
    """The item, if it is for one of the caller's audiences."""
    item = session.scalar(
        select(ChecklistItem)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .join(Person, Person.id == Checklist.person_id)
        .where(ChecklistItem.id == item_id, _item_in_reach(actor))
    )
    if item is None:
        raise NotFound(f"checklist item {item_id}: not found")
    return item


# --- overdue items -------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    item: ChecklistItem
    checklist: Checklist
    person: Person
    unit: Unit
    days_overdue: int


def overdue_items(
    session: Session, actor: Actor, paging: LimitOffset, *, today: dt.date | None = None
) -> tuple[list[OverdueItem], int]:
    """Open items of the caller's audiences past their due date, the most overdue first."""
    today = today or dt.date.today()
    query = (
        select(ChecklistItem, Checklist, Person, Unit)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .join(Person, Person.id == Checklist.person_id)
        .join(Unit, Unit.id == Checklist.unit_id)
        .where(_item_in_reach(actor), overdue_in_sql(today))
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(ChecklistItem.due_on, ChecklistItem.id)
        .limit(paging.limit)
        .offset(paging.offset)
    ).tuples()
    return [
        OverdueItem(item, checklist, person, unit, (today - item.due_on).days)
        for item, checklist, person, unit in rows
    ], total


# --- templates (HR) ------------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "area_id", "unit_id")
ITEM_FIELDS = (
    "audience",
    "title_da",
    "title_en",
    "due_day",
    "anchor",
    "tickable_from",
    "skip_if_need_has_contact",
    "position",
)


class TemplateService(SQLAlchemySyncRepositoryService[ChecklistTemplate]):
    class Repository(SQLAlchemySyncRepository[ChecklistTemplate]):
        model_type = ChecklistTemplate

    repository_type = Repository


def is_default(template: ChecklistTemplate) -> bool:
    return template.area_id is None and template.unit_id is None


def list_templates(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    area_id: int | None = None,
    unit_id: int | None = None,
) -> tuple[list[ChecklistTemplate], int]:
    """The templates in order of creation: the default (seeded with the app) first."""
    actor.require(actor.is_hr, "checklist templates")
    conditions = [
        column == value
        for column, value in (
            (ChecklistTemplate.area_id, area_id),
            (ChecklistTemplate.unit_id, unit_id),
        )
        if value is not None
    ]
    rows, total = TemplateService(session=session).get_many_and_count(
        paging, *conditions, order_by=ChecklistTemplate.id.asc()
    )
    return list(rows), total


def get_template(session: Session, actor: Actor, template_id: int) -> ChecklistTemplate:
    actor.require(actor.is_hr, f"checklist template {template_id}")
    template = session.get(ChecklistTemplate, template_id)
    if template is None:
        raise NotFound(f"checklist template {template_id}: not found")
    return template


def create_template(
    session: Session,
    actor: Actor,
    *,
    name: str,
    area_id: int | None = None,
    unit_id: int | None = None,
) -> ChecklistTemplate:
    """A template adding items for one area's units or for one unit."""
    actor.require(actor.is_hr, "checklist templates")
    template = ChecklistTemplate(name=_text("name", name), area_id=area_id, unit_id=unit_id)
    _check_scope(session, template)
    session.add(template)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity="checklist_template",
        entity_id=template.id,
        after=audit.fields_of(template, TEMPLATE_FIELDS),
    )
    return template


def update_template(
    session: Session,
    actor: Actor,
    template_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None,
) -> ChecklistTemplate:
    """Rename a template or move it to another area or unit; the default stays for every unit."""
    template = get_template(session, actor, template_id)
    check_version(f"checklist template {template_id}", template.version, version)
    was_default = is_default(template)
    before = audit.fields_of(template, TEMPLATE_FIELDS)
    for name in TEMPLATE_FIELDS:
        if name in changes:
            setattr(template, name, changes[name])
    template.name = _text("name", template.name)
    if was_default and not is_default(template):
        raise InvalidInput(
            "area_id" if template.area_id is not None else "unit_id",
            "the default template is for every unit; add an area or unit template instead",
        )
    if not was_default:
        _check_scope(session, template)
    _record_change(session, actor, "checklist_template", template, before, TEMPLATE_FIELDS)
    return template


def delete_template(session: Session, actor: Actor, template_id: int) -> None:
    """Remove an area or unit template; checklists already created keep their items."""
    template = get_template(session, actor, template_id)
    if is_default(template):
        raise Conflict(
            f"checklist template {template_id}: is the default template; edit its items instead"
        )
    before = audit.fields_of(template, TEMPLATE_FIELDS) | {"items": len(template.items)}
    session.delete(template)
    audit.record(
        session,
        user_id=actor.user_id,
        action="delete",
        entity="checklist_template",
        entity_id=template_id,
        before=before,
    )


def add_template_item(
    session: Session,
    actor: Actor,
    template_id: int,
    *,
    audience: Audience,
    title_da: str,
    title_en: str,
    due_day: int = 0,
    anchor: DueAnchor = DueAnchor.START,
    tickable_from: TickableFrom = TickableFrom.PUBLISHING,
    skip_if_need_has_contact: bool = False,
    position: int | None = None,
    version: int | None = None,
) -> ChecklistTemplateItem:
    """An item at `position`, or after the template's last item.

    With the template's `version` (the pages send it), a stale copy answers 409 and the
    change moves the template's version."""
    template = get_template(session, actor, template_id)
    check_version(f"checklist template {template_id}", template.version, version)
    item = ChecklistTemplateItem(
        template_id=template.id,
        audience=audience,
        title_da=title_da,
        title_en=title_en,
        due_day=due_day,
        anchor=anchor,
        tickable_from=tickable_from,
        skip_if_need_has_contact=skip_if_need_has_contact,
        position=_next_position(template) if position is None else position,
    )
    _check_item(item)
    template.items.append(item)
    _items_changed(template, version)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity="checklist_template_item",
        entity_id=item.id,
        after={"template_id": template.id} | audit.fields_of(item, ITEM_FIELDS),
    )
    return item


def update_template_item(
    session: Session,
    actor: Actor,
    template_id: int,
    item_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None = None,
) -> ChecklistTemplateItem:
    """Change an item; `version` is the template's, as for `add_template_item`."""
    item = _template_item(session, actor, template_id, item_id, version)
    before = audit.fields_of(item, ITEM_FIELDS)
    for name in ITEM_FIELDS:
        if name in changes:
            setattr(item, name, changes[name])
    _check_item(item)
    if audit.changed(before, audit.fields_of(item, ITEM_FIELDS))[1]:
        _items_changed(get_template(session, actor, template_id), version)
    _record_change(session, actor, "checklist_template_item", item, before, ITEM_FIELDS)
    return item


def delete_template_item(
    session: Session, actor: Actor, template_id: int, item_id: int, *, version: int | None = None
) -> None:
    """Remove an item; `version` is the template's, as for `add_template_item`."""
    item = _template_item(session, actor, template_id, item_id, version)
    before = audit.fields_of(item, ITEM_FIELDS)
    _items_changed(get_template(session, actor, template_id), version)
    session.delete(item)
    audit.record(
        session,
        user_id=actor.user_id,
        action="delete",
        entity="checklist_template_item",
        entity_id=item_id,
        before={"template_id": template_id} | before,
    )


def move_template_item(
    session: Session, actor: Actor, template_id: int, item_id: int, *, by: int, version: int
) -> ChecklistTemplateItem:
    """Move an item `by` places (-1: one up) in its template's order, stopping at either
    end; the items are then numbered 0, 1, 2, … so each position is unique."""
    item = _template_item(session, actor, template_id, item_id, version)
    template = get_template(session, actor, template_id)
    ordered = sorted(template.items, key=lambda row: (row.position, row.id))
    old_position, old_index = item.position, ordered.index(item)
    new_index = max(0, min(len(ordered) - 1, old_index + by))
    ordered.insert(new_index, ordered.pop(old_index))
    if all(row.position == index for index, row in enumerate(ordered)):
        return item
    for index, row in enumerate(ordered):
        row.position = index
    _items_changed(template, version)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="move",
        entity="checklist_template_item",
        entity_id=item.id,
        before={"template_id": template_id, "position": old_position},
        after={"template_id": template_id, "position": new_index},
    )
    return item


def _items_changed(template: ChecklistTemplate, version: int | None) -> None:
    """A change of the items is a change of the template for the pages, which send its
    version: move it, so a page open elsewhere learns of the change (409)."""
    if version is not None:
        template.updated_at = dt.datetime.now(dt.UTC)


def _template_item(
    session: Session, actor: Actor, template_id: int, item_id: int, version: int | None = None
) -> ChecklistTemplateItem:
    actor.require(actor.is_hr, f"checklist template {template_id}")
    item = session.scalar(
        select(ChecklistTemplateItem).where(
            ChecklistTemplateItem.id == item_id, ChecklistTemplateItem.template_id == template_id
        )
    )
    if item is None:
        raise NotFound(f"checklist template {template_id}: item {item_id}: not found")
    if version is not None:
        template = get_template(session, actor, template_id)
        check_version(f"checklist template {template_id}", template.version, version)
    return item


def _next_position(template: ChecklistTemplate) -> int:
    return max((item.position for item in template.items), default=-1) + 1


def _check_scope(session: Session, template: ChecklistTemplate) -> None:
    """An added template is for exactly one area or one unit, and that one exists."""
    if template.area_id is not None and template.unit_id is not None:
        raise InvalidInput("unit_id", "give an area or a unit, not both")
    if template.area_id is None and template.unit_id is None:
        raise InvalidInput(
            "area_id", "give an area or a unit; the default template already covers every unit"
        )
    if template.area_id is not None and session.get(Area, template.area_id) is None:
        raise InvalidInput("area_id", f"no area {template.area_id}")
    if template.unit_id is not None and session.get(Unit, template.unit_id) is None:
        raise InvalidInput("unit_id", f"no unit {template.unit_id}")


def _check_item(item: ChecklistTemplateItem) -> None:
    item.title_da = _text("title_da", item.title_da, texts.Title)
    item.title_en = _text("title_en", item.title_en, texts.Title)
    if not MIN_DUE_DAY <= item.due_day <= MAX_DUE_DAY:  # the bound of `DueDay`, in days
        raise InvalidInput(
            "due_day", f"must be {MIN_DUE_DAY}–{MAX_DUE_DAY} days, got {item.due_day}"
        )
    check("position", Position, item.position)


def _text(field: str, value: str | None, kind: Any = texts.Name) -> str:
    value = texts.clean(field, kind, value or "")
    if not value:
        raise InvalidInput(field, "must not be empty")
    return value


def _record_change(
    session: Session,
    actor: Actor,
    entity: str,
    row: ChecklistTemplate | ChecklistTemplateItem,
    before: dict[str, Any],
    names: tuple[str, ...],
) -> None:
    """Flush the change (bumping the version) and audit the fields that differ, if any."""
    old, new = audit.changed(before, audit.fields_of(row, names))
    if not new:
        return
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="update",
        entity=entity,
        entity_id=row.id,
        before=old,
        after=new,
    )
