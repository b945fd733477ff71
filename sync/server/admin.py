"""Administration of the central server: branches, agents, events, targets, compaction.

Each function checks its input, changes the database in one transaction and returns a line
saying what it did; bad input raises `AdminError` with a clear message (the CLI prints it and
exits non-zero). Events and targets are records pulled by the laptops, so they take the
`seq_counter` lock like any push.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock, contributions
from sync.server import accounts, audit_events, config, db, meta, rates, security, throttle

_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_REGION = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
ROLES = ("agent", "supervisor")
SCOPES = ("branch", "event", "agent")
METRICS = ("enrollments", "businesses", "visits", "employers")


class AdminError(Exception):
    pass


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise AdminError(f"{name} must be a date YYYY-MM-DD, not {text!r}") from error


def _operator() -> str:
    """Who ran the command: PERISAI_OPERATOR when set (a name the office uses), else the
    operating-system account."""
    named = os.environ.get("PERISAI_OPERATOR", "").strip()
    if named:
        return named[:100]
    try:
        return getpass.getuser()[:100]
    except (KeyError, OSError):  # no user name for this uid (a container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _audit(conn: sa.Connection, action: str, target: str | None, **details: Any) -> None:
    """One row of the administration trail, written in the command's own transaction (ids,
    codes and settings only: no one's personal data)."""
    conn.execute(
        db.table(db.AdminAudit)
        .insert()
        .values(
            at=db.utcnow(),
            operator=_operator(),
            action=action,
            target=target,
            details={k: v for k, v in details.items() if v is not None},
        )
    )


def trail(engine: Engine, limit: int = 50) -> list[str]:
    """The latest administration rows, newest first, one line each."""
    table = db.table(db.AdminAudit)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.id.desc()).limit(limit)).all()
    return [
        f"{row.at:%Y-%m-%d %H:%M:%S} {row.operator} {row.action} {row.target or '-'}"
        + (f" {json.dumps(row.details, sort_keys=True)}" if row.details else "")
        for row in rows
    ]


def laptop_audit(
    engine: Engine, device_id: str | None = None, gaps_only: bool = False, limit: int = 200
) -> list[str]:
    """The laptops' pushed audit events, newest first (`gaps_only`: those that break their
    device's hash chain). Reading them is recorded in the administration trail."""
    if device_id is not None:
        try:
            device_id = str(uuid.UUID(device_id))
        except ValueError as error:
            raise AdminError(f"--device must be a device id (UUID), not {device_id!r}") from error
    if not 1 <= limit <= 10_000:
        raise AdminError("--limit must be between 1 and 10000")
    lines = audit_events.listing(engine, device_id, gaps_only, limit)
    with engine.begin() as conn:
        _audit(conn, "audit-events", device_id, gaps_only=gaps_only or None)
    return lines


