"""Attachments (SYNC_PROTOCOL.md 1.1): the blobs the server holds and the records' references.

`attachment_blob` has one row per blob (its bytes are in the blob store under the server home,
sync/server/attachments): media type, size, when it was stored and by which agent, and
`released_at` (when the last record referencing it let go; the 7-day clean-up counts from it).
`attachment_ref` has one row per (blob, record) that references it, replaced when the record
is written; indexed by record for that replacement and for erasure.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachment_blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_at", TZ, nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=True),
        sa.Column("released_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blob")),
    )
    op.create_table(
        "attachment_ref",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "entity_id", name=op.f("pk_attachment_ref")),
    )
    op.create_index("ix_attachment_ref_entity_id", "attachment_ref", ["entity_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_ref_entity_id", table_name="attachment_ref")
    op.drop_table("attachment_ref")
    op.drop_table("attachment_blob")
