"""Enrollments: records in and out, drafts, the NIK look-up, search and counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import clock, keys, records
from agent_app.storage import confirmed, rows, tables, wire
from agent_app.storage.repositories.sql import (
    ACTIVE_ENROLLMENT,
    ATTENTION,
    NarrowIndex,
    assign,
    chunks,
    fts_ready,
    live,
    now,
    on_days,
    row_columns,
    sync_meta,
    text_filter,
    uses_trigrams,
)

#: The narrow index (key, name, NIK and agent of the live enrollments; migration 0015) a text
#: search looks its trigram matches up in, as the businesses' (repositories.businesses): sorting,
#: keeping the agent's own and counting thousands of matches there reads neither their rows nor
#: more pages than fit in the cache (issue 15, "the search keystroke, third pass").
SEARCH_INDEX = "ix_enrollments_live_search"
_INDEX = NarrowIndex("enrollments", SEARCH_INDEX, "full_name")
_KEY, _NAME = _INDEX.KEY, _INDEX.name
_NIK: sa.ColumnClause[Any] = sa.literal_column("nik")


class EnrollmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, enrollment_id: str) -> tables.Enrollment | None:
        return self.session.scalars(
            sa.select(tables.Enrollment).where(tables.Enrollment.id == enrollment_id)
        ).one_or_none()

    def get(self, enrollment_id: str) -> records.Enrollment | None:
        row = self._row(enrollment_id)
        return None if row is None or row.deleted else wire.enrollment_from_row(row)

    def meta(self, enrollment_id: str) -> rows.SyncMeta | None:
        row = self._row(enrollment_id)
        return None if row is None else sync_meta(row)

    def confirmed_fields(self, enrollment_id: str) -> dict[str, Any]:
        """The wire fields as the server last confirmed them ({} before the first sync)."""
        row = self._row(enrollment_id)
        return dict(confirmed.of_row(row) or {}) if row is not None else {}

    def add(self, enrollment: records.Enrollment, *, sync_state: str | None = None) -> None:
        stamp = now()
        values = wire.record_values(enrollment)
        submitted = stamp if enrollment.status is keys.EnrollmentStatus.SUBMITTED else None
        self.session.add(
            tables.Enrollment(
                **values,
                sync_state=sync_state,
                created_at=stamp,
                updated_at=stamp,
                submitted_at=submitted,
            )
        )
        self.session.flush()

    def update(
        self, enrollment: records.Enrollment, *, sync_state: str | None, submitted: bool = False
    ) -> None:
        row = self._row(enrollment.id)
        if row is None:
            raise KeyError(enrollment.id)
        assign(row, wire.record_values(enrollment))
        row.sync_state = sync_state
        row.updated_at = now()
        if submitted:
            row.submitted_at = row.updated_at
        self.session.flush()

    def delete_draft(self, enrollment_id: str) -> None:
        """Removes a draft row for good (drafts never reach the server)."""
        row = self._row(enrollment_id)
        if row is not None:
            if row.status != keys.EnrollmentStatus.DRAFT.value:
                raise ValueError("only drafts are deleted locally")
            self.session.delete(row)
            self.session.flush()

    def find_active_by_nik(
        self, nik: str, *, exclude_id: str | None = None
    ) -> list[records.Enrollment]:
        t = tables.Enrollment
        stmt = sa.select(t).where(t.nik == nik, t.status.in_(ACTIVE_ENROLLMENT), live(t))
        if exclude_id:
            stmt = stmt.where(t.id != exclude_id)
        return [wire.enrollment_from_row(r) for r in self.session.scalars(stmt)]

    def active_niks(self, niks: Sequence[str]) -> dict[str, str]:
        """Which of `niks` have an active enrollment here: NIK -> that enrollment's id."""
        t = tables.Enrollment
        found: dict[str, str] = {}
        for chunk in chunks(sorted(set(niks))):
            stmt = sa.select(t.nik, t.id).where(
                t.nik.in_(chunk), t.status.in_(ACTIVE_ENROLLMENT), live(t)
            )
            for nik, enrollment_id in self.session.execute(stmt):
                found.setdefault(nik, enrollment_id)
        return found

    def needing_attention(self, agent_code: str | None = None) -> list[str]:
        """Ids of enrollments sent back for correction or refused/in conflict on sync."""
        t = tables.Enrollment
        stmt = sa.select(t.id).where(
            live(t),
            sa.or_(
                t.status == keys.EnrollmentStatus.NEEDS_CORRECTION.value,
                ATTENTION,  # sync_state refused or in conflict: its partial index
            ),
        )
        if agent_code:
            stmt = stmt.where(t.agent_code == agent_code)
        return list(self.session.scalars(stmt.order_by(t.updated_at.desc(), t.pk)))

    def _where(self, flt: rows.EnrollmentFilter) -> list[sa.ColumnElement[bool]]:
        t = tables.Enrollment
        where: list[sa.ColumnElement[bool]] = [live(t)]
        if flt.text.strip():
            where += text_filter(
                flt.text,
                "enrollments_fts",
                t.pk,
                (t.full_name, t.nik),
                indexed=fts_ready(self.session, "enrollments_fts"),
            )
        if flt.status:
            where.append(t.status == flt.status)
        if flt.event_id:
            where.append(t.event_id == flt.event_id)
        if flt.business_id:
            where.append(t.business_id == flt.business_id)
        if flt.agent_code:
            where.append(t.agent_code == flt.agent_code)
        return where

    def _narrow(self, flt: rows.EnrollmentFilter) -> list[sa.ColumnElement[bool]] | None:
        """The conditions of a search by text (and agent) alone that the trigram index serves,
        on the columns of `SEARCH_INDEX` (the same rows as `_where`); None for any other."""
        if flt.status or flt.event_id or flt.business_id:
            return None
        if not uses_trigrams(flt.text) or not fts_ready(self.session, "enrollments_fts"):
            return None
        where = [_INDEX.LIVE, *text_filter(flt.text, "enrollments_fts", _KEY, (_NAME, _NIK))]
        if flt.agent_code:
            where.append(sa.literal_column("agent_code") == flt.agent_code)
        return where

    def search(
        self, flt: rows.EnrollmentFilter, offset: int = 0, limit: int = 100
    ) -> list[rows.EnrollmentRow]:
        t = tables.Enrollment
        stmt = sa.select(*row_columns(rows.EnrollmentRow, t)).order_by(t.full_name, t.pk)
        narrow = self._narrow(flt)
        if narrow is None:
            stmt = stmt.where(*self._where(flt)).offset(offset).limit(limit)
        else:  # the page's keys from the narrow index, then only their rows
            stmt = stmt.where(t.pk.in_(_INDEX.page_keys(narrow, offset, limit)))
        return [rows.EnrollmentRow(*r) for r in self.session.execute(stmt)]

    def first_page(
        self, flt: rows.EnrollmentFilter, limit: int
    ) -> tuple[list[rows.EnrollmentRow], int]:
        """The first page of `search` and the count of all it pages through, as the
        businesses' `first_page`: a search by text the trigram index serves reads both in one
        statement (the matches looked up once in the narrow index, not once for the count and
        again for the page); other filters count only when the page is full."""
        narrow = self._narrow(flt)
        if narrow is None:
            found = self.search(flt, 0, limit)
            return found, len(found) if len(found) < limit else self.count(flt)
        return _INDEX.first_page(self.session, rows.EnrollmentRow, tables.Enrollment, narrow, limit)

    def count(self, flt: rows.EnrollmentFilter) -> int:
        narrow = self._narrow(flt)
        if narrow is None:
            table = tables.Enrollment
            stmt = sa.select(sa.func.count()).select_from(table).where(*self._where(flt))
        else:
            stmt = _INDEX.count(narrow)
        return int(self.session.scalar(stmt) or 0)

    def count_submitted(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> int:
        """Enrollments submitted (not drafts) between two days, inclusive."""
        t = tables.Enrollment
        where: list[sa.ColumnElement[bool]] = [
            live(t),
            t.status.in_(ACTIVE_ENROLLMENT),
            on_days(t.submitted_at, start, end, zone),
        ]
        if agent_code:
            where.append(t.agent_code == agent_code)
        if event_id:
            where.append(t.event_id == event_id)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)
