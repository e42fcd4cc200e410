"""What the pages ask the services for instead of querying the database themselves: the forms'
choices, people by employee number, log-ins, and the contact person rule; each within the
caller's reach, as the pages had it.

The test municipality (tests/builders.py): Anne (e1) and Bo (e2) work at Borgerservice, Carla
(e3) at Hjemmeplejen, Dorte (e4, log-in `hr`: HR and leader of Solgården) at Solgården; only
`hr` and `anne` have log-ins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from jobbank import accounts, db, needs, organisation, people, sessions
from jobbank.core.access import Actor, actor_for, actor_of
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.core.roles import Role
from jobbank.db.models import AuthKind, Person, Unit, UserAccount
from jobbank.seeding import load_municipality
from tests.builders import PASSWORD, a_municipality

MONDAY = dt.date(2026, 3, 16)


@pytest.fixture
def seeded(session: Session) -> Session:
    load_municipality(session, a_municipality(), today=MONDAY)
    return session


def user(session: Session, username: str) -> UserAccount:
    return session.scalars(select(UserAccount).filter_by(username=username)).one()


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).filter_by(code=code)).one()


def hr(session: Session) -> Actor:
    return actor_for(user(session, "hr"))


def staff(session: Session) -> Actor:
    return actor_for(user(session, "anne"))


def leader_of(session: Session, code: str) -> Actor:
    """A unit leader without HR's role, leading only the unit `code`."""
    dorte = session.scalars(select(Person).filter_by(employee_no="e4")).one()
    return actor_of(
        user_id=user(session, "hr").id,
        username="leader",
        roles=frozenset({Role.UNIT_LEADER}),
        person=(dorte.id, dorte.name),
        led_unit_ids=frozenset({unit(session, code).id}),
    )


def names(rows: Iterable[Person]) -> list[str]:
    return [row.name for row in rows]


# --- the forms' choices ----------------------------------------------------------------------


def test_the_forms_choices_come_sorted_as_the_pages_list_them(seeded: Session) -> None:
    assert [a.name for a in organisation.all_areas(seeded)] == [
        "Administration",
        "Social og Sundhed",
    ]
    assert [u.name for u in organisation.all_units(seeded)] == [
        "Borgerservice",
        "Hjemmeplejen",
        "Plejecenter Solgården",
    ]
    assert [s.label_da for s in organisation.skills_by_label(seeded)] == [
        "Rengøring",
        "Sygeplejerske",
    ]


def test_led_units_are_only_the_units_one_leads(seeded: Session) -> None:
    assert [u.code for u in organisation.led_units(seeded, leader_of(seeded, "solgaarden"))] == [
        "solgaarden"
    ]
    assert list(organisation.led_units(seeded, staff(seeded))) == []


# --- the contact person rule -----------------------------------------------------------------


def test_contact_choices_are_those_working_at_or_leading_the_unit(seeded: Session) -> None:
    actor = hr(seeded)
    assert names(needs.contact_choices(seeded, actor, unit(seeded, "borgerservice").id)) == [
        "Anne Jensen",
        "Bo Nielsen",
    ]
    # Dorte leads Solgården and works there: listed once
    assert names(needs.contact_choices(seeded, actor, unit(seeded, "solgaarden").id)) == [
        "Dorte Leder"
    ]


def test_a_leader_leading_a_unit_they_do_not_work_at_may_be_its_contact(seeded: Session) -> None:
    dorte = seeded.scalars(select(Person).filter_by(employee_no="e4")).one()
    hjemmeplejen = unit(seeded, "hjemmeplejen")
    hjemmeplejen.leaders.append(dorte)
    seeded.flush()
    assert names(needs.contact_choices(seeded, hr(seeded), hjemmeplejen.id)) == [
        "Carla Hansen",
        "Dorte Leder",
    ]


def test_contact_choices_of_a_unit_beyond_reach_are_not_found(seeded: Session) -> None:
    leader = leader_of(seeded, "solgaarden")
    assert names(needs.contact_choices(seeded, leader, unit(seeded, "solgaarden").id))
    with pytest.raises(NotFound):
        needs.contact_choices(seeded, leader, unit(seeded, "hjemmeplejen").id)


