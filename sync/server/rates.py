"""The contribution tables the central office published, in force for the push check.

`publish-rate-table` stores a table as a `rate_table` record (every laptop pulls it and quotes
with it, `agent_app.services.rates`) and bumps `rate_tables` in `server_meta`. Before judging
a batch, `refresh` compares that value (one primary-key read) with what this process last
installed and, when it changed, puts the published tables in force in
`agent_app.domain.contributions`, so the server checks `monthly_contribution` against the
same rates the laptops quote with. Each server process refreshes on its own.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import contributions
from sync.server import db

log = logging.getLogger("server")

META_KEY = "rate_tables"

_lock = threading.Lock()
#: (id of the engine, its `rate_tables` value) of what is installed in this process.
_installed: tuple[int, str | None] | None = None


def refresh(engine: Engine, conn: Connection | None = None) -> None:
    """Installs the engine's published tables if they changed since the last call; reads on
    `conn` (one of `engine`'s: a push's own, no checkout of its own) when given."""
    if conn is None:
        with engine.connect() as own:
            _refresh(engine, own)
    else:
        _refresh(engine, conn)


def _refresh(engine: Engine, conn: Connection) -> None:
    global _installed
    meta = db.table(db.ServerMeta)
    stamp = conn.execute(sa.select(meta.c.value).where(meta.c.key == META_KEY)).scalar()
    if _installed == (id(engine), stamp):
        return
    with _lock:
        if _installed == (id(engine), stamp):
            return
        records = db.table(db.Record)
        rows = conn.execute(
            sa.select(records.c.fields).where(
                records.c.entity == "rate_table", records.c.deleted.is_(False)
            )
        ).all()
        versions, left_out = contributions.install_published(
            (fields.get("version"), fields.get("effective_from"), fields.get("table"))
            for (fields,) in rows
        )
        _installed = (id(engine), stamp)
    for version, reason in left_out:
        log.warning("published rate table %s left out: %s", version, reason)
    if versions:
        log.info("contribution tables in force: %s", ", ".join(versions))


def forget() -> None:
    """Drops what this process installed (tests that switch databases)."""
    global _installed
    with _lock:
        _installed = None
        contributions.install_tables([])
