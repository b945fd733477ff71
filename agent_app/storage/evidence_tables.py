"""The tables of field evidence (issue 14; tables.py re-exports them): photos and signatures
inside the encrypted database, and the consent texts the central office published."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agent_app.storage.table_base import Base


class StoredAttachment(Base):
    """A photo or signature, its bytes inside the encrypted database (never a plain file on
    disk), keyed by their SHA-256. `uploaded_at` is set once the server is known to hold it
    (its HEAD said so, or it took the upload)."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    taken_at: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))
    uploaded_at: Mapped[str | None] = mapped_column(String(40))


class ConsentText(Base):
    """A consent text the central office published, pulled: shown exactly as it is."""

    __tablename__ = "consent_texts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    pulled_version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index(None, "language", "effective_from"),)
