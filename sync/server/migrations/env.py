"""Alembic environment of the central server's schema; run programmatically (`migrations.py`).

The caller passes an open connection in `config.attributes["connection"]`; batch mode lets
SQLite alter tables, and the naming convention gives every constraint a stable name.
"""

from __future__ import annotations

from alembic import context

from sync.server import db

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=db.Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
