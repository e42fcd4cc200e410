"""`openid_provider`: start real OpenID providers (tests/sign_on/provider.py) for a test; all
stop at its end. Tests elsewhere (tests/browser/) use `OpenIdProvider` as a context manager."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.sign_on.provider import Account, OpenIdProvider, RegisteredClient

StartProvider = Callable[..., OpenIdProvider]


@pytest.fixture
def openid_provider(tmp_path: Path) -> Iterator[StartProvider]:
    """`start(clients=[...], accounts=[...], id_token_ttl_seconds=None)` -> a running provider."""
    started: list[OpenIdProvider] = []

    def start(
        clients: list[RegisteredClient],
        accounts: list[Account] | None = None,
        id_token_ttl_seconds: int | None = None,
    ) -> OpenIdProvider:
        provider = OpenIdProvider(
            clients=clients,
            accounts=accounts or [],
            id_token_ttl_seconds=id_token_ttl_seconds,
            folder=tmp_path / f"provider-{len(started)}",
        )
        started.append(provider)
        return provider.start()

    yield start
    for provider in started:
        provider.close()
