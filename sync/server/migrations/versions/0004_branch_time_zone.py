"""Each branch's time zone (docs/time.md): the day an enrollment, a quote or a target belongs to
is the branch's day. Existing branches get WIB (Asia/Jakarta), the zone the server assumed until
now, so nothing they recorded changes day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.add_column(
            sa.Column("time_zone", sa.String(32), nullable=False, server_default="Asia/Jakarta")
        )


def downgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.drop_column("time_zone")
