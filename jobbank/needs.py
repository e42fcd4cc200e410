"""Needs posted by units under pressure: hours per week over a span of weeks.

A unit leader posts, edits, closes and reopens the needs of the units they lead; HR
coordinators reach every need. Closing a need takes it out of future rounds (a round
snapshots open needs only); assignments already published stay as they are.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, bindparam, func, select, update
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Conflict, InvalidInput, NotFound, Problems, check_version
from jobbank.core.texts import Code, Description, clean
from jobbank.core.weeks import require_monday
from jobbank.db.models import Need, NeedStatus, NeedWeek, Person, Skill, Unit, unit_leader
from solver.bounds import BlockHours, Day, NeedHours, Priority, RowId, Version
from solver.bounds import WeekHours as WeekHours_
from solver.contract import DEFAULT_MIN_BLOCK, Shift

ENTITY = "need"


def hours_in(need: Need, week: dt.date) -> float:
    """Hours wanted in `week`: 0 outside the need's span, else the week's value or the default."""
    if not need.first_week <= week <= need.last_week:
        return 0.0
    override = next((row for row in need.weeks if row.week == week), None)
    return override.hours if override is not None else need.hours


# --- what leaders send -------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeekHours(_Body):
    week: Day = Field(description="The Monday of the week.")
    hours: WeekHours_ = Field(description="Hours wanted that week, 0–168 in half hours.")


class NeedDraft(_Body):
    """A new need for a unit the poster leads."""

    unit_id: RowId
    skill: Code = Field(description="Skill code, e.g. `nurse`.")
    hours: NeedHours = Field(
        description="Hours wanted each week, more than 0, at most 168, in half hours."
    )
    weeks: list[WeekHours] = Field(
        default_factory=list, description="Weeks wanting other hours than `hours`."
    )
    first_week: Day = Field(description="Monday of the first week.")
    last_week: Day = Field(description="Monday of the last week (inclusive).")
    shift: Shift = Shift.DAY
    priority: Priority = Field(3, description="1 (low) … 5 (critical).")
    exposed: bool = Field(False, description="Exposed to infection: never for risk groups.")
    min_block: BlockHours = Field(
        DEFAULT_MIN_BLOCK, description="Fewest hours one person takes, more than 0, at most 48."
    )
    description: Description = Field("", description="The concrete tasks the lent person will do.")
    contact_person_id: RowId | None = Field(
        None, description="Who meets the lent person: someone working at or leading the unit."
    )


class NeedPatch(_Body):
    """A change of a need; fields left out stay as they are (`contact_person_id: null` clears)."""

    skill: Code | None = None
    hours: NeedHours | None = None
    weeks: list[WeekHours] | None = Field(None, description="Replaces all week overrides.")
    first_week: Day | None = Field(None, description="Monday of the first week.")
    last_week: Day | None = Field(None, description="Monday of the last week (inclusive).")
    shift: Shift | None = None
    priority: Priority | None = None
    exposed: bool | None = None
    min_block: BlockHours | None = None
    description: Description | None = None
    contact_person_id: RowId | None = None
    version: Version


# --- reading -----------------------------------------------------------------------------


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
    if need is None or not _reaches(actor, need.unit_id):
        raise NotFound(f"need {need_id}: not found")
    return need


def _reaches(actor: Actor, unit_id: int) -> bool:
    return actor.is_hr or actor.leads(unit_id)


# --- changing ----------------------------------------------------------------------------


def post_need(session: Session, actor: Actor, draft: NeedDraft) -> Need:
    """A new open need; its reference is `n` and its id (`n17`)."""
    unit = _unit(session, actor, draft.unit_id)
    problems = Problems()  # every wrong field is told at once
    need = Need(
        ref=f"new-{uuid.uuid4().hex}",
        unit=unit,
        skill=problems.check(_skill, session, draft.skill),
        hours=problems.check(check, "hours", NeedHours, draft.hours),
        first_week=problems.check(require_monday, "first_week", draft.first_week),
        last_week=problems.check(require_monday, "last_week", draft.last_week),
        shift=draft.shift,
        priority=problems.check(_priority, draft.priority),
        exposed=draft.exposed,
        min_block=problems.check(_min_block, draft.min_block),
        description=problems.check(clean, "description", Description, draft.description),
        status=NeedStatus.OPEN,
        created_by_id=actor.user_id,
    )
    _check_weeks(problems, need, draft.weeks)
    need.contact_person = problems.check(_contact, session, unit, draft.contact_person_id)
    problems.refuse()
    session.add(need)
    session.flush()
    _name(session, need)
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity=ENTITY,
        entity_id=need.id,
        after=_audited(need),
    )
    return need


def edit_need(session: Session, actor: Actor, need_id: int, patch: NeedPatch) -> Need:
    """Change a need's fields; the result must still be a valid need as a whole."""
    need = get_need(session, actor, need_id)
    check_version(f"need {need.ref}", need.version, patch.version)
    before = _audited(need)
    with session.no_autoflush:  # one UPDATE, one new version
        _apply(session, need, patch)
    return _saved(session, actor, need, "update", before)


