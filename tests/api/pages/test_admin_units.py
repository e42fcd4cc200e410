"""HR's admin pages for units, through their forms: a unit added with a leader, what is refused
and told at the field (422) and a stale copy (409). On SQLite and PostgreSQL, like every API
test."""

from __future__ import annotations

from typing import Any

from jobbank.db.models import AuditEntry
from tests.api.pages.forms import Login, error_at, ids, page_of, post
from tests.lookups import rows_of


def test_hr_adds_a_unit_with_a_leader_and_changes_it_from_the_version_shown(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    area = ids(hr)["Social og Sundhed"]
    form: dict[str, Any] = {
        "name": "Plejecenter Ny",
        "code": "Ny Enhed",
        "area_id": str(area),
        "address": "Vej 1",
        "phone": "",
        "add_leader": "e99",
    }
    live = page_of(post(hr, "/admin/units/validate", form), 200)
    assert live["unit-add_leader-error"].text == "Ingen person har dette medarbejdernummer."
    assert live["unit-phone-error"].text == ""
    bad = page_of(post(hr, "/admin/units", form), 422)
    assert error_at(bad, "unit", "add_leader") == "Ingen person har dette medarbejdernummer."
    assert error_at(bad, "unit", "code") == "Brug kun små bogstaver, cifre, _ og -."
    bad_code = page_of(post(hr, "/admin/units", form | {"add_leader": "e5"}), 422)
    assert error_at(bad_code, "unit", "code") == "Brug kun små bogstaver, cifre, _ og -."
    taken = page_of(post(hr, "/admin/units", form | {"add_leader": "", "code": "solgaarden"}), 422)
    assert error_at(taken, "unit", "code") == "En anden enhed har allerede denne kode."

    made = post(hr, "/admin/units", form | {"code": "ny", "add_leader": "e5"})
    assert made.status_code == 303
    unit = next(u for u in hr.get("/api/units").json()["items"] if u["code"] == "ny")
    assert [leader["name"] for leader in unit["leaders"]] == ["Erik Leder"]

    shown = page_of(hr.get(f"/admin/units/{unit['id']}"), 200)
    assert shown[f"unit-leader-{unit['leaders'][0]['id']}"].attrs.get("checked") is not None
    change = {**form, "code": "ny", "add_leader": "e6", "version": shown.hidden("version")}
    change["leaders"] = [str(unit["leaders"][0]["id"])]
    assert post(hr, f"/admin/units/{unit['id']}", change).status_code == 303
    now = hr.get(f"/api/units/{unit['id']}").json()
    assert sorted(leader["name"] for leader in now["leaders"]) == ["Erik Leder", "Frida Leder"]

    stale = page_of(post(hr, f"/admin/units/{unit['id']}", change | {"name": "Stale"}), 409)
    assert stale["unit-version-error"].text.startswith("En anden har ændret dette i mellemtiden.")
    assert hr.get(f"/api/units/{unit['id']}").json()["name"] == "Plejecenter Ny"
    assert [
        e.action
        for e in rows_of(
            world_url,
            AuditEntry,
            AuditEntry.entity == "unit",
            AuditEntry.entity_id == str(unit["id"]),
        )
    ] == ["create", "set_leaders", "set_leaders"]
