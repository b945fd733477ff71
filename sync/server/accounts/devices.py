"""Devices: a laptop bound to the agents who log in on it (within one branch), and each
agent's bundle-signing key registered on it once."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync import protocol
from sync.server import db
from sync.server.accounts.principal import AuthError

log = logging.getLogger("server")


def device_key(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise AuthError(400, "invalid_request", "device_public_key is not base64.") from error
    if len(raw) != 32:
        raise AuthError(400, "invalid_request", "device_public_key must be 32 bytes (Ed25519).")
    return base64.b64encode(raw).decode("ascii")


def bind_device(
    conn: Connection,
    agent: Any,
    device_id: str,
    device_name: str,
    public_key: str | None,
    now: dt.datetime,
) -> None:
    """Binds the device to the agent at a login, or refuses (AuthError 403).

    A device belongs to the branch of its first login: a login from another branch with its
    id is refused, so nobody takes over a laptop by its id. A revoked device binds nobody until
    `reset-device`. The agent's bundle-signing key on the device is registered once; another
    key later is refused (only `reset-device` replaces it), so a login can never swap the key
    that genuine bundles are checked against.
    """
    row = _claim_device(conn, agent, device_id, device_name, now)
    if row.revoked_at is not None:
        log.warning("login of %s refused: device %s is revoked", agent.code, device_id)
        raise AuthError(
            403,
            "device_revoked",
            "This laptop was revoked; an administrator must reset it (reset-device).",
        )
    if row.branch_code != agent.branch_code:
        log.warning(
            "login of %s (branch %s) refused: device %s belongs to branch %s",
            agent.code,
            agent.branch_code,
            device_id,
            row.branch_code,
        )
        raise AuthError(403, "device_other_branch", "This laptop belongs to another branch.")
    _insert_once(
        conn,
        db.table(db.DeviceAgent),
        {"device_id": device_id, "agent_code": agent.code, "bound_at": now, "public_key": None},
    )
    if public_key is not None:
        _register_key(conn, agent, device_id, public_key)


def _claim_device(
    conn: Connection, agent: Any, device_id: str, device_name: str, now: dt.datetime
) -> Any:
    """The device's row (branch, revocation), made for the agent's branch at its first login
    or after an administrator reset it."""
    devices = db.table(db.Device)

    def read() -> Any:
        return conn.execute(
            sa.select(devices.c.branch_code, devices.c.revoked_at).where(
                devices.c.device_id == device_id
            )
        ).first()

    # The first statement writes, so that on SQLite this transaction takes the write lock at
    # once, waiting its turn (busy_timeout), instead of failing to upgrade a read lock when
    # logins race (a refused login rolls the new name back).
    conn.execute(devices.update().where(devices.c.device_id == device_id).values(name=device_name))
    row = read()
    if row is None:
        _insert_once(
            conn,
            devices,
            {
                "device_id": device_id,
                "created_at": now,
                "name": device_name,
                "branch_code": agent.branch_code,
            },
        )
        row = read()  # a concurrent first login may have won: its branch decides
    elif row.branch_code is None and row.revoked_at is None:  # reset by an administrator
        conn.execute(
            devices.update()
            .where(devices.c.device_id == device_id, devices.c.branch_code.is_(None))
            .values(branch_code=agent.branch_code)
        )
        row = read()
    return row


def _register_key(conn: Connection, agent: Any, device_id: str, public_key: str) -> None:
    """Registers the agent's signing key on the device once (403 for another key later)."""
    bindings = db.table(db.DeviceAgent)
    mine = (bindings.c.device_id == device_id, bindings.c.agent_code == agent.code)
    conn.execute(
        bindings.update()
        .where(*mine, bindings.c.public_key.is_(None))
        .values(public_key=public_key)
    )
    registered = conn.execute(sa.select(bindings.c.public_key).where(*mine)).scalar()
    if registered != public_key:
        log.warning(
            "login of %s refused: another signing key is registered for it on device %s",
            agent.code,
            device_id,
        )
        raise AuthError(
            403,
            "device_key_mismatch",
            "Another signing key is registered for this agent on this laptop; an "
            "administrator must reset it (reset-device).",
        )


def _insert_once(conn: Connection, table: sa.Table, row: dict[str, Any]) -> None:
    """Inserts a row unless its key exists (a concurrent login of the same device)."""
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(**row))
    except sa.exc.IntegrityError:
        pass


def device_public_key(conn: Connection, device_id: str, agent_code: str) -> bytes | None:
    """The agent's own signing key registered on a device bound to it (not revoked), or
    None. A bundle is checked against the key of the agent whose ops it carries."""
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)
    key = conn.execute(
        sa.select(bindings.c.public_key)
        .join(devices, bindings.c.device_id == devices.c.device_id)
        .where(
            bindings.c.device_id == device_id,
            bindings.c.agent_code == agent_code,
            devices.c.revoked_at.is_(None),
        )
    ).scalar()
    return base64.b64decode(key) if key else None


#: The last sync is kept to this many seconds: a sync cycle's push and pulls write it once.
SYNC_STAMP_SECONDS = 60


def note_sync(engine: Engine, device_id: str, user_agent: str | None) -> None:
    """Records the device's latest push or pull, and the app version its User-Agent names (kept
    from before when this one names none): one UPDATE, which changes the row only when the
    stamp is over `SYNC_STAMP_SECONDS` old or the version changed (most requests of a sync
    cycle write nothing)."""
    version = protocol.app_version_of(user_agent)
    devices = db.table(db.Device)
    now = db.utcnow()
    stale = sa.or_(
        devices.c.last_sync_at.is_(None),
        devices.c.last_sync_at < now - dt.timedelta(seconds=SYNC_STAMP_SECONDS),
    )
    values: dict[str, Any] = {"last_sync_at": now}
    if version is not None:
        values["app_version"] = str(version)[:32]
        stale = sa.or_(stale, devices.c.app_version.is_distinct_from(values["app_version"]))
    with db.write_transaction(engine) as conn:
        conn.execute(
            devices.update().where(devices.c.device_id == device_id, stale).values(**values)
        )