def _apply(session: Session, need: Need, patch: NeedPatch) -> None:
    """Apply the patch; every wrong field is refused at once (`InvalidFields`)."""
    problems = Problems()
    if patch.skill is not None:
        problems.put(need, "skill", _skill, session, patch.skill)
    if patch.hours is not None:
        problems.put(need, "hours", check, "hours", NeedHours, patch.hours)
    if patch.first_week is not None:
        problems.put(need, "first_week", require_monday, "first_week", patch.first_week)
    if patch.last_week is not None:
        problems.put(need, "last_week", require_monday, "last_week", patch.last_week)
    if patch.shift is not None:
        need.shift = patch.shift
    if patch.priority is not None:
        problems.put(need, "priority", _priority, patch.priority)
    if patch.exposed is not None:
        need.exposed = patch.exposed
    if patch.min_block is not None:
        problems.put(need, "min_block", _min_block, patch.min_block)
    if patch.description is not None:
        problems.put(need, "description", clean, "description", Description, patch.description)
    if "contact_person_id" in patch.model_fields_set:
        found = problems.check(_contact, session, need.unit, patch.contact_person_id)
        if not problems.at("contact_person_id"):
            need.contact_person = found
    _check_weeks(problems, need, patch.weeks)
    problems.refuse()


def _check_weeks(problems: Problems, need: Need, weeks: Sequence[WeekHours] | None) -> None:
    """The span, then the week overrides inside it (only once the span itself is right);
    without `weeks` a shorter span drops the overrides it no longer covers."""
    if problems.at("first_week", "last_week") or None in (need.first_week, need.last_week):
        return  # a span not known or not right is told already
    problems.check(_check_span, need)
    if problems.at("last_week"):
        return
    if weeks is None:
        need.weeks = [row for row in need.weeks if need.first_week <= row.week <= need.last_week]
        return
    rows = problems.check(_week_rows, weeks, need)
    if rows is not None:
        need.weeks = rows


def check_new_need(session: Session, actor: Actor, unit_id: int, fields: NeedPatch) -> None:
    """Refuse at once every wrong field among those given of a need not posted yet (a form
    whose other fields could not even be read); nothing is kept."""
    unit = _unit(session, actor, unit_id)
    with session.no_autoflush:
        _apply(session, Need(unit=unit, weeks=[]), fields)


def close_need(session: Session, actor: Actor, need_id: int, version: int) -> Need:
    """Close an open need: it drops out of future rounds."""
    return _set_status(session, actor, need_id, version, NeedStatus.CLOSED)


def reopen_need(session: Session, actor: Actor, need_id: int, version: int) -> Need:
    """Open a closed need again: future rounds plan it."""
    return _set_status(session, actor, need_id, version, NeedStatus.OPEN)


def _set_status(
    session: Session, actor: Actor, need_id: int, version: int, status: NeedStatus
) -> Need:
    need = get_need(session, actor, need_id)
    check_version(f"need {need.ref}", need.version, version)
    if need.status is status:
        raise Conflict(
            f"need {need.ref}: is already {status.value}",
            code="already_so",
            params={"status": status.value},
        )
    before = _audited(need)
    need.status = status
    action = "close" if status is NeedStatus.CLOSED else "reopen"
    return _saved(session, actor, need, action, before)


def _unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or not _reaches(actor, unit.id):
        raise NotFound(f"unit {unit_id}: not found")
    return unit


def _name(session: Session, need: Need) -> None:
    """Give a new need its reference `n<id>` (with a suffix should a loaded fixture hold it).

    Written past the ORM so that a new need starts at version 1.
    """
    ref, suffix = f"n{need.id}", 1
    while session.scalar(select(Need.id).where(Need.ref == ref)) is not None:
        suffix += 1
        ref = f"n{need.id}-{suffix}"
    session.execute(update(Need).where(Need.id == need.id).values(ref=ref))


