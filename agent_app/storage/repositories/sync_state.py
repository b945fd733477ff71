"""The single sync_state row: device id, pull cursor, op_seq counter, audit chain."""

from __future__ import annotations

import uuid
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.storage import rows, tables
from agent_app.storage.repositories.sql import (
    now,
)

_SYNC_STATE = cast(sa.Table, tables.SyncState.__table__)


class SyncStateRepository:
    """The single sync_state row: device id, pull cursor, op_seq counter."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self) -> tables.SyncState:
        row = self.session.get(tables.SyncState, 1)
        if row is None:
            row = tables.SyncState(id=1, device_id=str(uuid.uuid4()), last_op_seq=0)
            self.session.add(row)
            self.session.flush()
        return row

    def get(self) -> rows.SyncInfo:
        r = self._row()
        return rows.SyncInfo(
            r.device_id,
            r.cursor,
            r.last_success_at,
            r.clock_offset_seconds,
            r.server_url,
            r.last_op_seq,
        )

    def next_audit_link(self) -> tuple[int, str | None]:
        """Takes the next seq of the audit chain; answers it with the hash of the entry before.

        One UPDATE ... RETURNING: it takes the write lock first, so two threads writing audit
        entries at once cannot both chain to the same entry (a fork the server would flag).
        """
        self._row()  # made if missing
        table = _SYNC_STATE
        found = self.session.execute(
            sa.update(table)
            .where(table.c.id == 1)
            .values(audit_seq=table.c.audit_seq + 1)
            .returning(table.c.audit_seq, table.c.audit_hash)
        ).one()
        return int(found.audit_seq), found.audit_hash

    def set_audit_hash(self, value: str) -> None:
        """Records the hash of the chain's newest entry (after `next_audit_link`)."""
        table = _SYNC_STATE
        self.session.execute(sa.update(table).where(table.c.id == 1).values(audit_hash=value))

    def next_op_seq(self) -> int:
        """The next op_seq: strictly rising for the life of the database, never reused."""
        row = self._row()
        row.last_op_seq = (row.last_op_seq or 0) + 1
        self.session.flush()
        return row.last_op_seq

    def cursor_for(self, agent_code: str | None) -> str | None:
        """The account's pull cursor (None: the laptop-wide one, for callers with no account)."""
        if agent_code is None:
            return self._row().cursor
        row = self.session.get(tables.PullCursor, agent_code)
        return row.cursor if row is not None else None

    def set_cursor(self, cursor: str | None, agent_code: str | None = None) -> None:
        if agent_code is None:
            self._row().cursor = cursor
        else:
            row = self.session.get(tables.PullCursor, agent_code)
            if row is None:
                row = tables.PullCursor(agent_code=agent_code)
                self.session.add(row)
            row.cursor = cursor
            row.updated_at = now()
        self.session.flush()

    def update(self, **values: Any) -> None:
        """Sets device_id, server_url, last_success_at or clock_offset_seconds."""
        allowed = {"device_id", "server_url", "last_success_at", "clock_offset_seconds"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not sync state fields: {sorted(unknown)}")
        row = self._row()
        for name, value in values.items():
            setattr(row, name, value)
        self.session.flush()
