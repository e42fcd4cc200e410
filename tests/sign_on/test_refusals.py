"""Jobbank's checks of an ID token, met with the real provider's tokens: a token it issued
passes; the same token with a broken signature, for another client, past its expiry or with
another nonce is refused; and a key rotation is followed by fetching the keys again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from jobbank.sign_on.id_tokens import verified_claims
from jobbank.sign_on.provider import OpenIdProvider as ProviderAsSeen
from jobbank.sign_on.refusals import SignOnRefused
from tests.sign_on.conftest import StartProvider
from tests.sign_on.provider import (
    SCOPES,
    Account,
    OpenIdProvider,
    RegisteredClient,
    complete_login,
    new_signing_key,
)

CALLBACK = "https://testserver.local/login/sso/callback"
JOBBANK = RegisteredClient(redirect_uris=[CALLBACK])
OTHER_APP = RegisteredClient(
    redirect_uris=[CALLBACK], client_id="other-app", client_secret="o" * 20
)
ANNE = Account(sub="anne", email="anne@x.example")
SKEW = 60


@pytest.fixture
def provider(openid_provider: StartProvider) -> OpenIdProvider:
    return openid_provider(clients=[JOBBANK, OTHER_APP], accounts=[ANNE])


@pytest.fixture
def seen(provider: OpenIdProvider) -> Iterator[ProviderAsSeen]:
    """The provider as Jobbank keeps it: metadata and keys, fetched when needed."""
    as_seen = ProviderAsSeen(provider.issuer, refetch_after=0)
    yield as_seen
    as_seen.http.close()


def id_token(provider: OpenIdProvider, client: RegisteredClient, nonce: str) -> str:
    """A real ID token: log in as Anne through the provider, exchange the code."""
    metadata = httpx.get(provider.discovery_url).json()
    verifier = generate_token(48)
    with (
        OAuth2Session(
            client.client_id,
            client.client_secret,
            scope=SCOPES,
            redirect_uri=CALLBACK,
            code_challenge_method="S256",
        ) as app,
        httpx.Client() as browser,
    ):
        url, _state = app.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        callback = complete_login(browser, url, "anne")
        token = app.fetch_token(
            metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier
        )
    return str(token["id_token"])


def check(
    seen: ProviderAsSeen, raw: str, *, nonce: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    return verified_claims(
        raw,
        seen.keys_for,
        issuer=seen.issuer,
        client_id=JOBBANK.client_id,
        nonce=nonce,
        now=now or dt.datetime.now(dt.UTC),
        leeway_seconds=SKEW,
    )


def refusal(seen: ProviderAsSeen, raw: str, **kwargs: Any) -> str:
    with pytest.raises(SignOnRefused) as refused:
        check(seen, raw, **kwargs)
    return refused.value.code


def test_a_token_the_provider_issued_to_jobbank_passes(
    provider: OpenIdProvider, seen: ProviderAsSeen
) -> None:
    claims = check(seen, id_token(provider, JOBBANK, "n1"), nonce="n1")
    assert (claims["sub"], claims["email"]) == ("anne", "anne@x.example")


def test_a_bad_signature_is_refused(provider: OpenIdProvider, seen: ProviderAsSeen) -> None:
    real = id_token(provider, JOBBANK, "n1")
    header, payload, signature = real.split(".")
    flipped = ("B" if signature[10] == "A" else "A").join((signature[:10], signature[11:]))
    assert refusal(seen, f"{header}.{payload}.{flipped}", nonce="n1") == "bad_signature"
    claims = check(seen, real, nonce="n1")
    forged = provider.sign_id_token(claims, key=new_signing_key())  # the provider's kid
    assert refusal(seen, forged, nonce="n1") == "bad_signature"


def test_a_token_issued_to_another_client_is_refused(
    provider: OpenIdProvider, seen: ProviderAsSeen
) -> None:
    assert refusal(seen, id_token(provider, OTHER_APP, "n1"), nonce="n1") == "wrong_audience"


def test_an_expired_token_is_refused_beyond_the_clock_skew(
    provider: OpenIdProvider, seen: ProviderAsSeen
) -> None:
    real = id_token(provider, JOBBANK, "n1")
    expires = dt.datetime.fromtimestamp(check(seen, real, nonce="n1")["exp"], dt.UTC)
    within = expires + dt.timedelta(seconds=SKEW - 1)
    assert check(seen, real, nonce="n1", now=within)["sub"] == "anne"
    beyond = expires + dt.timedelta(seconds=SKEW + 1)
    assert refusal(seen, real, nonce="n1", now=beyond) == "expired"


def test_a_token_with_another_logins_nonce_is_refused(
    provider: OpenIdProvider, seen: ProviderAsSeen
) -> None:
    assert refusal(seen, id_token(provider, JOBBANK, "n1"), nonce="n2") == "nonce_mismatch"


def test_keys_are_fetched_again_when_the_provider_rotates_them(
    provider: OpenIdProvider, seen: ProviderAsSeen
) -> None:
    assert check(seen, id_token(provider, JOBBANK, "n1"), nonce="n1")["sub"] == "anne"
    old_kid = provider.kid
    provider.restart(rotate_keys=True)
    assert provider.kid != old_kid
    assert check(seen, id_token(provider, JOBBANK, "n2"), nonce="n2")["sub"] == "anne"


def test_keys_are_not_fetched_again_more_often_than_allowed(
    provider: OpenIdProvider,
) -> None:
    slow = ProviderAsSeen(provider.issuer, refetch_after=3600)
    assert check(slow, id_token(provider, JOBBANK, "n1"), nonce="n1")["sub"] == "anne"
    provider.restart(rotate_keys=True)
    assert refusal(slow, id_token(provider, JOBBANK, "n2"), nonce="n2") == "unknown_key"
