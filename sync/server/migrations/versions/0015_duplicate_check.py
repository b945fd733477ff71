"""The duplicate search's queue (issue 15): `duplicate_check`, one row per business a push
created or whose key fields it changed, judged after the push commits (by a background task
after the answer, or by the housekeeping loop) instead of under the push's write lock.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_check",
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_duplicate_check")),
    )
    op.create_index("ix_duplicate_check_branch_code", "duplicate_check", ["branch_code"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_check_branch_code", table_name="duplicate_check")
    op.drop_table("duplicate_check")
