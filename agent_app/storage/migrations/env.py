"""Alembic environment of the local database.

It runs only programmatically (`agent_app.storage.engine.migrate`), on the already-open
SQLCipher connection passed in `config.attributes["connection"]`; there is no URL to connect
with because the key never leaves memory. Batch mode is on because SQLite cannot ALTER much.
"""

from __future__ import annotations

from alembic import context

from agent_app.storage import tables


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the local database migrates only through storage.engine.migrate")
    context.configure(
        connection=connection,
        target_metadata=tables.metadata,
        render_as_batch=True,
        include_name=tables.include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
