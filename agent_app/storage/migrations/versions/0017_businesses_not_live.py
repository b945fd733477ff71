"""The soft-deleted businesses' keys (issue 15, "the search keystroke, sixth pass").

The trigram index (`businesses_fts`) follows every row, soft-deleted ones too (its triggers
watch the name and the owner, not `deleted`). A search's count was the number of its matches
found live in the narrow index (`ix_businesses_live_search`): about 5,000 look-ups for a
common word. With this index the count is the trigram index's own count of the matches less
those among the few keys here: no look-up per match, and nothing at all to subtract while no
business is deleted (repositories.businesses).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_businesses_not_live",
        "businesses",
        ["pk"],
        unique=False,
        sqlite_where=sa.text("deleted IS NOT 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_businesses_not_live", table_name="businesses")
