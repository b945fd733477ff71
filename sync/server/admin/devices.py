"""Laptops: list them (branch, last sync, app version, the agents bound), revoke a lost one,
reset one. One service for the command line, the administration API (`/v1/admin/devices`)
and the console; scoped like the accounts (a supervisor sees the devices of their branch:
another branch's, or one bound to no branch yet, is "no such device")."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain.messages import Text
from sync.server import db
from sync.server.accounts.tokens import revoke_refresh_tokens
from sync.server.admin.common import AdminError, FieldError, NotFound, record_action
from sync.server.admin.review import COMMAND_LINE, Reviewer


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    name: str
    branch: str | None
    last_sync_at: dt.datetime | None
    app_version: str | None
    revoked_at: dt.datetime | None
    agents: tuple[str, ...]


class NoDevice(NotFound):
    def __init__(self, device_id: str) -> None:
        super().__init__(Text.of("There is no device {id}.", id=device_id))


def visible_device(conn: sa.Connection, device_id: str, who: Reviewer) -> Any:
    """The device's row if `who` may see it (NoDevice otherwise, a malformed id too)."""
    try:
        device_id = str(uuid.UUID(device_id))
    except ValueError as error:
        if who is COMMAND_LINE:
            raise FieldError("device_id", Text.of("The device id must be a UUID.")) from error
        raise NoDevice(device_id[:40]) from error
    devices = db.table(db.Device)
    row = conn.execute(sa.select(devices).where(devices.c.device_id == device_id)).first()
    if row is None or (who.branch is not None and row.branch_code != who.branch):
        raise NoDevice(device_id)
    return row


def get_device(engine: Engine, device_id: str, who: Reviewer) -> DeviceRow:
    """One device `who` sees (NoDevice otherwise)."""
    with engine.connect() as conn:
        device_id = visible_device(conn, device_id, who).device_id
    return list_devices(engine, who, device_id=device_id)[0]


def list_devices(
    engine: Engine, who: Reviewer, branch: str | None = None, device_id: str | None = None
) -> list[DeviceRow]:
    """The devices `who` sees (an admin may narrow to `branch`), latest sync first."""
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)
    scope = who.branch if who.branch is not None else branch
    query = sa.select(devices).order_by(
        devices.c.last_sync_at.desc().nulls_last(), devices.c.device_id
    )
    bound = sa.select(bindings.c.device_id, bindings.c.agent_code).order_by(bindings.c.agent_code)
    if scope is not None:
        query = query.where(devices.c.branch_code == scope)
        bound = bound.join(devices, devices.c.device_id == bindings.c.device_id).where(
            devices.c.branch_code == scope
        )
    if device_id is not None:
        query = query.where(devices.c.device_id == device_id)
        bound = bound.where(bindings.c.device_id == device_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        agents: dict[str, list[str]] = {}
        for device_id, code in conn.execute(bound):
            agents.setdefault(device_id, []).append(code)
    return [
        DeviceRow(
            device_id=row.device_id,
            name=row.name,
            branch=row.branch_code,
            last_sync_at=row.last_sync_at,
            app_version=row.app_version,
            revoked_at=row.revoked_at,
            agents=tuple(agents.get(row.device_id, ())),
        )
        for row in rows
    ]


def revoke_device(engine: Engine, device_id: str, who: Reviewer = COMMAND_LINE) -> str:
    """For a lost or stolen laptop: unbinds it from every agent (its access tokens stop working
    at once, its refresh tokens are spent) and forgets its keys (its bundles are refused).
    Nobody can log in on it again until `reset_device`."""
    devices = db.table(db.Device)
    with db.write_transaction(engine) as conn:
        device_id = visible_device(conn, device_id, who).device_id
        record_action(conn, "revoke-device", device_id, by=who.name)
        conn.execute(
            devices.update()
            .where(devices.c.device_id == device_id)
            .values(public_key=None, revoked_at=db.utcnow())
        )
        bindings = db.table(db.DeviceAgent)
        unbound = conn.execute(bindings.delete().where(bindings.c.device_id == device_id)).rowcount
        tokens = db.table(db.RefreshToken)
        revoke_refresh_tokens(conn, tokens.c.device_id == device_id)
    return (
        f"revoked device {device_id} (unbound from {unbound} agent(s)); "
        "it binds again only after reset-device"
    )


def reset_device(
    engine: Engine, device_id: str, agent_code: str | None = None, who: Reviewer = COMMAND_LINE
) -> str:
    """Lets a device register signing keys again (a reinstalled laptop, a lost key).

    With `agent_code`: forgets only that agent's signing key on the device (registered anew at
    the agent's next login). Without: lifts a revocation, forgets the device's branch (its
    next login binds it to that login's branch) and every agent's signing key on it.
    """
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)
    with db.write_transaction(engine) as conn:
        device_id = visible_device(conn, device_id, who).device_id
        record_action(conn, "reset-device", device_id, by=who.name, agent=agent_code)
        if agent_code is not None:
            done = conn.execute(
                bindings.update()
                .where(bindings.c.device_id == device_id, bindings.c.agent_code == agent_code)
                .values(public_key=None)
            )
            if done.rowcount == 0:
                raise AdminError(f"agent {agent_code} is not bound to device {device_id}")
            return f"reset the signing key of agent {agent_code} on device {device_id}"
        conn.execute(
            devices.update()
            .where(devices.c.device_id == device_id)
            .values(revoked_at=None, branch_code=None, public_key=None)
        )
        conn.execute(
            bindings.update().where(bindings.c.device_id == device_id).values(public_key=None)
        )
    return (
        f"reset device {device_id}: its next login binds it to that login's branch and "
        "registers the signing keys anew"
    )


def device_lines(engine: Engine, branch: str | None = None) -> list[str]:
    """The command line's `list-devices`: one line per laptop."""
    lines = []
    for row in list_devices(engine, COMMAND_LINE, branch):
        synced = row.last_sync_at.isoformat(timespec="minutes") if row.last_sync_at else "-"
        state = "  revoked" if row.revoked_at else ""
        agents = ",".join(row.agents) or "-"
        lines.append(
            f"{row.device_id}  {row.branch or '-'}  last sync {synced}  "
            f"app {row.app_version or '-'}  agents {agents}{state}"
        )
    return lines
