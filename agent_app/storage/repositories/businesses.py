"""Businesses: records in and out, search, counts, visit summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import clock, records
from agent_app.storage import rows, tables, wire
from agent_app.storage.repositories import word_search
from agent_app.storage.repositories.sql import (
    OPEN_BUSINESS,
    TRIGRAM,
    NarrowIndex,
    anywhere,
    assign,
    chunks,
    fts_ready,
    like_any,
    live,
    match_query,
    now,
    on_days,
    row_columns,
    search_words,
    sync_meta,
    text_filter,
    uses_trigrams,
)

#: The narrow index (key, name, owner of the live businesses; migration 0014) a text search
#: looks its trigram matches up in: sorting and counting 5,000 matches there reads about a
#: fifth of the pages their rows fill, and they stay in the page cache (issue 15).
SEARCH_INDEX = "ix_businesses_live_search"
_INDEX = NarrowIndex("businesses", SEARCH_INDEX, "name")
#: The soft-deleted businesses' keys (0017): the trigram index's matches less these are the
#: live matches.
NOT_LIVE_INDEX = "ix_businesses_not_live"
_KEY, _NAME = _INDEX.KEY, _INDEX.name
_OWNER: sa.ColumnClause[Any] = sa.literal_column("owner_name")


class BusinessRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, business_id: str) -> tables.Business | None:
        return self.session.scalars(
            sa.select(tables.Business).where(tables.Business.id == business_id)
        ).one_or_none()

    def get(self, business_id: str) -> records.Business | None:
        row = self._row(business_id)
        return None if row is None or row.deleted else wire.business_from_row(row)

    def survivor_of(self, business_id: str) -> str | None:
        """The live business a merged one became on the server (following merges of merges),
        or None when it was not merged (storage.merges)."""
        t, seen, current = tables.Business, {business_id}, business_id
        while True:
            row = self.session.execute(
                sa.select(t.merged_into, t.deleted).where(t.id == current)
            ).one_or_none()
            if row is None:
                return None
            if current != business_id and not row.deleted:
                return current
            if row.merged_into is None or row.merged_into in seen:
                return None
            current = row.merged_into
            seen.add(current)

    def meta(self, business_id: str) -> rows.SyncMeta | None:
        row = self._row(business_id)
        return None if row is None else sync_meta(row)

    def add(self, business: records.Business, *, sync_state: str | None = "pending") -> None:
        stamp = now()
        values = wire.record_values(business)
        self.session.add(
            tables.Business(**values, sync_state=sync_state, created_at=stamp, updated_at=stamp)
        )
        self.session.flush()

    def update(self, business: records.Business) -> None:
        row = self._row(business.id)
        if row is None:
            raise KeyError(business.id)
        assign(row, wire.record_values(business))
        row.sync_state = "pending"
        row.updated_at = now()
        self.session.flush()

    def refresh_visit_summary(self, business_id: str) -> None:
        """Copies the latest visit's time, outcome and next follow-up onto the business."""
        latest = self.session.execute(
            sa.select(tables.Visit.visited_at, tables.Visit.outcome, tables.Visit.next_follow_up)
            .where(tables.Visit.business_id == business_id, live(tables.Visit))
            .order_by(tables.Visit.visited_at.desc())
            .limit(1)
        ).one_or_none()
        row = self._row(business_id)
        if row is None:
            return
        row.last_visit_at = latest.visited_at if latest else None
        row.last_outcome = latest.outcome if latest else None
        row.next_follow_up = latest.next_follow_up if latest else None
        self.session.flush()

    def refresh_visit_summaries(self, business_ids: Iterable[str]) -> None:
        """`refresh_visit_summary` for many businesses, one UPDATE per 500."""
        wanted = sorted(set(business_ids))
        v = tables.Visit
        for chunk in chunks(wanted):

            def latest(column: Any) -> Any:
                return (
                    sa.select(column)
                    .where(v.business_id == tables.Business.id, live(v))
                    .order_by(v.visited_at.desc())
                    .limit(1)
                    .scalar_subquery()
                )

            self.session.execute(
                sa.update(tables.Business)
                .where(tables.Business.id.in_(chunk))
                .values(
                    last_visit_at=latest(v.visited_at),
                    last_outcome=latest(v.outcome),
                    next_follow_up=latest(v.next_follow_up),
                )
                .execution_options(synchronize_session=False)
            )

    def _where(self, flt: rows.BusinessFilter) -> list[sa.ColumnElement[bool]]:
        t = tables.Business
        where: list[sa.ColumnElement[bool]] = [live(t)]
        if flt.text.strip():
            where += text_filter(
                flt.text,
                "businesses_fts",
                t.pk,
                (t.name, t.owner_name),
                indexed=fts_ready(self.session, "businesses_fts"),
            )
        if flt.status:
            where.append(t.status == flt.status)
        if flt.sector:
            where.append(t.sector == flt.sector)
        if flt.event_id:
            where.append(t.event_id == flt.event_id)
        if flt.follow_up_due_on is not None:
            where.append(t.next_follow_up <= flt.follow_up_due_on)
            where.append(OPEN_BUSINESS)
        return where

    def _narrow(self, flt: rows.BusinessFilter) -> list[sa.ColumnElement[bool]] | None:
        """The conditions of a search by text alone that the trigram index serves, on the
        columns of `SEARCH_INDEX` (the same rows as `_where`); None for any other filter."""
        if not self._trigram_served(flt):
            return None
        words = text_filter(flt.text, "businesses_fts", _KEY, (_NAME, _OWNER))
        return [_INDEX.LIVE, *words]

    def _trigram_served(self, flt: rows.BusinessFilter) -> bool:
        """A search by text alone with a word the (complete) trigram index looks up."""
        if flt.status or flt.sector or flt.event_id or flt.follow_up_due_on is not None:
            return False
        return uses_trigrams(flt.text) and fts_ready(self.session, "businesses_fts")

    def search(
        self, flt: rows.BusinessFilter, offset: int = 0, limit: int = 100
    ) -> list[rows.BusinessRow]:
        t = tables.Business
        order: list[Any] = [t.name, t.pk]
        if flt.follow_up_due_on is not None:
            order = [t.next_follow_up, t.name, t.pk]
        stmt = sa.select(*row_columns(rows.BusinessRow, t)).order_by(*order)
        narrow = self._narrow(flt)
        if narrow is None:
            stmt = stmt.where(*self._where(flt)).offset(offset).limit(limit)
        else:  # the page's keys from the narrow index, then only their rows
            stmt = stmt.where(t.pk.in_(_INDEX.page_keys(narrow, offset, limit)))
        return [rows.BusinessRow(*r) for r in self.session.execute(stmt)]

    def first_page(
        self, flt: rows.BusinessFilter, limit: int
    ) -> tuple[list[rows.BusinessRow], int]:
        """The first page of `search` and the count of all it pages through. A search by text
        the trigram index serves reads both in one statement (`word_search.first_page`: the
        matches read once, each looked up once in the narrow index); other filters count only
        when the page is full."""
        if self._trigram_served(flt):
            words = search_words(flt.text)
            wanted = word_search.Words(
                "businesses_fts",
                match_query([w for w in words if len(w) >= TRIGRAM]),
                tuple(anywhere(w) for w in words if len(w) < TRIGRAM),
                ("name", "owner_name"),
                NOT_LIVE_INDEX,
            )
            return word_search.first_page(
                _INDEX, self.session, rows.BusinessRow, tables.Business, wanted, limit
            )
        found = self.search(flt, 0, limit)
        return found, len(found) if len(found) < limit else self.count(flt)

    def warm_search(self) -> int:
        """Reads the whole narrow index once, so its pages are in this connection's cache
        before the first search by text needs them (about 1,200 pages at 100,000 businesses,
        5 MB): the live businesses' count."""
        return int(self.session.execute(_INDEX.count([_INDEX.LIVE])).scalar_one())

    def count(self, flt: rows.BusinessFilter) -> int:
        narrow = self._narrow(flt)
        if narrow is None:
            stmt = sa.select(sa.func.count()).select_from(tables.Business).where(*self._where(flt))
        else:
            stmt = _INDEX.count(narrow)
        return int(self.session.scalar(stmt) or 0)

    def count_created(
        self,
        start: dt.date,
        end: dt.date,
        *,
        registered_by: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> int:
        """Businesses registered on this laptop's records between two days (inclusive): by an
        agent (the prospects of a partner's list, imported on the server, have no one)."""
        t = tables.Business
        where: list[sa.ColumnElement[bool]] = [
            live(t),
            on_days(t.created_at, start, end, zone),
            t.registered_by.is_not(None),
        ]
        if registered_by:
            where.append(t.registered_by == registered_by)
        if event_id:
            where.append(t.event_id == event_id)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)

    def count_status(
        self, status: str, *, event_id: str | None = None, registered_by: str | None = None
    ) -> int:
        t = tables.Business
        where: list[sa.ColumnElement[bool]] = [live(t), t.status == status]
        if event_id:
            where.append(t.event_id == event_id)
        if registered_by:
            where.append(t.registered_by == registered_by)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)

    def duplicate_candidates(
        self,
        *,
        nib: str | None,
        phones: Sequence[str],
        district: str | None,
        name_words: Sequence[str],
    ) -> list[rows.BusinessBrief]:
        """The live businesses a new one could duplicate, narrowed in SQL (issue 18): the same
        NIB, one of `phones`, any in `district` (a `PP.KK.CC` region code prefix), and, among
        those without a district (or all, when `district` is None), the names holding one of
        `name_words` anywhere (looked up in the trigram index). The caller
        judges them (`agent_app.domain.duplicates.find`)."""
        t = tables.Business
        any_of: list[sa.ColumnElement[bool]] = []
        if nib:
            any_of.append(t.nib == nib)
        if phones:
            any_of.append(t.phone.in_(list(phones)))
        if district:
            any_of.append(t.region_code == district)
            any_of.append(sa.and_(t.region_code >= district + ".", t.region_code < district + "/"))
        if name_words:
            named = self._named(name_words)
            if district:
                no_district = sa.or_(t.region_code.is_(None), ~t.region_code.like("%.%.%"))
                named = sa.and_(no_district, named)
            any_of.append(named)
        if not any_of:
            return []
        stmt = sa.select(*row_columns(rows.BusinessBrief, t)).where(live(t), sa.or_(*any_of))
        return [rows.BusinessBrief(*r) for r in self.session.execute(stmt)]

    def _named(self, name_words: Sequence[str]) -> sa.ColumnElement[bool]:
        """The businesses whose name or owner holds one of `name_words` (the trigram index;
        LIKE while a first pull has not built it: `fts_ready`)."""
        t = tables.Business
        if not fts_ready(self.session, "businesses_fts"):
            return sa.or_(*(like_any(w, (t.name, t.owner_name)) for w in name_words))
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in name_words)
        fts = sa.table("businesses_fts", sa.column("rowid", sa.Integer))
        match = sa.literal_column("businesses_fts").op("MATCH")(query)
        return t.pk.in_(sa.select(fts.c.rowid).where(match))
