"""A pull cursor per account: agents sharing a booth laptop see different records.

With one cursor for the laptop, a pull by one agent moved it past changes only another agent
may see (a supervisor's decision on that agent's enrollment), and that agent never got them.
The old laptop-wide cursor stays in `sync_state.cursor` for callers that name no account.
After the upgrade each account pulls once from the start (applying a pull is idempotent).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pull_cursors",
        sa.Column("agent_code", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("agent_code", name=op.f("pk_pull_cursors")),
    )


def downgrade() -> None:
    op.drop_table("pull_cursors")
