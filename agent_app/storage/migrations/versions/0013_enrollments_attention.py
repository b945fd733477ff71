"""The enrollments needing the agent's attention found by an index (issue 15): those refused or
in conflict on sync, a few among 100,000, were found by reading every enrollment at each log-in
(the Beranda's and the enrollments list's "needing attention"). A partial index holds only them,
so the pulled and synced ones cost nothing to write.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_enrollments_attention",
        "enrollments",
        ["sync_state"],
        unique=False,
        sqlite_where=sa.text("sync_state IN ('rejected', 'conflict')"),
    )


def downgrade() -> None:
    op.drop_index("ix_enrollments_attention", table_name="enrollments")
