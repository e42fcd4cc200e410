"""Sign-on through a real OpenID provider (tests/sign_on/provider.py), end to end over HTTP:
in, out, and each refusal a person or an attacker can meet on the way back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth import SESSION_COOKIE
from api.pages.i18n import LANGUAGE_COOKIE
from jobbank.core.settings import Settings
from jobbank.db.models import AuditEntry, AuthSession, SignOnAttempt, UserAccount
from tests.api.conftest import Client
from tests.sign_on.conftest import StartProvider, openid_provider  # noqa: F401 (a fixture)
from tests.sign_on.provider import Account, OpenIdProvider, complete_logout
from tests.sign_on.signing_on import (
    JOBBANK,
    LOGGED_OUT,
    WORLD_ACCOUNTS,
    provider_answer,
    settings_for,
    sign_on,
)

STRANGER = Account(sub="stranger", email="stranger@x.example")


@pytest.fixture
def provider(openid_provider: StartProvider) -> OpenIdProvider:  # noqa: F811
    return openid_provider(clients=[JOBBANK], accounts=[*WORLD_ACCOUNTS, STRANGER])


@pytest.fixture
def app(world_url: str, tmp_path: Path, provider: OpenIdProvider) -> Litestar:
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32)
    settings.database_url = world_url
    return create_app(settings, sign_on=settings_for(provider))


def test_a_person_signs_on_as_the_person_hr_imported(anonymous: Client, world: Engine) -> None:
    arrived = sign_on(anonymous, "leder_sol")
    assert (arrived.status_code, arrived.headers["location"]) == (303, "/")
    me = anonymous.get("/api/me").json()
    assert (me["username"], me["roles"], me["name"]) == (
        "leder_sol",
        ["unit_leader"],
        "Frida Leder",
    )
    with Session(world) as session:
        opened = session.scalars(select(AuthSession).order_by(AuthSession.id.desc())).first()
        assert opened is not None and opened.signed_on
        login = session.scalars(select(AuditEntry).where(AuditEntry.action == "login")).one()
        assert login.after["via"] == "sign_on"


def test_log_out_ends_the_providers_session_and_comes_back(
    anonymous: Client, provider: OpenIdProvider
) -> None:
    sign_on(anonymous, "anne")
    left = anonymous.post("/logout", follow_redirects=False)
    assert left.status_code == 303
    end_session = left.headers["location"]
    query = parse_qs(urlsplit(end_session).query)
    assert end_session.startswith(provider.issuer)
    assert query == {"client_id": ["jobbank"], "post_logout_redirect_uri": [LOGGED_OUT]}
    assert anonymous.get("/api/me").status_code == 401  # Jobbank's session ended first
    with httpx.Client() as browser:
        assert complete_logout(browser, end_session).startswith(LOGGED_OUT)


def test_a_password_session_logs_out_without_the_provider(anonymous: Client) -> None:
    anonymous.post(
        "/api/auth/login", json={"username": "anne", "password": "correct horse battery"}
    )
    left = anonymous.post("/logout", follow_redirects=False)
    assert left.headers["location"] == "/login"


def test_someone_jobbank_does_not_know_gets_a_page_not_an_account(
    anonymous: Client, world: Engine
) -> None:
    with Session(world) as session:
        before = session.scalars(select(UserAccount.id)).all()
    refused = sign_on(anonymous, "stranger")
    assert refused.status_code == 403
    assert "Jobbanken kender dig ikke endnu" in refused.text  # Danish unless chosen otherwise
    assert "unknown_person" in refused.text
    assert SESSION_COOKIE not in refused.cookies
    with Session(world) as session:
        assert session.scalars(select(UserAccount.id)).all() == before
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sign_on_refused")
        ).one()
        assert entry.after == {"code": "unknown_person"}  # no e-mail address in the log


def test_the_refusal_page_speaks_english_when_chosen(anonymous: Client) -> None:
    anonymous.cookies.set(LANGUAGE_COOKIE, "en", domain="testserver.local")
    refused = sign_on(anonymous, "stranger")
    assert "Jobbank does not know you yet" in refused.text


def test_a_replayed_answer_is_refused(anonymous: Client) -> None:
    answer = provider_answer(anonymous, "anne")
    assert anonymous.get(answer, follow_redirects=False).status_code == 303
    anonymous.post("/logout", follow_redirects=False)
    replayed = anonymous.get(answer, follow_redirects=False)
    assert replayed.status_code == 400 and "state_replayed" in replayed.text
    assert anonymous.get("/api/me").status_code == 401


def test_an_answer_carried_to_another_browser_is_refused(
    anonymous: Client, open_clients: Callable[[], Client]
) -> None:
    answer = provider_answer(anonymous, "anne")
    other = open_clients()
    refused = other.get(answer, follow_redirects=False)
    assert refused.status_code == 400 and "other_browser" in refused.text
    assert other.get("/api/me").status_code == 401


def test_a_nonce_other_than_the_one_sent_is_refused(anonymous: Client, world: Engine) -> None:
    answer = provider_answer(anonymous, "anne")
    with Session(world) as session, session.begin():  # as if the token were for another log-in
        session.execute(update(SignOnAttempt).values(nonce="another log-in's nonce"))
    refused = anonymous.get(answer, follow_redirects=False)
    assert refused.status_code == 400 and "nonce_mismatch" in refused.text
    assert anonymous.get("/api/me").status_code == 401


def test_the_provider_refusing_is_told(anonymous: Client) -> None:
    departure = anonymous.get("/login/sso", follow_redirects=False)
    state = parse_qs(urlsplit(departure.headers["location"]).query)["state"][0]
    refused = anonymous.get(
        "/login/sso/callback", params={"state": state, "error": "access_denied"}
    )
    assert refused.status_code == 400 and "provider_refused" in refused.text


def test_an_answer_without_a_state_is_refused(anonymous: Client) -> None:
    refused = anonymous.get("/login/sso/callback", params={"code": "x"})
    assert refused.status_code == 400 and "unknown_state" in refused.text


def test_the_login_page_offers_the_municipal_account(anonymous: Client) -> None:
    page = anonymous.get("/login")
    assert 'href="/login/sso"' in page.text and 'name="password"' in page.text


@pytest.fixture
def passwords_off(world_url: str, tmp_path: Path, provider: OpenIdProvider) -> Litestar:
    settings = Settings(
        data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32, local_passwords=False
    )
    settings.database_url = world_url
    return create_app(settings, sign_on=settings_for(provider))


def test_local_passwords_can_be_switched_off(
    passwords_off: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.conftest import browser

    monkeypatch.setenv("JOBBANK_LOCAL_PASSWORDS", "false")
    client = browser(passwords_off)
    try:
        page = client.get("/login")
        assert 'href="/login/sso"' in page.text and 'name="password"' not in page.text
        body = {"username": "anne", "password": "correct horse battery"}
        for path in ("/api/auth/login", "/api/auth/token"):
            refused = client.post(path, json=body)
            assert (refused.status_code, refused.json()["code"]) == (403, "local_passwords_off")
        assert sign_on(client, "anne").status_code == 303
        made = client.post("/api/auth/tokens", json={"label": "my script", "expires_in_days": 7})
        assert made.status_code == 201
        token = made.json()["token"]
        client.cookies.clear()
        me = client.get("/api/me", headers={"authorization": f"Bearer {token}"})
        assert me.json()["username"] == "anne"
        again = client.post(
            "/api/auth/tokens",
            json={"label": "from a token"},
            headers={"authorization": f"Bearer {token}"},
        )
        assert again.status_code == 404  # a token does not make the next
    finally:
        client.__exit__(None, None, None)


def test_an_attempt_lives_ten_minutes(anonymous: Client, world: Engine) -> None:
    answer = provider_answer(anonymous, "anne")
    with Session(world) as session, session.begin():
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.execute(update(SignOnAttempt).values(expires_at=past))
    refused = anonymous.get(answer, follow_redirects=False)
    assert refused.status_code == 400 and "sign_on_expired" in refused.text


def test_a_provider_out_of_reach_is_told_not_crashed_on(
    anonymous: Client, provider: OpenIdProvider
) -> None:
    provider.stop()
    refused = anonymous.get("/login/sso", follow_redirects=False)
    assert refused.status_code == 503 and "provider_unreachable" in refused.text
    assert "kan ikke nå kommunens log ind" in refused.text
