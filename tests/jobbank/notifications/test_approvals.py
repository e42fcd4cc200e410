"""A new volunteer asks their home unit's leaders for approval; HR decides on a leader of their
own home unit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db import transaction
from jobbank.db.models import MessageKind, OutboxMessage, Person
from jobbank.volunteers import ProfileEdit, own_profile, save_own_profile
from tests.jobbank.notifications.conftest import Factory, messages
from tests.lookups import actor


def test_a_new_volunteer_asks_their_home_leaders_for_approval(factory: Factory) -> None:
    with transaction(factory) as session:
        carla = actor(session, "carla")
        version = own_profile(session, carla).version
        out = save_own_profile(
            session, carla, ProfileEdit(opted_in=False, normal_hours=37, version=version)
        )
        assert messages_in(session) == []  # opting out asks nobody
        save_own_profile(
            session, carla, ProfileEdit(opted_in=True, normal_hours=37, version=out.version)
        )
        assert messages_in(session) == [("e7", MessageKind.APPROVAL_WANTED)]  # Gustav
        # Erik leads his own home unit: HR decides on him
        erik = actor(session, "leder_bs")
        profile = save_own_profile(session, erik, ProfileEdit(normal_hours=37))
        save_own_profile(
            session, erik, ProfileEdit(normal_hours=30, version=profile.version)
        )  # a correction asks nobody again
        assert messages_in(session)[1:] == [("e4", MessageKind.APPROVAL_WANTED)]
    (_, to_gustav), _ = messages(factory)
    assert to_gustav.subject == "Carla Hansen vil gerne udlånes via Jobbanken"


def messages_in(session: Session) -> list[tuple[str, MessageKind]]:
    rows = session.execute(
        select(Person.employee_no, OutboxMessage.kind)
        .join(Person, Person.id == OutboxMessage.person_id)
        .order_by(OutboxMessage.id)
    ).tuples()
    return list(rows)
