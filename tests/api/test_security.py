"""Security over HTTP: headers on every answer, CSRF on the pages' forms, sessions that end,
password rules, and no secret in the logs or the audit log."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth import CSRF_HEADER, SESSION_COOKIE
from jobbank import db
from jobbank.core.settings import Settings
from jobbank.db.models import AuditEntry, AuthKind, AuthSession, UserAccount
from tests.api.conftest import Client
from tests.builders import PASSWORD

Login = Callable[[str], Client]
TOO_SHORT = "must be at least 12 characters (JOBBANK_PASSWORD_MIN_LENGTH)"
OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def set_sessions(url: str, username: str, **values: object) -> None:
    """Change the user's browser sessions in the database, as time passing would."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            user_id = session.scalar(select(UserAccount.id).where(UserAccount.username == username))
            session.execute(
                update(AuthSession)
                .where(AuthSession.user_id == user_id, AuthSession.kind == AuthKind.SESSION)
                .values(**values)
            )
    finally:
        engine.dispose()


# --- headers ----------------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(anonymous: Client) -> None:
    for path in ["/api/me", "/", "/login", "/static/jobbank.css", "/api/nowhere", "/schema"]:
        headers = anonymous.get(path, follow_redirects=False).headers
        policy = headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy and "http" not in policy and "*" not in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["strict-transport-security"].startswith("max-age=")  # over https


@pytest.fixture
def plain_http(world_url: str, tmp_path: Path) -> Callable[[bool], TestClient[Litestar]]:
    def open_one(behind_tls: bool) -> TestClient[Litestar]:
        settings = Settings(data_dir=tmp_path / "data", secret_key="s" * 40, behind_tls=behind_tls)
        settings.database_url = world_url
        return TestClient(create_app(settings), base_url="http://testserver.local")

    return open_one


def test_hsts_only_over_tls_or_when_configured_behind_tls(
    plain_http: Callable[[bool], TestClient[Litestar]],
) -> None:
    with plain_http(False) as client:
        response = client.get("/health")
        assert "strict-transport-security" not in response.headers
        assert response.headers["x-frame-options"] == "DENY"
    with plain_http(True) as client:
        assert client.get("/health").headers["strict-transport-security"].startswith("max-age=")


def test_pages_and_api_docs_load_nothing_from_outside(as_user: Login) -> None:
    hr = as_user("hr")
    assets: set[str] = set()
    for path in ["/schema", "/schema/swagger", "/", "/rounds", "/admin/people"]:
        page = hr.get(path)
        assert page.status_code == 200, path
        assert not OUTSIDE.search(page.text), (path, OUTSIDE.search(page.text))
        assert "<script>" not in page.text and "<style" not in page.text, path
        assets.update(re.findall(r"""(?:src|href)="(/(?:static|schema)/[^"]+)\"""", page.text))
    assert "/static/swagger-init.js" in assets and "/static/htmx.min.js" in assets
    for asset in assets:
        assert hr.get(asset).status_code == 200, asset


# --- CSRF -------------------------------------------------------------------------------------


def test_a_page_form_without_the_csrf_token_is_refused(as_user: Login) -> None:
    anne = as_user("anne")
    anne.headers.pop(CSRF_HEADER)  # a browser's form sends the token in the form, not a header
    home = anne.get("/")
    found = re.search(r'name="_csrf_token" value="([^"]+)"', home.text)
    assert found, "the page's forms carry the token"
    forged = anne.post("/language", data={"language": "da", "next": "/"}, follow_redirects=False)
    assert forged.status_code == 403
    wrong = {"language": "da", "next": "/", "_csrf_token": found.group(1)[:-4] + "0000"}
    assert anne.post("/language", data=wrong, follow_redirects=False).status_code == 403
    assert anne.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert anne.get("/api/me").status_code == 200  # the refused log-out did nothing
    real = {"language": "da", "next": "/", "_csrf_token": found.group(1)}
    assert anne.post("/language", data=real, follow_redirects=False).status_code == 303


# --- sessions ---------------------------------------------------------------------------------


def test_an_expired_session_is_refused(as_user: Login, world_url: str) -> None:
    anne = as_user("anne")
    assert anne.get("/api/me").status_code == 200
    set_sessions(world_url, "anne", expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    assert anne.get("/api/me").status_code == 401
    assert anne.get("/", follow_redirects=False).status_code == 303  # the pages: to the log-in


def test_a_session_left_idle_too_long_is_refused(as_user: Login, world_url: str) -> None:
    anne = as_user("anne")
    recently = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=100)
    set_sessions(world_url, "anne", last_used_at=recently)
    assert anne.get("/api/me").status_code == 200  # within the 120 idle minutes
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=121)
    set_sessions(world_url, "anne", last_used_at=long_ago)
    assert anne.get("/api/me").status_code == 401


