"""The branch console's sign-in sessions and the one-time password.

`console_session` holds one row per signed-in browser: the SHA-256 of the random cookie value
(the cookie itself is never stored), the account, the CSRF token of its forms, when it began
and when it was last used (the idle timeout counts from there). Signing out, an idle or expired
session, or the account being disabled ends it.

`agent.must_change_password`: the password is a one-time code an administrator set (a reset);
the person chooses their own at the next sign-in, on the laptop or in the console.

`device.last_sync_at` and `device.app_version`: when the device last pushed or pulled and the
app version its User-Agent named then (the console's list of devices).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("notice", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_code"],
            ["agent.code"],
            name=op.f("fk_console_session_agent_code_agent"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_session")),
    )
    op.create_index("ix_console_session_agent_code", "console_session", ["agent_code"])
    # A plain ADD COLUMN (SQLite does it in place; a batch copy of `agent` would trip the
    # foreign keys that point at it).
    op.add_column(
        "agent",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("device", sa.Column("last_sync_at", TZ, nullable=True))
    op.add_column("device", sa.Column("app_version", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("device", "app_version")
    op.drop_column("device", "last_sync_at")
    op.drop_column("agent", "must_change_password")
    op.drop_index("ix_console_session_agent_code", table_name="console_session")
    op.drop_table("console_session")
