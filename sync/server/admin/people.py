"""Branches (agents: `agents.py`; devices: `devices.py`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock, keys
from sync.server import db
from sync.server.admin.common import (
    CODE,
    REGION,
    AdminError,
    check_time_zone,
    record_action,
)

ROLES = tuple(role.value for role in keys.Role)


def create_branch(
    engine: Engine,
    code: str,
    name: str,
    region: str | None,
    time_zone: str = clock.DEFAULT_ZONE,
) -> str:
    if not CODE.match(code):
        raise AdminError("branch code: 1 to 32 letters, digits, '.', '_' or '-'")
    if not name.strip():
        raise AdminError("--name must not be empty")
    if region is not None and not REGION.match(region):
        raise AdminError(f"--region must be a Kemendagri code like 16.71, not {region!r}")
    zone = check_time_zone(time_zone)
    table = db.table(db.Branch)
    try:
        with db.write_transaction(engine) as conn:
            record_action(conn, "create-branch", code, time_zone=zone)
            conn.execute(
                table.insert().values(
                    code=code, name=name.strip(), region_code=region, time_zone=zone
                )
            )
    except sa.exc.IntegrityError as error:
        raise AdminError(f"branch {code} already exists") from error
    return f"created branch {code} ({name.strip()}, {zone})"


def set_branch_time_zone(engine: Engine, code: str, time_zone: str) -> str:
    """Changes the zone whose days the branch's work belongs to (from the next request on;
    the laptops take it at their next login or token refresh). Days already stamped on
    records (`enrolled_on`) stay as they were."""
    zone = check_time_zone(time_zone)
    table = db.table(db.Branch)
    with db.write_transaction(engine) as conn:
        before = conn.execute(sa.select(table.c.time_zone).where(table.c.code == code)).first()
        if before is None:
            raise AdminError(f"no branch {code}")
        record_action(conn, "set-branch-time-zone", code, time_zone=zone, before=before.time_zone)
        conn.execute(table.update().where(table.c.code == code).values(time_zone=zone))
    return f"branch {code} now keeps its days in {zone} (was {before.time_zone})"
