"""Employer registrations (PU): records in and out, the index of their workers' NIKs, the
NIKs active on this laptop, and the counts of the Beranda's employers target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import clock, keys, records
from agent_app.storage import confirmed, rows, tables, wire
from agent_app.storage.repositories.sql import (
    ACTIVE_ENROLLMENT,
    ATTENTION,
    assign,
    chunks,
    live,
    now,
    on_days,
    sync_meta,
)

_T = tables.EmployerRegistration
_W = tables.EmployerWorkerNik


class EmployerRegistrationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, registration_id: str) -> tables.EmployerRegistration | None:
        return self.session.get(_T, registration_id)

    def get(self, registration_id: str) -> records.EmployerRegistration | None:
        row = self._row(registration_id)
        return None if row is None or row.deleted else wire.employer_registration_from_row(row)

    def meta(self, registration_id: str) -> rows.SyncMeta | None:
        row = self._row(registration_id)
        return None if row is None else sync_meta(row)

    def confirmed_fields(self, registration_id: str) -> dict[str, Any]:
        """The wire fields as the server last confirmed them ({} before the first sync)."""
        row = self._row(registration_id)
        return dict(confirmed.of_row(row) or {}) if row is not None else {}

    def for_business(self, business_id: str) -> list[records.EmployerRegistration]:
        """The business's registrations, the latest first."""
        stmt = (
            sa.select(_T)
            .where(_T.business_id == business_id, live(_T))
            .order_by(sa.func.coalesce(_T.recorded_at, _T.created_at).desc(), _T.id)
        )
        return [wire.employer_registration_from_row(r) for r in self.session.scalars(stmt)]

    def add(self, registration: records.EmployerRegistration) -> None:
        stamp = now()
        values = wire.record_values(registration)
        self.session.add(_T(**values, created_at=stamp, updated_at=stamp))
        self.session.flush()
        self.index_workers([registration.id])

    def update(self, registration: records.EmployerRegistration) -> None:
        row = self._row(registration.id)
        if row is None:
            raise KeyError(registration.id)
        assign(row, wire.record_values(registration))
        row.updated_at = now()
        self.session.flush()
        self.index_workers([registration.id])

    def index_workers(self, registration_ids: Iterable[str]) -> None:
        """Rewrites the NIK index of these registrations from their workers (after any write
        of `workers`: here, a pulled page, a settled conflict)."""
        ids = sorted(set(registration_ids))
        lines: list[dict[str, Any]] = []
        for chunk in chunks(ids):
            self.session.execute(sa.delete(_W).where(_W.registration_id.in_(chunk)))
            found = self.session.execute(sa.select(_T.id, _T.workers).where(_T.id.in_(chunk)))
            for registration_id, workers in found:
                for line, worker in enumerate(workers or ()):
                    nik = worker.get("nik") if isinstance(worker, dict) else None
                    if isinstance(nik, str) and nik:
                        lines.append({"registration_id": registration_id, "line": line, "nik": nik})
        if lines:
            self.session.execute(sa.insert(_W), lines)

    def active_worker_niks(
        self, niks: Sequence[str], *, exclude_id: str | None = None
    ) -> dict[str, tuple[str, str, str | None]]:
        """Which of `niks` are workers of an active registration here (submitted, accepted
        or being corrected): NIK -> (registration id, business id, business name or None)."""
        found: dict[str, tuple[str, str, str | None]] = {}
        b = tables.Business
        for chunk in chunks(sorted(set(niks))):
            stmt = (
                sa.select(_W.nik, _T.id, _T.business_id, b.name)
                .join(_T, _T.id == _W.registration_id)
                .outerjoin(b, b.id == _T.business_id)
                .where(_W.nik.in_(chunk), live(_T), _T.status.in_(ACTIVE_ENROLLMENT))
            )
            if exclude_id:
                stmt = stmt.where(_T.id != exclude_id)
            for nik, registration_id, business_id, name in self.session.execute(stmt):
                found.setdefault(nik, (registration_id, business_id, name))
        return found

    def needing_attention(self, agent_code: str | None = None) -> list[str]:
        """Ids of registrations sent back for correction or refused/in conflict on sync."""
        stmt = sa.select(_T.id).where(
            live(_T),
            sa.or_(
                _T.status == keys.EnrollmentStatus.NEEDS_CORRECTION.value,
                ATTENTION,  # sync_state refused or in conflict: its partial index (0015)
            ),
        )
        if agent_code:
            stmt = stmt.where(_T.agent_code == agent_code)
        return list(self.session.scalars(stmt.order_by(_T.updated_at.desc(), _T.id)))

    def count_by_status(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> dict[str, int]:
        """Registrations submitted between two days (inclusive), by status; `event_id`: of
        the businesses registered at that event. A pulled registration this laptop never
        submitted counts from when it arrived."""
        submitted = sa.func.coalesce(_T.recorded_at, _T.created_at)
        stmt = (
            sa.select(_T.status, sa.func.count())
            .where(live(_T), on_days(submitted, start, end, zone))
            .group_by(_T.status)
        )
        if agent_code:
            stmt = stmt.where(_T.agent_code == agent_code)
        if event_id:
            b = tables.Business
            stmt = stmt.where(_T.business_id.in_(sa.select(b.id).where(b.event_id == event_id)))
        return {str(status): int(n) for status, n in self.session.execute(stmt)}
