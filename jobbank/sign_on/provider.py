"""The provider as Jobbank sees it: its metadata (discovery) and its signing keys (JWKS).

Both are fetched when first needed and kept; the keys are fetched again when a token names a
key id we do not hold, which is how a provider's key rotation reaches us, but at most once per
`refetch_after` seconds, so tokens with made-up key ids cannot make us hammer the provider.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, cast

import requests
from joserfc.jwk import KeySet

from jobbank.sign_on.refusals import SignOnRefused

FETCH_TIMEOUT_SECONDS = 10.0
METADATA_LIFETIME_SECONDS = 24 * 3600.0
DISCOVERY_PATH = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Endpoints:
    """What discovery tells: where to send the browser, the code, and the log-out."""

    authorization: str
    token: str
    jwks: str
    end_session: str | None


@dataclass
class OpenIdProvider:
    """One provider's metadata and keys, shared by the app's requests (thread-safe)."""

    issuer: str
    refetch_after: float = 5.0
    http: requests.Session = field(default_factory=requests.Session)
    _endpoints: Endpoints | None = None
    _endpoints_at: float = 0.0
    _keys: KeySet | None = None
    _keys_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoints(self) -> Endpoints:
        with self._lock:
            return self._endpoints_now()

    def keys_for(self, key_id: str | None) -> KeySet:
        """The provider's keys, fetched again first when none has `key_id`."""
        with self._lock:
            if self._keys is None or (
                not _holds(self._keys, key_id)
                and time.monotonic() - self._keys_at >= self.refetch_after
            ):
                self._keys = KeySet.import_key_set(
                    cast(Any, self._get_json(self._endpoints_now().jwks))
                )
                self._keys_at = time.monotonic()
            return self._keys

    def _endpoints_now(self) -> Endpoints:
        stale = time.monotonic() - self._endpoints_at > METADATA_LIFETIME_SECONDS
        if self._endpoints is None or stale:
            self._endpoints = self._discover()
            self._endpoints_at = time.monotonic()
        return self._endpoints

    def _discover(self) -> Endpoints:
        metadata = self._get_json(self.issuer.rstrip("/") + DISCOVERY_PATH)
        if metadata.get("issuer") != self.issuer:
            # OpenID Connect Discovery 4.3: a provider that names another issuer is not this one.
            raise SignOnRefused("provider_mismatch", f"discovery names {metadata.get('issuer')!r}")
        try:
            return Endpoints(
                authorization=str(metadata["authorization_endpoint"]),
                token=str(metadata["token_endpoint"]),
                jwks=str(metadata["jwks_uri"]),
                end_session=metadata.get("end_session_endpoint"),
            )
        except KeyError as missing:
            raise SignOnRefused("provider_unreachable", f"discovery lacks {missing}") from None

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = self.http.get(url, timeout=FETCH_TIMEOUT_SECONDS)
            answer.raise_for_status()
            body = answer.json()
        except (requests.RequestException, ValueError) as failure:
            raise SignOnRefused("provider_unreachable", f"{url}: {failure}") from None
        if not isinstance(body, dict):
            raise SignOnRefused("provider_unreachable", f"{url}: not a JSON object")
        return body


def _holds(keys: KeySet, key_id: str | None) -> bool:
    return any(key.kid == key_id for key in keys.keys)
