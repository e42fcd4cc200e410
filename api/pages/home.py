"""The home page: each role sees its own part at once, and ticks its checklist items here.

Staff see their assignments and their own checklist items; unit leaders their units' soonest
needs and the people soonest coming to and lent out from those units, one line each with how
far the checklists are, and tick their items on `/deployments`; HR a dashboard.
A person with several roles sees each part. The page reads jobbank's services with the
caller's `Actor`, so it shows exactly what the API would show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from advanced_alchemy.filters import LimitOffset
from litestar import Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest, HTMXTemplate
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB
from api.pages.calendar import feed_section
from api.pages.plan_changes import changes_part
from api.pages.pulse import front_part
from api.pages.rendering import rendered
from jobbank import checklists
from jobbank.assignments import (
    ContactInfo,
    Deployment,
    Direction,
    ended_at_led_units,
    ended_deployments,
    list_deployments,
    work_days_of_people,
)
from jobbank.checklists import ItemLine, Place, PlaceItems
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.db.models import ChecklistItem, NeedStatus
from jobbank.deployments.answers import unconfirmed
from jobbank.deployments.views import answers_of, own_deployments
from jobbank.deployments.worked import waiting_for, weeks_to_enter
from jobbank.needs import list_needs, needs_of_led_units
from jobbank.organisation import led_units
from jobbank.rounds import find_rounds
from jobbank.volunteers import volunteer_counts
from solver.contract import WorkDay

FIRST_PAGE = LimitOffset(limit=100, offset=0)
"""Home shows the first hundred of each list; longer lists belong on their own pages."""
SOONEST = LimitOffset(limit=10, offset=0)
"""A leader's home lists the ten soonest needs and deployments each way, a line each, and
links to all of them: cards with their checklists made a big unit's home 150 kB that took
40 ms to build, a tail every request behind it waited for."""
PER_PAGE = 20
"""Deployments on each page of `/deployments/{direction}`."""
COUNT_ONLY = LimitOffset(limit=1, offset=0)
NO_ITEMS = PlaceItems()


# --- what the template shows -----------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    id: int
    title_da: str
    title_en: str
    due_on: dt.date
    done: bool
    overdue: bool
    version: int
    tickable_from: dt.date | None = None
    tickable: bool = True
    """False until `tickable_from`: the page offers no tick yet and says from when."""

    @classmethod
    def of(cls, item: ChecklistItem | ItemLine, today: dt.date) -> ItemRow:
        return cls(
            id=item.id,
            title_da=item.title_da,
            title_en=item.title_en,
            due_on=item.due_on,
            done=item.done_at is not None,
            overdue=checklists.is_overdue(item.due_on, item.done_at, today),
            version=item.version,
            tickable_from=item.tickable_from,
            tickable=checklists.can_tick(item.tickable_from, today),
        )


@dataclass(frozen=True)
class DeploymentRow:
    """One person at one need: where, when, how much, whom to call, and the checklist."""

    person: str
    home_unit: str
    unit: str
    address: str
    phone: str
    skill_da: str
    skill_en: str
    description: str
    weeks: list[tuple[dt.date, float]]
    total_hours: float
    contacts: list[ContactInfo]
    items: list[ItemRow] = field(default_factory=list)
    followed: list[ItemRow] = field(default_factory=list)
    """The employee's items a leader follows, read only."""
    assignment_id: int | None = None
    """Names the deployment in its calendar download (`/api/assignments/{id}.ics`)."""
    deployment_id: int | None = None
    """The person's deployment to the unit (`/deployment/{id}`), with their `answer`."""
    answer: str | None = None
    days: dict[dt.date, tuple[WorkDay, ...]] = field(default_factory=dict)
    """The days of each week the plan has put on days (a need with shift times)."""
    learner: bool = False
    """The person is there to learn the skill, beside someone who has it."""

    @property
    def anchor(self) -> str:
        return card_anchor(self.assignment_id)


