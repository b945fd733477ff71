"""The reads and the write of a bulk assignment (`assignments.create_many`): which businesses
the caller may assign (by the rules of the one-at-a-time `create`), which of them already have
an open assignment, and the new assignments written with one statement. Ids are read in chunks
(`IN (...)` of at most `CHUNK`), so a list of 10,000 businesses is a few dozen queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin.common import FieldError, insert_new_records
from sync.server.admin.review import Reviewer

CHUNK = 500


def _uuid(value: str, missing: Text) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError as error:
        raise FieldError("business_id", missing) from error


def businesses(conn: sa.Connection, business_ids: Sequence[str], who: Reviewer) -> list[Any]:
    """The rows of `business_ids` (each once, in order) when the caller may assign every one:
    a live business of the caller's branch (another branch's is "no such business", like a
    missing one), all of one branch."""
    missing = Text.of("There is no such business in your branch.")
    wanted = list(dict.fromkeys(_uuid(i, missing) for i in business_ids))
    if not wanted:
        raise FieldError("business_id", Text.of("Choose at least one business."))
    c = db.table(db.Record).c
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        query = sa.select(c.entity_id, c.entity, c.deleted, c.branch_code).where(
            c.entity_id.in_(wanted[start : start + CHUNK])
        )
        found.update((row.entity_id, row) for row in conn.execute(query))
    rows: list[Any] = []
    for entity_id in wanted:
        row = found.get(entity_id)
        if row is None or row.entity != "business" or row.deleted:
            raise FieldError("business_id", missing)
        if who.branch is not None and row.branch_code != who.branch:
            raise FieldError("business_id", missing)
        rows.append(row)
    if len({row.branch_code for row in rows}) > 1:
        raise FieldError("business_id", Text.of("Choose businesses of one branch at a time."))
    return rows


def open_for(conn: sa.Connection, branch: str, business_ids: list[str]) -> dict[str, str]:
    """Which of `business_ids` already have an open assignment: business id -> the agent's
    code (the one due soonest when it has several)."""
    c = db.table(db.Record).c
    named = c.fields["business_id"].as_string()
    taken: dict[str, str] = {}
    for start in range(0, len(business_ids), CHUNK):
        query = (
            sa.select(named.label("business_id"), c.owner_code)
            .where(
                c.branch_code == branch,
                c.entity == keys.ASSIGNMENT,
                c.status == keys.AssignmentStatus.OPEN.value,
                c.deleted.is_(False),
                named.in_(business_ids[start : start + CHUNK]),
            )
            .order_by(c.fields["due_on"].as_string().desc())
        )
        taken.update((row.business_id, str(row.owner_code or "")) for row in conn.execute(query))
    return taken


def insert_open(
    conn: sa.Connection,
    first_seq: int,
    branch: str,
    business_ids: list[str],
    fields: dict[str, Any],
) -> list[str]:
    """Writes one open assignment per business (`fields`: agent, kind, due date, note), their
    `server_seq` from `first_seq` on (the caller holds `seq_counter`'s lock and took the
    first); returns the new ids."""
    if not business_ids:
        return []
    if len(business_ids) > 1:
        conn.execute(
            sa.text("UPDATE seq_counter SET value = value + :n WHERE id = 1"),
            {"n": len(business_ids) - 1},
        )
    ids = [str(uuid.uuid4()) for _ in business_ids]
    status = keys.AssignmentStatus.OPEN.value
    rows = [
        (entity_id, fields["agent_code"], {"business_id": business_id, **fields, "status": status})
        for entity_id, business_id in zip(ids, business_ids, strict=True)
    ]
    insert_new_records(conn, keys.ASSIGNMENT, branch, first_seq, rows, db.utcnow())
    return ids
