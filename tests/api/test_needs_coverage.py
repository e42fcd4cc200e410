"""Leaders learn which of their needs stayed open: their needs list shows the hours the
published plans cover of those wanted, and the message after publishing says it per need,
also to a leader whose needs got nobody (`jobbank.coverage`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from litestar import Litestar
from sqlalchemy import select

from jobbank.coverage import published_coverage
from jobbank.db.models import OutboxMessage, Person
from jobbank.rounds import create_round, publish_round, store_result
from solver.contract import Assignment, RoundResult, Unfilled
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory
from tests.language_words import visible_text
from tests.lookups import actor

NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)


def _publish(app: Litestar, result: RoundResult, start: dt.date = THIS_MONDAY) -> int:
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=start, weeks=2, name="Plan 7")
        store_result(session, rnd, result)
        hr = actor(session, "hr")
        publish_round(session, hr, rnd.id)
        return rnd.id


ANNE_ON_N1_N2_OPEN = RoundResult(
    status="feasible",
    assignments=[Assignment(staff="e1", need="n1", week=0, hours=12)],
    unfilled=[
        Unfilled(need="n1", week=1, hours=18),
        Unfilled(need="n2", week=1, hours=10),
    ],
)


def _messages_to(app: Litestar, employee_no: str) -> list[OutboxMessage]:
    with factory(app)() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .join(Person, Person.id == OutboxMessage.person_id)
                .where(Person.employee_no == employee_no)
            )
        )


def test_the_published_message_tells_each_leader_the_coverage_of_their_needs(
    app: Litestar,
) -> None:
    _publish(app, ANNE_ON_N1_N2_OPEN)
    (solgaarden,) = _messages_to(app, "e6")
    assert "n1 (sygeplejerske): 12 af 30 timer dækket" in solgaarden.body
    assert f"udækket uge {NEXT_MONDAY.isocalendar().week}" in solgaarden.body
    assert "18 timer" in solgaarden.body
    # Nobody comes to Hjemmeplejen, yet its leader learns that n2 stayed open.
    (hjemmeplejen,) = _messages_to(app, "e7")
    assert hjemmeplejen.subject == "Jeres behov: Plan 7"
    assert "n2 (rengøring): 0 af 10 timer dækket" in hjemmeplejen.body
    assert "kommer til jer" not in hjemmeplejen.body


def test_a_later_round_replaces_the_weeks_it_plans_again(app: Litestar) -> None:
    _publish(app, ANNE_ON_N1_N2_OPEN)
    again = RoundResult(
        status="feasible", assignments=[Assignment(staff="e1", need="n1", week=0, hours=30)]
    )
    _publish(app, again, start=NEXT_MONDAY)
    with factory(app)() as session:
        found = published_coverage(
            session, ["n1", "n2"], THIS_MONDAY, THIS_MONDAY + dt.timedelta(weeks=4)
        )
    assert (found["n1"].covered_hours, found["n1"].wanted_hours) == (42, 42)
    assert found["n1"].open_weeks == {}
    assert "n2" not in found  # its open week was planned again, without it


def test_the_leaders_needs_list_shows_coverage_per_need(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    _publish(app, ANNE_ON_N1_N2_OPEN)
    leader = as_user("leder_sol")
    leader.post("/language", data={"language": "da", "next": "/"})
    text = " ".join(visible_text(leader.get("/needs").text).split())
    assert "Dækket i udgivne planer" in text
    assert "12 af 30 timer (40 %)" in text
    assert f"Udækket: uge {NEXT_MONDAY.isocalendar().week}" in text
