"""Each check of an ID token refuses what it is for and lets a good token through.

These tokens are signed here, with keys made here, so that each check can be met alone; the
same refusals against a real provider's tokens are in tests/sign_on/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from jobbank.sign_on.id_tokens import verified_claims
from jobbank.sign_on.refusals import SignOnRefused

ISSUER = "https://login.example.dk"
CLIENT = "jobbank"
NONCE = "n-0S6_WzA2Mj"
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


def claims(**changes: Any) -> dict[str, Any]:
    at = int(NOW.timestamp())
    base = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "anne",
        "iat": at - 5,
        "exp": at + 300,
        "nonce": NONCE,
        "email": "anne@soroe.dk",
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def signed(payload: dict[str, Any], key: Any = KEY, alg: str = "RS256", kid: str = "k1") -> str:
    return jwt.encode({"alg": alg, "kid": kid}, payload, key)


def check(raw: str, *, now: dt.datetime = NOW, nonce: str = NONCE, keys: KeySet | None = None):
    return verified_claims(
        raw,
        lambda _kid: keys or KeySet([KEY]),
        issuer=ISSUER,
        client_id=CLIENT,
        nonce=nonce,
        now=now,
        leeway_seconds=60,
    )


def refusal(raw: str, **kwargs: Any) -> str:
    with pytest.raises(SignOnRefused) as refused:
        check(raw, **kwargs)
    return refused.value.code


def test_a_good_token_gives_its_claims() -> None:
    assert check(signed(claims()))["email"] == "anne@soroe.dk"


def test_a_token_signed_with_another_key_is_refused() -> None:
    assert refusal(signed(claims(), key=OTHER_KEY)) == "bad_signature"


def test_a_changed_payload_breaks_the_signature() -> None:
    header, _payload, signature = signed(claims()).split(".")
    forged = signed(claims(email="hr@soroe.dk")).split(".")[1]
    assert refusal(f"{header}.{forged}.{signature[::-1]}") == "bad_signature"


def test_a_symmetric_or_unsigned_token_is_refused_whatever_its_key() -> None:
    secret = OctKey.import_key("a shared secret of thirty-two bytes!!")
    assert refusal(signed(claims(), key=secret, alg="HS256")) == "bad_signature"


def test_an_unknown_key_id_is_refused() -> None:
    other = RSAKey.generate_key(2048, parameters={"kid": "k9"})
    assert refusal(signed(claims(), key=other, kid="k9")) == "unknown_key"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"iss": "https://evil.example"}, "wrong_issuer"),
        ({"aud": "another-client"}, "wrong_audience"),
        ({"aud": [CLIENT, "another-client"]}, "wrong_audience"),  # several audiences, no azp
        ({"aud": [CLIENT, "another-client"], "azp": "another-client"}, "wrong_audience"),
        ({"nonce": "replayed-nonce"}, "nonce_mismatch"),
        ({"nonce": None}, "missing_claim"),
        ({"exp": None}, "missing_claim"),
        ({"sub": None}, "missing_claim"),
    ],
)
def test_each_claim_check_refuses_its_case(changes: dict[str, Any], code: str) -> None:
    assert refusal(signed(claims(**changes))) == code


def test_several_audiences_pass_when_we_are_the_authorized_party() -> None:
    token = signed(claims(aud=[CLIENT, "api"], azp=CLIENT))
    assert check(token)["sub"] == "anne"


def test_expiry_holds_within_the_clock_skew_and_not_beyond() -> None:
    token = signed(claims())
    expires = NOW + dt.timedelta(seconds=300)
    assert check(token, now=expires + dt.timedelta(seconds=59))["sub"] == "anne"
    assert refusal(token, now=expires + dt.timedelta(seconds=61)) == "expired"


def test_a_token_issued_ahead_of_our_clock_beyond_the_skew_is_refused() -> None:
    at = int(NOW.timestamp())
    assert check(signed(claims(iat=at + 50)))["sub"] == "anne"
    assert refusal(signed(claims(iat=at + 120))) == "not_yet_valid"


@pytest.mark.parametrize("raw", ["", "not.a.token", "a.b", "x" * 70_000])
def test_what_is_no_token_is_refused_as_malformed(raw: str) -> None:
    assert refusal(raw) == "malformed_token"