def check_log(
    engine: Engine, nik: str | None = None, agent_code: str | None = None, limit: int = 50
) -> list[str]:
    """The latest participant checks, newest first: of one NIK (hashed the way the audit keeps
    it) and/or by one agent."""
    table = db.table(db.ParticipantCheck)
    query = sa.select(table).order_by(table.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        if nik is not None:
            if not re.fullmatch(r"\d{16}", nik):
                raise AdminError("a NIK is 16 digits")
            query = query.where(table.c.nik_hash == meta.nik_hash(meta.read(conn), nik))
        if agent_code is not None:
            query = query.where(table.c.agent_code == agent_code)
        rows = conn.execute(query).all()
    return [
        f"{row.at:%Y-%m-%d %H:%M:%S} {row.agent_code} device {row.device_id} from {row.client}"
        f" nik#{row.nik_hash[:12]} {'enrolled' if row.enrolled else 'not enrolled'}"
        for row in rows
    ]


def _lock_seq(conn: sa.Connection) -> int:
    value: int = conn.execute(
        sa.text("UPDATE seq_counter SET value = value + 1 WHERE id = 1 RETURNING value")
    ).scalar_one()
    return value


def _time_zone(zone: str) -> str:
    try:
        return clock.check_zone(zone)
    except clock.UnknownZone as error:
        allowed = ", ".join(clock.ZONES)
        raise AdminError(f"--time-zone must be one of {allowed}, not {zone!r}") from error


def create_branch(
    engine: Engine,
    code: str,
    name: str,
    region: str | None,
    time_zone: str = clock.DEFAULT_ZONE,
) -> str:
    if not _CODE.match(code):
        raise AdminError("branch code: 1 to 32 letters, digits, '.', '_' or '-'")
    if not name.strip():
        raise AdminError("--name must not be empty")
    if region is not None and not _REGION.match(region):
        raise AdminError(f"--region must be a Kemendagri code like 16.71, not {region!r}")
    zone = _time_zone(time_zone)
    table = db.table(db.Branch)
    try:
        with engine.begin() as conn:
            _audit(conn, "create-branch", code, time_zone=zone)
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
    zone = _time_zone(time_zone)
    table = db.table(db.Branch)
    with engine.begin() as conn:
        before = conn.execute(sa.select(table.c.time_zone).where(table.c.code == code)).first()
        if before is None:
            raise AdminError(f"no branch {code}")
        _audit(conn, "set-branch-time-zone", code, time_zone=zone, before=before.time_zone)
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
        raise AdminError(f"--role must be agent or supervisor, not {role!r}")
    if not name.strip():
        raise AdminError("--name must not be empty")
    with engine.connect() as conn:
        if conn.execute(sa.select(db.Branch.code).where(db.Branch.code == branch)).first() is None:
            raise AdminError(f"no branch {branch}; create it first with create-branch")
    if len(password) < 8:
        raise AdminError("the password must have at least 8 characters")
    password_hash = security.hash_password(settings, password)
    with engine.begin() as conn:
        _audit(conn, "create-agent", code, role=role, branch=branch)
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
        _audit(conn, "unlock-agent", code)
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
        _audit(conn, "enable-agent" if active else "disable-agent", code)
        done = conn.execute(table.update().where(table.c.code == code).values(active=active))
        if done.rowcount == 0:
            raise AdminError(f"no agent {code}")
        if not active:
            tokens = db.table(db.RefreshToken)
            accounts.revoke_refresh_tokens(conn, tokens.c.agent_code == code)
    return f"{'enabled' if active else 'disabled'} agent {code}"


def _device_uuid(device_id: str) -> str:
    try:
        return str(uuid.UUID(device_id))
    except ValueError as error:
        raise AdminError("the device id must be a UUID") from error


def revoke_device(engine: Engine, device_id: str) -> str:
    """For a lost or stolen laptop: unbinds it from every agent (its access tokens stop working
    at once, its refresh tokens are spent) and forgets its keys (its bundles are refused).
    Nobody can log in on it again until `reset_device`."""
    device_id = _device_uuid(device_id)
    devices = db.table(db.Device)
    with engine.begin() as conn:
        _audit(conn, "revoke-device", device_id)
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
    device_id = _device_uuid(device_id)
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)
    with engine.begin() as conn:
        _audit(conn, "reset-device", device_id, agent=agent_code)
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


def _put_record(
    conn: sa.Connection,
    entity: str,
    entity_id: str,
    branch: str | None,
    owner: str | None,
    fields: dict[str, Any],
) -> tuple[int, int]:
    """Creates or replaces a pulled-only record; returns (version, server_seq)."""
    seq = _lock_seq(conn)
    table = db.table(db.Record)
    now = db.utcnow()
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is None:
        conn.execute(
            table.insert().values(
                entity_id=entity_id,
                entity=entity,
                branch_code=branch,
                owner_code=owner,
                version=1,
                deleted=False,
                fields=fields,
                field_versions={},
                server_seq=seq,
                created_at=now,
                updated_at=now,
            )
        )
        return 1, seq
    if row.entity != entity:
        raise AdminError(f"id {entity_id} belongs to a {row.entity}")
    conn.execute(
        table.update()
        .where(table.c.entity_id == entity_id)
        .values(
            branch_code=branch,
            owner_code=owner,
            version=row.version + 1,
            deleted=False,
            fields=fields,
            server_seq=seq,
            updated_at=now,
        )
    )
    return row.version + 1, seq


def create_event(
    engine: Engine,
    name: str,
    venue: str,
    branch: str,
    starts_on: str,
    ends_on: str,
    event_id: str | None = None,
) -> str:
    start, end = _date(starts_on, "--starts-on"), _date(ends_on, "--ends-on")
    if end < start:
        raise AdminError("--ends-on is before --starts-on")
    if not name.strip():
        raise AdminError("--name must not be empty")
    try:
        entity_id = str(uuid.UUID(event_id)) if event_id else str(uuid.uuid4())
    except ValueError as error:
        raise AdminError("--id must be a UUID") from error
    with engine.begin() as conn:
        _audit(conn, "create-event", entity_id, branch=branch)
        if conn.execute(sa.select(db.Branch.code).where(db.Branch.code == branch)).first() is None:
            raise AdminError(f"no branch {branch}")
        fields = {
            "name": name.strip(),
            "venue": venue,
            "branch": branch,
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
        }
        _put_record(conn, "event", entity_id, branch, None, fields)
    return f"created event {entity_id} ({name.strip()}, {branch}, {start} to {end})"


