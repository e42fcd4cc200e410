"""Log-in, sessions, CSRF, bearer tokens, log-out and the failed-log-in limit."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.testing import TestClient

from api.auth import CSRF_HEADER, SESSION_COOKIE
from jobbank.sessions import FAILED_LOGIN_LIMIT
from tests.api.conftest import Client
from tests.builders import PASSWORD


def test_me_needs_a_log_in(anonymous: Client) -> None:
    response = anonymous.get("/api/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 401


def test_log_in_sets_a_safe_session_cookie(anonymous: Client) -> None:
    response = anonymous.post("/api/auth/login", json={"username": "anne", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["roles"] == ["staff"]
    cookie = response.headers["set-cookie"].lower()
    assert SESSION_COOKIE in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    me = anonymous.get("/api/me").json()
    assert me["username"] == "anne" and me["name"] == "Anne Jensen"


def test_wrong_password_is_401_and_names_no_detail_of_which_part(anonymous: Client) -> None:
    wrong = anonymous.post("/api/auth/login", json={"username": "anne", "password": "nope" * 4})
    unknown = anonymous.post("/api/auth/login", json={"username": "zed", "password": "nope" * 4})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "wrong username or password"


def test_unsafe_requests_without_the_csrf_header_are_refused(
    as_user: Callable[[str], Client],
) -> None:
    client = as_user("anne")
    token = client.headers.pop(CSRF_HEADER)
    assert client.post("/api/auth/logout").status_code == 403
    client.headers[CSRF_HEADER] = token
    assert client.post("/api/auth/logout").status_code == 200
    assert client.get("/api/me").status_code == 401


def test_bearer_tokens_work_without_cookies_and_can_be_revoked(app: Litestar) -> None:
    with TestClient(app, base_url="https://testserver.local") as client:
        made = client.post(
            "/api/auth/token",
            json={"username": "hr", "password": PASSWORD, "label": "script", "expires_in_days": 7},
        )
        assert made.status_code == 201, made.text
        token = made.json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/me", headers=bearer).json()["roles"] == ["hr_coordinator"]
        listed = client.get("/api/auth/tokens", headers=bearer).json()
        assert [t["label"] for t in listed] == ["script"]
        assert "token" not in listed[0]
        revoked = client.delete(f"/api/auth/tokens/{made.json()['id']}", headers=bearer)
        assert revoked.status_code == 204
        assert client.get("/api/me", headers=bearer).status_code == 401


def test_a_token_of_another_user_cannot_be_revoked(app: Litestar) -> None:
    with TestClient(app, base_url="https://testserver.local") as client:
        hr = client.post("/api/auth/token", json={"username": "hr", "password": PASSWORD}).json()
        anne = client.post(
            "/api/auth/token", json={"username": "anne", "password": PASSWORD}
        ).json()
        response = client.delete(
            f"/api/auth/tokens/{hr['id']}", headers={"Authorization": f"Bearer {anne['token']}"}
        )
        assert response.status_code == 404
        still = client.get("/api/me", headers={"Authorization": f"Bearer {hr['token']}"})
        assert still.status_code == 200


def test_a_made_up_token_is_401(anonymous: Client) -> None:
    assert anonymous.get("/api/me", headers={"Authorization": "Bearer made-up"}).status_code == 401


def test_repeated_failed_log_ins_are_limited_even_with_the_right_password(
    anonymous: Client,
) -> None:
    for _ in range(FAILED_LOGIN_LIMIT):
        response = anonymous.post("/api/auth/login", json={"username": "bo", "password": "x" * 12})
        assert response.status_code == 401
    locked = anonymous.post("/api/auth/login", json={"username": "bo", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    other = anonymous.post("/api/auth/login", json={"username": "anne", "password": PASSWORD})
    assert other.status_code == 200


def test_malformed_log_in_names_the_field(anonymous: Client) -> None:
    response = anonymous.post("/api/auth/login", json={"username": "anne"})
    assert response.status_code == 400
    assert "password" in response.json()["detail"]
