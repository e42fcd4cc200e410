"""Engines and sessions, SQLite set up for concurrent use, and migrations via Alembic."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import CursorResult, Engine, Executable, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
RECYCLE_SECONDS = 30 * 60
"""A pooled connection is replaced after half an hour, before a server's or firewall's idle
limit can drop it under us."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine; SQLite gets WAL, enforced foreign keys and a busy timeout on every connection.

    PostgreSQL's pool hands out the connection used last (LIFO): a few stay busy and warm, with
    their statements prepared and planned, where cycling through all twenty planned each hot
    statement twenty times over. Connections are not pinged before use (a round trip, a tenth
    of a request's CPU): when the database restarts, the first request on a dropped connection
    is answered 503 (`api.errors`), and the pool connects afresh for the next."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_use_lifo=True, pool_recycle=RECYCLE_SECONDS, **kwargs)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Reads through a shared memory map, not a read call per page into each connection's own
    # small cache: that was a third of a page's CPU under load (`jobbank load`).
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def plain_rows(
    session: Session, statement: Executable, parameters: Mapping[str, Any]
) -> CursorResult[Any]:
    """Run a prebuilt statement of plain columns in the session's transaction, as Core: the
    ORM's execution path, which such a statement gains nothing from, was two fifths of its CPU
    (the log-in look-up on every request, the lists of assignments and checklist items on every
    staff page). Pending changes are flushed first, as `Session.execute` would."""
    session.flush()
    return session.connection().execute(statement, parameters)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: committed if the block succeeds, rolled back if not."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision` (the newest by default)."""
    command.upgrade(alembic_config(url), revision)


def refresh_statistics(engine: Engine) -> None:
    """Tell the query planner what the tables hold after a bulk load. Without statistics
    PostgreSQL guessed a published round had a few dozen assignments and read them all for a
    leader's list (9 ms instead of 1) until autovacuum came by; SQLite never gathers them."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        return
    # VACUUM as well: autovacuum would otherwise set about the new rows in the next minute.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def is_empty(engine: Engine) -> bool:
    """True when no Jobbank tables exist yet, or they hold no units."""
    if not inspect(engine).has_table("unit"):
        return True
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT 1 FROM unit LIMIT 1").first() is None


def ping(session: Session) -> bool:
    """Whether the database answers a trivial query (the health check)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
