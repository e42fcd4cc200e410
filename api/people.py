"""People and their log-ins: HR manages both; leaders see the people of the units they lead.

No answer here carries the risk-group flag or a password hash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from litestar import Controller, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from api.auth import current_actor, hr_only, leader_or_hr, logged_in
from api.deps import DB, AnyRequest, Id, Paging
from api.organisation import Body, Versioned, stored_in
from api.paging import page_of
from api.shapes import UnitRef
from jobbank import people, privacy
from jobbank.core.errors import NotFound
from jobbank.core.roles import Role
from jobbank.core.texts import Code, Email, Name, Phone
from jobbank.db.models import Person, UserAccount
from solver.bounds import RowId

# --- people --------------------------------------------------------------------------------


class PersonOut(BaseModel):
    id: int
    employee_no: str
    name: str
    email: str
    phone: str
    language: str
    """The language of messages sent to this person: "da" or "en"."""
    home_unit: UnitRef
    version: int

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(
            id=person.id,
            employee_no=person.employee_no,
            name=person.name,
            email=person.email,
            phone=person.phone,
            language=person.language,
            home_unit=UnitRef.of(person.home_unit),
            version=person.version,
        )


class NewPerson(Body):
    employee_no: Code = stored_in(Person.employee_no, description="The payroll number; unique.")
    name: Name = stored_in(Person.name)
    email: Email = stored_in(Person.email, "")
    phone: Phone = stored_in(Person.phone, "")
    language: Code = Field("da", description='Messages to this person are in "da" or "en".')
    home_unit_id: RowId


class PersonChanges(Versioned):
    employee_no: Code | None = stored_in(Person.employee_no, None)
    name: Name | None = stored_in(Person.name, None)
    email: Email | None = stored_in(Person.email, None)
    phone: Phone | None = stored_in(Person.phone, None)
    language: Code | None = Field(None, description='"da" or "en".')
    home_unit_id: RowId | None = None


class ErasureOut(BaseModel):
    """What erasing a person changed, by count."""

    person_id: int
    pseudonym: str
    rounds: int
    audit_entries: int
    messages_deleted: int
    feeds_deleted: int
    sessions_ended: int


class PersonController(Controller):
    path = "/api/people"
    tags = ("people",)
    guards = (logged_in,)

    @get("/", sync_to_thread=True, guards=[leader_or_hr])
    def list_people(
        self,
        db_session: DB,
        paging: Paging,
        request: AnyRequest,
        unit_id: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
    ) -> OffsetPagination[PersonOut]:
        """People by name: HR sees everyone, a unit leader the people whose home unit they
        lead. `unit_id` filters by home unit; `q` matches part of the name or employee number."""
        rows, total = people.list_people(
            db_session, current_actor(request), paging, unit_id=unit_id, q=q
        )
        return page_of(rows, total, paging, PersonOut.of)

    @get("/{person_id:int}", sync_to_thread=True)
    def get_person(self, db_session: DB, person_id: FromPath[Id], request: AnyRequest) -> PersonOut:
        """One person: HR any, a unit leader those of the units they lead and those lent to
        them (in a published round), anyone themselves."""
        return PersonOut.of(people.get_person(db_session, current_actor(request), person_id))

    @post("/", sync_to_thread=True, guards=[hr_only])
    def create_person(
        self, db_session: DB, data: JSONBody[NewPerson], request: AnyRequest
    ) -> PersonOut:
        """Add an employee (HR)."""
        person = people.create_person(db_session, current_actor(request), data.model_dump())
        return PersonOut.of(person)

    @patch("/{person_id:int}", sync_to_thread=True, guards=[hr_only])
    def update_person(
        self,
        db_session: DB,
        person_id: FromPath[Id],
        data: JSONBody[PersonChanges],
        request: AnyRequest,
    ) -> PersonOut:
        """Change an employee's number, name, contact details or home unit (HR)."""
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        person = people.update_person(
            db_session, current_actor(request), person_id, data.version, changes
        )
        return PersonOut.of(person)

    @post("/{person_id:int}/erase", sync_to_thread=True, status_code=200, guards=[hr_only])
    def erase_person(
        self, db_session: DB, person_id: FromPath[Id], request: AnyRequest
    ) -> ErasureOut:
        """Anonymise a person everywhere (HR); assignments stay, under a pseudonym. 409 for
        someone already erased, the only leader of a unit, or in a round being solved."""
        erasure = privacy.erase_person(db_session, current_actor(request), person_id)
        return ErasureOut(**dataclasses.asdict(erasure))

    @get("/{person_id:int}/personal-data", sync_to_thread=True)
    def personal_data(
        self, db_session: DB, person_id: FromPath[Id], request: AnyRequest
    ) -> privacy.PersonalData:
        """Everything Jobbank holds about a person, to take away: for HR, and the person
        themselves. Without the risk-group flag; the export is audited."""
        return privacy.personal_data(db_session, current_actor(request), person_id)