def _with_items(
    db: Session, actor: Actor, deployments: list[Deployment]
) -> list[tuple[Deployment, PlaceItems]]:
    """Each deployment with the caller's items of the checklist of that person at that unit,
    and the items the caller follows there (read in one statement for them all)."""
    places = [Place(d.round.id, d.person.id, d.need.unit_id) for d in deployments]
    items = checklists.items_at(db, actor, places)
    return [(d, items.get(place, NO_ITEMS)) for d, place in zip(deployments, places, strict=True)]


def _deployment_rows(
    db: Session, actor: Actor, deployments: list[Deployment], today: dt.date
) -> list[DeploymentRow]:
    rows = []
    answered = answers_of(db, [(d.round.id, d.person.id, d.need.unit_id) for d in deployments])
    days = work_days_of_people(db, {d.person.id for d in deployments})
    for deployment, at in _with_items(db, actor, deployments):
        need, person = deployment.need, deployment.person
        row = answered.get((deployment.round.id, person.id, need.unit_id))
        rows.append(
            DeploymentRow(
                person=person.name,
                home_unit=person.home_unit.name,
                unit=need.unit.name,
                address=need.unit.address,
                phone=need.unit.phone,
                skill_da=need.skill.label_da,
                skill_en=need.skill.label_en,
                description=need.description,
                weeks=deployment.weeks,
                total_hours=deployment.total_hours,
                contacts=deployment.contacts,
                assignment_id=deployment.assignment_id,
                deployment_id=row.id if row else None,
                answer=row.answer.value if row and row.answer else None,
                items=[ItemRow.of(item, today) for item in at.items],
                followed=[ItemRow.of(item, today) for item in at.followed],
                days={
                    week: days[key]
                    for week, _ in deployment.weeks
                    if (key := (deployment.round.id, person.id, need.id, week)) in days
                },
                learner=deployment.learner,
            )
        )
    return rows


@dataclass(frozen=True)
class Progress:
    """How far a list of checklist items is."""

    done: int
    total: int
    overdue: int

    @classmethod
    def of(cls, items: list[ItemLine], today: dt.date) -> Progress:
        rows = [ItemRow.of(item, today) for item in items]
        done, overdue = sum(row.done for row in rows), sum(row.overdue for row in rows)
        return cls(done=done, total=len(rows), overdue=overdue)


@dataclass(frozen=True)
class DeploymentLine:
    """One deployment as a leader's home lists it; its card is `anchor` on `/deployments`."""

    person: str
    home_unit: str
    unit: str
    first_week: dt.date
    last_week: dt.date
    total_hours: float
    anchor: str
    mine: Progress
    """The caller's own items of its checklist."""
    followed: Progress
    """The employee's items, which the caller follows."""


def _deployment_lines(
    db: Session, actor: Actor, deployments: list[Deployment], today: dt.date
) -> list[DeploymentLine]:
    lines = []
    for deployment, at in _with_items(db, actor, deployments):
        lines.append(
            DeploymentLine(
                person=deployment.person.name,
                home_unit=deployment.person.home_unit.name,
                unit=deployment.need.unit.name,
                first_week=deployment.weeks[0][0],
                last_week=deployment.weeks[-1][0],
                total_hours=deployment.total_hours,
                anchor=card_anchor(deployment.assignment_id),
                mine=Progress.of(at.items, today),
                followed=Progress.of(at.followed, today),
            )
        )
    return lines


def card_anchor(assignment_id: int | None) -> str:
    """The id of a deployment's card on the page that shows it."""
    return f"deployment-{assignment_id}"


# --- each role's part --------------------------------------------------------------------


def staff_part(db: Session, actor: Actor) -> dict[str, Any]:
    deployments, _ = list_deployments(db, actor, FIRST_PAGE, person_id=actor.person_id)
    return {
        "assignments": _deployment_rows(db, actor, deployments, dt.date.today()),
        "ended": ended_deployments(db, actor),
        "calendar": feed_section(db, actor),
        "hours_to_enter": weeks_to_enter(db, actor),
        "mine": own_deployments(db, actor),
    }


