"""Assignments of published rounds: staff see their own, leaders incoming and lent-out, HR all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from solver.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.published_round import (
    THIS_MONDAY,
    Ids,
    first_round,
    propose,
    publish,
)

NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)
FRIDA = {"name": "Frida Leder", "email": "frida@x.example", "phone": "55 55 55 55"}
DORTE = {"name": "Dorte Leder", "email": "dorte@x.example", "phone": ""}


@pytest.fixture
def ids(app: Litestar) -> Ids:
    return first_round(app)


def assignments_of(client: Client, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/assignments{query}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def without_id(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in c.items() if key != "id"} for c in contacts]


def people(found: list[dict[str, Any]]) -> set[str]:
    return {a["person"]["name"] for a in found}


def test_staff_see_their_own_assignment_with_unit_need_weeks_and_contact(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    [mine] = assignments_of(as_user("anne"))
    assert mine["round"]["id"] == ids.round_id
    assert (
        mine["person"]["id"] == ids.anne and mine["person"]["home_unit"]["code"] == "borgerservice"
    )
    assert mine["unit"]["name"] == "Plejecenter Solgården"
    assert {"address", "phone"} <= mine["unit"].keys()
    need = mine["need"]
    assert (need["ref"], need["skill"]["code"], need["shift"]) == ("n1", "nurse", "day")
    assert need["description"] == "Hjælp ved måltider"
    assert mine["weeks"] == [
        {"week": THIS_MONDAY.isoformat(), "hours": 12},
        {"week": NEXT_MONDAY.isoformat(), "hours": 12},
    ]
    assert mine["total_hours"] == 24
    # n1 has no contact person: the receiving unit's leader is the contact
    assert without_id(mine["contacts"]) == [FRIDA]
    assert as_user("anne").get("/api/me/assignments").json()["items"] == [mine]


def test_the_needs_contact_person_comes_before_the_leaders(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    [bos] = assignments_of(as_user("bo"))
    assert bos["need"]["ref"] == "n3"
    assert without_id(bos["contacts"]) == [DORTE]


@pytest.mark.parametrize(
    ("user", "query", "expected"),
    [
        ("leder_sol", "", {"Anne Jensen", "Bo Nielsen"}),
        ("leder_sol", "?direction=incoming", {"Anne Jensen", "Bo Nielsen"}),
        ("leder_sol", "?direction=outgoing", set()),
        ("leder_bs", "", {"Anne Jensen", "Bo Nielsen"}),
        ("leder_bs", "?direction=outgoing", {"Anne Jensen", "Bo Nielsen"}),
        ("leder_bs", "?direction=incoming", set()),
        ("leder_hp", "", set()),
        ("carla", "", set()),
        ("bo", "", {"Bo Nielsen"}),
    ],
)
def test_leaders_see_incoming_and_lent_out_staff(
    as_user: Callable[[str], Client], ids: Ids, user: str, query: str, expected: set[str]
) -> None:
    assert people(assignments_of(as_user(user), query)) == expected


def test_a_leader_cannot_look_past_their_units(as_user: Callable[[str], Client], ids: Ids) -> None:
    leader = as_user("leder_hp")
    assert assignments_of(leader, f"?unit_id={ids.solgaarden}") == []
    assert assignments_of(leader, f"?person_id={ids.anne}") == []
    assert assignments_of(as_user("anne"), f"?person_id={ids.bo}") == []
    assert as_user("leder_hp").get("/api/me/assignments").json()["items"] == []


def test_hr_sees_all_and_filters(as_user: Callable[[str], Client], ids: Ids) -> None:
    hr = as_user("hr")
    assert people(assignments_of(hr)) == {"Anne Jensen", "Bo Nielsen"}
    assert people(assignments_of(hr, f"?person_id={ids.bo}")) == {"Bo Nielsen"}
    assert len(assignments_of(hr, f"?round_id={ids.round_id}")) == 2
    assert assignments_of(hr, f"?round_id={ids.round_id + 1}") == []
    assert len(assignments_of(hr, f"?unit_id={ids.solgaarden}")) == 2
    assert len(assignments_of(hr, f"?unit_id={ids.borgerservice}&direction=outgoing")) == 2
    assert assignments_of(hr, f"?unit_id={ids.borgerservice}&direction=incoming") == []
    assert assignments_of(hr, f"?unit_id={ids.hjemmeplejen}") == []
    page = hr.get("/api/assignments?limit=1").json()
    assert page["total"] == 2 and len(page["items"]) == 1
    assert hr.get("/api/assignments?direction=sideways").status_code == 400


def test_proposals_are_not_shown(as_user: Callable[[str], Client], app: Litestar, ids: Ids) -> None:
    propose(
        app,
        Planned(staff="e1", need="n1", week=3, hours=30),
        start=THIS_MONDAY,
    )
    for user in ("hr", "anne", "leder_sol"):
        weeks = [w["week"] for a in assignments_of(as_user(user)) for w in a["weeks"]]
        assert (THIS_MONDAY + dt.timedelta(weeks=3)).isoformat() not in weeks, user


def test_a_later_published_round_replaces_the_weeks_it_plans_again(
    as_user: Callable[[str], Client], app: Litestar, ids: Ids
) -> None:
    later = publish(app, Planned(staff="e1", need="n1", week=0, hours=20), start=NEXT_MONDAY)
    anne = as_user("anne")
    found = {a["round"]["id"]: a["weeks"] for a in assignments_of(anne)}
    assert found == {
        ids.round_id: [{"week": THIS_MONDAY.isoformat(), "hours": 12}],
        later: [{"week": NEXT_MONDAY.isoformat(), "hours": 20}],
    }
    [first] = assignments_of(anne, f"?round_id={ids.round_id}")
    assert len(first["weeks"]) == 2


def test_assignments_need_a_log_in(anonymous: Client) -> None:
    assert anonymous.get("/api/assignments").status_code == 401
    assert anonymous.get("/api/me/assignments").status_code == 401


@pytest.mark.parametrize("user", ["hr", "leder_sol", "leder_bs", "bo", "anne"])
def test_no_assignment_response_mentions_the_risk_group(
    as_user: Callable[[str], Client], ids: Ids, user: str
) -> None:
    client = as_user(user)
    for path in ("/api/assignments", "/api/me/assignments"):
        response = client.get(path)
        assert response.status_code == 200
        assert "risk" not in response.text, path


def test_a_filter_id_no_row_can_have_is_no_server_error(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    """Found by fuzzing: SQLite cannot bind a number past 64 bits and the answer was a 500.
    PostgreSQL finds nothing; SQLite refuses the number (422)."""
    answer = as_user("hr").get("/api/assignments", params={"unit_id": -(2**70)})
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 200:
        assert answer.json()["items"] == []
    else:
        assert "cannot be stored" in answer.json()["detail"]