def set_target(
    engine: Engine,
    scope: str,
    scope_id: str,
    metric: str,
    goal: int,
    period_start: str,
    period_end: str,
) -> str:
    if scope not in SCOPES:
        raise AdminError(f"--scope must be one of {', '.join(SCOPES)}")
    if metric not in METRICS:
        raise AdminError(f"--metric must be one of {', '.join(METRICS)}")
    if goal < 0:
        raise AdminError("--goal must be 0 or more")
    start, end = _date(period_start, "--period-start"), _date(period_end, "--period-end")
    if end < start:
        raise AdminError("--period-end is before --period-start")
    records = db.table(db.Record)
    with engine.begin() as conn:
        _audit(conn, "set-target", scope_id, scope=scope, metric=metric, goal=goal)
        owner: str | None = None
        if scope == "branch":
            found = conn.execute(sa.select(db.Branch.code).where(db.Branch.code == scope_id))
            branch = found.scalar()
        elif scope == "agent":
            agent = conn.execute(
                sa.select(db.Agent.code, db.Agent.branch_code).where(db.Agent.code == scope_id)
            ).first()
            branch = agent.branch_code if agent else None
            owner = scope_id
        else:
            branch = conn.execute(
                sa.select(records.c.branch_code).where(
                    records.c.entity_id == scope_id, records.c.entity == "event"
                )
            ).scalar()
        if branch is None:
            raise AdminError(f"no {scope} {scope_id}")
        # One target per scope, metric and period: setting it again changes the goal.
        entity_id = str(
            uuid.uuid5(
                uuid.NAMESPACE_URL, f"perisai-target:{scope}:{scope_id}:{metric}:{start}:{end}"
            )
        )
        fields = {
            "scope": scope,
            "scope_id": scope_id,
            "metric": metric,
            "goal": goal,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
        }
        version, _ = _put_record(conn, "target", entity_id, branch, owner, fields)
    return (
        f"set target {entity_id}: {scope} {scope_id} {metric} {goal} ({start} to {end}), "
        f"version {version}"
    )


REVIEW_STATUSES = ("accepted", "needs_correction", "submitted")


def review_enrollment(
    engine: Engine,
    entity_id: str,
    status: str,
    review_reason: str | None = None,
    membership_number: str | None = None,
) -> str:
    """The central system's review of an enrollment (its protected fields), pulled by the
    laptops like a supervisor's update."""
    if status not in REVIEW_STATUSES:
        raise AdminError(f"--status must be one of {', '.join(REVIEW_STATUSES)}")
    if status == "accepted" and not membership_number:
        raise AdminError("an accepted enrollment needs --membership-number")
    try:
        entity_id = str(uuid.UUID(entity_id))
    except ValueError as error:
        raise AdminError("the enrollment id must be a UUID") from error
    table = db.table(db.Record)
    with engine.begin() as conn:
        _audit(conn, "review-enrollment", entity_id, status=status)
        seq = _lock_seq(conn)
        row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
        if row is None or row.entity != "enrollment":
            raise AdminError(f"no enrollment {entity_id}")
        if row.deleted:
            raise AdminError(f"enrollment {entity_id} was deleted")
        version = row.version + 1
        changes: dict[str, Any] = {"status": status, "review_reason": review_reason}
        if membership_number is not None:
            changes["membership_number"] = membership_number
        fields = dict(row.fields)
        marks = dict(row.field_versions or {})
        for name, value in changes.items():
            if fields.get(name) != value:
                marks[name] = [version, "central"]
        fields.update(changes)
        conn.execute(
            table.update()
            .where(table.c.entity_id == entity_id)
            .values(
                fields=fields,
                field_versions=marks,
                version=version,
                server_seq=seq,
                updated_at=db.utcnow(),
            )
        )
    return f"enrollment {entity_id} is {status}, version {version}"


def erase_enrollment(engine: Engine, entity_id: str) -> str:
    """Erases an enrollment at the worker's request (UU PDP 27/2022): its fields are dropped
    and it becomes a tombstone, which every laptop pulls and then removes with its own copy
    (`agent_app.services.retention`); the NIK may be enrolled again; every stored answer
    that showed the record to a laptop in a conflict (`current`) loses that copy, whatever NIK
    the record had then; and on SQLite the file is rewritten (VACUUM, then the write-ahead
    log truncated), so the erased data does not linger in free pages or old log frames.
    Idempotent: erasing an erased enrollment changes nothing."""
    try:
        entity_id = str(uuid.UUID(entity_id))
    except ValueError as error:
        raise AdminError("the enrollment id must be a UUID") from error
    records = db.table(db.Record)
    niks = db.table(db.ActiveNik)
    with engine.begin() as conn:
        _audit(conn, "erase-enrollment", entity_id)
        row = conn.execute(sa.select(records).where(records.c.entity_id == entity_id)).first()
        if row is None or row.entity != "enrollment":
            raise AdminError(f"no enrollment {entity_id}")
        if row.deleted:
            return f"enrollment {entity_id} was already erased"
        seq = _lock_seq(conn)
        conn.execute(niks.delete().where(niks.c.entity_id == entity_id))
        conn.execute(
            records.update()
            .where(records.c.entity_id == entity_id)
            .values(
                deleted=True,
                fields={},
                field_versions={},
                version=row.version + 1,
                server_seq=seq,
                updated_at=db.utcnow(),
            )
        )
        cleared = _clear_stored_answers(conn, entity_id, dict(row.fields or {}))
    purged = _purge_free_space(engine)
    return (
        f"erased enrollment {entity_id} (version {row.version + 1}; "
        f"{cleared} stored answer(s) cleared{purged})"
    )


