"""Refresh-token families and a replayable successor; login throttling and rate limits.

`refresh_token.family_id` names the login a refresh token descends from: a spent token reused
after the grace window revokes its whole family. Tokens issued before this revision were one
family per agent and device (that is what reuse revoked then), so that is their family.
`refresh_token.successor` holds the pair a token was traded for, sealed with a key only the
token itself gives (accounts.py), so a replay within the grace window gets the same pair back.

`login_failure` counts wrong passwords per agent code and client address (a stranger's
guesses slow down only the stranger's address); `rate_count` holds the fixed-window request
counters of the rate limits. Both start empty: the old per-account lock (`agent.locked_until`)
is no longer consulted. `participant_check` records who asked about which NIK, the NIK kept
only as an HMAC under a new random `nik_audit_key` in `server_meta`.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import base64
import os

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("refresh_token") as batch:
        batch.add_column(sa.Column("family_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("successor", sa.Text(), nullable=True))
    op.execute("UPDATE refresh_token SET family_id = agent_code || ':' || device_id")
    with op.batch_alter_table("refresh_token") as batch:
        batch.alter_column("family_id", existing_type=sa.String(128), nullable=False)
        batch.create_index(batch.f("ix_refresh_token_family_id"), ["family_id"], unique=False)
    op.create_table(
        "login_failure",
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_allowed_at", TZ, nullable=False),
        sa.Column("last_failure_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("agent_code", "client", name=op.f("pk_login_failure")),
    )
    op.create_table(
        "rate_count",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_count")),
    )
    op.create_index(op.f("ix_rate_count_expires_at"), "rate_count", ["expires_at"], unique=False)
    op.create_table(
        "participant_check",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("nik_hash", sa.String(64), nullable=False),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_check")),
    )
    for column in ("at", "agent_code", "nik_hash"):
        op.create_index(
            op.f(f"ix_participant_check_{column}"), "participant_check", [column], unique=False
        )
    meta = sa.table("server_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(
        meta, [{"key": "nik_audit_key", "value": base64.b64encode(os.urandom(32)).decode()}]
    )


def downgrade() -> None:
    op.execute("DELETE FROM server_meta WHERE key = 'nik_audit_key'")
    for column in ("at", "agent_code", "nik_hash"):
        op.drop_index(op.f(f"ix_participant_check_{column}"), table_name="participant_check")
    op.drop_table("participant_check")
    op.drop_index(op.f("ix_rate_count_expires_at"), table_name="rate_count")
    op.drop_table("rate_count")
    op.drop_table("login_failure")
    with op.batch_alter_table("refresh_token") as batch:
        batch.drop_index(batch.f("ix_refresh_token_family_id"))
        batch.drop_column("successor")
        batch.drop_column("family_id")
