"""The tables of employer registrations (issue 17; tables.py re-exports them).

`employer_registrations` holds every wire field under its wire name (SYNC_PROTOCOL.md,
`employer_registration`), the workers as a JSON list inside the encrypted database, and the
synced records' bookkeeping. `employer_workers` is its index of worker NIKs (one row per line,
kept in step by `EmployerRegistrationRepository.index_workers`): the "is this NIK already
active here" check looks a NIK up in it instead of reading the JSON of every registration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from agent_app.storage.table_base import ATTENTION_SQL, Base, SyncedMixin


class EmployerRegistration(SyncedMixin, Base):
    __tablename__ = "employer_registrations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    business_id: Mapped[str] = mapped_column(String(36))
    nib: Mapped[str | None] = mapped_column(String(13))
    npwp: Mapped[str | None] = mapped_column(String(20))
    owner_nik: Mapped[str | None] = mapped_column(String(16))
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_phone: Mapped[str] = mapped_column(String(20))
    size_class: Mapped[str] = mapped_column(String(16))
    size_basis: Mapped[str] = mapped_column(String(16))
    sector: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(16))
    risk_group: Mapped[str] = mapped_column(String(4))
    risk_group_assigned: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[dt.date] = mapped_column(Date)
    programs: Mapped[list[Any]] = mapped_column(JSON)
    workers: Mapped[list[Any]] = mapped_column(JSON)
    monthly_contribution: Mapped[int] = mapped_column(Integer)
    consent: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    review_reason: Mapped[str | None] = mapped_column(Text)
    review_reason_code: Mapped[str | None] = mapped_column(String(32))
    npp: Mapped[str | None] = mapped_column(String(40))
    agent_code: Mapped[str | None] = mapped_column(String(32))
    # Local only: when it was submitted here (its op's `recorded_at`: the contribution month).
    recorded_at: Mapped[str | None] = mapped_column(String(40))
    #: The wire fields as the server last confirmed them (diff base for a correction); read
    #: and written through `storage.confirmed`.
    confirmed_fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Instead of a copy: the op_seq of the applied create whose fields the server confirmed
    #: as sent (`confirmed_fields` NULL meanwhile; migration 0016).
    confirmed_op: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index(None, "business_id"),
        Index(None, "status", "recorded_at"),
        Index(
            "ix_employer_registrations_attention",
            "sync_state",
            sqlite_where=text(ATTENTION_SQL),
        ),
    )


class EmployerWorkerNik(Base):
    """One worker line's NIK of a registration: the index of the local NIK check."""

    __tablename__ = "employer_workers"

    registration_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index(None, "nik"),)