@get("/api/me/personal-data", sync_to_thread=True, guards=[logged_in], tags=["people"])
def my_personal_data(db_session: DB, request: AnyRequest) -> privacy.PersonalData:
    """Everything Jobbank holds about you, to take away (a log-in without a person has none)."""
    actor = current_actor(request)
    if actor.person_id is None:
        raise NotFound("personal data: this log-in is no person's")
    return privacy.personal_data(db_session, actor, actor.person_id)


# --- user accounts -------------------------------------------------------------------------


class PersonRef(BaseModel):
    id: int
    name: str


class UserOut(BaseModel):
    id: int
    username: str
    roles: list[Role]
    is_active: bool
    person: PersonRef | None
    created_at: dt.datetime
    version: int

    @classmethod
    def of(cls, user: UserAccount) -> UserOut:
        person = user.person
        return cls(
            id=user.id,
            username=user.username,
            roles=sorted(user.roles),
            is_active=user.is_active,
            person=PersonRef(id=person.id, name=person.name) if person is not None else None,
            created_at=user.created_at,
            version=user.version,
        )


class NewUser(Body):
    username: Code = stored_in(UserAccount.username)
    password: str = Field(
        max_length=1000, description="At least 12 characters; stored only as an argon2 hash."
    )
    roles: list[Role]
    person_id: RowId | None = Field(None, description="The person who logs in; one log-in each.")


class UserChanges(Versioned):
    roles: list[Role] | None = None
    is_active: bool | None = Field(
        None, description="false switches the log-in off and ends its sessions and tokens."
    )


class UserController(Controller):
    path = "/api/users"
    tags = ("people",)
    guards = (hr_only,)

    @get("/", sync_to_thread=True)
    def list_users(
        self,
        db_session: DB,
        paging: Paging,
        request: AnyRequest,
        q: FromQuery[str | None] = None,
        is_active: FromQuery[bool | None] = None,
    ) -> OffsetPagination[UserOut]:
        """Log-ins by username (HR); `q` matches part of the username."""
        rows, total = people.list_users(
            db_session, current_actor(request), paging, q=q, is_active=is_active
        )
        return page_of(rows, total, paging, UserOut.of)

    @get("/{user_id:int}", sync_to_thread=True)
    def get_user(self, db_session: DB, user_id: FromPath[Id], request: AnyRequest) -> UserOut:
        """One log-in (HR)."""
        return UserOut.of(people.get_user(db_session, current_actor(request), user_id))

    @post("/", sync_to_thread=True)
    def create_user(self, db_session: DB, data: JSONBody[NewUser], request: AnyRequest) -> UserOut:
        """Give someone a log-in with roles (HR)."""
        user = people.create_user(
            db_session,
            current_actor(request),
            username=data.username,
            password=data.password,
            roles=data.roles,
            person_id=data.person_id,
        )
        return UserOut.of(user)

    @patch("/{user_id:int}", sync_to_thread=True)
    def update_user(
        self,
        db_session: DB,
        user_id: FromPath[Id],
        data: JSONBody[UserChanges],
        request: AnyRequest,
    ) -> UserOut:
        """Change a log-in's roles or switch it on or off (HR)."""
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        user = people.update_user(
            db_session, current_actor(request), user_id, data.version, changes
        )
        return UserOut.of(user)
