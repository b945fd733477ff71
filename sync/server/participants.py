"""The participant check: whether a NIK has an active enrollment in any branch, recorded
with who asked and a keyed hash of the NIK (never the NIK)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.server import db, meta

NIK = re.compile(r"^[0-9]{16}\Z")  # ASCII digits only, and no trailing newline


@dataclass(frozen=True)
class Asker:
    """Who asked, as the audit of checks records it."""

    agent_code: str
    device_id: str
    client: str


@dataclass(frozen=True)
class Enrolled:
    branch_code: str
    enrolled_on: dt.date


def check(
    engine: Engine,
    nik_key: Callable[[Connection], dict[str, str]],
    asker: Asker,
    nik: str,
) -> Enrolled | None:
    """The NIK's active enrollment, or None; the check is recorded in the same transaction.
    `nik_key` gives the NIK hash's key (`meta.nik_hash`) read on the connection."""
    table = db.table(db.ActiveNik)
    with engine.connect() as conn, conn.begin():
        row = conn.execute(sa.select(table).where(table.c.nik == nik)).first()
        conn.execute(
            db.table(db.ParticipantCheck)
            .insert()
            .values(
                at=db.utcnow(),
                agent_code=asker.agent_code,
                device_id=asker.device_id,
                client=asker.client[:64],
                nik_hash=meta.nik_hash(nik_key(conn), nik),
                enrolled=row is not None,
            )
        )
    return None if row is None else Enrolled(row.branch_code, row.enrolled_on)
