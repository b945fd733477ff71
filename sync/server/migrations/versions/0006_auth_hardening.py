"""Refresh-token families and a replayable successor.

`refresh_token.family_id` names the login a refresh token descends from: a spent token reused
after the grace window revokes its whole family. Tokens issued before this revision were one
family per agent and device (that is what reuse revoked then), so that is their family.
`refresh_token.successor` holds the pair a token was traded for, sealed with a key only the
token itself gives (accounts.py), so a replay within the grace window gets the same pair back.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_token") as batch:
        batch.add_column(sa.Column("family_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("successor", sa.Text(), nullable=True))
    op.execute("UPDATE refresh_token SET family_id = agent_code || ':' || device_id")
    with op.batch_alter_table("refresh_token") as batch:
        batch.alter_column("family_id", existing_type=sa.String(128), nullable=False)
        batch.create_index(batch.f("ix_refresh_token_family_id"), ["family_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refresh_token") as batch:
        batch.drop_index(batch.f("ix_refresh_token_family_id"))
        batch.drop_column("successor")
        batch.drop_column("family_id")
