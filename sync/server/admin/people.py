"""Branches, agents and devices."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock, keys
from sync.server import accounts, config, db, security, throttle
from sync.server.admin.common import (
    CODE,
    REGION,
    AdminError,
    check_time_zone,
    device_uuid,
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
        with engine.begin() as conn:
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
    with engine.begin() as conn:
        before = conn.execute(sa.select(table.c.time_zone).where(table.c.code == code)).first()
        if before is None:
            raise AdminError(f"no branch {code}")
        record_action(conn, "set-branch-time-zone", code, time_zone=zone, before=before.time_zone)
        conn.execute(table.update().where(table.c.code == code).values(time_zone=zone))
    return f"branch {code} now keeps its days in {zone} (was {before.time_zone})"


def create_agent(
    engine: Engine,
    settings: config.Settings,
    code: str,
    name: str,
    branch: str,
    role: str,
    password: str,
) -> str:
    if not re.match(r"^[A-Za-z0-9_.-]{1,64}$", code):
        raise AdminError("agent code: 1 to 64 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise AdminError(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name.strip():
        raise AdminError("--name must not be empty")
    with engine.connect() as conn:
        if conn.execute(sa.select(db.Branch.code).where(db.Branch.code == branch)).first() is None:
            raise AdminError(f"no branch {branch}; create it first with create-branch")
    if len(password) < 8:
        raise AdminError("the password must have at least 8 characters")
    password_hash = security.hash_password(settings, password)
    with engine.begin() as conn:
        record_action(conn, "create-agent", code, role=role, branch=branch)
        try:
            with conn.begin_nested():
                conn.execute(
                    db.table(db.Agent)
                    .insert()
                    .values(
                        code=code,
                        name=name.strip(),
                        branch_code=branch,
                        role=role,
                        password_hash=password_hash,
                        failed_logins=0,
                        locked_until=None,
                        active=True,
                        created_at=db.utcnow(),
                    )
                )
        except sa.exc.IntegrityError as error:
            raise AdminError(f"agent {code} already exists") from error
    return f"created {role} {code} ({name.strip()}) in branch {branch}"


def unlock_agent(engine: Engine, code: str) -> str:
    table = db.table(db.Agent)
    with engine.begin() as conn:
        record_action(conn, "unlock-agent", code)
        done = conn.execute(
            table.update().where(table.c.code == code).values(failed_logins=0, locked_until=None)
        )
        if done.rowcount == 0:
            raise AdminError(f"no agent {code}")
        throttle.forget_failures(conn, code)
    return f"unlocked agent {code}"


def set_agent_active(engine: Engine, code: str, active: bool) -> str:
    """Disables an account (its tokens stop working at once) or enables it again."""
    table = db.table(db.Agent)
    with engine.begin() as conn:
        record_action(conn, "enable-agent" if active else "disable-agent", code)
        done = conn.execute(table.update().where(table.c.code == code).values(active=active))
        if done.rowcount == 0:
            raise AdminError(f"no agent {code}")
        if not active:
            tokens = db.table(db.RefreshToken)
            accounts.revoke_refresh_tokens(conn, tokens.c.agent_code == code)
    return f"{'enabled' if active else 'disabled'} agent {code}"


def revoke_device(engine: Engine, device_id: str) -> str:
    """For a lost or stolen laptop: unbinds it from every agent (its access tokens stop working
    at once, its refresh tokens are spent) and forgets its keys (its bundles are refused).
    Nobody can log in on it again until `reset_device`."""
    device_id = device_uuid(device_id)
    devices = db.table(db.Device)
    with engine.begin() as conn:
        record_action(conn, "revoke-device", device_id)
        done = conn.execute(
            devices.update()
            .where(devices.c.device_id == device_id)
            .values(public_key=None, revoked_at=db.utcnow())
        )
        if done.rowcount == 0:
            raise AdminError(f"no device {device_id}")
        bindings = db.table(db.DeviceAgent)
        unbound = conn.execute(bindings.delete().where(bindings.c.device_id == device_id)).rowcount
        tokens = db.table(db.RefreshToken)
        accounts.revoke_refresh_tokens(conn, tokens.c.device_id == device_id)
    return (
        f"revoked device {device_id} (unbound from {unbound} agent(s)); "
        "it binds again only after reset-device"
    )


def reset_device(engine: Engine, device_id: str, agent_code: str | None = None) -> str:
    """Lets a device register signing keys again (a reinstalled laptop, a lost key).

    With `agent_code`: forgets only that agent's signing key on the device (registered anew at
    the agent's next login). Without: lifts a revocation, forgets the device's branch (its
    next login binds it to that login's branch) and every agent's signing key on it.
    """
    device_id = device_uuid(device_id)
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)
    with engine.begin() as conn:
        record_action(conn, "reset-device", device_id, agent=agent_code)
        if agent_code is not None:
            done = conn.execute(
                bindings.update()
                .where(bindings.c.device_id == device_id, bindings.c.agent_code == agent_code)
                .values(public_key=None)
            )
            if done.rowcount == 0:
                raise AdminError(f"agent {agent_code} is not bound to device {device_id}")
            return f"reset the signing key of agent {agent_code} on device {device_id}"
        done = conn.execute(
            devices.update()
            .where(devices.c.device_id == device_id)
            .values(revoked_at=None, branch_code=None, public_key=None)
        )
        if done.rowcount == 0:
            raise AdminError(f"no device {device_id}")
        conn.execute(
            bindings.update().where(bindings.c.device_id == device_id).values(public_key=None)
        )
    return (
        f"reset device {device_id}: its next login binds it to that login's branch and "
        "registers the signing keys anew"
    )
