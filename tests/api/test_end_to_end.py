"""A whole round over the API, as the three kinds of users do it.

Carla volunteers; her home leader (Gustav, Hjemmeplejen) approves her and sets her home load;
Frida posts a need for Solgården; HR creates a round, solves it in a worker process, pins one
assignment, solves again and publishes; Carla sees her assignment and checklist; the
receiving and the sending leader tick their items; the audit log tells the story.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from jobbank.core.weeks import monday_of
from tests.api.conftest import Client

MONDAY = monday_of(dt.date.today())


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def until_solved(hr: Client, round_id: int, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        rnd = ok(hr.get(f"/api/rounds/{round_id}"))
        if rnd["status"] != "solving":
            return dict(rnd)
        assert time.monotonic() < deadline, f"round {round_id} still solving: {rnd}"
        time.sleep(0.2)


def sse_events(hr: Client, round_id: int) -> list[tuple[str, dict[str, Any]]]:
    """The progress stream of a solve, read to its end."""
    events: list[tuple[str, dict[str, Any]]] = []
    with hr.stream("GET", f"/api/rounds/{round_id}/progress") as stream:
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.partition(":")[2])))
    return events


def test_a_whole_round_as_staff_leaders_and_hr(as_user: Callable[[str], Client]) -> None:
    hr, carla = as_user("hr"), as_user("carla")
    frida, gustav = as_user("leder_sol"), as_user("leder_hp")

    # Carla volunteers, with a risk-group declaration that nobody but HR will ever see
    profile = ok(carla.get("/api/me/volunteer"))
    profile = ok(
        carla.put(
            "/api/me/volunteer",
            json={
                "opted_in": True,
                "normal_hours": 37,
                "skills": ["nurse"],
                "shifts": ["day"],
                "risk_group": False,
                "version": profile["version"],
            },
        )
    )
    assert "risk_group" not in profile

    # Her home leader approves her and keeps 7 hours a week at home
    [pending] = ok(gustav.get("/api/volunteers", params={"approval": "pending"}))["items"]
    assert pending["person"]["name"] == "Carla Hansen" and "risk_group" not in pending
    approved = ok(
        gustav.post(
            f"/api/volunteers/{pending['id']}/approval",
            json={"decision": "approved", "version": pending["version"]},
        )
    )
    ok(
        gustav.put(
            f"/api/volunteers/{pending['id']}/home-load",
            json={"home_load": 7, "weeks": [], "version": approved["version"]},
        )
    )

    # Frida posts what Solgården needs, naming herself as contact
    me_frida = ok(frida.get("/api/me"))
    [solgaarden] = me_frida["led_unit_ids"]
    need = ok(
        frida.post(
            "/api/needs",
            json={
                "unit_id": solgaarden,
                "skill": "nurse",
                "hours": 20,
                "first_week": MONDAY.isoformat(),
                "last_week": (MONDAY + dt.timedelta(weeks=3)).isoformat(),
                "priority": 4,
                "description": "Medicinrunder og sårpleje om formiddagen",
                "contact_person_id": me_frida["person_id"],
            },
        ),
        201,
    )

    # HR creates the round, solves it and follows the progress stream
    rnd = ok(hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 4}), 201)
    ok(hr.post(f"/api/rounds/{rnd['id']}/solve", json={"time_limit": 2, "workers": 1}), 202)
    events = sse_events(hr, rnd["id"])
    assert events and events[-1][0] == "done", events
    assert all({"objective", "bound", "elapsed"} <= data.keys() for name, data in events[:-1])
    assert until_solved(hr, rnd["id"])["status"] == "proposed"
    proposal = ok(hr.get(f"/api/rounds/{rnd['id']}/proposal"))
    carlas = [a for a in proposal["assignments"] if a["name"] == "Carla Hansen"]
    assert carlas, proposal["assignments"]
    assert proposal["metrics"]["weighted_coverage"] <= proposal["metrics"]["upper_bound"]

    # HR pins Carla to the new need for 10 hours in week 0, solves again: the pin holds
    pin = ok(
        hr.post(
            f"/api/rounds/{rnd['id']}/pins",
            json={
                "person_id": carlas[0]["person_id"],
                "need_id": need["id"],
                "week": MONDAY.isoformat(),
                "hours": 10,
            },
        ),
        201,
    )
    assert pin["pinned"] is True
    ok(hr.post(f"/api/rounds/{rnd['id']}/solve", json={"time_limit": 2, "workers": 1}), 202)
    assert until_solved(hr, rnd["id"])["status"] == "proposed"
    proposal = ok(hr.get(f"/api/rounds/{rnd['id']}/proposal", params={"need_id": need["id"]}))
    kept = [
        a
        for a in proposal["assignments"]
        if a["person_id"] == carlas[0]["person_id"] and a["week"] == MONDAY.isoformat()
    ]
    assert [(a["hours"], a["pinned"]) for a in kept] == [(10, True)]

    # Publishing twice changes nothing the second time
    published = ok(hr.post(f"/api/rounds/{rnd['id']}/publish"))
    assert published["status"] == "published"
    assert ok(hr.post(f"/api/rounds/{rnd['id']}/publish")) == published

    # Carla sees where she goes, whom to meet, and her own checklist
    deployments = ok(carla.get("/api/me/assignments"))["items"]
    to_need = [d for d in deployments if d["need"]["id"] == need["id"]]
    assert to_need and to_need[0]["unit"]["id"] == solgaarden
    assert [c["name"] for c in to_need[0]["contacts"]] == ["Frida Leder"]
    assert to_need[0]["weeks"][0] == {"week": MONDAY.isoformat(), "hours": 10}
    [checklist] = ok(carla.get("/api/checklists"))["items"]
    assert {item["audience"] for item in checklist["items"]} == {"employee"}
    ok(carla.post(f"/api/checklists/items/{checklist['items'][0]['id']}/done"))

    # The receiving leader and the sending leader tick their own parts
    received = ok(frida.get("/api/checklists"))["items"]
    [for_carla] = [c for c in received if c["person"]["name"] == "Carla Hansen"]
    receiving = [i for i in for_carla["items"] if i["audience"] == "receiving_leader"]
    ticked = ok(frida.post(f"/api/checklists/items/{receiving[0]['id']}/done"))
    assert any(i["done_at"] for i in ticked["items"])
    [sent] = ok(gustav.get("/api/checklists"))["items"]
    sending = [i for i in sent["items"] if i["audience"] == "sending_leader"]
    assert sending and {i["audience"] for i in sent["items"]} == {"sending_leader"}
    ok(gustav.post(f"/api/checklists/items/{sending[0]['id']}/done"))
    # Nobody ticks someone else's part
    assert carla.post(f"/api/checklists/items/{sending[1]['id']}/done").status_code == 404

    # Gustav sees Carla lent out; the audit log has the whole story
    lent = ok(gustav.get("/api/assignments", params={"direction": "outgoing"}))["items"]
    assert {d["person"]["name"] for d in lent} == {"Carla Hansen"}
    actions = {
        (e["action"], e["entity"]) for e in ok(hr.get("/api/audit", params={"limit": 500}))["items"]
    }
    assert {("create", "need"), ("create", "round"), ("publish", "round")} <= actions
