"""The ledger keeps each op's laptop clock offset (SYNC_PROTOCOL.md 1.1).

A laptop sends `clock_offset_seconds` (server time minus laptop time, as it last measured it)
with every op; the server stores it with the op's ledger row, so a reviewer can tell a laptop
clock that was hours off from a late entry. A nullable column: rows written before this
migration, and ops from a 1.0 laptop, have none.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(sa.Column("clock_offset_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.drop_column("clock_offset_seconds")
