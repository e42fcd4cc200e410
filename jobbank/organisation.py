"""Areas, units (with their leaders) and the skills catalogue: HR manages, everyone reads.

Persistence goes through advanced-alchemy's repository services; the functions below add
what the domain asks on top: reach (HR only for changes), values checked with messages that
name the field, unique codes and names, optimistic locking and an audit entry per change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from advanced_alchemy.filters import LimitOffset, SearchFilter, StatementFilter
from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from jobbank.core import audit, texts
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound, check_version
from jobbank.core.roles import Role
from jobbank.db.models import (
    Area,
    Base,
    Need,
    Person,
    Skill,
    Unit,
    UserRole,
    volunteer_skill,
)

ModelT = TypeVar("ModelT", bound=Base)

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
"""Unit and skill codes: they appear in round files and URLs, so plain lower-case words."""

AREA_FIELDS = ("name",)
UNIT_FIELDS = ("code", "name", "area_id", "address", "phone")
SKILL_FIELDS = ("code", "label_da", "label_en")


class Service(SQLAlchemySyncRepositoryService[ModelT]):
    """A repository service that lets SQLAlchemy's own errors through, so a clash found only
    by the database (a race) still answers 409 rather than 500."""

    def __init__(self, session: Session, **options: Any) -> None:
        super().__init__(session, wrap_exceptions=False, **options)


class AreaService(Service[Area]):
    class Repository(SQLAlchemySyncRepository[Area]):
        model_type = Area

    repository_type = Repository


class UnitService(Service[Unit]):
    class Repository(SQLAlchemySyncRepository[Unit]):
        model_type = Unit

    repository_type = Repository
    loader_options = (selectinload(Unit.leaders),)

    def by_code(self, code: str) -> Unit | None:
        return self.get_one_or_none(code=code)


class SkillService(Service[Skill]):
    class Repository(SQLAlchemySyncRepository[Skill]):
        model_type = Skill

    repository_type = Repository

    def by_code(self, code: str) -> Skill | None:
        return self.get_one_or_none(code=code)


# --- checks shared by every managed row ------------------------------------------------


def require_hr(actor: Actor, what: str) -> None:
    """Only HR coordinators manage the organisation; to anyone else it answers 404."""
    actor.require(actor.is_hr, what)


def clean_text(
    field: str, value: str | None, column: InstrumentedAttribute[str], *, required: bool = True
) -> str:
    """`value` cleaned by the text policy (`jobbank.core.texts`); refused naming `field` when empty
    (if required), longer than the column allows or against the policy."""
    text = texts.clean(field, texts.Line, value or "")
    if required and not text:
        raise InvalidInput(field, "must not be empty", code="required")
    limit: int | None = getattr(column.type, "length", None)
    if limit is not None and len(text) > limit:
        raise InvalidInput(
            field,
            f"must be at most {limit} characters, got {len(text)}",
            code="too_long",
            params={"max_length": limit, "length": len(text)},
        )
    return text


def clean_code(field: str, value: str | None, column: InstrumentedAttribute[str]) -> str:
    code = clean_text(field, value, column)
    if not CODE_PATTERN.fullmatch(code):
        raise InvalidInput(
            field,
            f"must match {CODE_PATTERN.pattern} (lower-case letters, digits, _ and -), "
            f"got {code!r}",
            code="not_a_code",
        )
    return code


def require_free(
    service: Service[Any], column: InstrumentedAttribute[Any], value: object, *, own_id: int | None
) -> None:
    """Refuse a value of a unique column that another row already holds (409)."""
    holder = service.get_one_or_none(column == value)
    if holder is not None and holder.id != own_id:
        raise Conflict(
            f"{column.key}: {value!r} is taken",
            code="taken",
            field=column.key,
            params={"what": column.class_.__tablename__, "value": value},
        )


def touch(row: Base) -> None:
    """A change of a row's links (leaders, roles) is a change of the row: move its version."""
    row.updated_at = dt.datetime.now(dt.UTC)


