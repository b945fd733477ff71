"""The enrollment search's narrow index and the employer registrations needing attention by
index (issue 15, "the search keystroke, third pass").

1. `ix_enrollments_live_search`: the live enrollments' key, name, NIK and agent, as 0014 gave
   the businesses. A search word of three letters or more is looked up in the trigram index
   (`enrollments_fts`), which answers row keys; ordering them by name, keeping the agent's own
   and counting them read each matching row (thousands of 100,000, decrypted page by page).
   The search now looks its matches up here and reads only the rows it shows
   (repositories.enrollments).
2. `ix_enrollments_live_name` (name, key, agent, NIK of the live enrollments) replaces
   `ix_enrollments_live_full_name` (the name alone): a search of one- and two-letter words
   (`full_name LIKE 's%'`) by an agent read each row whose name starts so to learn its agent
   (thousands of rows when few are theirs: 21 ms of CPU for "si", 130 ms at p95); the wider
   index answers the agent and the NIK of the short words' LIKE itself, in the list's order
   (name, then key: no sort of equal names).
3. `ix_employer_registrations_attention`: the registrations refused or in conflict on sync, as
   0013 gave the enrollments: the Beranda's "needing correction" read every registration at
   each log-in (`SCAN employer_registrations`); with this partial index and the status index,
   SQLite reads only the few concerned (`MULTI-INDEX OR`).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_enrollments_live_search",
        "enrollments",
        ["pk", "full_name", "nik", "agent_code"],
        unique=False,
        sqlite_where=sa.text("deleted = 0"),
    )
    op.drop_index("ix_enrollments_live_full_name", table_name="enrollments")
    op.create_index(
        "ix_enrollments_live_name",
        "enrollments",
        ["full_name", "pk", "agent_code", "nik"],
        unique=False,
        sqlite_where=sa.text("deleted = 0"),
    )
    op.create_index(
        "ix_employer_registrations_attention",
        "employer_registrations",
        ["sync_state"],
        unique=False,
        sqlite_where=sa.text("sync_state IN ('rejected', 'conflict')"),
    )


def downgrade() -> None:
    op.drop_index("ix_employer_registrations_attention", table_name="employer_registrations")
    op.drop_index("ix_enrollments_live_name", table_name="enrollments")
    op.create_index(
        "ix_enrollments_live_full_name",
        "enrollments",
        ["full_name"],
        unique=False,
        sqlite_where=sa.text("deleted = 0"),
    )
    op.drop_index("ix_enrollments_live_search", table_name="enrollments")
