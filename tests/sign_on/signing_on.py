"""Signing a test client on to Jobbank through a real provider, as a browser would.

The world's people (tests/api/world.py) are accounts at the provider under their usernames,
with their imported e-mail addresses: Jobbank matches them by `email`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from litestar import Litestar
from litestar.testing import TestClient

from jobbank.sign_on.config import SignOnSettings
from tests.sign_on.provider import SCOPES, Account, OpenIdProvider, RegisteredClient, complete_login

APP = "https://testserver.local"
CALLBACK = f"{APP}/login/sso/callback"
LOGGED_OUT = f"{APP}/login"
JOBBANK = RegisteredClient(redirect_uris=[CALLBACK], post_logout_redirect_uris=[LOGGED_OUT])
EMAILS = {
    "hr": "dorte@x.example",
    "leder_sol": "frida@x.example",
    "leder_bs": "erik@x.example",
    "leder_hp": "gustav@x.example",
    "anne": "anne@x.example",
    "bo": "bo@x.example",
    "carla": "carla@x.example",
}
WORLD_ACCOUNTS = [Account(sub=user, email=email) for user, email in EMAILS.items()]


def settings_for(provider: OpenIdProvider, **changes: Any) -> SignOnSettings:
    """Jobbank's sign-on settings for the provider's registered client `jobbank`."""
    return SignOnSettings(
        issuer=provider.issuer,
        client_id=JOBBANK.client_id,
        client_secret=JOBBANK.client_secret,
        scopes=SCOPES,
        **changes,
    )


def provider_answer(client: TestClient[Litestar], login: str) -> str:
    """Leave the app for the provider, log in there as `login`, and return the path (with
    the query) the provider sends the browser back to, not yet requested."""
    departure = client.get("/login/sso", follow_redirects=False)
    assert departure.status_code == 303, departure.text
    with httpx.Client() as browser:  # the provider's pages: a browser of their own
        back = complete_login(browser, departure.headers["location"], login)
    parts = urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK, back
    return f"{parts.path}?{parts.query}"


def sign_on(client: TestClient[Litestar], login: str) -> httpx.Response:
    """Sign `client` on as `login`; the app's answer to the provider's redirect back."""
    return client.get(provider_answer(client, login), follow_redirects=False)
