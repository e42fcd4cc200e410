"""The test provider behaves as the sign-on tests rely on: a relying party (Authlib) logs in
with PKCE and reads the person's claims from a signed ID token; keys rotate; log-out returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session as OAuth2Client
from authlib.integrations.requests_client import OAuthError
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from tests.sign_on.conftest import StartProvider
from tests.sign_on.provider import (
    SCOPES,
    Account,
    OpenIdProvider,
    RegisteredClient,
    complete_login,
    complete_logout,
    new_signing_key,
)

APP = "http://testserver.local"
CALLBACK = f"{APP}/auth/callback"
SIGNED_OUT = f"{APP}/signed-out"
JOBBANK = RegisteredClient(redirect_uris=[CALLBACK], post_logout_redirect_uris=[SIGNED_OUT])
ANNE = Account(
    sub="anne",
    email="anne@kommune.example",
    employee_number="10042",
    name="Anne Hansen",
    groups=["jobbank-hr", "staff"],
)


@dataclass(frozen=True)
class SignIn:
    """What the app holds after a log-in: the token response and the nonce it sent."""

    token: dict[str, Any]
    nonce: str

    @property
    def id_token(self) -> str:
        return str(self.token["id_token"])


@pytest.fixture
def provider(openid_provider: StartProvider) -> OpenIdProvider:
    return openid_provider(clients=[JOBBANK], accounts=[ANNE])


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def discover(provider: OpenIdProvider) -> dict[str, Any]:
    metadata: dict[str, Any] = httpx.get(provider.discovery_url).json()
    return metadata


def relying_party() -> OAuth2Client:
    return OAuth2Client(
        JOBBANK.client_id,
        JOBBANK.client_secret,
        scope=SCOPES,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )


def sign_in(provider: OpenIdProvider, browser: httpx.Client, login: str) -> SignIn:
    metadata = discover(provider)
    verifier, nonce = generate_token(48), generate_token(20)
    with relying_party() as app:
        url, _state = app.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        callback = complete_login(browser, url, login)
        assert callback.startswith(f"{CALLBACK}?")
        token = app.fetch_token(
            metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier
        )
    return SignIn(dict(token), nonce)


def published_keys(provider: OpenIdProvider) -> KeySet:
    return KeySet.import_key_set(httpx.get(discover(provider)["jwks_uri"]).json())


def verified_claims(provider: OpenIdProvider, id_token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims, its signature checked against the published JWKS."""
    token = jwt.decode(id_token, published_keys(provider), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": JOBBANK.client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
    ).validate(token.claims)
    assert token.header["kid"] == provider.kid
    return token.claims


def test_log_in_with_pkce_gives_an_id_token_with_the_persons_claims(
    provider: OpenIdProvider, browser: httpx.Client
) -> None:
    signed_in = sign_in(provider, browser, "anne")
    claims = verified_claims(provider, signed_in.id_token, signed_in.nonce)
    assert claims["sub"] == "anne"
    assert claims["email"] == "anne@kommune.example"
    assert claims["employee_number"] == "10042"
    assert claims["name"] == "Anne Hansen"
    assert claims["groups"] == ["jobbank-hr", "staff"]


def test_an_unknown_login_gets_only_its_sub(
    provider: OpenIdProvider, browser: httpx.Client
) -> None:
    signed_in = sign_in(provider, browser, "stranger")
    claims = verified_claims(provider, signed_in.id_token, signed_in.nonce)
    assert claims["sub"] == "stranger"
    assert "email" not in claims and "groups" not in claims


def test_pkce_is_required_at_the_authorization_and_the_token_endpoint(
    provider: OpenIdProvider, browser: httpx.Client
) -> None:
    metadata = discover(provider)
    with OAuth2Client(JOBBANK.client_id, scope=SCOPES, redirect_uri=CALLBACK) as without_pkce:
        url, _state = without_pkce.create_authorization_url(metadata["authorization_endpoint"])
    refusal = parse_qs(urlsplit(complete_login(browser, url, "anne")).query)
    assert refusal["error"] == ["invalid_request"]
    assert "PKCE" in refusal["error_description"][0]
    with relying_party() as app:
        url, _state = app.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=generate_token(48)
        )
        callback = complete_login(browser, url, "anne")
        with pytest.raises(OAuthError, match="invalid_grant"):
            app.fetch_token(metadata["token_endpoint"], authorization_response=callback)


def test_restart_with_rotated_keys_signs_with_a_new_kid(
    provider: OpenIdProvider, browser: httpx.Client
) -> None:
    old_kid, issuer = provider.kid, provider.issuer
    provider.restart(rotate_keys=True)
    assert provider.issuer == issuer
    assert provider.kid != old_kid
    assert [key.kid for key in published_keys(provider).keys] == [provider.kid]
    signed_in = sign_in(provider, browser, "anne")
    assert verified_claims(provider, signed_in.id_token, signed_in.nonce)["sub"] == "anne"


def test_log_out_returns_to_the_post_logout_redirect_uri(
    provider: OpenIdProvider, browser: httpx.Client
) -> None:
    signed_in = sign_in(provider, browser, "anne")
    query = urlencode(
        {
            "id_token_hint": signed_in.id_token,
            "post_logout_redirect_uri": SIGNED_OUT,
            "state": "bye",
        }
    )
    end_session = f"{discover(provider)['end_session_endpoint']}?{query}"
    returned = urlsplit(complete_logout(browser, end_session))
    assert f"{returned.scheme}://{returned.netloc}{returned.path}" == SIGNED_OUT
    assert parse_qs(returned.query) == {"state": ["bye"]}


def test_a_forged_id_token_carries_the_providers_kid_and_the_given_claims(
    provider: OpenIdProvider, browser: httpx.Client
) -> None:
    signed_in = sign_in(provider, browser, "anne")
    claims = verified_claims(provider, signed_in.id_token, signed_in.nonce)
    forged = provider.sign_id_token(claims | {"aud": "someone-else"})
    assert jwt.decode(forged, published_keys(provider)).claims["aud"] == "someone-else"
    badly_signed = provider.sign_id_token(claims, key=new_signing_key())
    with pytest.raises(BadSignatureError):
        jwt.decode(badly_signed, published_keys(provider))