def create_row(
    session: Session, actor: Actor, service: Service[ModelT], row: ModelT, fields: Iterable[str]
) -> ModelT:
    """Add `row` and write its audit entry in the same transaction."""
    service.create(row)
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity=str(row.__tablename__),
        entity_id=row.id,
        after=audit.fields_of(row, fields),
    )
    return row


def change_row(
    session: Session,
    actor: Actor,
    service: Service[ModelT],
    row: ModelT,
    changes: Mapping[str, Any],
) -> ModelT:
    """Apply checked `changes` to `row`; the audit entry holds only what really changed."""
    before = audit.fields_of(row, changes)
    for name, value in changes.items():
        setattr(row, name, value)
    service.update(row)
    old, new = audit.changed(before, audit.fields_of(row, changes))
    if new:
        audit.record(
            session,
            user_id=actor.user_id,
            action="update",
            entity=str(row.__tablename__),
            entity_id=row.id,
            before=old,
            after=new,
        )
    return row


def delete_row(
    session: Session, actor: Actor, service: Service[ModelT], row: ModelT, fields: Iterable[str]
) -> None:
    audit.record(
        session,
        user_id=actor.user_id,
        action="delete",
        entity=str(row.__tablename__),
        entity_id=row.id,
        before=audit.fields_of(row, fields),
    )
    service.delete(row.id)


def _found(row: ModelT | None, what: str) -> ModelT:
    if row is None:
        raise NotFound(f"{what}: not found")
    return row


def _counted(*counts: tuple[int, str, str]) -> str:
    """`2 people and 1 need` from (count, singular, plural) triples, leaving out the zeros."""
    return " and ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)


# --- areas ---------------------------------------------------------------------------------


def list_areas(session: Session, paging: LimitOffset) -> tuple[Sequence[Area], int]:
    """Every area, by name; anyone logged in may read them."""
    return AreaService(session).get_many_and_count(paging, order_by=(Area.name, False))


def all_areas(session: Session) -> Sequence[Area]:
    """Every area by name, for a form's choices."""
    return AreaService(session).list(order_by=(Area.name, False))


def get_area(session: Session, area_id: int) -> Area:
    return _found(AreaService(session).get_one_or_none(id=area_id), f"area {area_id}")


def create_area(session: Session, actor: Actor, *, name: str | None) -> Area:
    require_hr(actor, "area")
    service = AreaService(session)
    name = clean_text("name", name, Area.name)
    require_free(service, Area.name, name, own_id=None)
    return create_row(session, actor, service, Area(name=name), AREA_FIELDS)


def update_area(session: Session, actor: Actor, area_id: int, changes: Mapping[str, Any]) -> Area:
    require_hr(actor, f"area {area_id}")
    service = AreaService(session)
    area = get_area(session, area_id)
    checked = {}
    if "name" in changes:
        checked["name"] = clean_text("name", changes["name"], Area.name)
        require_free(service, Area.name, checked["name"], own_id=area.id)
    return change_row(session, actor, service, area, checked)


def delete_area(session: Session, actor: Actor, area_id: int) -> None:
    """Remove an area that no unit belongs to any more."""
    require_hr(actor, f"area {area_id}")
    area = get_area(session, area_id)
    units = UnitService(session).count(area_id=area.id)
    if units:
        raise Conflict(
            f"area {area.name}: {_counted((units, 'unit', 'units'))} still in it",
            code="in_use",
            params={"units": units},
        )
    delete_row(session, actor, AreaService(session), area, AREA_FIELDS)


# --- units ---------------------------------------------------------------------------------


def list_units(
    session: Session, paging: LimitOffset, *, area_id: int | None = None, q: str | None = None
) -> tuple[Sequence[Unit], int]:
    """Units by name, with their leaders; filtered by area and by part of the name."""
    filters: list[StatementFilter | ColumnElement[bool]] = [paging]
    if q:
        filters.append(SearchFilter(field_name="name", value=q, ignore_case=True))
    if area_id is not None:
        filters.append(Unit.area_id == area_id)
    return UnitService(session).get_many_and_count(*filters, order_by=(Unit.name, False))