def leader_part(db: Session, actor: Actor) -> dict[str, Any]:
    today = dt.date.today()
    incoming, incoming_total = list_deployments(db, actor, SOONEST, direction=Direction.INCOMING)
    outgoing, outgoing_total = list_deployments(db, actor, SOONEST, direction=Direction.OUTGOING)
    needs, needs_total = needs_of_led_units(db, actor, SOONEST.limit)
    return {
        "units": led_units(db, actor),
        "needs": needs,
        "needs_total": needs_total,
        "incoming": _deployment_lines(db, actor, incoming, today),
        "incoming_total": incoming_total,
        "outgoing": _deployment_lines(db, actor, outgoing, today),
        "outgoing_total": outgoing_total,
        "hours_waiting": waiting_for(db, actor),
    }


def hr_part(db: Session, actor: Actor) -> dict[str, Any]:
    overdue, overdue_total = checklists.overdue_items(db, actor, LimitOffset(limit=10, offset=0))
    return {
        "volunteers": volunteer_counts(db, actor),
        "open_needs": list_needs(db, actor, COUNT_ONLY, status=NeedStatus.OPEN)[1],
        "rounds": find_rounds(db, actor, COUNT_ONLY)[1],
        "overdue_total": overdue_total,
        "unconfirmed": unconfirmed(db, actor),
        "overdue": [
            {
                "person": late.person.name,
                "unit": late.unit.name,
                "item": ItemRow.of(late.item, dt.date.today()),
                "days": late.days_overdue,
            }
            for late in overdue
        ],
    }


# --- handlers ------------------------------------------------------------------------------


@get("/", sync_to_thread=True)
def home(db_session: DB, request: HTMXRequest) -> Response[bytes]:
    """Your part of the job bank: one section per role you hold."""
    actor = current_actor(request)
    context: dict[str, Any] = {"actor": actor, "changes": changes_part(db_session, actor)}
    context["pulse"] = front_part(db_session, actor)
    if actor.is_hr:
        context["hr"] = hr_part(db_session, actor)
    if actor.is_leader:
        context["leader"] = leader_part(db_session, actor)
    if actor.is_staff:
        context["staff"] = staff_part(db_session, actor)
    return rendered(request, Template("home.html", context=context))


@get("/deployments/{direction:str}", sync_to_thread=True)
def deployments_page(
    db_session: DB, request: HTMXRequest, direction: FromPath[Direction], page: FromQuery[int] = 1
) -> Response[bytes]:
    """Everyone coming to the units you lead (`incoming`) or lent out from them (`outgoing`),
    soonest first, twenty a page, each with the checklist items you tick or follow; the
    first page also lists the deployments a change to the plan ended."""
    actor = current_actor(request)
    if not actor.is_leader:
        raise NotFound("deployments: not found")
    page = max(page, 1)
    paging = LimitOffset(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    shown, total = list_deployments(db_session, actor, paging, direction=direction)
    last_page = max(1, -(-total // PER_PAGE))
    path = f"/deployments/{direction.value}"
    page_of_cards = Template(
        "deployments.html",
        context={
            "actor": actor,
            "direction": direction.value,
            "rows": _deployment_rows(db_session, actor, shown, dt.date.today()),
            "ended": ended_at_led_units(db_session, actor, direction) if page == 1 else [],
            "total": total,
            "page": page,
            "last_page": last_page,
            "previous": f"{path}?page={page - 1}" if page > 1 else None,
            "next": f"{path}?page={page + 1}" if page < last_page else None,
        },
    )
    return rendered(request, page_of_cards)


class TickForm(BaseModel):
    done: bool
    version: int | None = None


@post("/checklist-items/{item_id:int}", sync_to_thread=True, status_code=200)
def tick_item(
    db_session: DB, item_id: FromPath[int], data: URLEncodedBody[TickForm], request: HTMXRequest
) -> Template | Redirect:
    """Tick or untick one of your checklist items; HTMX gets the item back, others go home."""
    view = checklists.mark_done(
        db_session, current_actor(request), item_id, done=data.done, version=data.version
    )
    if not request.htmx:
        return Redirect("/", status_code=303)
    item = next(item for item in view.items if item.id == item_id)
    return HTMXTemplate(
        template_name="partials/checklist_item.html",
        context={"item": ItemRow.of(item, dt.date.today())},
    )
