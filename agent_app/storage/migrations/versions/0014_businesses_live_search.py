"""The business search's narrow index (issue 15): the live businesses' key, name and owner.

A search word of three letters or more is looked up in the trigram index (`businesses_fts`),
which answers row keys; ordering them by name and counting the live ones read each matching
row: 5,000 rows of 100,000 for a common word, decrypted page by page, 25-45 ms of CPU when
they were not in the page cache (the first three letters of each new word). This index holds
the same key, name and owner for about a fifth of the rows' pages and stays in the cache: the
search looks its matches up here and reads only the page it shows (repositories.businesses).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_businesses_live_search",
        "businesses",
        ["pk", "name", "owner_name"],
        unique=False,
        sqlite_where=sa.text("deleted = 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_businesses_live_search", table_name="businesses")
