"""Areas, units with their leaders, and the skills catalogue: everyone reads, HR manages."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, patch, post, put
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import InstrumentedAttribute

from api.auth import current_actor, hr_only, logged_in
from api.deps import DB, AnyRequest, Id, Paging
from api.paging import page_of
from api.shapes import ContactOut
from jobbank import introductions, organisation
from jobbank.core.texts import Address, Code, Name, Phone
from jobbank.db.models import Area, Skill, Unit
from solver.bounds import IntroductionsAWeek, IntroHours, RowId, Version


class Body(BaseModel):
    """A request body: unknown fields are refused by name rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


def stored_in(column: InstrumentedAttribute[str], default: Any = ..., **field: Any) -> Any:
    """A text field kept in `column`: the schema states the column's length, which the service
    enforces on the trimmed text (422 naming the field, like any rule of the domain)."""
    length = getattr(column.type, "length", None)
    return Field(default, json_schema_extra={"maxLength": length}, **field)


class Versioned(Body):
    version: Version = Field(description="The version you read; a stale one answers 409.")


# --- areas ---------------------------------------------------------------------------------


class AreaOut(BaseModel):
    id: int
    name: str

    @classmethod
    def of(cls, area: Area) -> AreaOut:
        return cls(id=area.id, name=area.name)


class NewArea(Body):
    name: Name = stored_in(Area.name)


class AreaChanges(Body):
    name: Name | None = stored_in(Area.name, None)


class AreaController(Controller):
    path = "/api/areas"
    tags = ("organisation",)
    guards = (logged_in,)

    @get("/", sync_to_thread=True)
    def list_areas(self, db_session: DB, paging: Paging) -> OffsetPagination[AreaOut]:
        """The municipality's areas, by name."""
        rows, total = organisation.list_areas(db_session, paging)
        return page_of(rows, total, paging, AreaOut.of)

    @get("/{area_id:int}", sync_to_thread=True)
    def get_area(self, db_session: DB, area_id: FromPath[Id]) -> AreaOut:
        """One area."""
        return AreaOut.of(organisation.get_area(db_session, area_id))

    @post("/", sync_to_thread=True, guards=[hr_only])
    def create_area(self, db_session: DB, data: JSONBody[NewArea], request: AnyRequest) -> AreaOut:
        """Add an area (HR); names are unique."""
        area = organisation.create_area(db_session, current_actor(request), name=data.name)
        return AreaOut.of(area)

    @patch("/{area_id:int}", sync_to_thread=True, guards=[hr_only])
    def update_area(
        self,
        db_session: DB,
        area_id: FromPath[Id],
        data: JSONBody[AreaChanges],
        request: AnyRequest,
    ) -> AreaOut:
        """Rename an area (HR)."""
        changes = data.model_dump(exclude_unset=True)
        area = organisation.update_area(db_session, current_actor(request), area_id, changes)
        return AreaOut.of(area)

    @delete("/{area_id:int}", sync_to_thread=True, guards=[hr_only])
    def delete_area(self, db_session: DB, area_id: FromPath[Id], request: AnyRequest) -> None:
        """Remove an area (HR); refused with 409 while units belong to it."""
        organisation.delete_area(db_session, current_actor(request), area_id)


# --- units ---------------------------------------------------------------------------------


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    area: AreaOut
    address: str
    phone: str
    leaders: list[ContactOut]
    intro_capacity: int | None = Field(
        description="How many people new to the unit it can introduce a week; null: no limit."
    )
    intro_hours: float = Field(description="Hours the unit spends introducing one new person.")
    version: int

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            area=AreaOut.of(unit.area),
            address=unit.address,
            phone=unit.phone,
            leaders=[ContactOut.of(p) for p in sorted(unit.leaders, key=lambda p: p.name)],
            intro_capacity=unit.intro_capacity,
            intro_hours=unit.intro_hours,
            version=unit.version,
        )


class NewUnit(Body):
    code: Code = stored_in(Unit.code, description="Short lower-case id, e.g. `solgaarden`; unique.")
    name: Name = stored_in(Unit.name)
    area_id: RowId
    address: Address = stored_in(Unit.address, "")
    phone: Phone = stored_in(Unit.phone, "")


class UnitChanges(Versioned):
    code: Code | None = stored_in(Unit.code, None)
    name: Name | None = stored_in(Unit.name, None)
    area_id: RowId | None = None
    address: Address | None = stored_in(Unit.address, None)
    phone: Phone | None = stored_in(Unit.phone, None)


class Introductions(Versioned):
    intro_capacity: IntroductionsAWeek | None = Field(
        description="How many people new to the unit it can introduce a week, 0–50; null: "
        "no limit. Someone who worked at the unit in an earlier published round is not new."
    )
    intro_hours: IntroHours = Field(
        0.0, description="Hours the unit spends introducing one new person, 0–40 in half hours."
    )


class Leaders(Versioned):
    person_ids: list[RowId] = Field(description="Everyone who leads the unit from now on.")


