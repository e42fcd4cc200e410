"""Why a sign-on was refused, as stable codes; the pages choose the words."""

from __future__ import annotations

from jobbank.core.errors import JobbankError

TOKEN_REFUSALS = (
    "bad_signature",
    "unknown_key",
    "wrong_issuer",
    "wrong_audience",
    "expired",
    "not_yet_valid",
    "nonce_mismatch",
    "missing_claim",
    "malformed_token",
)
"""Refusals of the ID token itself: each is the provider's or an attacker's fault, never the
person's, and the page says so without detail."""

EXCHANGE_REFUSALS = (
    "provider_unreachable",
    "too_many_sign_ons",
    "provider_mismatch",
    "provider_refused",
    "token_refused",
    "unknown_state",
    "other_browser",
    "state_replayed",
    "sign_on_expired",
)
"""Refusals of the round trip to the provider and back."""

PERSON_REFUSALS = ("unknown_person", "ambiguous_person", "account_disabled")
"""Refusals of the person the provider named: answered 403, not 400."""

UNAVAILABLE_REFUSALS = ("provider_unreachable", "too_many_sign_ons")
"""Refusals that pass with time: answered 503."""

REFUSAL_CODES = TOKEN_REFUSALS + EXCHANGE_REFUSALS + PERSON_REFUSALS


class SignOnRefused(JobbankError):
    """A sign-on that did not let the person in; `code` says why (see the pages' words)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"sign-on refused: {code}" + (f" ({detail})" if detail else ""))
        self.code = code
        self.detail = detail
