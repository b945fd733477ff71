"""The sync secrets: named JSON values of the sync service (the server's address and key,
each account's sealed tokens and signing key). What a value holds is the service's business."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.storage import tables
from agent_app.storage.repositories.sql import now


class SyncSecretRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> dict[str, Any] | None:
        row = self.session.get(tables.SyncSecret, name)
        return None if row is None else dict(row.value)

    def put(self, name: str, value: Mapping[str, Any] | None) -> None:
        """Stores `value` under `name`, or deletes the name when `value` is None."""
        row = self.session.get(tables.SyncSecret, name)
        if value is None:
            if row is not None:
                self.session.delete(row)
        elif row is None:
            self.session.add(tables.SyncSecret(name=name, value=dict(value), updated_at=now()))
        else:
            row.value = dict(value)
            row.updated_at = now()
        self.session.flush()

    def names(self, prefix: str) -> list[str]:
        """The stored names that start with `prefix` (a LIKE pattern's literal start)."""
        column = tables.SyncSecret.name
        return list(self.session.scalars(sa.select(column).where(column.like(f"{prefix}%"))))
