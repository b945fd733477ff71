"""A synced record (business, visit, enrollment, employer registration) written from the wire
when the agent settles a conflict: with the agent's own values, or with the server's record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.storage import confirmed, tables, wire
from agent_app.storage.repositories.businesses import BusinessRepository
from agent_app.storage.repositories.employer_registrations import (
    EmployerRegistrationRepository,
)
from agent_app.storage.repositories.outbox import OutboxRepository


class SyncedRecordRepository:
    def __init__(
        self, session: Session, outbox: OutboxRepository, businesses: BusinessRepository
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.businesses = businesses

    @staticmethod
    def knows(entity: str) -> bool:
        """`entity` is a kind of record a conflict can be settled for."""
        return entity in tables.SYNCED_TABLES

    def _row(self, entity: str, entity_id: str) -> tables.SyncedRow | None:
        table = tables.SYNCED_TABLES[
            entity
        ]  # `id` is not the primary key (the rowid is, for search)
        found = self.session.scalars(sa.select(table).where(table.id == entity_id)).one_or_none()
        return cast("tables.SyncedRow | None", found)  # select() joins the union to its base

    def exists(self, entity: str, entity_id: str) -> bool:
        return self._row(entity, entity_id) is not None

    def write_mine(
        self, entity: str, entity_id: str, fields: Mapping[str, Any], version: int | None
    ) -> None:
        """The agent's values (wire `fields`) on the server's `version`, pending again."""
        record = self._row(entity, entity_id)
        assert record is not None
        _assign_wire(record, entity, entity_id, fields)
        record.version = version
        record.sync_state = "pending"
        record.sync_error_code = record.sync_error_message = None
        self.session.flush()
        self._reindex(record)

    def write_server(
        self, entity: str, entity_id: str, current: Mapping[str, Any], version: int | None
    ) -> None:
        """The server's record (`current`, wire form) replaces the local one; synced when no
        other op of the record waits."""
        record = self._row(entity, entity_id)
        assert record is not None
        _assign_wire(record, entity, entity_id, current)
        record.version = version
        if isinstance(record, tables.Enrollment | tables.EmployerRegistration):
            fields = {k: v for k, v in current.items() if k in wire.FIELDS[entity]}
            confirmed.store(record, fields)
        if not self.outbox.has_unsettled(entity_id):
            record.sync_state = "synced"
            record.sync_error_code = record.sync_error_message = None
        if isinstance(record, tables.Visit):
            self.businesses.refresh_visit_summary(record.business_id)
        self.session.flush()
        self._reindex(record)

    def _reindex(self, record: tables.SyncedRow) -> None:
        """A registration's workers may have changed: its NIK index follows."""
        if isinstance(record, tables.EmployerRegistration):
            EmployerRegistrationRepository(self.session).index_workers([record.id])


def _assign_wire(
    record: tables.SyncedRow, entity: str, entity_id: str, fields: Mapping[str, Any]
) -> None:
    for name, value in wire.from_wire(entity, entity_id, fields).items():
        if name != "id":
            setattr(record, name, value)
