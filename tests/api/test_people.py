"""People and log-ins over HTTP: HR manages both, leaders see their home units' people, staff
see themselves; no answer carries the risk-group flag or a password hash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jobbank.db.models import AuditEntry, AuthSession
from tests.api.conftest import Client
from tests.builders import PASSWORD
from tests.lookups import rows_of

Login = Callable[[str], Client]
NEW_PASSWORD = "a long enough secret"


def audit_entries(url: str, entity: str, action: str) -> list[AuditEntry]:
    return rows_of(url, AuditEntry, AuditEntry.entity == entity, AuditEntry.action == action)


def names(client: Client, path: str = "/api/people", **params: Any) -> list[str]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [row.get("name") or row["username"] for row in response.json()["items"]]


def person(client: Client, name: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/people", params={"q": name}).json()["items"][0]
    return found


def user(client: Client, username: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/users", params={"q": username}).json()["items"][0]
    return found


def unit_id(client: Client, code: str) -> int:
    units = client.get("/api/units").json()["items"]
    return next(int(u["id"]) for u in units if u["code"] == code)


def assert_no_health_data(response_text: str) -> None:
    assert "risk" not in response_text and "password" not in response_text


# --- reading people ------------------------------------------------------------------------

EVERYONE = [
    "Anne Jensen",
    "Bo Nielsen",
    "Carla Hansen",
    "Dorte Leder",
    "Erik Leder",
    "Frida Leder",
    "Gustav Leder",
]


def test_hr_lists_everyone_page_by_page(as_user: Login) -> None:
    hr = as_user("hr")
    response = hr.get("/api/people")
    assert names(hr) == EVERYONE
    assert_no_health_data(response.text)
    page = hr.get("/api/people", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 7 and [p["name"] for p in page["items"]] == EVERYONE[2:4]
    first = response.json()["items"][0]
    assert set(first) == {
        "id",
        "employee_no",
        "name",
        "email",
        "phone",
        "language",
        "home_unit",
        "version",
    }
    assert first["home_unit"]["code"] == "borgerservice"


def test_hr_filters_people_by_home_unit_and_name(as_user: Login) -> None:
    hr = as_user("hr")
    in_unit = names(hr, unit_id=unit_id(hr, "borgerservice"))
    assert in_unit == ["Anne Jensen", "Bo Nielsen", "Erik Leder"]
    assert names(hr, q="leder") == ["Dorte Leder", "Erik Leder", "Frida Leder", "Gustav Leder"]
    assert names(hr, q="e3") == ["Carla Hansen"]


def test_a_leader_sees_only_the_people_of_the_units_they_lead(as_user: Login) -> None:
    leader = as_user("leder_bs")
    assert names(leader) == ["Anne Jensen", "Bo Nielsen", "Erik Leder"]
    assert names(leader, unit_id=unit_id(leader, "hjemmeplejen")) == []
    hr = as_user("hr")
    carla, bo = person(hr, "Carla"), person(hr, "Bo")
    assert leader.get(f"/api/people/{carla['id']}").status_code == 404
    own = leader.get(f"/api/people/{bo['id']}")
    assert own.status_code == 200 and own.json() == bo
    assert_no_health_data(own.text)


def test_staff_see_themselves_and_nobody_else(as_user: Login) -> None:
    hr = as_user("hr")
    anne, bo = person(hr, "Anne"), person(hr, "Bo")
    bo_client = as_user("bo")
    assert bo_client.get("/api/people").status_code == 404
    assert bo_client.get(f"/api/people/{anne['id']}").status_code == 404
    myself = bo_client.get(f"/api/people/{bo['id']}")
    assert myself.status_code == 200 and myself.json()["name"] == "Bo Nielsen"
    assert_no_health_data(myself.text)
    assert hr.get("/api/people/999999").status_code == 404


# --- managing people -----------------------------------------------------------------------


def test_hr_adds_and_edits_a_person(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    body = {
        "employee_no": "e100",
        "name": "Hanne Holm",
        "email": "hanne@x.example",
        "home_unit_id": unit_id(hr, "solgaarden"),
    }
    made = hr.post("/api/people", json=body)
    assert made.status_code == 201, made.text
    hanne = made.json()
    assert hanne["home_unit"]["code"] == "solgaarden" and hanne["phone"] == ""
    moved = hr.patch(
        f"/api/people/{hanne['id']}",
        json={"home_unit_id": unit_id(hr, "hjemmeplejen"), "version": hanne["version"]},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["home_unit"]["code"] == "hjemmeplejen"
    assert moved.json()["version"] == hanne["version"] + 1
    assert "Hanne Holm" in names(as_user("leder_hp"))
    created = audit_entries(world_url, "person", "create")[-1]
    assert created.entity_id == str(hanne["id"]) and created.after["employee_no"] == "e100"  # type: ignore[index]
    updated = audit_entries(world_url, "person", "update")[-1]
    assert updated.before == {"home_unit_id": unit_id(hr, "solgaarden")}
    assert updated.after == {"home_unit_id": unit_id(hr, "hjemmeplejen")}


def test_a_stale_person_edit_is_refused(as_user: Login) -> None:
    hr = as_user("hr")
    anne = person(hr, "Anne")
    path = f"/api/people/{anne['id']}"
    assert hr.patch(path, json={"phone": "1", "version": anne["version"]}).status_code == 200
    stale = hr.patch(path, json={"phone": "2", "version": anne["version"]})
    assert stale.status_code == 409 and "version" in stale.json()["detail"]
    assert hr.get(path).json()["phone"] == "1"


def test_bad_person_values_name_the_field(as_user: Login) -> None:
    hr = as_user("hr")
    home = unit_id(hr, "solgaarden")
    taken = hr.post("/api/people", json={"employee_no": "e1", "name": "X", "home_unit_id": home})
    assert taken.status_code == 409 and taken.json()["detail"] == "employee_no: 'e1' is taken"
    email = hr.post(
        "/api/people",
        json={"employee_no": "e9", "name": "X", "email": "not-mail", "home_unit_id": home},
    )
    assert email.status_code == 422 and email.json()["errors"][0]["field"] == "email"
    unit = hr.post("/api/people", json={"employee_no": "e9", "name": "X", "home_unit_id": 999999})
    assert unit.status_code == 422 and unit.json()["errors"][0]["field"] == "home_unit_id"
    blank = hr.post("/api/people", json={"employee_no": "e9", "name": " ", "home_unit_id": home})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "name"
    missing = hr.post("/api/people", json={"employee_no": "e9", "home_unit_id": home})
    assert missing.status_code == 400 and "name" in missing.json()["detail"]
    anne = person(hr, "Anne")
    clash = hr.patch(
        f"/api/people/{anne['id']}", json={"employee_no": "e2", "version": anne["version"]}
    )
    assert clash.status_code == 409 and clash.json()["detail"] == "employee_no: 'e2' is taken"


@pytest.mark.parametrize("who", ["anne", "leder_bs"])
def test_only_hr_adds_or_edits_people(as_user: Login, who: str) -> None:
    client = as_user(who)
    hr = as_user("hr")
    anne = person(hr, "Anne")
    home = unit_id(hr, "borgerservice")
    new = {"employee_no": "e9", "name": "X", "home_unit_id": home}
    assert client.post("/api/people", json=new).status_code == 404
    change = {"name": "Y", "version": anne["version"]}
    assert client.patch(f"/api/people/{anne['id']}", json=change).status_code == 404


# --- log-ins -------------------------------------------------------------------------------


def test_hr_lists_log_ins_without_secrets(as_user: Login) -> None:
    hr = as_user("hr")
    response = hr.get("/api/users")
    assert response.status_code == 200
    assert "password" not in response.text and "argon2" not in response.text
    listed = response.json()
    assert listed["total"] == 7
    anne = user(hr, "anne")
    assert anne["roles"] == ["staff"] and anne["is_active"] is True
    assert anne["person"]["name"] == "Anne Jensen"
    assert hr.get(f"/api/users/{anne['id']}").json() == anne
    assert names(hr, "/api/users", is_active=False) == []


@pytest.mark.parametrize("who", ["anne", "leder_sol"])
def test_only_hr_reaches_log_ins(as_user: Login, who: str) -> None:
    client = as_user(who)
    me = client.get("/api/me").json()
    assert client.get("/api/users").status_code == 404
    assert client.get(f"/api/users/{me['user_id']}").status_code == 404
    new = {"username": "x", "password": NEW_PASSWORD, "roles": ["staff"]}
    assert client.post("/api/users", json=new).status_code == 404
    change = {"roles": ["hr_coordinator"], "version": 1}
    assert client.patch(f"/api/users/{me['user_id']}", json=change).status_code == 404


def test_hr_gives_a_new_person_a_log_in(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    home = unit_id(hr, "hjemmeplejen")
    made = hr.post("/api/people", json={"employee_no": "e50", "name": "Ida", "home_unit_id": home})
    ida = made.json()
    body = {"username": "ida", "password": NEW_PASSWORD, "roles": ["staff"], "person_id": ida["id"]}
    response = hr.post("/api/users", json=body)
    assert response.status_code == 201, response.text
    assert "password" not in response.text
    account = response.json()
    assert account["person"] == {"id": ida["id"], "name": "Ida"} and account["roles"] == ["staff"]
    second = hr.post("/api/users", json=body | {"username": "ida2"})
    assert second.status_code == 409 and second.json()["detail"].startswith("person_id: ")
    logged_in = hr.post("/api/auth/login", json={"username": "ida", "password": NEW_PASSWORD})
    assert logged_in.status_code == 200 and logged_in.json()["person_id"] == ida["id"]
    created = audit_entries(world_url, "user_account", "create")[-1]
    assert created.entity_id == str(account["id"]) and created.user_id is not None


def test_bad_log_in_values_name_the_field(as_user: Login) -> None:
    hr = as_user("hr")
    short = hr.post("/api/users", json={"username": "x", "password": "short", "roles": ["staff"]})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "password"
    taken = hr.post(
        "/api/users", json={"username": "anne", "password": NEW_PASSWORD, "roles": ["staff"]}
    )
    assert taken.status_code == 409 and taken.json()["detail"] == "username: 'anne' is taken"
    no_roles = hr.post("/api/users", json={"username": "x", "password": NEW_PASSWORD, "roles": []})
    assert no_roles.status_code == 422 and no_roles.json()["errors"][0]["field"] == "roles"
    bad_role = hr.post(
        "/api/users", json={"username": "x", "password": NEW_PASSWORD, "roles": ["boss"]}
    )
    assert bad_role.status_code == 400 and "roles" in bad_role.json()["detail"]
    nobody = hr.post(
        "/api/users",
        json={"username": "x", "password": NEW_PASSWORD, "roles": ["staff"], "person_id": 999999},
    )
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "person_id"


def test_switching_a_log_in_off_ends_its_sessions_and_tokens(
    as_user: Login, world_url: str
) -> None:
    anne_client = as_user("anne")
    token = anne_client.post(
        "/api/auth/token", json={"username": "anne", "password": PASSWORD}
    ).json()["token"]
    hr = as_user("hr")
    anne = user(hr, "anne")
    off = hr.patch(
        f"/api/users/{anne['id']}", json={"is_active": False, "version": anne["version"]}
    )
    assert off.status_code == 200, off.text
    assert off.json()["is_active"] is False and off.json()["version"] == anne["version"] + 1
    assert anne_client.get("/api/me").status_code == 401
    assert hr.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    live = rows_of(
        world_url,
        AuthSession,
        AuthSession.user_id == anne["id"],
        AuthSession.revoked_at.is_(None),
    )
    assert live == []
    entry = audit_entries(world_url, "user_account", "update")[-1]
    assert entry.before == {"is_active": True}
    assert entry.after == {"is_active": False, "sessions_revoked": 2}
    again = hr.post("/api/auth/login", json={"username": "anne", "password": PASSWORD})
    assert again.status_code == 401


def test_hr_changes_roles_and_a_stale_edit_is_refused(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    carla = user(hr, "carla")
    path = f"/api/users/{carla['id']}"
    changed = hr.patch(path, json={"roles": ["staff", "unit_leader"], "version": carla["version"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["staff", "unit_leader"]
    assert as_user("carla").get("/api/me").json()["roles"] == ["staff", "unit_leader"]
    stale = hr.patch(path, json={"roles": ["staff"], "version": carla["version"]})
    assert stale.status_code == 409
    entry = audit_entries(world_url, "user_account", "update")[-1]
    assert entry.before == {"roles": ["staff"]}
    assert entry.after == {"roles": ["staff", "unit_leader"]}


def test_hr_cannot_lock_themselves_out(as_user: Login) -> None:
    hr = as_user("hr")
    me = user(hr, "hr")
    path = f"/api/users/{me['id']}"
    off = hr.patch(path, json={"is_active": False, "version": me["version"]})
    assert off.status_code == 422 and off.json()["errors"][0]["field"] == "is_active"
    demoted = hr.patch(path, json={"roles": ["staff"], "version": me["version"]})
    assert demoted.status_code == 422 and demoted.json()["errors"][0]["field"] == "roles"
    assert hr.get("/api/me").json()["roles"] == ["hr_coordinator"]