class UnitController(Controller):
    path = "/api/units"
    tags = ("organisation",)
    guards = (logged_in,)

    @get("/", sync_to_thread=True)
    def list_units(
        self,
        db_session: DB,
        paging: Paging,
        area_id: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
    ) -> OffsetPagination[UnitOut]:
        """Units by name with area, contact details and leaders; `q` matches part of the name."""
        rows, total = organisation.list_units(db_session, paging, area_id=area_id, q=q)
        return page_of(rows, total, paging, UnitOut.of)

    @get("/{unit_id:int}", sync_to_thread=True)
    def get_unit(self, db_session: DB, unit_id: FromPath[Id]) -> UnitOut:
        """One unit with its leaders."""
        return UnitOut.of(organisation.get_unit(db_session, unit_id))

    @post("/", sync_to_thread=True, guards=[hr_only])
    def create_unit(self, db_session: DB, data: JSONBody[NewUnit], request: AnyRequest) -> UnitOut:
        """Add a unit (HR); codes are unique."""
        unit = organisation.create_unit(db_session, current_actor(request), data.model_dump())
        return UnitOut.of(unit)

    @patch("/{unit_id:int}", sync_to_thread=True, guards=[hr_only])
    def update_unit(
        self,
        db_session: DB,
        unit_id: FromPath[Id],
        data: JSONBody[UnitChanges],
        request: AnyRequest,
    ) -> UnitOut:
        """Change a unit's code, name, area, address or phone (HR)."""
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        unit = organisation.update_unit(
            db_session, current_actor(request), unit_id, data.version, changes
        )
        return UnitOut.of(unit)

    @put("/{unit_id:int}/leaders", sync_to_thread=True, guards=[hr_only])
    def set_leaders(
        self,
        db_session: DB,
        unit_id: FromPath[Id],
        data: JSONBody[Leaders],
        request: AnyRequest,
    ) -> UnitOut:
        """Set who leads the unit (HR); a new leader's log-in gains the unit-leader role."""
        unit = organisation.set_leaders(
            db_session, current_actor(request), unit_id, data.version, data.person_ids
        )
        return UnitOut.of(unit)

    @put("/{unit_id:int}/introductions", sync_to_thread=True)
    def set_introductions(
        self,
        db_session: DB,
        unit_id: FromPath[Id],
        data: JSONBody[Introductions],
        request: AnyRequest,
    ) -> UnitOut:
        """Set how many new people the unit can introduce a week and what introducing one
        costs it (the unit's leaders, or HR); rounds made from now on plan by them."""
        unit = introductions.set_introductions(
            db_session,
            current_actor(request),
            unit_id,
            data.version,
            intro_capacity=data.intro_capacity,
            intro_hours=data.intro_hours,
        )
        return UnitOut.of(unit)

    @delete("/{unit_id:int}", sync_to_thread=True, guards=[hr_only])
    def delete_unit(self, db_session: DB, unit_id: FromPath[Id], request: AnyRequest) -> None:
        """Remove a unit (HR); refused with 409 while it is someone's home unit or has needs."""
        organisation.delete_unit(db_session, current_actor(request), unit_id)


# --- skills --------------------------------------------------------------------------------


class SkillOut(BaseModel):
    id: int
    code: str
    label_da: str
    label_en: str

    @classmethod
    def of(cls, skill: Skill) -> SkillOut:
        return cls(id=skill.id, code=skill.code, label_da=skill.label_da, label_en=skill.label_en)


class NewSkill(Body):
    code: Code = stored_in(
        Skill.code, description="Lower-case id used in round files, e.g. `nurse`; unique."
    )
    label_da: Name = stored_in(Skill.label_da)
    label_en: Name = stored_in(Skill.label_en)


class SkillChanges(Body):
    code: Code | None = stored_in(Skill.code, None)
    label_da: Name | None = stored_in(Skill.label_da, None)
    label_en: Name | None = stored_in(Skill.label_en, None)


class SkillController(Controller):
    path = "/api/skills"
    tags = ("organisation",)
    guards = (logged_in,)

    @get("/", sync_to_thread=True)
    def list_skills(
        self, db_session: DB, paging: Paging, q: FromQuery[str | None] = None
    ) -> OffsetPagination[SkillOut]:
        """The skills catalogue by code; `q` matches part of the code or a label."""
        rows, total = organisation.list_skills(db_session, paging, q=q)
        return page_of(rows, total, paging, SkillOut.of)

    @get("/{skill_id:int}", sync_to_thread=True)
    def get_skill(self, db_session: DB, skill_id: FromPath[Id]) -> SkillOut:
        """One skill."""
        return SkillOut.of(organisation.get_skill(db_session, skill_id))

    @post("/", sync_to_thread=True, guards=[hr_only])
    def create_skill(
        self, db_session: DB, data: JSONBody[NewSkill], request: AnyRequest
    ) -> SkillOut:
        """Add a skill to the catalogue (HR)."""
        skill = organisation.create_skill(db_session, current_actor(request), data.model_dump())
        return SkillOut.of(skill)

    @patch("/{skill_id:int}", sync_to_thread=True, guards=[hr_only])
    def update_skill(
        self,
        db_session: DB,
        skill_id: FromPath[Id],
        data: JSONBody[SkillChanges],
        request: AnyRequest,
    ) -> SkillOut:
        """Change a skill's code or labels (HR)."""
        changes = data.model_dump(exclude_unset=True)
        skill = organisation.update_skill(db_session, current_actor(request), skill_id, changes)
        return SkillOut.of(skill)

    @delete("/{skill_id:int}", sync_to_thread=True, guards=[hr_only])
    def delete_skill(self, db_session: DB, skill_id: FromPath[Id], request: AnyRequest) -> None:
        """Remove a skill (HR); refused with 409 while a volunteer or a need uses it."""
        organisation.delete_skill(db_session, current_actor(request), skill_id)
