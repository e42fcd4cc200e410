"""Look-ups the tests share: a row by its username, employee number, code or reference, read
straight from the database; and a round as the API answers it."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from jobbank import db
from jobbank.core.access import Actor, actor_for
from jobbank.db import transaction
from jobbank.db.models import Assignment, Need, Person, Unit, UserAccount, VolunteerProfile


def user(session: Session, username: str) -> UserAccount:
    return session.scalars(select(UserAccount).filter_by(username=username)).one()


def actor(session: Session, username: str) -> Actor:
    """The log-in `username` as the services see their caller."""
    return actor_for(user(session, username))


def person(session: Session, employee_no: str) -> Person:
    return session.scalars(select(Person).filter_by(employee_no=employee_no)).one()


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).filter_by(code=code)).one()


def need(session: Session, ref: str) -> Need:
    return session.scalars(select(Need).filter_by(ref=ref)).one()


def unit_id(world: Engine, code: str) -> int:
    return _id(world, select(Unit.id).where(Unit.code == code))


def person_id(world: Engine, employee_no: str) -> int:
    return _id(world, select(Person.id).where(Person.employee_no == employee_no))


def need_id(world: Engine, ref: str) -> int:
    return _id(world, select(Need.id).where(Need.ref == ref))


def profile_id(world: Engine, employee_no: str) -> int:
    """The id of the volunteer profile of the person with this employee number."""
    return _id(
        world,
        select(VolunteerProfile.id).join(Person).where(Person.employee_no == employee_no),
    )


def _id(world: Engine, query: Select[tuple[int]]) -> int:
    with Session(world) as session:
        found = session.scalar(query)
    assert found is not None
    return found


def rows_of(url: str, model: Any, *where: Any) -> list[Any]:
    """Rows straight from the app's database, to see what the API wrote."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(model).where(*where).order_by(model.id)))
    finally:
        engine.dispose()


def assignment_count(factory: sessionmaker[Session], round_id: int) -> int:
    with transaction(factory) as session:
        query = select(func.count(Assignment.id)).where(Assignment.round_id == round_id)
        return int(session.scalar(query) or 0)


def round_of(client: httpx.Client, round_id: int) -> dict[str, Any]:
    """The round as `GET /api/rounds/{id}` answers it."""
    answer = client.get(f"/api/rounds/{round_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found
