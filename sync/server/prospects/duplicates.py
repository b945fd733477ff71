"""Likely duplicates among a branch's businesses (issue 18), judged by
`agent_app.domain.duplicates` (the laptop judges with the same rules): the branch's index, and
the suspected pairs kept for a supervisor (`business_duplicate`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from agent_app.domain import duplicates, identity
from sync.server import db, record_terms
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


@dataclass
class Near:
    """What `find` compares keys with: their districts' names, their NIBs and phones (and
    every business when one has no district)."""

    everything: bool = False
    districts: set[str] = field(default_factory=set)
    nibs: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, keys: Iterable[duplicates.BusinessKey]) -> Near:
        near = cls()
        for key in keys:
            place = identity.district_of(key.region_code)
            if place is None:
                near.everything = True
            else:
                near.districts.add(place)
            if key.nib:
                near.nibs.add(key.nib)
            if key.phone:
                near.phones.add(key.phone)
        return near

    def without(self, covered: Near) -> Near:
        """What of this `covered` does not hold yet."""
        if covered.everything:
            return Near()
        return Near(
            self.everything,
            self.districts - covered.districts,
            self.nibs - covered.nibs,
            self.phones - covered.phones,
        )

    def add(self, other: Near) -> None:
        self.everything |= other.everything
        self.districts |= other.districts
        self.nibs |= other.nibs
        self.phones |= other.phones

    def __bool__(self) -> bool:
        return self.everything or bool(self.districts or self.nibs or self.phones)


#: The most businesses `near_keys` reads for names (and, apart, for NIBs and phones): a batch's
#: read is bounded however large a district grows (issue 15).
NEAR_LIMIT = 20_000


def near_keys(
    conn: sa.Connection, branch_code: str, near: Near, without: Collection[str] = ()
) -> Iterator[duplicates.BusinessKey]:
    """The live businesses of the branch `find` could name for keys `near` describes, oldest
    first: the same NIB, the same phone (as stored: the wire's E.164, as `validation` keeps
    it), a name in one of their districts or without a district; every business when a key
    has no district (its name is compared with all). An index of these answers their `find`
    as `branch_index` does, from a district's businesses instead of the branch's.

    Only the four key fields are read. Each of the two reads (names; NIBs and phones) keeps
    the newest `NEAR_LIMIT` businesses: beyond that (a district of more than 20,000
    businesses) the older ones' names are not compared, and the oldest of more than 20,000
    sharing a NIB or phone are not named. The businesses `without` names (those a drain judges
    in turn) are left out, and not counted in the bound."""
    record = db.table(db.Record)
    where = [
        record.c.entity == "business",
        record.c.branch_code == branch_code,
        record.c.deleted.is_(False),
    ]
    reads = [where]
    if not near.everything:
        region = record_terms.field_text(record.c.fields, "region_code")
        places = [
            sa.func.substr(region, 1, 8).in_(sorted(near.districts)),
            region.is_(None),
            sa.func.length(region) < 8,
        ]
        reads = [[*where, sa.or_(*places)]]
        same: list[sa.ColumnElement[bool]] = []
        if near.nibs:
            same.append(record_terms.field_text(record.c.fields, "nib").in_(sorted(near.nibs)))
        if near.phones:
            phone = record_terms.field_text(record.c.fields, "phone")
            same.append(phone.in_(sorted(near.phones)))
        if same:
            reads.append([*where, sa.or_(*same)])
    rows = {row.entity_id: row for terms in reads for row in _newest(conn, terms, without)}
    ordered = sorted(rows.values(), key=lambda row: (_aware(row.created_at), row.entity_id))
    return (
        duplicates.BusinessKey(
            row.entity_id,
            str(row.name or ""),
            nib=row.nib or None,
            phone=row.phone or None,
            region_code=row.region_code or None,
        )
        for row in ordered
    )


def _aware(when: dt.datetime) -> dt.datetime:
    """`when` with a time zone (UTC when it has none: a row SQLite holds without one)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _newest(
    conn: sa.Connection, where: list[sa.ColumnElement[bool]], without: Collection[str]
) -> list[Any]:
    """The key fields of the newest `NEAR_LIMIT` records `where` selects, but `without`."""
    record = db.table(db.Record)
    fields = [
        record_terms.field_text(record.c.fields, name).label(name)
        for name in ("name", "nib", "phone", "region_code")
    ]
    query = (
        sa.select(record.c.entity_id, record.c.created_at, *fields)
        .where(*where)
        .order_by(record.c.created_at.desc(), record.c.entity_id.desc())
        .limit(NEAR_LIMIT + len(without))
    )
    return [row for row in conn.execute(query) if row.entity_id not in without][:NEAR_LIMIT]


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
