"""Branch facts the server's services share."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from agent_app.domain import clock
from sync.server import db


def time_zone(conn: Connection, branch_code: str) -> str:
    """The branch's time zone (WIB for a branch the database does not know)."""
    table = db.table(db.Branch)
    zone = conn.execute(sa.select(table.c.time_zone).where(table.c.code == branch_code)).scalar()
    return clock.zone_or_default(zone)