def all_units(session: Session) -> Sequence[Unit]:
    """Every unit by name, for a form's choices."""
    return UnitService(session).list(order_by=(Unit.name, False))


def led_units(session: Session, actor: Actor) -> Sequence[Unit]:
    """The units the actor leads, by name."""
    led = sorted(actor.led_unit_ids)
    return UnitService(session).list(Unit.id.in_(led), order_by=(Unit.name, False))


def get_unit(session: Session, unit_id: int) -> Unit:
    return _found(UnitService(session).get_one_or_none(id=unit_id), f"unit {unit_id}")


def check_unit_fields(
    session: Session, fields: Mapping[str, Any], *, own_id: int | None = None
) -> dict[str, Any]:
    """The given unit fields, cleaned; each wrong value refused naming its field."""
    service = UnitService(session)
    checked: dict[str, Any] = {}
    if "code" in fields:
        checked["code"] = clean_code("code", fields["code"], Unit.code)
        require_free(service, Unit.code, checked["code"], own_id=own_id)
    if "name" in fields:
        checked["name"] = clean_text("name", fields["name"], Unit.name)
    if "area_id" in fields:
        checked["area_id"] = _area_ref("area_id", session, fields["area_id"])
    for name, column in (("address", Unit.address), ("phone", Unit.phone)):
        if name in fields:
            checked[name] = clean_text(name, fields[name], column, required=False)
    return checked


def _area_ref(field: str, session: Session, area_id: int | None) -> int:
    if area_id is None:
        raise InvalidInput(field, "must be given", code="not_chosen")
    if AreaService(session).get_one_or_none(id=area_id) is None:
        raise InvalidInput(field, f"no area {area_id}", code="no_such_area", params={"id": area_id})
    return area_id


def create_unit(session: Session, actor: Actor, fields: Mapping[str, Any]) -> Unit:
    """A new unit; code, name and area are required, address and phone optional."""
    require_hr(actor, "unit")
    checked = check_unit_fields(session, {"code": None, "name": None, "area_id": None, **fields})
    return create_row(session, actor, UnitService(session), Unit(**checked), UNIT_FIELDS)


def update_unit(
    session: Session, actor: Actor, unit_id: int, version: int, changes: Mapping[str, Any]
) -> Unit:
    require_hr(actor, f"unit {unit_id}")
    unit = get_unit(session, unit_id)
    check_version(f"unit {unit.code}", unit.version, version)
    checked = check_unit_fields(session, changes, own_id=unit.id)
    return change_row(session, actor, UnitService(session), unit, checked)


def set_leaders(
    session: Session, actor: Actor, unit_id: int, version: int, person_ids: Sequence[int]
) -> Unit:
    """Make exactly these people the unit's leaders; a new leader with a log-in gets the
    unit-leader role, so the leadership takes effect at once."""
    require_hr(actor, f"unit {unit_id}")
    unit = get_unit(session, unit_id)
    check_version(f"unit {unit.code}", unit.version, version)
    wanted = list(dict.fromkeys(person_ids))
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}
    missing = [pid for pid in wanted if pid not in people]
    if missing:
        raise InvalidInput(
            "person_ids",
            f"no person {missing[0]}",
            code="no_such_person",
            params={"id": missing[0]},
        )
    before = sorted(p.id for p in unit.leaders)
    unit.leaders = [people[pid] for pid in wanted]
    for person in unit.leaders:
        _make_leader(session, actor, person)
    if sorted(wanted) == before:
        return unit
    touch(unit)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="set_leaders",
        entity="unit",
        entity_id=unit.id,
        before={"leaders": before},
        after={"leaders": sorted(wanted)},
    )
    return unit


