"""Fixtures shared by the services' tests: the round's life's seeded world, built once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.seeding import load_municipality
from tests.jobbank.round_life import WEEK0, life_world


@pytest.fixture(scope="session")
def life_template(fresh_database_url: Any) -> Callable[[str], str]:
    """The seeded world (`life_world`) per backend, built once: tests copy it, never change it."""
    built: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in built:
            url: str = fresh_database_url(backend)
            db.upgrade(url)
            engine = db.make_engine(url)
            with Session(engine) as session, session.begin():
                load_municipality(session, life_world(), today=WEEK0)
            engine.dispose()
            built[backend] = url
        return built[backend]

    return get
