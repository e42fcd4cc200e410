"""The Litestar application: wiring of settings, database sessions and routes."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin, SQLAlchemySyncConfig
from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

from api.health import health
from jobbank.db import make_engine
from jobbank.settings import Settings, load_settings

API_VERSION = "0.1.0"


def create_app(settings: Settings | None = None, **overrides: Any) -> Litestar:
    """A Jobbank app on the configured database (SQLite in the data directory by default)."""
    settings = settings or load_settings()
    engine = make_engine(settings.url)
    database = SQLAlchemySyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        before_send_handler="autocommit",
    )
    return Litestar(
        route_handlers=[health],
        plugins=[SQLAlchemyPlugin(config=database)],
        openapi_config=OpenAPIConfig(
            title="Jobbank",
            version=API_VERSION,
            description="A municipality's internal job bank: volunteers, needs, allocation rounds.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
        state=State({"settings": settings}),
        **overrides,
    )
