"""Each branch's time zone, as the server last said it at a login or token refresh
(docs/time.md): the laptop's "which day is it" for an account is its branch's day. Existing rows
get none, which reads as WIB (Asia/Jakarta), the laptop's default before any server login.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("branches", sa.Column("time_zone", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("branches") as batch:
        batch.drop_column("time_zone")
