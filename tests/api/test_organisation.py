"""Areas, units with leaders and the skills catalogue over HTTP: everyone reads, HR manages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.db.models import AuditEntry
from tests.api.conftest import Client

Login = Callable[[str], Client]


def audit_entries(url: str, entity: str, action: str | None = None) -> list[AuditEntry]:
    """The audit entries about `entity`, read straight from the app's database."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            query = select(AuditEntry).where(AuditEntry.entity == entity)
            if action is not None:
                query = query.where(AuditEntry.action == action)
            return list(session.scalars(query.order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def items(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


def unit(client: Client, code: str) -> dict[str, Any]:
    return next(u for u in items(client, "/api/units") if u["code"] == code)


def area_id(client: Client, name: str) -> int:
    return next(int(a["id"]) for a in items(client, "/api/areas") if a["name"] == name)


def skill_id(client: Client, code: str) -> int:
    return next(int(s["id"]) for s in items(client, "/api/skills") if s["code"] == code)


def person_id(client: Client, name: str) -> int:
    return int(items(client, "/api/people", q=name)[0]["id"])


# --- areas ---------------------------------------------------------------------------------


def test_everyone_logged_in_reads_the_areas(as_user: Login) -> None:
    page = as_user("anne").get("/api/areas").json()
    assert [a["name"] for a in page["items"]] == ["Administration", "Social og Sundhed"]
    assert page["total"] == 2


def test_nobody_reads_anything_without_logging_in(anonymous: Client) -> None:
    for path in ("/api/areas", "/api/units", "/api/skills", "/api/units/1"):
        assert anonymous.get(path).status_code == 401


def test_hr_adds_renames_and_removes_an_area(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    made = hr.post("/api/areas", json={"name": "Teknik og Miljø"})
    assert made.status_code == 201, made.text
    area = made.json()
    renamed = hr.patch(f"/api/areas/{area['id']}", json={"name": "Teknik"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Teknik"
    assert hr.delete(f"/api/areas/{area['id']}").status_code == 204
    assert hr.get(f"/api/areas/{area['id']}").status_code == 404
    entries = audit_entries(world_url, "area")
    assert [(e.action, e.entity_id) for e in entries] == [
        ("create", str(area["id"])),
        ("update", str(area["id"])),
        ("delete", str(area["id"])),
    ]
    assert entries[1].before == {"name": "Teknik og Miljø"} and entries[1].after == {
        "name": "Teknik"
    }
    assert all(e.user_id is not None for e in entries)


def test_an_area_with_units_cannot_be_removed(as_user: Login) -> None:
    hr = as_user("hr")
    response = hr.delete(f"/api/areas/{area_id(hr, 'Administration')}")
    assert response.status_code == 409
    assert "1 unit" in response.json()["detail"]


def test_area_names_are_unique_and_required(as_user: Login) -> None:
    hr = as_user("hr")
    taken = hr.post("/api/areas", json={"name": "Administration"})
    assert taken.status_code == 409
    assert taken.json()["detail"] == "name: 'Administration' is taken"
    empty = hr.post("/api/areas", json={"name": "  "})
    assert empty.status_code == 422
    assert empty.json()["errors"] == [
        {"field": "name", "code": "required", "message": "must not be empty"}
    ]
    long = hr.post("/api/areas", json={"name": "x" * 101})
    assert long.status_code == 422 and long.json()["detail"].startswith("name: ")


@pytest.mark.parametrize("who", ["anne", "leder_sol"])
def test_only_hr_changes_areas(as_user: Login, who: str) -> None:
    client = as_user(who)
    admin = area_id(client, "Administration")
    assert client.post("/api/areas", json={"name": "Nyt"}).status_code == 404
    assert client.patch(f"/api/areas/{admin}", json={"name": "Nyt"}).status_code == 404
    assert client.delete(f"/api/areas/{admin}").status_code == 404


# --- units ---------------------------------------------------------------------------------


def test_units_show_area_contact_and_leaders_to_everyone(as_user: Login) -> None:
    solgaarden = unit(as_user("carla"), "solgaarden")
    assert solgaarden["name"] == "Plejecenter Solgården"
    assert solgaarden["area"]["name"] == "Social og Sundhed"
    assert solgaarden["leaders"] == [
        {
            "id": solgaarden["leaders"][0]["id"],
            "name": "Frida Leder",
            "email": "frida@x.example",
            "phone": "55 55 55 55",
        }
    ]
    assert {"address", "phone", "version"} <= solgaarden.keys()


def test_units_filter_by_area_and_name(as_user: Login) -> None:
    anne = as_user("anne")
    social = area_id(anne, "Social og Sundhed")
    in_area = items(anne, "/api/units", area_id=social)
    assert [u["code"] for u in in_area] == ["hjemmeplejen", "solgaarden"]
    assert [u["code"] for u in items(anne, "/api/units", q="borger")] == ["borgerservice"]
    assert items(anne, "/api/units", q="BORGER")[0]["code"] == "borgerservice"
    page = anne.get("/api/units", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and len(page["items"]) == 1


def test_one_unit_and_an_unknown_one(as_user: Login) -> None:
    anne = as_user("anne")
    found = unit(anne, "borgerservice")
    assert anne.get(f"/api/units/{found['id']}").json() == found
    assert anne.get("/api/units/999999").status_code == 404


def test_hr_creates_and_edits_a_unit(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    body = {
        "code": "lager",
        "name": "Værnemiddellageret",
        "area_id": area_id(hr, "Administration"),
        "address": "Industrivej 1",
        "phone": "57 00 00 00",
    }
    made = hr.post("/api/units", json=body)
    assert made.status_code == 201, made.text
    created = made.json()
    assert created["code"] == "lager" and created["leaders"] == [] and created["version"] == 1
    edited = hr.patch(
        f"/api/units/{created['id']}",
        json={"name": "Lageret", "phone": "", "version": created["version"]},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["name"] == "Lageret" and edited.json()["phone"] == ""
    assert edited.json()["version"] == 2
    update = audit_entries(world_url, "unit", "update")[-1]
    assert update.before == {"name": "Værnemiddellageret", "phone": "57 00 00 00"}
    assert update.after == {"name": "Lageret", "phone": ""}
    assert audit_entries(world_url, "unit", "create")[-1].after["code"] == "lager"  # type: ignore[index]


def test_a_stale_unit_edit_is_refused(as_user: Login) -> None:
    hr = as_user("hr")
    solgaarden = unit(hr, "solgaarden")
    path = f"/api/units/{solgaarden['id']}"
    first = hr.patch(path, json={"phone": "1", "version": solgaarden["version"]})
    assert first.status_code == 200
    second = hr.patch(path, json={"phone": "2", "version": solgaarden["version"]})
    assert second.status_code == 409
    assert "version" in second.json()["detail"]
    assert hr.get(path).json()["phone"] == "1"


def test_bad_unit_values_name_the_field(as_user: Login) -> None:
    hr = as_user("hr")
    admin = area_id(hr, "Administration")
    bad_code = hr.post("/api/units", json={"code": "Lager 1", "name": "L", "area_id": admin})
    assert bad_code.status_code == 422
    assert bad_code.json()["errors"][0]["field"] == "code"
    assert "^[a-z0-9][a-z0-9_-]*$" in bad_code.json()["detail"]
    taken = hr.post("/api/units", json={"code": "solgaarden", "name": "X", "area_id": admin})
    assert taken.status_code == 409
    assert taken.json()["detail"] == "code: 'solgaarden' is taken"
    no_area = hr.post("/api/units", json={"code": "ny", "name": "Ny", "area_id": 999999})
    assert no_area.status_code == 422 and no_area.json()["errors"][0]["field"] == "area_id"
    missing = hr.post("/api/units", json={"code": "ny", "area_id": admin})
    assert missing.status_code == 400 and "name" in missing.json()["detail"]
    unknown = hr.post(
        "/api/units", json={"code": "ny", "name": "Ny", "area_id": admin, "colour": "red"}
    )
    assert unknown.status_code == 400 and "colour" in unknown.json()["detail"]
    solgaarden = unit(hr, "solgaarden")
    rename = hr.patch(
        f"/api/units/{solgaarden['id']}",
        json={"code": "borgerservice", "version": solgaarden["version"]},
    )
    assert rename.status_code == 409 and rename.json()["detail"].startswith("code: ")


@pytest.mark.parametrize("who", ["anne", "leder_sol"])
def test_only_hr_changes_units(as_user: Login, who: str) -> None:
    client = as_user(who)
    solgaarden = unit(client, "solgaarden")
    path = f"/api/units/{solgaarden['id']}"
    version = solgaarden["version"]
    admin = area_id(client, "Administration")
    new = {"code": "ny", "name": "Ny", "area_id": admin}
    assert client.post("/api/units", json=new).status_code == 404
    assert client.patch(path, json={"name": "X", "version": version}).status_code == 404
    assert (
        client.put(f"{path}/leaders", json={"person_ids": [], "version": version}).status_code
        == 404
    )
    assert client.delete(path).status_code == 404


def test_a_new_leader_gets_the_leader_role(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    anne = as_user("anne")
    assert anne.get("/api/me").json()["led_unit_ids"] == []
    hjemmeplejen = unit(hr, "hjemmeplejen")
    anne_id = person_id(hr, "Anne")
    gustav_id = hjemmeplejen["leaders"][0]["id"]
    response = hr.put(
        f"/api/units/{hjemmeplejen['id']}/leaders",
        json={"person_ids": [gustav_id, anne_id], "version": hjemmeplejen["version"]},
    )
    assert response.status_code == 200, response.text
    assert [p["name"] for p in response.json()["leaders"]] == ["Anne Jensen", "Gustav Leder"]
    assert response.json()["version"] == hjemmeplejen["version"] + 1
    me = anne.get("/api/me").json()
    assert me["roles"] == ["staff", "unit_leader"]
    assert me["led_unit_ids"] == [hjemmeplejen["id"]]
    assert {p["name"] for p in items(anne, "/api/people")} == {"Carla Hansen", "Gustav Leder"}
    leaders = audit_entries(world_url, "unit", "set_leaders")[-1]
    assert leaders.before == {"leaders": [gustav_id]}
    assert leaders.after == {"leaders": sorted([gustav_id, anne_id])}
    role = audit_entries(world_url, "user_account", "update")[-1]
    assert role.before == {"roles": ["staff"]}
    assert role.after == {"roles": ["staff", "unit_leader"]}


def test_leaders_can_be_removed_and_unknown_people_are_refused(as_user: Login) -> None:
    hr = as_user("hr")
    solgaarden = unit(hr, "solgaarden")
    path = f"/api/units/{solgaarden['id']}/leaders"
    unknown = hr.put(path, json={"person_ids": [999999], "version": solgaarden["version"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0] == {
        "field": "person_ids",
        "code": "no_such_person",
        "message": "no person 999999",
    }
    cleared = hr.put(path, json={"person_ids": [], "version": solgaarden["version"]})
    assert cleared.status_code == 200 and cleared.json()["leaders"] == []
    stale = hr.put(path, json={"person_ids": [], "version": solgaarden["version"]})
    assert stale.status_code == 409
    former = as_user("leder_sol")
    assert former.get("/api/me").json()["led_unit_ids"] == []
    assert former.get("/api/people").json()["items"] == []


def test_a_unit_in_use_cannot_be_removed_but_an_empty_one_can(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    solgaarden = unit(hr, "solgaarden")
    refused = hr.delete(f"/api/units/{solgaarden['id']}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "unit solgaarden: it still has 2 people and 1 need; move or remove them first"
    )
    admin = area_id(hr, "Administration")
    made = hr.post("/api/units", json={"code": "tom", "name": "Tom", "area_id": admin}).json()
    assert hr.delete(f"/api/units/{made['id']}").status_code == 204
    assert hr.get(f"/api/units/{made['id']}").status_code == 404
    assert audit_entries(world_url, "unit", "delete")[-1].before == {
        "code": "tom",
        "name": "Tom",
        "area_id": admin,
        "address": "",
        "phone": "",
    }


# --- skills --------------------------------------------------------------------------------


def test_everyone_reads_the_skills_catalogue(as_user: Login) -> None:
    page = as_user("bo").get("/api/skills").json()
    assert [s["code"] for s in page["items"]] == ["cleaning", "nurse"]
    assert page["items"][1]["label_da"] == "Sygeplejerske"
    assert [s["code"] for s in items(as_user("bo"), "/api/skills", q="syge")] == ["nurse"]


def test_hr_manages_the_catalogue(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    made = hr.post("/api/skills", json={"code": "driver", "label_da": "Chauffør", "label_en": "D"})
    assert made.status_code == 201, made.text
    skill = made.json()
    edited = hr.patch(f"/api/skills/{skill['id']}", json={"label_en": "Driver"})
    assert edited.status_code == 200 and edited.json()["label_en"] == "Driver"
    assert hr.delete(f"/api/skills/{skill['id']}").status_code == 204
    actions = [e.action for e in audit_entries(world_url, "skill")]
    assert actions == ["create", "update", "delete"]


def test_skill_codes_follow_the_pattern_and_are_unique(as_user: Login) -> None:
    hr = as_user("hr")
    bad = hr.post("/api/skills", json={"code": "Nurse!", "label_da": "x", "label_en": "x"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"
    assert "^[a-z0-9][a-z0-9_-]*$" in bad.json()["detail"]
    taken = hr.post("/api/skills", json={"code": "nurse", "label_da": "x", "label_en": "x"})
    assert taken.status_code == 409 and taken.json()["detail"] == "code: 'nurse' is taken"
    no_label = hr.post("/api/skills", json={"code": "cook", "label_da": "", "label_en": "Cook"})
    assert no_label.status_code == 422 and no_label.json()["errors"][0]["field"] == "label_da"


def test_a_skill_in_use_cannot_be_removed(as_user: Login) -> None:
    hr = as_user("hr")
    response = hr.delete(f"/api/skills/{skill_id(hr, 'nurse')}")
    assert response.status_code == 409
    assert response.json()["detail"] == "skill nurse: in use by 3 volunteers and 1 need"


@pytest.mark.parametrize("who", ["carla", "leder_hp"])
def test_only_hr_changes_skills(as_user: Login, who: str) -> None:
    client = as_user(who)
    nurse = skill_id(client, "nurse")
    new = {"code": "cook", "label_da": "Kok", "label_en": "Cook"}
    assert client.post("/api/skills", json=new).status_code == 404
    assert client.patch(f"/api/skills/{nurse}", json={"label_en": "X"}).status_code == 404
    assert client.delete(f"/api/skills/{nurse}").status_code == 404