def _clear_stored_answers(conn: sa.Connection, entity_id: str, fields: dict[str, Any]) -> int:
    """Drops `current` (the record as a conflict showed it) from every ledger row about the
    enrollment. Rows from before migration 0008 name no record: those are matched by the
    record's NIK, or by its name and birth date (the NIK may have been corrected since)."""
    ledger = db.table(db.Ledger)
    cleared = conn.execute(
        ledger.update()
        .where(ledger.c.entity_id == entity_id, ledger.c.current.is_not(None))
        .values(current=None)
    ).rowcount
    nik, name, born = fields.get("nik"), fields.get("full_name"), fields.get("birth_date")
    legacy = [
        answer.op_id
        for answer in conn.execute(
            sa.select(ledger.c.op_id, ledger.c.current).where(
                ledger.c.entity_id.is_(None), ledger.c.current.is_not(None)
            )
        )
        if isinstance(answer.current, dict)
        and (
            (nik and answer.current.get("nik") == nik)
            or (
                name
                and answer.current.get("full_name") == name
                and answer.current.get("birth_date") == born
            )
        )
    ]
    for start in range(0, len(legacy), 500):
        conn.execute(
            ledger.update()
            .where(ledger.c.op_id.in_(legacy[start : start + 500]))
            .values(current=None)
        )
    return int(cleared) + len(legacy)


def _purge_free_space(engine: Engine) -> str:
    """SQLite keeps deleted rows' bytes in free pages and earlier page images in the WAL:
    VACUUM rewrites the file with live rows only, and a TRUNCATE checkpoint empties the log.
    (PostgreSQL: a query never sees the dead row versions; autovacuum reclaims them.)"""
    if not db.is_sqlite(engine):
        return ""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    if busy:
        return "; the write-ahead log was busy: run the command again when the server is idle"
    return "; database file rewritten"


def publish_rate_table(engine: Engine, version: str, effective_from: str, table_json: str) -> str:
    """Publishes a contribution table (the shape of resources/contributions.json, checked by
    `contributions.check_table`) under `version`, in force from `effective_from`: every laptop
    pulls it and quotes with it, and the push check uses it."""
    if not version.strip():
        raise AdminError("--version must not be empty")
    start = _date(effective_from, "--effective-from")
    try:
        table = json.loads(table_json)
    except ValueError as error:
        raise AdminError(f"the rate table is not valid JSON: {error}") from error
    try:
        contributions.check_table(table)  # what the laptops and the push check will quote with
    except contributions.RateTableError as error:
        raise AdminError(f"the rate table cannot be used: {error}") from error
    entity_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-rate-table:{version.strip()}"))
    fields = {"version": version.strip(), "effective_from": start.isoformat(), "table": table}
    with engine.begin() as conn:
        _audit(conn, "publish-rate-table", version.strip(), effective_from=start.isoformat())
        record_version, _ = _put_record(conn, "rate_table", entity_id, None, None, fields)
        meta.write(conn, rates.META_KEY, str(uuid.uuid4()))  # the push check reloads
    return f"published rate table {version.strip()} ({entity_id}), version {record_version}"


def compact(engine: Engine, older_than_days: int) -> str:
    """Forgets tombstones older than N days; cursors before them can no longer be served."""
    if older_than_days < 0:
        raise AdminError("--older-than-days must be 0 or more")
    cutoff = db.utcnow() - dt.timedelta(days=older_than_days)
    table = db.table(db.Record)
    with engine.begin() as conn:
        _audit(conn, "compact", None, older_than_days=older_than_days)
        _lock_seq(conn)
        horizon = conn.execute(
            sa.select(sa.func.max(table.c.server_seq)).where(
                table.c.deleted.is_(True), table.c.updated_at <= cutoff
            )
        ).scalar()
        if horizon is None:
            return "nothing to compact"
        purged = conn.execute(
            table.delete().where(table.c.deleted.is_(True), table.c.server_seq <= horizon)
        ).rowcount
        current = int(meta.read(conn).get("cursor_horizon", "0"))
        meta.write(conn, "cursor_horizon", str(max(current, int(horizon))))
    return f"purged {purged} deleted records; cursors before seq {horizon} now get 410"
