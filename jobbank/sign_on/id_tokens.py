"""Checking an ID token (OpenID Connect Core 3.1.3.7): the provider's signature with one of
its published keys, then issuer, audience, authorized party, expiry, issue time and nonce.

Only asymmetric algorithms are accepted: `none` would need no key at all, and HS256 would let
anyone holding the client secret (or a provider's public key, in the classic confusion) sign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    DecodeError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    InvalidTokenError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from jobbank.sign_on.refusals import SignOnRefused

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
MAX_TOKEN_BYTES = 64 * 1024

Claims = dict[str, Any]
KeysFor = Callable[[str | None], KeySet]
"""The provider's keys, given the key id a token names (fetched again for an unknown one)."""


def verified_claims(
    raw: str,
    keys_for: KeysFor,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: dt.datetime,
    leeway_seconds: int,
) -> Claims:
    """The token's claims once its signature and claims hold, else `SignOnRefused`."""
    token = _signed_token(raw, keys_for)
    claims = dict(token.claims)
    registry = JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=leeway_seconds,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise SignOnRefused("expired") from None
    except MissingClaimError as missing:
        raise SignOnRefused("missing_claim", str(missing)) from None
    except InvalidClaimError as wrong:
        raise SignOnRefused(_wrong_claim_code(wrong.claim), str(wrong)) from None
    except InvalidTokenError as early:  # not valid yet: `nbf` or `iat` ahead of our clock
        raise SignOnRefused("not_yet_valid", str(early)) from None
    _check_authorized_party(claims, client_id)
    return claims


def _signed_token(raw: str, keys_for: KeysFor) -> jwt.Token:
    if len(raw) > MAX_TOKEN_BYTES:
        raise SignOnRefused("malformed_token", "too large")
    try:
        header = jws.extract_compact(raw.encode()).headers()
    except (JoseError, ValueError):
        raise SignOnRefused("malformed_token") from None
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise SignOnRefused("bad_signature", f"algorithm {header.get('alg')!r}")
    key_id = header.get("kid")
    try:
        return jwt.decode(raw, keys_for(key_id), algorithms=list(SIGNING_ALGORITHMS))
    except InvalidKeyIdError:
        raise SignOnRefused("unknown_key", f"kid {key_id!r}") from None
    except BadSignatureError:
        raise SignOnRefused("bad_signature") from None
    except (DecodeError, JoseError, ValueError) as broken:
        raise SignOnRefused("malformed_token", str(broken)) from None


def _wrong_claim_code(claim: str) -> str:
    return {
        "iss": "wrong_issuer",
        "aud": "wrong_audience",
        "nonce": "nonce_mismatch",
        "iat": "not_yet_valid",  # issued ahead of our clock by more than the skew
        "nbf": "not_yet_valid",
    }.get(claim, "missing_claim")


def _check_authorized_party(claims: Claims, client_id: str) -> None:
    """With several audiences the token must say it was issued to us (Core 3.1.3.7, 4–5)."""
    audience = claims.get("aud")
    several = isinstance(audience, list) and len(audience) > 1
    if (several or "azp" in claims) and claims.get("azp") != client_id:
        raise SignOnRefused("wrong_audience", f"azp {claims.get('azp')!r}")
