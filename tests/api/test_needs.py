"""Needs: unit leaders post, edit, close and reopen the needs of their units; HR reaches all;
everyone else gets 404. Bad values are refused naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, AuditEntry
from jobbank.rounds import build_round_input
from solver.contract import Purpose
from tests.api.conftest import Client
from tests.lookups import need_id, person_id, unit_id

MONDAY = monday_of(dt.date.today())


def week(n: int) -> str:
    """The Monday `n` weeks from this week's, as the API writes it."""
    return (MONDAY + dt.timedelta(weeks=n)).isoformat()


def audit_of(world: Engine, entity_id: int) -> list[AuditEntry]:
    with Session(world) as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "need", AuditEntry.entity_id == str(entity_id))
                .order_by(AuditEntry.id)
            )
        )


def a_need(world: Engine, **changes: Any) -> dict[str, Any]:
    return {
        "unit_id": unit_id(world, "solgaarden"),
        "skill": "nurse",
        "hours": 20,
        "weeks": [{"week": week(2), "hours": 10}],
        "first_week": week(1),
        "last_week": week(3),
        "shift": "evening",
        "priority": 4,
        "exposed": True,
        "min_block": 4,
        "description": "Aftenvagt: hjælp ved måltider og sengelægning",
        "contact_person_id": person_id(world, "e6"),
    } | changes


def refs(page: dict[str, Any]) -> list[str]:
    return [item["ref"] for item in page["items"]]


