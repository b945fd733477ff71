"""Drop the unique index on active_nik.entity_id: the NIK primary key is the guard.

Every index keyed by a random value (UUIDs, NIKs) costs a random B-tree page per insert, and on
SQLite with `synchronous=FULL` each touched page is written to the WAL at commit; this one
guarded nothing the push code does not already keep (one row per active enrollment).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("active_nik") as batch:
        batch.drop_constraint("uq_active_nik_entity_id", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("active_nik") as batch:
        batch.create_unique_constraint("uq_active_nik_entity_id", ["entity_id"])
