"""The participant check: whether a NIK is an active participant in any branch (the NIK of an
enrollment, or of a worker of an employer registration, not deleted: the rows of the
unique-NIK guard `active_nik`), recorded with who asked and a keyed hash of the NIK (never
the NIK). `check_many` answers a list of NIKs in one transaction, one audit row each."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
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
    with db.write_transaction(engine) as conn:
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


def check_many(
    engine: Engine,
    nik_key: Callable[[Connection], dict[str, str]],
    asker: Asker,
    niks: Sequence[str],
) -> list[Enrolled | None]:
    """`check` for each of `niks` (answers in their order), with one recorded check per NIK,
    in one transaction and one query of the guard."""
    table = db.table(db.ActiveNik)
    with db.write_transaction(engine) as conn:
        wanted = sorted(set(niks))
        found = {
            row.nik: Enrolled(row.branch_code, row.enrolled_on)
            for row in conn.execute(sa.select(table).where(table.c.nik.in_(wanted)))
        }
        key, at = nik_key(conn), db.utcnow()
        conn.execute(
            db.table(db.ParticipantCheck).insert(),
            [
                {
                    "at": at,
                    "agent_code": asker.agent_code,
                    "device_id": asker.device_id,
                    "client": asker.client[:64],
                    "nik_hash": meta.nik_hash(key, nik),
                    "enrolled": nik in found,
                }
                for nik in niks
            ],
        )
    return [found.get(nik) for nik in niks]
