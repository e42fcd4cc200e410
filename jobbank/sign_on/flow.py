"""A log-in through the provider, end to end: leave with a state, nonce and PKCE challenge;
come back with a code; exchange it; check the ID token; find the person.

The authorization-code exchange and the PKCE challenge are Authlib's; the token checks are
`id_tokens`; the single use of each attempt is `attempts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from sqlalchemy.orm import Session

from jobbank.db.models import SignOnAttempt, UserAccount
from jobbank.sign_on import attempts
from jobbank.sign_on.config import SignOnSettings
from jobbank.sign_on.id_tokens import Claims, verified_claims
from jobbank.sign_on.matching import account_for
from jobbank.sign_on.provider import FETCH_TIMEOUT_SECONDS, OpenIdProvider
from jobbank.sign_on.refusals import SignOnRefused

MAX_PARAMETER_CHARS = 2048
"""Longest `code`, `state` or `error` accepted back from the provider."""


@dataclass
class SignOn:
    """The app's sign-on: its settings and the provider's cached metadata and keys."""

    settings: SignOnSettings
    provider: OpenIdProvider = field(init=False)

    def __post_init__(self) -> None:
        self.provider = OpenIdProvider(self.settings.issuer)

    def client(self, redirect_url: str) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret or None,
            token_endpoint_auth_method=(
                "client_secret_basic" if self.settings.client_secret else "none"
            ),
            scope=self.settings.scopes,
            redirect_uri=redirect_url,
            code_challenge_method="S256",
            default_timeout=FETCH_TIMEOUT_SECONDS,
        )


@dataclass(frozen=True)
class Departure:
    """Where to send the browser, and the secret its cookie keeps meanwhile."""

    url: str
    browser: str


def depart(session: Session, sign_on: SignOn, *, redirect_url: str, now: dt.datetime) -> Departure:
    """Begin a log-in: store its attempt and make the provider's authorization URL."""
    authorize = sign_on.provider.endpoints().authorization
    begun = attempts.begin(session, redirect_url=redirect_url, now=now)
    url, _state = sign_on.client(redirect_url).create_authorization_url(
        authorize, state=begun.state, code_verifier=begun.code_verifier, nonce=begun.nonce
    )
    return Departure(url=url, browser=begun.browser)


def take_attempt(
    session: Session, answer: Mapping[str, str], *, browser: str, now: dt.datetime
) -> SignOnAttempt:
    """The attempt the provider's answer names, spent: commit before `arrive`."""
    state = _parameter(answer, "state")
    if not state:
        raise SignOnRefused("unknown_state")
    return attempts.take(session, state=state, browser=browser, now=now)


def arrive(
    session: Session,
    sign_on: SignOn,
    attempt: SignOnAttempt,
    answer: Mapping[str, str],
    *,
    now: dt.datetime,
) -> UserAccount:
    """Finish a log-in: exchange the code, check the ID token, find the person's account."""
    if _parameter(answer, "error"):
        raise SignOnRefused("provider_refused", _parameter(answer, "error"))
    code = _parameter(answer, "code")
    if not code:
        raise SignOnRefused("provider_refused", "no code")
    claims = _id_token_claims(sign_on, attempt, code, now=now)
    return account_for(session, claims, sign_on.settings)


def _id_token_claims(
    sign_on: SignOn, attempt: SignOnAttempt, code: str, *, now: dt.datetime
) -> Claims:
    token_url = sign_on.provider.endpoints().token
    try:
        token = sign_on.client(attempt.redirect_url).fetch_token(
            token_url, code=code, code_verifier=attempt.code_verifier
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as failure:
        raise SignOnRefused("token_refused", str(failure)[:200]) from None
    raw = token.get("id_token")
    if not isinstance(raw, str):
        raise SignOnRefused("missing_claim", "id_token")
    return verified_claims(
        raw,
        sign_on.provider.keys_for,
        issuer=sign_on.settings.issuer,
        client_id=sign_on.settings.client_id,
        nonce=attempt.nonce,
        now=now,
        leeway_seconds=sign_on.settings.clock_skew_seconds,
    )


def log_out_url(sign_on: SignOn, *, back_to: str) -> str | None:
    """The provider's log-out (RP-initiated log-out 1.0), returning to `back_to`; None when
    the provider offers none."""
    end_session = sign_on.provider.endpoints().end_session
    if not end_session:
        return None
    query = urlencode(
        {"client_id": sign_on.settings.client_id, "post_logout_redirect_uri": back_to}
    )
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"


def _parameter(answer: Mapping[str, str], name: str) -> str:
    value = answer.get(name) or ""
    if len(value) > MAX_PARAMETER_CHARS:
        raise SignOnRefused("provider_refused", f"{name} too long")
    return value
