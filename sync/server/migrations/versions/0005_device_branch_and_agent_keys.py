"""Devices belong to a branch and each agent's bundle-signing key is its own.

Issue 10 (device takeover, bundles in another agent's name): a device is bound to the branch
of its first login (`device.branch_code`; a login from another branch with it is refused), a
revoked device stays revoked until an administrator resets it (`device.revoked_at`), and the
bundle-signing key is registered per agent and device (`device_agent.public_key`), once.

Existing rows: a device takes the branch of the agent bound to it first; a device bound to no
agent was revoked (`revoke-device` unbinds every agent) and is marked so. The old shared
device keys are not carried over: every agent on a booth laptop held that one key, so it
proved nothing about which agent made a bundle; each agent's key is registered at that
agent's next login (bundles made before it are refused, their ops stay on the laptop and go
with the next sync or bundle).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("branch_code", sa.String(32), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("device_agent") as batch:
        batch.add_column(sa.Column("public_key", sa.String(100), nullable=True))
    op.execute(
        "UPDATE device SET branch_code = ("
        " SELECT agent.branch_code FROM device_agent"
        " JOIN agent ON agent.code = device_agent.agent_code"
        " WHERE device_agent.device_id = device.device_id"
        " ORDER BY device_agent.bound_at, device_agent.agent_code LIMIT 1)"
    )
    op.execute(
        "UPDATE device SET revoked_at = CURRENT_TIMESTAMP WHERE NOT EXISTS ("
        " SELECT 1 FROM device_agent WHERE device_agent.device_id = device.device_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("device_agent") as batch:
        batch.drop_column("public_key")
    with op.batch_alter_table("device") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("branch_code")
