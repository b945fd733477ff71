"""The outbox: the ops waiting for the server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from agent_app.storage import rows, tables
from agent_app.storage.repositories.sql import (
    UNSETTLED_OP,
    any_of,
    audit_ops,
    chunks,
    now,
    outbox_op,
)
from agent_app.storage.repositories.sync_state import SyncStateRepository
from sync import audit_chain

log = logging.getLogger("db")


class OutboxRepository:
    """The ops waiting for the server, in rising `op_seq`."""

    def __init__(self, session: Session, sync_state: SyncStateRepository) -> None:
        self.session = session
        self.sync_state = sync_state

    def add(
        self,
        entity: str,
        entity_id: str,
        kind: str,
        base_version: int | None,
        fields: Mapping[str, Any],
        *,
        recorded_at: str | None = None,
    ) -> rows.OutboxRow:
        """Writes one op (uuid4 `op_id`, next `op_seq`) in the current transaction."""
        row = tables.OutboxOp(
            op_seq=self.sync_state.next_op_seq(),
            op_id=str(uuid.uuid4()),
            entity=str(entity),
            entity_id=entity_id,
            kind=str(kind),
            base_version=base_version,
            fields=dict(fields),
            recorded_at=recorded_at or now(),
            status="pending",
            attempts=0,
        )
        self.session.add(row)
        self.session.flush()
        log.debug("outbox op %s #%d %s %s %s", row.op_id, row.op_seq, kind, entity, entity_id)
        return outbox_op(row)

    def fold_into_pending_create(self, entity_id: str, fields: Mapping[str, Any]) -> bool:
        """Merges changed fields into the record's create op if it has not been sent yet.

        An update op needs a `base_version`, which a record has only after its create is
        applied; until the create leaves the laptop, a change simply amends it.
        """
        row = self.session.scalars(
            sa.select(tables.OutboxOp).where(
                tables.OutboxOp.entity_id == entity_id,
                tables.OutboxOp.kind == "create",
                tables.OutboxOp.status == "pending",
            )
        ).one_or_none()
        if row is None:
            return False
        row.fields = {**row.fields, **fields}
        self.session.flush()
        return True

    def has_unsettled(self, entity_id: str) -> bool:
        stmt = sa.select(sa.func.count()).where(
            tables.OutboxOp.entity_id == entity_id, tables.OutboxOp.status.in_(UNSETTLED_OP)
        )
        return bool(self.session.scalar(stmt))

    def for_entity(self, entity_id: str) -> list[rows.OutboxRow]:
        stmt = (
            sa.select(tables.OutboxOp)
            .where(tables.OutboxOp.entity_id == entity_id)
            .order_by(tables.OutboxOp.op_seq)
        )
        return [outbox_op(r) for r in self.session.scalars(stmt)]

    def unsettled(
        self, limit: int | None = None, after_seq: int | None = None, *, audit: bool = False
    ) -> list[rows.OutboxRow]:
        """The unsettled changes to records (`audit`: the audit trail's ops instead)."""
        stmt = (
            sa.select(tables.OutboxOp)
            .where(
                tables.OutboxOp.status.in_(UNSETTLED_OP), audit_ops(tables.OutboxOp.entity, audit)
            )
            .order_by(tables.OutboxOp.op_seq)
        )
        if after_seq is not None:
            stmt = stmt.where(tables.OutboxOp.op_seq > after_seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [outbox_op(r) for r in self.session.scalars(stmt)]

    def result(self, op_id: str) -> dict[str, Any] | None:
        """The server's stored answer to an op (with a conflict's `current`), if any."""
        row = self.get_row(op_id)
        return dict(row.result) if row is not None and row.result else None

    def unsettled_rows(
        self, limit: int | None = None, after_seq: int | None = None
    ) -> list[tables.OutboxOp]:
        """The unsettled ops as rows of this session (for the sync store, which edits them)."""
        stmt = (
            sa.select(tables.OutboxOp)
            .where(tables.OutboxOp.status.in_(UNSETTLED_OP))
            .order_by(tables.OutboxOp.op_seq)
        )
        if after_seq is not None:
            stmt = stmt.where(tables.OutboxOp.op_seq > after_seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self.session.scalars(stmt))

    def rows_by_op_id(self, op_ids: Iterable[str]) -> dict[str, tables.OutboxOp]:
        wanted = sorted(set(op_ids))
        found: dict[str, tables.OutboxOp] = {}
        for chunk in chunks(wanted):
            stmt = sa.select(tables.OutboxOp).where(tables.OutboxOp.op_id.in_(chunk))
            found.update((row.op_id, row) for row in self.session.scalars(stmt))
        return found

    def entities_with_unsettled(
        self, entity_ids: Iterable[str], *, kind: str | None = None
    ) -> set[str]:
        """Which of these records still have an op waiting for the server."""
        wanted = sorted(set(entity_ids))
        stmt = sa.select(tables.OutboxOp.entity_id).where(
            any_of(tables.OutboxOp.entity_id, wanted), tables.OutboxOp.status.in_(UNSETTLED_OP)
        )
        if kind is not None:
            stmt = stmt.where(tables.OutboxOp.kind == kind)
        return set(self.session.scalars(stmt))

    def entities_with_unsettled_create(self, entity_ids: Iterable[str]) -> set[str]:
        return self.entities_with_unsettled(entity_ids, kind="create")

    def count_unsettled(self, *, audit: bool = False) -> int:
        """The changes to records waiting for the server (`audit`: the audit trail's
        `audit_event` ops waiting instead)."""
        stmt = sa.select(sa.func.count()).where(
            tables.OutboxOp.status.in_(UNSETTLED_OP), audit_ops(tables.OutboxOp.entity, audit)
        )
        return int(self.session.scalar(stmt) or 0)

    def get_row(self, op_id: str) -> tables.OutboxOp | None:
        return self.session.scalars(
            sa.select(tables.OutboxOp).where(tables.OutboxOp.op_id == op_id)
        ).one_or_none()

    def open_problems(self) -> list[tables.OutboxOp]:
        """Refused and conflicting ops not yet resolved nor followed by a newer op of the
        record, oldest first; the audit trail's ops are left out (nothing a person can
        correct: logged only)."""
        t = tables.OutboxOp
        newer = aliased(t)
        stmt = (
            sa.select(t)
            .where(
                t.status.in_(("rejected", "conflict")),
                t.entity != audit_chain.AUDIT_EVENT,
                ~sa.exists().where(newer.entity_id == t.entity_id, newer.op_seq > t.op_seq),
            )
            .order_by(t.op_seq)
        )
        return list(self.session.scalars(stmt))