def test_a_leader_posts_edits_closes_and_reopens_a_need_of_their_unit(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    frida = as_user("leder_sol")

    posted = frida.post("/api/needs", json=a_need(world))

    assert posted.status_code == 201, posted.text
    need = posted.json()
    assert need["ref"] == f"n{need['id']}" and need["version"] == 1
    assert need["status"] == "open" and need["unit"]["code"] == "solgaarden"
    assert need["weeks"] == [{"week": week(2), "hours": 10}]
    assert need["contact_person"]["name"] == "Frida Leder"
    assert frida.get(f"/api/needs/{need['id']}").json() == need

    edited = frida.patch(
        f"/api/needs/{need['id']}",
        json={"hours": 25.5, "weeks": [], "priority": 5, "version": need["version"]},
    )

    assert edited.status_code == 200, edited.text
    assert edited.json()["hours"] == 25.5 and edited.json()["weeks"] == []
    assert edited.json()["version"] == 2
    closed = frida.post(f"/api/needs/{need['id']}/close", json={"version": 2})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert frida.post(f"/api/needs/{need['id']}/close", json={"version": 3}).status_code == 409
    reopened = frida.post(f"/api/needs/{need['id']}/reopen", json={"version": 3})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    entries = audit_of(world, need["id"])
    assert [row.action for row in entries] == ["create", "update", "close", "reopen"]
    assert entries[1].before == {"hours": 20, "weeks": {week(2): 10}, "priority": 4}
    assert entries[1].after == {"hours": 25.5, "weeks": {}, "priority": 5}
    assert entries[2].before == {"status": "open"} and entries[2].after == {"status": "closed"}


def test_a_leader_reaches_no_need_of_another_unit(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    frida = as_user("leder_sol")
    n2 = need_id(world, "n2")  # hjemmeplejen's

    assert refs(frida.get("/api/needs").json()) == ["n1"]
    assert frida.get(f"/api/needs/{n2}").status_code == 404
    assert frida.patch(f"/api/needs/{n2}", json={"hours": 5, "version": 1}).status_code == 404
    assert frida.post(f"/api/needs/{n2}/close", json={"version": 1}).status_code == 404
    assert frida.post(f"/api/needs/{n2}/reopen", json={"version": 1}).status_code == 404
    elsewhere = a_need(world, unit_id=unit_id(world, "hjemmeplejen"), contact_person_id=None)
    assert frida.post("/api/needs", json=elsewhere).status_code == 404
    assert (
        frida.get("/api/needs", params={"unit_id": unit_id(world, "hjemmeplejen")}).json()["items"]
        == []
    )
    assert audit_of(world, n2) == []


def test_staff_reach_no_needs(as_user: Callable[[str], Client], world: Engine) -> None:
    anne = as_user("anne")
    n1 = need_id(world, "n1")

    assert anne.get("/api/needs").status_code == 404
    assert anne.get(f"/api/needs/{n1}").status_code == 404
    assert anne.post("/api/needs", json=a_need(world)).status_code == 404
    assert anne.patch(f"/api/needs/{n1}", json={"hours": 5, "version": 1}).status_code == 404
    assert anne.post(f"/api/needs/{n1}/close", json={"version": 1}).status_code == 404


def test_hr_sees_every_need_and_filters_them(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    n1 = need_id(world, "n1")
    assert hr.post(f"/api/needs/{n1}/close", json={"version": 1}).status_code == 200

    def listed(**params: Any) -> list[str]:
        response = hr.get("/api/needs", params=params)
        assert response.status_code == 200, response.text
        return refs(response.json())

    assert listed() == ["n1", "n2"]
    assert listed(unit_id=unit_id(world, "hjemmeplejen")) == ["n2"]
    assert listed(status="closed") == ["n1"] and listed(status="open") == ["n2"]
    assert listed(skill="cleaning") == ["n2"]
    assert listed(week=week(0)) == ["n1"] and listed(week=week(2)) == ["n1", "n2"]
    page = hr.get("/api/needs", params={"limit": 1, "offset": 1}).json()
    assert refs(page) == ["n2"] and page["total"] == 2
    off_monday = hr.get("/api/needs", params={"week": (MONDAY + dt.timedelta(days=1)).isoformat()})
    assert off_monday.status_code == 422 and off_monday.json()["detail"].startswith("week: ")


def test_closed_needs_drop_out_of_future_rounds(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    frida = as_user("leder_sol")
    n1 = need_id(world, "n1")

    assert frida.post(f"/api/needs/{n1}/close", json={"version": 1}).status_code == 200

    with Session(world) as session:
        snapshot = build_round_input(
            session, AllocationRound(start=MONDAY, weeks=4, purpose=Purpose.CRISIS, rules={})
        )
    assert [need.id for need in snapshot.needs] == ["n2"]


def test_a_stale_version_is_refused(as_user: Callable[[str], Client], world: Engine) -> None:
    frida = as_user("leder_sol")
    n1 = need_id(world, "n1")
    assert frida.patch(f"/api/needs/{n1}", json={"priority": 4, "version": 1}).status_code == 200

    stale = frida.patch(f"/api/needs/{n1}", json={"priority": 2, "version": 1})

    assert stale.status_code == 409 and "out of date" in stale.json()["detail"]
    assert frida.post(f"/api/needs/{n1}/close", json={"version": 1}).status_code == 409
    assert frida.get(f"/api/needs/{n1}").json()["priority"] == 4


WEDNESDAY = (MONDAY + dt.timedelta(weeks=2, days=2)).isoformat()


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"hours": 3.3}, "hours: must be a multiple of 0.5, got 3.3"),
        ({"hours": -2}, "hours: must be more than 0, got -2"),
        ({"hours": 0}, "hours: must be more than 0, got 0"),
        ({"hours": 1e30}, "hours: must be at most 168, got 1e+30"),
        (
            {"first_week": "0001-01-01"},
            "first_week: must lie in the years 2000–2099, got 0001-01-01",
        ),
        ({"last_week": "9999-12-27"}, "last_week: must lie in the years 2000–2099, got 9999-12-27"),
        ({"min_block": 49}, "min_block: must be at most 48, got 49"),
        (
            {"description": "mop\x00floors"},
            "description: must not hold control characters (U+0000)",
        ),
        ({"first_week": WEDNESDAY}, f"first_week: {WEDNESDAY} is not a Monday"),
        ({"last_week": week(0)}, f"last_week: {week(0)} is before first_week {week(1)}"),
        (
            {"weeks": [{"week": week(1), "hours": 5}, {"week": WEDNESDAY, "hours": 5}]},
            f"weeks[1].week: {WEDNESDAY} is not a Monday",
        ),
        (
            {"weeks": [{"week": week(5), "hours": 5}]},
            f"weeks[0].week: {week(5)} is outside the need's weeks {week(1)}–{week(3)}",
        ),
        (
            {"weeks": [{"week": week(1), "hours": 2.25}]},
            "weeks[0].hours: must be a multiple of 0.5, got 2.25",
        ),
        ({"priority": 9}, "priority: must be at most 5, got 9"),
        ({"min_block": 0}, "min_block: must be more than 0, got 0"),
        ({"skill": "juggling"}, "skill: unknown skill 'juggling'"),
    ],
)
def test_invalid_values_are_refused_naming_the_field(
    as_user: Callable[[str], Client], world: Engine, change: dict[str, Any], detail: str
) -> None:
    frida = as_user("leder_sol")

    refused = frida.post("/api/needs", json=a_need(world, **change))

    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == detail
    assert refs(frida.get("/api/needs").json()) == ["n1"]  # nothing half-written


def test_the_contact_person_works_at_or_leads_the_unit(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    dorte = person_id(world, "e4")  # works at solgaarden, leads nothing
    anne = person_id(world, "e1")  # works at borgerservice

    assert hr.post("/api/needs", json=a_need(world, contact_person_id=dorte)).status_code == 201
    refused = hr.post("/api/needs", json=a_need(world, contact_person_id=anne))

    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        f"contact_person_id: person {anne} neither works at nor leads solgaarden"
    )
    n1 = need_id(world, "n1")
    named = hr.patch(f"/api/needs/{n1}", json={"contact_person_id": dorte, "version": 1})
    assert named.json()["contact_person"]["name"] == "Dorte Leder"
    cleared = hr.patch(f"/api/needs/{n1}", json={"contact_person_id": None, "version": 2})
    assert cleared.status_code == 200 and cleared.json()["contact_person"] is None
    assert hr.get(f"/api/needs/{n1}").json()["version"] == 3


def test_a_filter_number_no_database_can_hold_is_refused(as_user: Callable[[str], Client]) -> None:
    """Found by fuzzing: SQLite answered a 500, PostgreSQL a 409 outside problem details."""
    answer = as_user("hr").get("/api/needs", params={"unit_id": 2**64})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "cannot be stored" in answer.json()["detail"]
