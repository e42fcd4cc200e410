"""Alembic environment: runs Jobbank's migrations against the URL it is given."""

from alembic import context
from sqlalchemy import Connection

from jobbank.db import make_engine
from jobbank.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    if connection.dialect.name != "sqlite":
        with context.begin_transaction():
            context.run_migrations()
        return
    # SQLite alters a table in batch mode by copying it, dropping the old one and renaming the
    # copy. With foreign keys on, that drop would cascade to every row referring to the table
    # (altering `allocation_round` would delete the rounds' assignments). So they are off while
    # migrating (the pragma only takes effect outside a transaction), and checked after.
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        with context.begin_transaction():
            context.run_migrations()
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"the migration broke {len(broken)} references: {broken[:5]}")
    finally:
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
