"""API tests: a Litestar app on a fresh copy of a seeded database, once per backend.

The seeded database is built once per backend and copied for every test (a file copy for
SQLite, `CREATE DATABASE … TEMPLATE` for PostgreSQL), so each test starts from the same
world and nothing one test does is seen by another.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth import CSRF_COOKIE, CSRF_HEADER
from jobbank import db
from jobbank.core.settings import Settings
from jobbank.seeding import load_municipality
from tests.api.world import api_world
from tests.builders import PASSWORD
from tests.conftest import BACKENDS, admin_execute, postgres_server_url

Client = TestClient[Litestar]


@pytest.fixture(scope="session")
def seeded_template(fresh_database_url: Any) -> Callable[[str], str]:
    """The URL of a migrated database holding `api_world()`, built once per backend."""
    built: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in built:
            url: str = fresh_database_url(backend)
            db.upgrade(url)
            engine = db.make_engine(url)
            with Session(engine) as session, session.begin():
                load_municipality(session, api_world(), today=dt.date.today())
            engine.dispose()
            built[backend] = url
        return built[backend]

    return get


@pytest.fixture(params=BACKENDS)
def world_url(
    request: pytest.FixtureRequest, seeded_template: Callable[[str], str], tmp_path: Path
) -> Iterator[str]:
    """A private copy of the seeded database for one test."""
    template = seeded_template(request.param)
    if request.param == "sqlite":
        copy = tmp_path / "world.db"
        shutil.copyfile(make_url(template).database or "", copy)
        yield f"sqlite:///{copy}"
        return
    server = postgres_server_url()
    assert server is not None
    name = f"jobbank_world_{uuid.uuid4().hex[:12]}"
    template_name = make_url(template).database
    admin_execute(server, f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def world(world_url: str) -> Iterator[Engine]:
    """The test's database, read directly to check what the API wrote."""
    engine = db.make_engine(world_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(world_url: str, tmp_path: Path) -> Litestar:
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32)
    settings.database_url = world_url
    return create_app(settings)


@pytest.fixture
def open_clients(app: Litestar) -> Iterator[Callable[[], Client]]:
    """Opens test clients on the app and closes them last-opened first: each client nests
    the app's lifespan, and unwinding them in another order hangs."""
    opened: list[Client] = []

    def open_one() -> Client:
        opened.append(browser(app))
        return opened[-1]

    yield open_one
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def anonymous(open_clients: Callable[[], Client]) -> Client:
    """A browser that has not logged in (it has fetched a CSRF cookie)."""
    return open_clients()


@pytest.fixture
def as_user(open_clients: Callable[[], Client]) -> Callable[[str], Client]:
    """`as_user("hr")`: a client logged in by session cookie, sending the CSRF header."""

    def log_in(username: str) -> Client:
        client = open_clients()
        response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return client

    return log_in


def browser(app: Litestar) -> Client:
    """An entered test client over https (the session cookie is Secure) that echoes the CSRF
    cookie; the caller exits it."""
    client = TestClient(app, base_url="https://testserver.local")
    client.__enter__()
    client.get("/health")
    client.headers[CSRF_HEADER] = client.cookies[CSRF_COOKIE]
    return client
