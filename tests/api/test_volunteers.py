"""Volunteer profiles: staff keep their own, home-unit leaders approve and set home load, HR
sees all; the risk-group flag reaches HR only, and each HR read of it is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobbank.core.weeks import monday_of
from jobbank.db.models import AllocationRound, AuditEntry, VolunteerProfile
from jobbank.rounds import build_round_input
from solver.contract import Purpose
from tests.api.conftest import Client
from tests.lookups import profile_id, unit_id

MONDAY = monday_of(dt.date.today())
NEXT_MONDAY = MONDAY + dt.timedelta(weeks=1)


def audit_rows(world: Engine, action: str) -> list[AuditEntry]:
    with Session(world) as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def an_offer(**changes: Any) -> dict[str, Any]:
    return {
        "normal_hours": 37,
        "skills": ["nurse"],
        "shifts": ["day", "evening"],
        "availability": [{"week": NEXT_MONDAY.isoformat(), "available": False}],
        "avoid_units": ["hjemmeplejen"],
        "preferred_areas": ["Social og Sundhed"],
    } | changes


def names(page: dict[str, Any]) -> list[str]:
    return [item["person"]["name"] for item in page["items"]]


# --- staff: their own profile ------------------------------------------------------------


def test_staff_volunteer_and_never_see_their_risk_group_back(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    erik = as_user("leder_bs")  # staff as well as leader, not yet a volunteer
    assert erik.get("/api/me/volunteer").status_code == 404

    saved = erik.put("/api/me/volunteer", json=an_offer(risk_group=True))

    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert "risk_group" not in body
    assert body["approval"] == "pending" and body["version"] == 1
    assert body["skills"] == ["nurse"] and body["shifts"] == ["day", "evening"]
    assert body["availability"] == [{"week": NEXT_MONDAY.isoformat(), "available": False}]
    assert [u["code"] for u in body["avoid_units"]] == ["hjemmeplejen"]
    assert [a["name"] for a in body["preferred_areas"]] == ["Social og Sundhed"]
    assert "risk_group" not in erik.get("/api/me/volunteer").json()
    with Session(world) as session:
        assert session.get_one(VolunteerProfile, body["id"]).risk_group is True
    [created] = [row for row in audit_rows(world, "create") if row.entity == "volunteer_profile"]
    assert created.after is not None
    assert created.after["risk_group"] == "(health data, not logged)"


def test_editing_after_approval_keeps_it_and_the_leader_sees_the_change(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    anne = as_user("anne")
    mine = anne.get("/api/me/volunteer").json()
    assert mine["approval"] == "approved" and "risk_group" not in mine

    changed = anne.put(
        "/api/me/volunteer",
        json=an_offer(normal_hours=30, skills=["nurse", "cleaning"], version=mine["version"]),
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["approval"] == "approved"
    assert changed.json()["version"] == mine["version"] + 1
    [entry] = [row for row in audit_rows(world, "update") if row.entity == "volunteer_profile"]
    assert entry.before is not None and entry.after is not None
    assert entry.before["normal_hours"] == 37 and entry.after["normal_hours"] == 30
    assert entry.after["skills"] == ["cleaning", "nurse"]
    assert "risk_group" not in entry.after


def test_a_change_needs_the_version_read_and_a_stale_one_is_refused(
    as_user: Callable[[str], Client],
) -> None:
    anne = as_user("anne")
    version = anne.get("/api/me/volunteer").json()["version"]
    missing = anne.put("/api/me/volunteer", json=an_offer())
    assert missing.status_code == 422 and missing.json()["detail"].startswith("version:")
    assert anne.put("/api/me/volunteer", json=an_offer(version=version)).status_code == 200

    stale = anne.put("/api/me/volunteer", json=an_offer(normal_hours=20, version=version))

    assert stale.status_code == 409
    assert "out of date" in stale.json()["detail"]


def test_opting_out_takes_a_volunteer_out_of_future_rounds(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    anne = as_user("anne")
    version = anne.get("/api/me/volunteer").json()["version"]

    out = anne.put("/api/me/volunteer", json=an_offer(opted_in=False, version=version))

    assert out.status_code == 200 and out.json()["opted_in"] is False
    with Session(world) as session:
        snapshot = build_round_input(
            session, AllocationRound(start=MONDAY, weeks=2, purpose=Purpose.CRISIS, rules={})
        )
    assert [s.id for s in snapshot.staff] == ["e2"]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"normal_hours": 3.3}, "normal_hours: must be a multiple of 0.5, got 3.3"),
        ({"normal_hours": 90}, "normal_hours: must be at most 48, got 90"),
        ({"normal_hours": -1}, "normal_hours: must be more than 0, got -1"),
        ({"normal_hours": 0}, "normal_hours: must be more than 0, got 0"),
        ({"skills": ["nurse", "juggling"]}, "skills[1]: unknown skill 'juggling'"),
        ({"shifts": []}, "shifts: choose at least one shift type"),
        ({"avoid_units": ["nowhere"]}, "avoid_units[0]: unknown unit 'nowhere'"),
        (
            {
                "availability": [
                    {"week": MONDAY.isoformat(), "available": False},
                    {"week": (MONDAY + dt.timedelta(days=2)).isoformat(), "available": False},
                ]
            },
            f"availability[1].week: {MONDAY + dt.timedelta(days=2)} is not a Monday",
        ),
    ],
)
def test_invalid_values_are_refused_naming_the_field(
    as_user: Callable[[str], Client], change: dict[str, Any], detail: str
) -> None:
    anne = as_user("anne")
    version = anne.get("/api/me/volunteer").json()["version"]

    refused = anne.put("/api/me/volunteer", json=an_offer(version=version) | change)

    assert refused.status_code == 422
    assert refused.json()["detail"] == detail
    assert anne.get("/api/me/volunteer").json()["version"] == version  # nothing half-written


# --- leaders: their home unit's volunteers ----------------------------------------------


def test_staff_reach_no_volunteer_but_themselves(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    anne = as_user("anne")
    assert anne.get("/api/volunteers").status_code == 404
    assert anne.get(f"/api/volunteers/{profile_id(world, 'e1')}").status_code == 404
    assert anne.get(f"/api/volunteers/{profile_id(world, 'e2')}").status_code == 404
    approval = {"decision": "approved", "version": 1}
    assert (
        anne.post(f"/api/volunteers/{profile_id(world, 'e3')}/approval", json=approval).status_code
        == 404
    )


def test_a_leader_sees_and_approves_only_their_home_units_volunteers(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    erik = as_user("leder_bs")
    listed = erik.get("/api/volunteers").json()
    assert names(listed) == ["Anne Jensen", "Bo Nielsen"] and listed["total"] == 2
    assert all("risk_group" not in item for item in listed["items"])
    bo, carla = profile_id(world, "e2"), profile_id(world, "e3")
    version = erik.get(f"/api/volunteers/{bo}").json()["version"]

    declined = erik.post(
        f"/api/volunteers/{bo}/approval", json={"decision": "declined", "version": version}
    )

    assert declined.status_code == 200, declined.text
    assert declined.json()["approval"] == "declined" and "risk_group" not in declined.json()
    assert declined.json()["approved_by_id"] is not None
    assert erik.get(f"/api/volunteers/{carla}").status_code == 404
    approval = {"decision": "approved", "version": 1}
    assert erik.post(f"/api/volunteers/{carla}/approval", json=approval).status_code == 404
    own = {"risk_group": True, "version": version}
    assert erik.patch(f"/api/volunteers/{bo}", json=own).status_code == 404  # HR only
    assert audit_rows(world, "read_health") == []


def test_the_home_leader_approves_a_pending_volunteer(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    gustav = as_user("leder_hp")
    carla = profile_id(world, "e3")
    version = gustav.get(f"/api/volunteers/{carla}").json()["version"]

    approved = gustav.post(
        f"/api/volunteers/{carla}/approval", json={"decision": "approved", "version": version}
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["approval"] == "approved" and approved.json()["approved_at"]
    stale = gustav.post(
        f"/api/volunteers/{carla}/approval", json={"decision": "declined", "version": version}
    )
    assert stale.status_code == 409
    [entry] = audit_rows(world, "approved")
    assert entry.entity_id == str(carla)
    assert entry.before == {"approval": "pending", "approved_by_id": None, "approved_at": None}


def test_the_home_leader_sets_home_load_per_week_within_normal_hours(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    erik = as_user("leder_bs")
    anne = profile_id(world, "e1")
    version = erik.get(f"/api/volunteers/{anne}").json()["version"]
    week = NEXT_MONDAY.isoformat()

    planned = erik.put(
        f"/api/volunteers/{anne}/home-load",
        json={"home_load": 10, "weeks": [{"week": week, "home_load": 30}], "version": version},
    )

    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert body["home_load"] == 10
    assert body["home_load_weeks"] == [{"week": week, "home_load": 30}]
    assert body["version"] == version + 1
    too_much = erik.put(
        f"/api/volunteers/{anne}/home-load",
        json={"home_load": 10, "weeks": [{"week": week, "home_load": 40}], "version": version + 1},
    )
    assert too_much.status_code == 422
    assert too_much.json()["detail"] == "weeks[0].home_load: must be at most 37, got 40"
    carla = profile_id(world, "e3")
    foreign = erik.put(f"/api/volunteers/{carla}/home-load", json={"home_load": 0, "version": 1})
    assert foreign.status_code == 404


# --- HR: everyone, and the health flag ---------------------------------------------------


def test_hr_sees_the_risk_group_and_each_read_is_audited(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    bo = profile_id(world, "e2")

    one = hr.get(f"/api/volunteers/{bo}")
    listed = hr.get("/api/volunteers", params={"limit": 2})

    assert one.status_code == 200 and one.json()["risk_group"] is True
    assert listed.json()["total"] == 3 and len(listed.json()["items"]) == 2
    assert [item["risk_group"] for item in listed.json()["items"]] == [False, True]
    reads = audit_rows(world, "read_health")
    assert [(row.entity, row.entity_id) for row in reads] == [
        ("volunteer_profile", str(bo)),
        ("volunteer_profile", ""),
    ]
    assert reads[0].after == {"ids": [bo]}
    assert reads[1].after == {"ids": [profile_id(world, "e1"), bo]}
    assert all(row.user_id is not None for row in reads)


def test_hr_filters_volunteers_by_approval_unit_and_skill(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")

    def listed(**params: Any) -> list[str]:
        response = hr.get("/api/volunteers", params=params)
        assert response.status_code == 200, response.text
        return names(response.json())

    assert listed(approval="pending") == ["Carla Hansen"]
    assert listed(unit_id=unit_id(world, "borgerservice")) == ["Anne Jensen", "Bo Nielsen"]
    assert listed(skill="cleaning") == ["Bo Nielsen"]
    assert listed(approval="declined") == []
    assert hr.get("/api/volunteers", params={"approval": "maybe"}).status_code == 400


def test_hr_changes_any_field_the_risk_group_included(
    as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    carla = profile_id(world, "e3")
    version = hr.get(f"/api/volunteers/{carla}").json()["version"]

    patched = hr.patch(
        f"/api/volunteers/{carla}",
        json={"risk_group": True, "normal_hours": 30, "home_load": 5, "version": version},
    )

    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["risk_group"] is True and body["normal_hours"] == 30 and body["home_load"] == 5
    [entry] = [row for row in audit_rows(world, "update") if row.entity == "volunteer_profile"]
    assert entry.after is not None and entry.before is not None
    assert entry.after["risk_group"] == entry.before["risk_group"] == "(health data, not logged)"
    assert entry.after["normal_hours"] == 30


def test_a_leader_cannot_approve_or_set_home_load_for_their_own_volunteering(
    as_user: Callable[[str], Client],
) -> None:
    erik, hr = as_user("leder_bs"), as_user("hr")
    offer = {"opted_in": True, "normal_hours": 37, "skills": ["nurse"], "shifts": ["day"]}
    own = erik.put("/api/me/volunteer", json=offer)
    assert own.status_code == 200, own.text
    profile = own.json()
    approval = {"decision": "approved", "version": profile["version"]}
    refused = erik.post(f"/api/volunteers/{profile['id']}/approval", json=approval)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "decision"
    load = {"home_load": 0, "weeks": [], "version": profile["version"]}
    refused = erik.put(f"/api/volunteers/{profile['id']}/home-load", json=load)
    assert refused.status_code == 422 and "own volunteering" in refused.json()["detail"]
    decided = hr.post(f"/api/volunteers/{profile['id']}/approval", json=approval)
    assert decided.status_code == 200 and decided.json()["approval"] == "approved"


def test_the_schema_tells_the_two_volunteer_shapes_apart(
    as_user: Callable[[str], Client],
) -> None:
    """Found by fuzzing: HR's answer matched both shapes of the `oneOf`, which breaks it.
    Closed shapes make exactly one match: with the risk group (HR) or without."""
    shapes = as_user("hr").get("/schema/openapi.json").json()["components"]["schemas"]
    staff_view, hr_view = shapes["Volunteer"], shapes["VolunteerWithHealth"]
    assert (
        staff_view["additionalProperties"] is False and "risk_group" not in staff_view["properties"]
    )
    assert hr_view["additionalProperties"] is False and "risk_group" in hr_view["required"]