# --- people ----------------------------------------------------------------------------------


def test_people_by_name_keep_to_the_callers_reach(seeded: Session) -> None:
    assert names(people.people_by_name(seeded, hr(seeded))) == [
        "Anne Jensen",
        "Bo Nielsen",
        "Carla Hansen",
        "Dorte Leder",
    ]
    leader = leader_of(seeded, "borgerservice")
    assert names(people.people_by_name(seeded, leader)) == ["Anne Jensen", "Bo Nielsen"]
    with pytest.raises(NotFound):
        people.people_by_name(seeded, staff(seeded))


def test_people_by_name_can_be_only_some(seeded: Session) -> None:
    wanted = [
        p.id for p in seeded.scalars(select(Person).where(Person.employee_no.in_(["e3", "e1"])))
    ]
    assert names(people.people_by_name(seeded, hr(seeded), wanted)) == [
        "Anne Jensen",
        "Carla Hansen",
    ]
    assert people.people_by_name(seeded, hr(seeded), []) == []


def test_a_person_is_found_by_employee_number_within_reach(seeded: Session) -> None:
    assert people.person_numbered(seeded, hr(seeded), " e3 ").name == "Carla Hansen"
    with pytest.raises(InvalidInput) as unknown:
        people.person_numbered(seeded, hr(seeded), "e99", field="add_leader")
    assert unknown.value.field == "add_leader"
    assert unknown.value.message == "no person has employee number 'e99'"
    with pytest.raises(InvalidInput) as empty:
        people.person_numbered(seeded, hr(seeded), "  ")
    assert (empty.value.field, empty.value.message) == ("employee_no", "must not be empty")
    # a leader of Borgerservice does not reach Carla: as if she did not exist
    with pytest.raises(InvalidInput):
        people.person_numbered(seeded, leader_of(seeded, "borgerservice"), "e3")


def test_people_without_a_log_in_are_for_hr(seeded: Session) -> None:
    assert names(people.people_without_log_in(seeded, hr(seeded))) == ["Bo Nielsen", "Carla Hansen"]
    with pytest.raises(NotFound):
        people.people_without_log_in(seeded, leader_of(seeded, "borgerservice"))


def test_a_log_in_is_found_by_username_for_hr(seeded: Session) -> None:
    assert people.user_id_named(seeded, hr(seeded), "anne") == user(seeded, "anne").id
    assert people.user_id_named(seeded, hr(seeded), "nobody") is None
    with pytest.raises(NotFound):
        people.user_id_named(seeded, staff(seeded), "anne")


# --- log-ins and the database ----------------------------------------------------------------


def test_ending_a_log_in_revokes_it_once(seeded: Session) -> None:
    anne = user(seeded, "anne")
    opened = sessions.open_session(seeded, anne, kind=AuthKind.SESSION)
    sessions.end_log_in(seeded, opened.row.id, by=anne.id)
    assert opened.row.revoked_at is not None
    sessions.end_log_in(seeded, opened.row.id + 1000, by=anne.id)  # gone already: nothing to do


def test_the_caller_changes_their_own_password(seeded: Session) -> None:
    actor = staff(seeded)
    with pytest.raises(InvalidInput) as wrong:
        accounts.change_own_password(seeded, actor, "not it", "a new long passphrase")
    assert wrong.value.field == "current_password"
    accounts.change_own_password(seeded, actor, PASSWORD, "a new long passphrase")
    assert accounts.authenticate(seeded, "anne", "a new long passphrase") is not None
    assert accounts.authenticate(seeded, "hr", "a new long passphrase") is None


def test_ping_tells_whether_the_database_answers(seeded: Session, tmp_path: Path) -> None:
    assert db.ping(seeded)
    nowhere = create_engine(f"sqlite:///{tmp_path / 'no such folder' / 'jobbank.db'}")
    with Session(nowhere) as unreachable:
        assert not db.ping(unreachable)
    nowhere.dispose()