def test_a_sessions_use_is_kept_even_when_its_request_fails(as_user: Login, world_url: str) -> None:
    # The use is committed at once, not with the request: a failed request keeps it too, and
    # on SQLite the write lock is not held through the request.
    anne = as_user("anne")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=100)
    set_sessions(world_url, "anne", last_used_at=long_ago)
    assert anne.post("/api/skills", json={"code": "x"}).status_code >= 400  # rolled back
    assert last_used(world_url, "anne") > long_ago + dt.timedelta(minutes=99)


def last_used(url: str, username: str) -> dt.datetime:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            moment = session.scalar(
                select(func.max(AuthSession.last_used_at))
                .join(UserAccount, UserAccount.id == AuthSession.user_id)
                .where(UserAccount.username == username, AuthSession.kind == AuthKind.SESSION)
            )
    finally:
        engine.dispose()
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- passwords --------------------------------------------------------------------------------


def new_user(hr: Client, username: str, password: str) -> tuple[int, dict[str, object]]:
    body = {"username": username, "password": password, "roles": ["staff"]}
    response = hr.post("/api/users", json=body)
    return response.status_code, response.json()


def test_password_rules_at_user_creation(as_user: Login) -> None:
    hr = as_user("hr")
    status, problem = new_user(hr, "ny.bruger", "kort-kode11")
    assert status == 422
    assert problem["errors"] == [
        {"field": "password", "code": "password_too_short", "message": TOO_SHORT}
    ]
    status, problem = new_user(hr, "ny.bruger.2026", "Ny.Bruger.2026")
    assert (status, problem["errors"]) == (
        422,
        [
            {
                "field": "password",
                "code": "password_is_username",
                "message": "must not be the username",
            }
        ],
    )
    status, _ = new_user(hr, "ny.bruger", "demo-ny-2026")  # as long as the demo passwords
    assert status == 201


def test_password_change_checks_the_current_password_and_the_rules(
    as_user: Login, anonymous: Client
) -> None:
    somebody = {"current_password": PASSWORD, "new_password": "a good new password"}
    assert anonymous.post("/api/me/password", json=somebody).status_code == 401
    anne = as_user("anne")

    def change(current: str, new: str) -> tuple[int, object]:
        body = {"current_password": current, "new_password": new}
        response = anne.post("/api/me/password", json=body)
        return response.status_code, response.json()["errors"] if response.content else None

    assert change("not my password", "a good new password") == (
        422,
        [
            {
                "field": "current_password",
                "code": "wrong_password",
                "message": "is not your password",
            }
        ],
    )
    assert change(PASSWORD, "too short")[0] == 422
    too_short = {"field": "password", "code": "password_too_short", "message": TOO_SHORT}
    assert change(PASSWORD, "Anne") == (422, [too_short])
    assert change(PASSWORD, "a good new password") == (204, None)
    old = anonymous.post("/api/auth/login", json={"username": "anne", "password": PASSWORD})
    assert old.status_code == 401
    new = {"username": "anne", "password": "a good new password"}
    assert anonymous.post("/api/auth/login", json=new).status_code == 200


# --- secrets in logs --------------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_no_secret_reaches_the_logs_or_the_audit_log(
    app: Litestar, world_url: str, all_logs: pytest.LogCaptureFixture
) -> None:
    with TestClient(app, base_url="https://testserver.local") as client:
        client.get("/health")
        client.headers[CSRF_HEADER] = client.cookies["jobbank_csrf"]
        login = client.post("/api/auth/login", json={"username": "hr", "password": PASSWORD})
        assert login.status_code == 200
        cookie = client.cookies[SESSION_COOKIE]
        made = client.post(
            "/api/auth/token", json={"username": "hr", "password": PASSWORD, "label": "logs"}
        )
        token = made.json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/people", headers=bearer).status_code == 200
        wrong = {"username": "hr", "password": "wrong " + PASSWORD}
        assert client.post("/api/auth/login", json=wrong).status_code == 401
    logged = all_logs.text + "".join(str(r.args) for r in all_logs.records)
    assert "/api/people" in logged  # the requests were logged, so the check below means something
    for secret in (PASSWORD, token, cookie):
        assert secret not in logged
    engine = db.make_engine(world_url)
    try:
        with Session(engine) as session:
            entries = session.scalars(select(AuditEntry)).all()
            audited = " ".join(f"{e.entity_id} {e.before} {e.after}" for e in entries)
    finally:
        engine.dispose()
    assert "login_failed" in {e.action for e in entries}
    for secret in (PASSWORD, token, cookie):
        assert secret not in audited


def test_the_access_log_keeps_no_calendar_feed_secret(
    as_user: Login, anonymous: Client, all_logs: pytest.LogCaptureFixture
) -> None:
    url = as_user("anne").post("/api/me/calendar-feed").json()["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    assert anonymous.get(path).status_code == 200
    # The line uvicorn writes for that request, with uvicorn's own format and logger.
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", path, "1.1", 200)
    [line] = [r.getMessage() for r in all_logs.records if r.name == "uvicorn.access"]
    assert line == '127.0.0.1:50000 - "GET /calendar/… HTTP/1.1" 200'
    assert secret not in line
