"""The prospect lists' and duplicates' tables (migration 0014), declared on the server's
`db.Base`.

- `prospect_source`: a partner that sends lists (a cooperative, a market, an association), per
  branch, with the column mapping its last list used (remembered for the next one).
- `prospect_upload`: a file a supervisor uploaded, waiting for its mapping and preview; gone
  once imported, or after a day.
- `prospect_list` and `prospect_list_item`: an imported list and, per good row, the business
  record it became (or the existing one it was linked to: the same NIB or phone).
- `business_duplicate`: a pair of businesses that look like one (the same NIB, the same phone or
  a similar name in one district), found on import or when a laptop's create arrives, until a
  supervisor merges or dismisses it.
- `business_merge`: a merged (deleted) business and the one that survived it; a later op that
  still names the merged one is pointed at the survivor.
- `duplicate_check` (migration 0015): a business a push created or whose key fields it changed,
  waiting to be judged for duplicates after the push committed (`prospects.checks.drain`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, JSONType


class ProspectSource(Base):
    __tablename__ = "prospect_source"
    __table_args__ = (sa.UniqueConstraint("branch_code", "name"),)
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    branch_code: Mapped[str] = mapped_column(sa.ForeignKey("branch.code"))
    name: Mapped[str] = mapped_column(sa.String(100))
    #: The column mapping of the source's last list: {header as written in the file: field}.
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class ProspectUpload(Base):
    __tablename__ = "prospect_upload"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    branch_code: Mapped[str] = mapped_column(sa.String(32))
    agent_code: Mapped[str] = mapped_column(sa.String(64))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


class ProspectList(Base):
    __tablename__ = "prospect_list"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("prospect_source.id"), index=True)
    branch_code: Mapped[str] = mapped_column(sa.String(32), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The event the list was gathered for (e.g. "100 UMKM ready to register"), or null.
    event_id: Mapped[str | None] = mapped_column(sa.String(64))
    imported_by: Mapped[str] = mapped_column(sa.String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    rows_created: Mapped[int] = mapped_column(sa.Integer)
    rows_linked: Mapped[int] = mapped_column(sa.Integer)


class ProspectListItem(Base):
    __tablename__ = "prospect_list_item"
    list_id: Mapped[str] = mapped_column(sa.ForeignKey("prospect_list.id"), primary_key=True)
    row_number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    business_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    #: True when the row named a business the branch already had (the same NIB or phone).
    linked: Mapped[bool] = mapped_column(sa.Boolean)


class BusinessDuplicate(Base):
    __tablename__ = "business_duplicate"
    __table_args__ = (
        sa.UniqueConstraint("business_id", "candidate_id"),
        sa.Index("ix_business_duplicate_branch_open", "branch_code", "resolution", "found_at"),
    )
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    branch_code: Mapped[str] = mapped_column(sa.String(32))
    #: The later record, and the earlier one it looks like.
    business_id: Mapped[str] = mapped_column(sa.String(36))
    candidate_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    reason: Mapped[str] = mapped_column(sa.String(8))  # nib | phone | name
    score: Mapped[float] = mapped_column(sa.Float)
    found_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    #: null while open; `merged` or `dismissed` once a supervisor decided.
    resolution: Mapped[str | None] = mapped_column(sa.String(16))
    resolved_by: Mapped[str | None] = mapped_column(sa.String(64))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))


class BusinessMerge(Base):
    __tablename__ = "business_merge"
    loser_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    survivor_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    merged_by: Mapped[str] = mapped_column(sa.String(64))
    merged_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class DuplicateCheck(Base):
    __tablename__ = "duplicate_check"
    entity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    branch_code: Mapped[str] = mapped_column(sa.String(32), index=True)
    queued_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
