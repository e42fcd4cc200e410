"""Reading needs: HR every need, a unit leader those of the units they lead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.core.weeks import require_monday
from jobbank.db.models import Need, NeedStatus, Skill, Unit

ENTITY = "need"


def hours_in(need: Need, week: dt.date) -> float:
    """Hours wanted in `week`: 0 outside the need's span, else the week's value or the default."""
    if not need.first_week <= week <= need.last_week:
        return 0.0
    override = next((row for row in need.weeks if row.week == week), None)
    return override.hours if override is not None else need.hours


class NeedService(SQLAlchemySyncRepositoryService[Need]):
    class Repository(SQLAlchemySyncRepository[Need]):
        model_type = Need

    repository_type = Repository


def list_needs(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    unit_id: int | None = None,
    status: NeedStatus | None = None,
    skill: str | None = None,
    week: dt.date | None = None,
) -> tuple[Sequence[Need], int]:
    """HR: every need; a unit leader: the needs of the units they lead. Earliest first."""
    actor.require(actor.is_hr or actor.is_leader, "needs")
    filters: list[StatementFilter | ColumnElement[bool]] = [paging]
    if not actor.is_hr:
        filters.append(Need.unit_id.in_(actor.led_unit_ids))
    if unit_id is not None:
        filters.append(Need.unit_id == unit_id)
    if status is not None:
        filters.append(Need.status == status)
    if skill is not None:
        filters.append(Need.skill.has(Skill.code == skill))
    if week is not None:
        require_monday("week", week)
        filters += [Need.first_week <= week, Need.last_week >= week]
    return NeedService(session=session).get_many_and_count(
        *filters, order_by=[Need.first_week.asc(), Need.id.asc()]
    )


@dataclass(frozen=True)
class NeedLine:
    """A need as an overview lists it, read as plain columns."""

    ref: str
    unit: str
    skill_da: str
    skill_en: str
    hours: float
    first_week: dt.date
    last_week: dt.date
    priority: int
    status: NeedStatus


NEEDS_OF_UNITS = (
    select(
        Need.ref,
        Unit.name,
        Skill.label_da,
        Skill.label_en,
        Need.hours,
        Need.first_week,
        Need.last_week,
        Need.priority,
        Need.status,
        func.count().over().label("total"),
    )
    .join(Unit, Unit.id == Need.unit_id)
    .join(Skill, Skill.id == Need.skill_id)
    .where(Need.unit_id.in_(bindparam("units", expanding=True)))
    .order_by(Need.first_week, Need.id)
    .limit(bindparam("limit"))
)
"""Built once: a leader's home page runs it on every view."""


def needs_of_led_units(session: Session, actor: Actor, limit: int) -> tuple[list[NeedLine], int]:
    """The first `limit` needs of the units the caller leads, earliest first, and how many
    there are, for overviews (loading them as entities with their unit, skill, contact and
    weeks cost a leader's home page a quarter of its time)."""
    if not (actor.is_leader and actor.led_unit_ids):
        return [], 0
    values = {"units": sorted(actor.led_unit_ids), "limit": limit}
    rows = session.execute(NEEDS_OF_UNITS, values).all()
    return [NeedLine(*row[:-1]) for row in rows], rows[0].total if rows else 0


def get_need(session: Session, actor: Actor, need_id: int) -> Need:
    """A need of a unit the caller leads (any need for HR)."""
    need = session.get(Need, need_id)
    if need is None or not reaches(actor, need.unit_id):
        raise NotFound(f"need {need_id}: not found")
    return need


def reaches(actor: Actor, unit_id: int) -> bool:
    return actor.is_hr or actor.leads(unit_id)


def unit_within_reach(session: Session, actor: Actor, unit_id: int) -> Unit:
    """A unit the caller leads (any unit for HR), else not found."""
    unit = session.get(Unit, unit_id)
    if unit is None or not reaches(actor, unit.id):
        raise NotFound(f"unit {unit_id}: not found")
    return unit
