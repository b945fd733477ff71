"""The attachments' tables (migration 0012), declared on the server's `db.Base`."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base


class AttachmentBlob(Base):
    """An attachment the server holds (SYNC_PROTOCOL.md 1.1): its bytes are in the blob store
    (sync/server/attachments), by their SHA-256. `released_at`: when the last record that
    referenced it stopped doing so (null: never referenced, or referenced now); a blob
    nobody references is deleted 7 days after the later of `stored_at` and `released_at`."""

    __tablename__ = "attachment_blob"
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int] = mapped_column(sa.Integer)
    stored_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    uploaded_by: Mapped[str | None] = mapped_column(sa.String(64))
    released_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AttachmentRef(Base):
    """A record's reference to an attachment: one row per (blob, record), replaced whenever
    the record is written (none once it is deleted)."""

    __tablename__ = "attachment_ref"
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, index=True)
    entity: Mapped[str] = mapped_column(sa.String(32))
