"""What every table of the local schema shares (agent_app/storage/tables.py re-exports it): the
declarative base with its naming convention, the synced entities' bookkeeping, the partial
index terms, case-insensitive text and the search tables the models leave out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: FTS5 tables (and their shadow tables) made by the migrations, outside the models.
SEARCH_TABLES = ("businesses_fts", "enrollments_fts")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: leaves out the FTS5 search tables (and their shadow tables)."""
    if type_ == "table" and name is not None:
        return not name.startswith(SEARCH_TABLES)
    return True


#: The WHERE terms of the partial indexes (and of the queries that use them).
LIVE_SQL = "deleted = 0"
#: Its complement, NULL-safe: the rows `LIVE_SQL` leaves out (a soft-deleted business's key,
#: migration 0017).
NOT_LIVE_SQL = "deleted IS NOT 0"
OPEN_BUSINESS_SQL = "status NOT IN ('enrolled', 'declined')"
#: Enrollments refused or in conflict on sync (they need the agent; a few among many).
ATTENTION_SQL = "sync_state IN ('rejected', 'conflict')"

#: Case-insensitive text: ORDER BY name and prefix LIKE use the index.
NoCase = String(collation="NOCASE")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """Local bookkeeping shared by the entities that travel through the outbox."""

    version: Mapped[int | None] = mapped_column(Integer)
    sync_state: Mapped[str | None] = mapped_column(String(16))
    sync_error_code: Mapped[str | None] = mapped_column(String(64))
    sync_error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