def _skill(session: Session, code: str) -> Skill:
    skill = session.scalar(select(Skill).where(Skill.code == code))
    if skill is None:
        raise InvalidInput(
            "skill", f"unknown skill {code!r}", code="unknown_skill", params={"skill": code}
        )
    return skill


def _priority(priority: int) -> int:
    return check("priority", Priority, priority)


def _min_block(hours: float) -> float:
    return check("min_block", BlockHours, hours)


def _check_span(need: Need) -> None:
    if need.last_week < need.first_week:
        raise InvalidInput(
            "last_week",
            f"{need.last_week.isoformat()} is before first_week {need.first_week.isoformat()}",
            code="ends_before_start",
        )


def _week_rows(weeks: Sequence[WeekHours], need: Need) -> list[NeedWeek]:
    """Week overrides, each a Monday inside the need's span, listed once, in half hours."""
    seen: set[dt.date] = set()
    for index, wanted in enumerate(weeks):
        field, week = f"weeks[{index}]", wanted.week
        require_monday(f"{field}.week", week)
        if not need.first_week <= week <= need.last_week:
            raise InvalidInput(
                f"{field}.week",
                f"{week.isoformat()} is outside the need's weeks "
                f"{need.first_week.isoformat()}–{need.last_week.isoformat()}",
                code="outside_span",
                params={"first": need.first_week.isoformat(), "last": need.last_week.isoformat()},
            )
        if week in seen:
            raise InvalidInput(
                f"{field}.week", f"{week.isoformat()} is listed twice", code="listed_twice"
            )
        seen.add(week)
        check(f"{field}.hours", WeekHours_, wanted.hours)
    existing = {row.week: row for row in need.weeks}
    kept = [existing.get(wanted.week) or NeedWeek(week=wanted.week) for wanted in weeks]
    for row, wanted in zip(kept, weeks, strict=True):
        row.hours = wanted.hours
    return kept


def _may_be_contact(unit_id: int) -> ColumnElement[bool]:
    """The contact person rule: a need's contact person works at its unit or leads it."""
    leads = select(unit_leader.c.person_id).where(unit_leader.c.unit_id == unit_id)
    return (Person.home_unit_id == unit_id) | Person.id.in_(leads)


def contact_choices(session: Session, actor: Actor, unit_id: int) -> Sequence[Person]:
    """Who may be the contact person of a need of the unit (within the actor's reach), by
    name: those who meet a person lent to it."""
    unit = _unit(session, actor, unit_id)
    return session.scalars(
        select(Person).where(_may_be_contact(unit.id)).order_by(Person.name)
    ).all()


def _contact(session: Session, unit: Unit, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    found = session.scalar(select(Person).where(Person.id == person_id, _may_be_contact(unit.id)))
    if found is None:
        raise InvalidInput(
            "contact_person_id",
            f"person {person_id} neither works at nor leads {unit.code}",
            code="contact_not_at_unit",
            params={"unit": unit.code},
        )
    return found


def _audited(need: Need) -> dict[str, Any]:
    return {
        "ref": need.ref,
        "unit": need.unit.code,
        "skill": need.skill.code,
        "hours": need.hours,
        "weeks": {row.week.isoformat(): row.hours for row in need.weeks},
        "first_week": need.first_week.isoformat(),
        "last_week": need.last_week.isoformat(),
        "shift": need.shift.value,
        "priority": need.priority,
        "exposed": need.exposed,
        "min_block": need.min_block,
        "description": need.description,
        "status": need.status.value,
        "contact_person_id": need.contact_person.id if need.contact_person else None,
    }


def _saved(session: Session, actor: Actor, need: Need, action: str, before: dict[str, Any]) -> Need:
    """Write the change with its audit entry and flush, so the answer carries the new version."""
    old, new = audit.changed(before, _audited(need))
    if new:
        # Week overrides alone do not update the row; touching it bumps the version for them too.
        need.updated_at = dt.datetime.now(dt.UTC)
        audit.record(
            session,
            user_id=actor.user_id,
            action=action,
            entity=ENTITY,
            entity_id=need.id,
            before=old,
            after=new,
        )
    session.flush()
    return need
