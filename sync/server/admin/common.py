"""What the administration commands share: their error, input checks, the trail of who ran
what, the `seq_counter` lock and writing a pulled record."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from agent_app.domain import clock
from agent_app.domain.messages import Text
from sync.server import db

CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
REGION = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class AdminError(Exception):
    pass


class FieldError(AdminError):
    """Bad input for one field of an administration form or request: the field's name and a
    message in both languages (the console shows it beside the field, the API answers 422
    with it, the command line prints the English)."""

    def __init__(self, field: str, text: Text) -> None:
        super().__init__(text.en)
        self.field = field
        self.text = text


class Conflict(AdminError):
    """The record changed since the caller saw it (someone else decided first): the API
    answers 409, the console shows the message and the record as it is now."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class NotFound(AdminError):
    """No such record that this caller may see (another branch's is not found either: the
    API answers 404, the console shows its not-found page)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


PASSWORD_MIN = 8
PASSWORD_MAX = 1024


def check_password(field: str, password: str) -> str:
    """`password` if it satisfies the password rules (FieldError on `field` otherwise)."""
    if len(password) < PASSWORD_MIN:
        raise FieldError(
            field, Text.of("A password needs at least {n} characters.", n=PASSWORD_MIN)
        )
    if len(password) > PASSWORD_MAX or "\x00" in password:
        raise FieldError(field, Text.of("This password cannot be used; choose another."))
    return password


def parse_date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise AdminError(f"{name} must be a date YYYY-MM-DD, not {text!r}") from error


def operator() -> str:
    """Who ran the command: PERISAI_OPERATOR when set (a name the office uses), else the
    operating-system account."""
    named = os.environ.get("PERISAI_OPERATOR", "").strip()
    if named:
        return named[:100]
    try:
        return getpass.getuser()[:100]
    except (KeyError, OSError):  # no user name for this uid (a container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def record_action(
    conn: sa.Connection, action: str, target: str | None, *, by: str | None = None, **details: Any
) -> None:
    """One row of the administration trail, written in the command's own transaction (ids,
    codes and settings only: no one's personal data). `by`: who, when not the command line's
    operator (the account calling the administration API)."""
    conn.execute(
        db.table(db.AdminAudit)
        .insert()
        .values(
            at=db.utcnow(),
            operator=(by or operator())[:100],
            action=action,
            target=target,
            details={k: v for k, v in details.items() if v is not None},
        )
    )


def lock_seq(conn: sa.Connection) -> int:
    value: int = conn.execute(
        sa.text("UPDATE seq_counter SET value = value + 1 WHERE id = 1 RETURNING value")
    ).scalar_one()
    return value


def check_time_zone(zone: str) -> str:
    try:
        return clock.check_zone(zone)
    except clock.UnknownZone as error:
        allowed = ", ".join(clock.ZONES)
        raise AdminError(f"--time-zone must be one of {allowed}, not {zone!r}") from error


def device_uuid(device_id: str) -> str:
    try:
        return str(uuid.UUID(device_id))
    except ValueError as error:
        raise AdminError("the device id must be a UUID") from error


def insert_new_records(
    conn: sa.Connection,
    entity: str,
    branch: str,
    first_seq: int,
    rows: Sequence[tuple[str, str | None, dict[str, Any]]],
    now: dt.datetime,
) -> None:
    """Writes new records at once (`rows`: entity id, owner, fields), version 1, their
    `server_seq` from `first_seq` on: the caller holds `seq_counter`'s lock and has moved it
    to the last of them (the bulk twin of `put_record`'s create)."""
    if not rows:
        return
    conn.execute(
        db.table(db.Record).insert(),
        [
            {
                "entity_id": entity_id,
                "entity": entity,
                "branch_code": branch,
                "owner_code": owner,
                "version": 1,
                "deleted": False,
                "fields": fields,
                "field_versions": {},
                "server_seq": first_seq + offset,
                "created_at": now,
                "updated_at": now,
            }
            for offset, (entity_id, owner, fields) in enumerate(rows)
        ],
    )


def put_record(
    conn: sa.Connection,
    entity: str,
    entity_id: str,
    branch: str | None,
    owner: str | None,
    fields: dict[str, Any],
) -> tuple[int, int]:
    """Creates or replaces a pulled-only record; returns (version, server_seq)."""
    seq = lock_seq(conn)
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
