"""HR's admin pages for log-ins, through their forms: a log-in given, roles changed, a log-in
switched off and its sessions ended, what is refused and told at the field (422) and a stale
copy (409). On SQLite and PostgreSQL, like every API test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobbank.db.models import AuthSession, UserAccount
from tests.api.conftest import Client
from tests.api.pages.forms import Login, Page, error_at, ids, page_of, post
from tests.lookups import rows_of

NEW_PASSWORD = "a long enough first password"


def test_hr_gives_a_person_a_log_in_and_wrong_fields_are_told_at_the_field(
    as_user: Login, world_url: str, open_clients: Callable[[], Client]
) -> None:
    hr = as_user("hr")
    bs = ids(hr)["borgerservice"]
    hr.post("/api/people", json={"employee_no": "e70", "name": "Lone Log", "home_unit_id": bs})
    form: dict[str, Any] = {
        "employee_no": "e70",
        "username": "lone",
        "password": "short",
        "roles": ["staff", "unit_leader"],
    }
    short = page_of(post(hr, "/admin/users", form), 422)
    assert error_at(short, "user", "password") == "Brug mindst 12 tegn."
    assert short["user-password"].attrs["value"] == ""  # a password is never sent back
    assert short["user-role-unit_leader"].attrs.get("checked") is not None

    refusals: dict[str, tuple[dict[str, Any], str]] = {
        "employee_no": ({"employee_no": "e1"}, "Personen har allerede et log-in."),
        "username": ({"username": "anne"}, "Et andet log-in har allerede dette brugernavn."),
        "roles": ({"roles": []}, "Vælg mindst én rolle."),
    }
    for field, (change, told) in refusals.items():
        refused = page_of(post(hr, "/admin/users", form | {"password": NEW_PASSWORD} | change), 422)
        assert error_at(refused, "user", field) == told, field
    unknown = page_of(post(hr, "/admin/users", form | {"employee_no": "e999"}), 422)
    assert error_at(unknown, "user", "employee_no") == "Ingen person har dette medarbejdernummer."
    assert rows_of(world_url, UserAccount, UserAccount.username == "lone") == []

    made = post(hr, "/admin/users", form | {"password": NEW_PASSWORD})
    assert made.status_code == 303
    users = hr.get(made.headers["location"])
    assert "lone" in Page(users.text)["users"].text
    assert "argon2" not in users.text and "$" not in Page(users.text)["users"].text
    lone = open_clients()
    logged_in = lone.post("/api/auth/login", json={"username": "lone", "password": NEW_PASSWORD})
    assert logged_in.status_code == 200
    assert sorted(lone.get("/api/me").json()["roles"]) == ["staff", "unit_leader"]


def test_hr_changes_roles_and_switching_a_log_in_off_ends_its_sessions(
    as_user: Login, world_url: str
) -> None:
    hr, anne = as_user("hr"), as_user("anne")
    anne_id = hr.get("/api/users", params={"q": "anne"}).json()["items"][0]["id"]
    shown = page_of(hr.get(f"/admin/users/{anne_id}"), 200)
    assert "argon2" not in hr.get(f"/admin/users/{anne_id}").text
    version = shown.hidden("version")
    roles = {"version": version, "roles": ["staff", "hr_coordinator"]}
    assert post(hr, f"/admin/users/{anne_id}/roles", roles).status_code == 303
    stale = page_of(post(hr, f"/admin/users/{anne_id}/active", {"version": version}), 409)
    assert stale["user-version-error"].text.startswith("En anden har ændret dette i mellemtiden.")
    assert anne.get("/api/me").status_code == 200

    fresh = page_of(hr.get(f"/admin/users/{anne_id}"), 200).hidden("version")
    off = post(hr, f"/admin/users/{anne_id}/active", {"version": fresh, "active": "off"})
    assert off.status_code == 303
    assert anne.get("/api/me").status_code == 401
    live = rows_of(
        world_url,
        AuthSession,
        AuthSession.user_id == anne_id,
        AuthSession.revoked_at.is_(None),
    )
    assert live == []
    shown_off = page_of(hr.get(f"/admin/users/{anne_id}"), 200)
    assert "Slå log-in'et til" in shown_off["active-form"].text
    again = {"version": shown_off.hidden("version"), "active": "on"}
    assert post(hr, f"/admin/users/{anne_id}/active", again).status_code == 303
    assert hr.get(f"/api/users/{anne_id}").json()["is_active"] is True


def test_hr_cannot_take_their_own_hr_role_or_switch_themselves_off(as_user: Login) -> None:
    hr = as_user("hr")
    own = hr.get("/api/me").json()["user_id"]
    version = page_of(hr.get(f"/admin/users/{own}"), 200).hidden("version")
    refused = page_of(
        post(hr, f"/admin/users/{own}/roles", {"version": version, "roles": "staff"}), 422
    )
    assert (
        error_at(refused, "user", "roles")
        == "Du kan ikke fratage dig selv rollen som HR-koordinator."
    )
    off = page_of(
        post(hr, f"/admin/users/{own}/active", {"version": version, "active": "off"}), 422
    )
    assert off["user-is_active-error"].text.strip() == "Du kan ikke slå dit eget log-in fra."
