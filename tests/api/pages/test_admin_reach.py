"""HR's admin pages are HR's alone: not there for anyone else (404), a missing row answers the
404 page, and no page shows a password hash. On SQLite and PostgreSQL, like every API test."""

from __future__ import annotations

import pytest

from jobbank.db.models import UserAccount
from tests.api.pages.forms import Login, post
from tests.builders import PASSWORD
from tests.lookups import rows_of

PAGES = (
    "/admin/people",
    "/admin/people/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/units/new",
    "/admin/checklists",
)


@pytest.mark.parametrize("username", ["leder_sol", "anne"])
def test_the_pages_are_not_there_for_anyone_but_hr(as_user: Login, username: str) -> None:
    client = as_user(username)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Ikke fundet" in response.text
    own = client.get("/api/me").json()["person_id"]
    assert client.get(f"/admin/people/{own}").status_code == 404
    assert post(client, f"/admin/people/{own}", {"name": "Me", "version": "1"}).status_code == 404
    assert post(client, "/admin/people/validate", {"name": "Me"}).status_code == 404


def test_missing_rows_answer_the_404_page(as_user: Login) -> None:
    hr = as_user("hr")
    for path in (
        "/admin/people/999999",
        "/admin/users/999999",
        "/admin/units/999999",
        "/admin/checklists/999999",
    ):
        response = hr.get(path)
        assert response.status_code == 404 and "Ikke fundet" in response.text, path


def test_no_page_shows_a_password_hash(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    hashes = [user.password_hash for user in rows_of(world_url, UserAccount)]
    shown = " ".join(hr.get(path).text for path in ("/admin/users", "/admin/people"))
    anne = rows_of(world_url, UserAccount, UserAccount.username == "anne")[0]
    shown += hr.get(f"/admin/users/{anne.id}").text
    assert not any(h in shown for h in hashes) and "argon2" not in shown
    assert PASSWORD not in shown
