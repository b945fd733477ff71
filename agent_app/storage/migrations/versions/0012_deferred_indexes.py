"""The indexes a first full pull builds once at its end (issue 15): one row per index,
trigger or FTS table it took down, with the statement that restores it
(`agent_app.storage.deferred_indexes`).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deferred_indexes",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("sql", sa.Text(), nullable=False),
        sa.Column("deferred_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_deferred_indexes")),
    )


def downgrade() -> None:
    # The indexes come back first: a downgraded app knows nothing of this table.
    from agent_app.storage import deferred_indexes

    deferred_indexes.restore(op.get_bind())
    op.drop_table("deferred_indexes")
