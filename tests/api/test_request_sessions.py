"""How a request's database session ends: under a crowd it never waits on a thread that
waits on it, and a commit that fails is never answered with success."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from jobbank import db
from jobbank.core.settings import Settings
from jobbank.db.models import Skill
from tests.api.conftest import Client, browser
from tests.builders import PASSWORD
from tests.conftest import admin_execute, postgres_server_url

Login = Callable[[str], Client]

CROWD = 40
"""Far more requests at once than connections or threads, so each must wait for the others."""


def small_app(world_url: str, tmp_path: Path) -> Litestar:
    """The app with one connection (and one more at a peak) and a short wait for one."""
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key="test-secret-" + "x" * 32,
        db_pool_size=1,
        db_pool_timeout=5.0,
    )
    settings.database_url = world_url
    return create_app(settings)


def test_a_crowd_of_requests_is_answered_with_few_connections_and_threads(
    world_url: str, tmp_path: Path
) -> None:
    # Before the fix, answered requests held the connections while they queued for a thread to
    # commit on, and every thread waited for a connection: all stalled until the pool's timeout.
    async def crowd() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 4
        app = small_app(world_url, tmp_path)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # concurrent, unlike Litestar's test client
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="https://testserver.local") as client,
        ):
            answer = await client.post(
                "/api/auth/token", json={"username": "anne", "password": PASSWORD}
            )
            assert answer.status_code == 201, answer.text
            client.headers["authorization"] = f"Bearer {answer.json()['token']}"
            statuses: list[int] = []

            async def read() -> None:
                statuses.append((await client.get("/api/me/assignments")).status_code)

            async def look_anonymously() -> None:  # a handler with a session but no log-in
                answer = await client.get("/health", headers={"authorization": ""})
                statuses.append(answer.status_code)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    for _ in range(CROWD):
                        group.start_soon(read)
                        group.start_soon(look_anonymously)
            return statuses

    assert anyio.run(crowd) == [200] * 2 * CROWD


def test_a_handler_without_the_session_does_not_hold_the_look_up_s_connection(
    world_url: str, tmp_path: Path
) -> None:
    # A solve's progress reads in sessions of its own. Had the log-in look-up kept the one
    # connection until the answer started, that read would have waited for it until the pool
    # gave up (5 s here) and failed.
    client = browser(small_app(world_url, tmp_path))
    try:
        logged_in = client.post("/api/auth/login", json={"username": "hr", "password": PASSWORD})
        assert logged_in.status_code == 200, logged_in.text
        monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
        created = client.post("/api/rounds", json={"start": monday.isoformat(), "weeks": 2})
        assert created.status_code == 201, created.text
        round_id = created.json()["id"]
        for _ in range(3):  # and the connection is back for the next request each time
            answer = client.get(f"/api/rounds/{round_id}/progress")
            assert answer.status_code == 404, answer.text  # no solve yet: nothing to follow
            assert "solve" in answer.json()["detail"]
    finally:
        client.__exit__(None, None, None)


def test_health_answers_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    unreadable = tmp_path / "a-folder.db"
    unreadable.mkdir()  # SQLite cannot open a folder as its database
    settings = Settings(
        data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32, outbox_every_seconds=0
    )
    settings.database_url = f"sqlite:///{unreadable}"
    with TestClient(create_app(settings)) as client:
        answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "unreachable"}


@contextmanager
def commits_fail() -> Iterator[None]:
    """Commits that would store a skill fail meanwhile, as with a lost connection or a full disk
    (log-ins go on as usual)."""

    def mark(session: Session, _flush: object) -> None:
        if any(isinstance(row, Skill) for row in session.new):
            session.info["stores a skill"] = True

    def refuse(session: Session) -> None:
        if session.info.pop("stores a skill", False):
            raise RuntimeError("the disk is full")

    event.listen(Session, "after_flush", mark)
    event.listen(Session, "before_commit", refuse)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", refuse)
        event.remove(Session, "after_flush", mark)


def test_a_change_whose_commit_fails_is_answered_500_and_nothing_is_kept(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    with commits_fail():
        answer = hr.post("/api/skills", json=DRONE)

    assert answer.status_code == 500, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "could not be stored" in answer.json()["detail"]
    assert skills_coded(world_url, "drone") == 0
    # The same change, stored this time, is answered as usual.
    assert hr.post("/api/skills", json=DRONE).status_code == 201
    assert skills_coded(world_url, "drone") == 1


DRONE = {"code": "drone", "label_da": "Dronepilot", "label_en": "Drone pilot"}


def skills_coded(url: str, code: str) -> int:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            count = select(func.count()).select_from(Skill).where(Skill.code == code)
            return session.scalar(count) or 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("world_url", ["postgresql"], indirect=True)
def test_a_database_restart_costs_one_answer_503_and_the_next_request_is_served(
    world_url: str, as_user: Login
) -> None:
    # Connections are not pinged before use: a dropped one is found by the request using it.
    anne = as_user("anne")
    assert anne.get("/api/me/assignments").status_code == 200
    server = postgres_server_url()
    assert server is not None
    admin_execute(
        server,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{make_url(world_url).database}' AND pid <> pg_backend_pid()",
    )
    dropped = anne.get("/api/me/assignments")
    assert dropped.status_code == 503, dropped.text
    assert dropped.headers["retry-after"] == "1"
    assert dropped.json()["detail"].startswith("database: unavailable just now")
    assert anne.get("/api/me/assignments").status_code == 200
