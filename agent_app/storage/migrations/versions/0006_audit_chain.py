"""The audit trail leaves the laptop: each entry is chained by hash and pushed as an op.

A co-user of a booth laptop could delete the local audit trail, and it never reached the
server. From this revision each audit entry carries its place in the laptop's hash chain
(`seq`, `prev_hash`, `hash`) and the `op_id` of the `audit_event` op that carries it to the
server (written in the same transaction); `sync_state` keeps the head of the chain.
Entries made before the upgrade keep null chain fields: they stay on the laptop as they were,
and the chain starts at seq 1 with the first entry after it.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("op_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_op_id"), ["op_id"], unique=False)
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audit_seq", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("audit_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("audit_hash")
        batch_op.drop_column("audit_seq")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_op_id"))
        batch_op.drop_column("op_id")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
