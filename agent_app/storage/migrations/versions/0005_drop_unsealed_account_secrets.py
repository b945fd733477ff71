"""Drop the server tokens and the shared bundle-signing key stored unsealed.

Until now each account's server tokens and the laptop's one bundle-signing key lay in
`sync_secrets` under the shared database key only, which every account on the laptop holds:
a co-user could act as another agent against the server, or sign a bundle in their name.
They are now sealed with each account's own key (which only its password unwraps), and this
migration cannot seal the old ones (no account's key is at hand while the database opens),
so it drops them: each agent logs in to the server once more from the sync page (with the
password), which also registers that agent's own signing key. Nothing else is lost: the
outbox, the records and the server's address and bundle key stay.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM sync_secrets WHERE name LIKE 'tokens:%' OR name = 'device_key'")


def downgrade() -> None:
    # The sealed secrets mean nothing to the older code: drop them too (log in again).
    op.execute("DELETE FROM sync_secrets WHERE name LIKE 'tokens:%' OR name LIKE 'signing_key:%'")
