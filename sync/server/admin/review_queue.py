"""The review queue: a branch's enrollments and employer registrations (`entities`: the API's
enrollment queue asks for enrollments only, the console's for both), oldest first, a page at a
time (keyset on the time the server received each and its id), and one record; the NIKs masked
by the domain's rule (`agent_app.domain.masking`), an enrollment's whole only through
`review.reveal_nik`."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import masking
from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin import employer_detail
from sync.server.admin.review import (
    EMPLOYER,
    ENROLLMENT,
    REVIEW_STATUSES,
    NoEnrollment,
    Reviewer,
    ReviewError,
    check_text,
    enrollment_uuid,
    visible_row,
)

MAX_LIMIT = 200
#: The queue's kinds of record, by the name its filter and lines use.
KINDS = {"enrollment": ENROLLMENT, "employer": EMPLOYER}


@dataclass(frozen=True)
class QueueFilter:
    """What to list: `branch` narrows an admin's view (a supervisor's is their own);
    `received_from`/`received_to` are days (UTC) the server received the enrollment."""

    status: str = "submitted"
    agent: str | None = None
    event: str | None = None
    branch: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    #: "enrollment" or "employer": one kind of record of those asked for (None: all).
    kind: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def _cursor(created_at: dt.datetime, entity_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), entity_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, entity_id = json.loads(raw)
        when = dt.datetime.fromisoformat(at)
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)), str(uuid.UUID(entity_id))
    except (ValueError, TypeError, AttributeError, binascii.Error) as error:
        raise ReviewError("cursor", Text.of("This cursor is not one the server gave.")) from error


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _where(
    queue: QueueFilter, reviewer: Reviewer, entities: Sequence[str] = (ENROLLMENT,)
) -> list[sa.ColumnElement[bool]]:
    if queue.status not in REVIEW_STATUSES:
        raise ReviewError(
            "status",
            Text.of("The status must be one of: {choices}.", choices=", ".join(REVIEW_STATUSES)),
        )
    for name, value in (("agent", queue.agent), ("event", queue.event), ("branch", queue.branch)):
        check_text(name, value or "")
    if queue.kind is not None:
        if queue.kind not in KINDS:
            raise ReviewError(
                "kind", Text.of("The kind must be one of: {choices}.", choices=", ".join(KINDS))
            )
        entities = [entity for entity in entities if entity == KINDS[queue.kind]]
    c = db.table(db.Record).c
    # `status` is the record's, computed from its fields (migration 0011's ix_record_queue).
    where = [c.entity.in_(list(entities)), c.deleted.is_(False), c.status == queue.status]
    for branch in (reviewer.branch, queue.branch):
        if branch is not None:
            where.append(c.branch_code == branch)
    if queue.agent:
        where.append(c.owner_code == queue.agent)
    if queue.event:
        where.append(c.event_id == queue.event)
    if queue.received_from:
        where.append(c.created_at >= _day_start(queue.received_from))
    if queue.received_to:
        where.append(c.created_at < _day_start(queue.received_to + dt.timedelta(days=1)))
    return where


def list_enrollments(
    engine: Engine,
    queue: QueueFilter,
    reviewer: Reviewer,
    cursor: str | None,
    limit: int,
    entities: Sequence[str] = (ENROLLMENT,),
) -> Page:
    """One page of the queue, oldest first; `next_cursor` None on the last page."""
    c = db.table(db.Record).c
    where = _where(queue, reviewer, entities)
    if cursor:
        at, entity_id = _read_cursor(cursor)
        after = sa.tuple_(sa.literal(at, c.created_at.type), sa.literal(entity_id))
        where.append(sa.tuple_(c.created_at, c.entity_id) > after)
    limit = max(1, min(limit, MAX_LIMIT))
    query = (
        sa.select(db.table(db.Record))
        .where(*where)
        .order_by(c.created_at, c.entity_id)
        .limit(limit + 1)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        names = employer_detail.business_names(conn, [r for r in rows if r.entity == EMPLOYER])
    next_cursor = _cursor(rows[-1].created_at, rows[-1].entity_id) if more else None
    return Page([summary(row, names) for row in rows], next_cursor)


def summary(row: Any, names: dict[str, str] | None = None) -> dict[str, Any]:
    """A queue line: who, where, what state; the NIK masked. An employer registration's line
    names its business (`names`: business id -> name) and masks its owner's NIK."""
    if row.entity == EMPLOYER:
        return employer_detail.summary(row, names or {})
    fields = row.fields
    return {
        "id": row.entity_id,
        "branch": row.branch_code,
        "agent": row.owner_code,
        "version": row.version,
        "received_at": _as_utc(row.created_at),
        "status": fields.get("status"),
        "full_name": fields.get("full_name"),
        "nik_masked": masking.nik(fields.get("nik")),
        "event_id": fields.get("event_id"),
        "review_reason": fields.get("review_reason"),
        "membership_number": fields.get("membership_number"),
    }


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def get_enrollment(
    engine: Engine,
    entity_id: str,
    reviewer: Reviewer,
    entities: Sequence[str] = (ENROLLMENT,),
) -> dict[str, Any]:
    """The whole record (its fields with the NIK masked), if the reviewer may see it; an
    employer registration's as `employer_detail.detail` shows it."""
    entity_id = enrollment_uuid(entity_id)
    with engine.connect() as conn:
        row = visible_row(conn, entity_id, reviewer, entities)
        if row.deleted:
            raise NoEnrollment(entity_id, entities)
        if row.entity == EMPLOYER:
            return employer_detail.detail(conn, row, reviewer)
    fields = {k: v for k, v in row.fields.items() if k != "nik"}
    return {**summary(row), "fields": fields}


#: The attachments a reviewer looks at, in this order (an enrollment's, then its business's).
EVIDENCE_KINDS = ("ktp_photo", "storefront_photo", "consent_signature", "document")


def evidence(engine: Engine, record: dict[str, Any], reviewer: Reviewer) -> list[dict[str, str]]:
    """The photos and signature of an enrollment the reviewer sees (`get_enrollment`), then
    those of its business when the reviewer may see that business: `{kind, sha256, source}`
    with `source` "enrollment" or "business"."""
    shown: list[dict[str, str]] = []
    fields = record["fields"]
    sources: list[tuple[str, Any]] = [("enrollment", fields.get("attachments"))]
    business_id = fields.get("business_id")
    if isinstance(business_id, str):
        table = db.table(db.Record)
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(table.c.fields, table.c.branch_code, table.c.deleted).where(
                    table.c.entity_id == business_id, table.c.entity == "business"
                )
            ).first()
        if row is not None and not row.deleted and reviewer.branch in (None, row.branch_code):
            sources.append(("business", (row.fields or {}).get("attachments")))
    seen: set[str] = set()
    for source, listed in sources:
        items = [i for i in listed or [] if isinstance(i, dict)]
        for item in sorted(items, key=lambda i: _kind_order(i.get("kind"))):
            sha, kind = item.get("sha256"), item.get("kind")
            if isinstance(sha, str) and isinstance(kind, str) and sha not in seen:
                seen.add(sha)
                shown.append({"kind": kind, "sha256": sha, "source": source})
    return shown


def _kind_order(kind: Any) -> int:
    return EVIDENCE_KINDS.index(kind) if kind in EVIDENCE_KINDS else len(EVIDENCE_KINDS)
