"""Persistence: the engine and sessions (`engine`), the tables (`models`), the Alembic
migrations and the sample data (`seeding`). The engine's functions are the package's own."""

from jobbank.db.engine import (
    MIGRATIONS,
    alembic_config,
    is_empty,
    make_engine,
    make_session_factory,
    ping,
    plain_rows,
    refresh_statistics,
    transaction,
    upgrade,
)

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "is_empty",
    "make_engine",
    "make_session_factory",
    "ping",
    "plain_rows",
    "refresh_statistics",
    "transaction",
    "upgrade",
]