def _make_leader(session: Session, actor: Actor, person: Person) -> None:
    account = person.account
    if account is None or Role.UNIT_LEADER in account.roles:
        return
    before = sorted(account.roles)
    account.role_rows.append(UserRole(role=Role.UNIT_LEADER))
    touch(account)
    audit.record(
        session,
        user_id=actor.user_id,
        action="update",
        entity="user_account",
        entity_id=account.id,
        before={"roles": before},
        after={"roles": sorted(account.roles)},
    )


def delete_unit(session: Session, actor: Actor, unit_id: int) -> None:
    """Remove a unit that is nobody's home unit and has never posted a need."""
    require_hr(actor, f"unit {unit_id}")
    unit = get_unit(session, unit_id)
    people = session.scalar(select(func.count()).where(Person.home_unit_id == unit.id)) or 0
    needs = session.scalar(select(func.count()).where(Need.unit_id == unit.id)) or 0
    if people or needs:
        held = _counted((people, "person", "people"), (needs, "need", "needs"))
        raise Conflict(
            f"unit {unit.code}: it still has {held}; move or remove them first",
            code="in_use",
            params={"people": people, "needs": needs},
        )
    delete_row(session, actor, UnitService(session), unit, UNIT_FIELDS)


# --- skills --------------------------------------------------------------------------------


def list_skills(
    session: Session, paging: LimitOffset, *, q: str | None = None
) -> tuple[Sequence[Skill], int]:
    """The catalogue by code; `q` matches part of the code or either label."""
    filters: list[StatementFilter | ColumnElement[bool]] = [paging]
    if q:
        fields = {"code", "label_da", "label_en"}
        filters.append(SearchFilter(field_name=fields, value=q, ignore_case=True))
    return SkillService(session).get_many_and_count(*filters, order_by=(Skill.code, False))


def skills_by_label(session: Session) -> Sequence[Skill]:
    """The whole catalogue by its Danish label, as the forms offer it."""
    return SkillService(session).list(order_by=(Skill.label_da, False))


def get_skill(session: Session, skill_id: int) -> Skill:
    return _found(SkillService(session).get_one_or_none(id=skill_id), f"skill {skill_id}")


def check_skill_fields(
    session: Session, fields: Mapping[str, Any], *, own_id: int | None = None
) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "code" in fields:
        checked["code"] = clean_code("code", fields["code"], Skill.code)
        require_free(SkillService(session), Skill.code, checked["code"], own_id=own_id)
    for name, column in (("label_da", Skill.label_da), ("label_en", Skill.label_en)):
        if name in fields:
            checked[name] = clean_text(name, fields[name], column)
    return checked


def create_skill(session: Session, actor: Actor, fields: Mapping[str, Any]) -> Skill:
    require_hr(actor, "skill")
    wanted = {"code": None, "label_da": None, "label_en": None, **fields}
    checked = check_skill_fields(session, wanted)
    return create_row(session, actor, SkillService(session), Skill(**checked), SKILL_FIELDS)


def update_skill(
    session: Session, actor: Actor, skill_id: int, changes: Mapping[str, Any]
) -> Skill:
    require_hr(actor, f"skill {skill_id}")
    skill = get_skill(session, skill_id)
    checked = check_skill_fields(session, changes, own_id=skill.id)
    return change_row(session, actor, SkillService(session), skill, checked)


def delete_skill(session: Session, actor: Actor, skill_id: int) -> None:
    """Remove a skill no volunteer offers and no need asks for."""
    require_hr(actor, f"skill {skill_id}")
    skill = get_skill(session, skill_id)
    volunteers = (
        session.scalar(
            select(func.count())
            .select_from(volunteer_skill)
            .where(volunteer_skill.c.skill_id == skill.id)
        )
        or 0
    )
    needs = session.scalar(select(func.count()).where(Need.skill_id == skill.id)) or 0
    if volunteers or needs:
        users = _counted((volunteers, "volunteer", "volunteers"), (needs, "need", "needs"))
        raise Conflict(
            f"skill {skill.code}: in use by {users}",
            code="in_use",
            params={"volunteers": volunteers, "needs": needs},
        )
    delete_row(session, actor, SkillService(session), skill, SKILL_FIELDS)
