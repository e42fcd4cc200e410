"""The authorization matrix holds as it is for sessions the municipality's sign-on opened:
each user of the world signs on through a real provider and meets every row as a password
log-in does. (Only the sign-on pages' own rows differ, as sign-on is on here; they are
tested in tests/api/test_sign_on.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from litestar import Litestar

from api.app import create_app
from jobbank.core.settings import Settings
from tests.api.conftest import Client
from tests.api.matrix_cases import CASES
from tests.api.test_authorization_matrix import (  # noqa: F401 (`world` is a fixture)
    WorldIds,
    as_seen_by,
    run_matrix,
    world,
)
from tests.api.world import USERS
from tests.sign_on.conftest import StartProvider, openid_provider  # noqa: F401 (a fixture)
from tests.sign_on.signing_on import JOBBANK, WORLD_ACCOUNTS, settings_for, sign_on

SIGN_ON_ROWS = "/login/sso"
CASES_ELSEWHERE = [case for case in CASES if not case.path.startswith(SIGN_ON_ROWS)]


@pytest.fixture
def app(world_url: str, tmp_path: Path, openid_provider: StartProvider) -> Litestar:  # noqa: F811
    provider = openid_provider(clients=[JOBBANK], accounts=WORLD_ACCOUNTS)
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32)
    settings.database_url = world_url
    return create_app(settings, sign_on=settings_for(provider))


@pytest.mark.parametrize("user", USERS)
def test_every_endpoint_answers_a_signed_on_user_as_the_matrix_says(
    user: str,
    world: WorldIds,  # noqa: F811
    open_clients: Callable[[], Client],
) -> None:
    client = open_clients()
    assert sign_on(client, user).status_code == 303
    assert client.get("/api/me").json()["username"] == user
    assert len(CASES_ELSEWHERE) == len(CASES) - 2
    run_matrix(client, user, as_seen_by(world, user), CASES_ELSEWHERE)
