"""Likely duplicates among a branch's businesses (issue 18), judged by
`agent_app.domain.duplicates` (the laptop judges with the same rules): the branch's index, and
the suspected pairs kept for a supervisor (`business_duplicate`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from agent_app.domain import duplicates
from sync.server import db
from sync.server.prospects.tables import BusinessDuplicate


def key_of(entity_id: str, fields: Mapping[str, Any]) -> duplicates.BusinessKey:
    """What duplicates are judged on, from a business record's fields."""
    return duplicates.BusinessKey(
        entity_id,
        str(fields.get("name") or ""),
        nib=fields.get("nib") or None,
        phone=fields.get("phone") or None,
        region_code=fields.get("region_code") or None,
    )


def branch_index(conn: sa.Connection, branch_code: str) -> duplicates.Index:
    """Every live business of the branch, oldest first (a candidate list's tie order)."""
    record = db.table(db.Record)
    rows = conn.execute(
        sa.select(record.c.entity_id, record.c.fields)
        .where(
            record.c.entity == "business",
            record.c.branch_code == branch_code,
            record.c.deleted.is_(False),
        )
        .order_by(record.c.created_at, record.c.entity_id)
    )
    return duplicates.Index(key_of(row.entity_id, row.fields) for row in rows)


def record_suspects(
    conn: sa.Connection,
    branch_code: str,
    business_id: str,
    candidates: Iterable[duplicates.Candidate],
    found_at: dt.datetime,
) -> int:
    """Keep each (business, candidate) pair once, open, for a supervisor; returns how many
    pairs were new. A pair already kept (either way round) is left as it is."""
    table = db.table(BusinessDuplicate)
    added = 0
    for candidate in candidates:
        pair = sa.or_(
            sa.and_(
                table.c.business_id == business_id,
                table.c.candidate_id == candidate.business_id,
            ),
            sa.and_(
                table.c.business_id == candidate.business_id,
                table.c.candidate_id == business_id,
            ),
        )
        if conn.execute(sa.select(table.c.id).where(pair)).first() is not None:
            continue
        conn.execute(
            table.insert().values(
                branch_code=branch_code,
                business_id=business_id,
                candidate_id=candidate.business_id,
                reason=candidate.reason,
                score=candidate.score,
                found_at=found_at,
            )
        )
        added += 1
    return added


def record_new_suspects(
    conn: sa.Connection,
    branch_code: str,
    pairs: Iterable[tuple[str, duplicates.Candidate]],
    found_at: dt.datetime,
) -> int:
    """`record_suspects` for businesses created in the caller's transaction (an import's
    rows): no pair of theirs can be kept yet, so the pairs are written at once, in bulk;
    returns how many."""
    values = [
        {
            "branch_code": branch_code,
            "business_id": business_id,
            "candidate_id": candidate.business_id,
            "reason": candidate.reason,
            "score": candidate.score,
            "found_at": found_at,
        }
        for business_id, candidate in pairs
    ]
    if values:
        conn.execute(db.table(BusinessDuplicate).insert(), values)
    return len(values)
