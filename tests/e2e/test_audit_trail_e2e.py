"""End to end: the laptop's audit trail reaches the real server (in its own process) after a
sync, as `audit_event`s chained by hash; an entry a co-user deleted on the laptop before it left
shows on the server as a gap (`python -m sync.server audit-events --gaps`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from agent_app.services import businesses
from agent_app.storage import tables


def _audit_op_states(laptop: Any) -> list[str]:
    t = tables.OutboxOp
    with laptop.engine.connect() as conn:
        return list(conn.scalars(sa.select(t.status).where(t.entity == "audit_event")))


def test_the_audit_trail_reaches_the_server_and_a_deleted_entry_shows_as_a_gap(
    make_laptop: Any, server: Any
) -> None:
    laptop = make_laptop("AG001")
    device = laptop.store.device_id
    shop = laptop.call(businesses.register_business, {"name": "Pempek Jejak Audit"})
    report = laptop.sync()
    assert (report.applied, report.rejected) == (1, 0)  # the report speaks of records
    assert laptop.status().pending_ops == 0
    states = _audit_op_states(laptop)
    assert states and set(states) == {"applied"}

    listed = server.cli("audit-events", "--device", device).stdout.splitlines()
    [registered] = [line for line in listed if "business.register" in line]
    assert f"AG001 business.register business {shop.id} ok" in registered
    assert not any("CHAIN" in line for line in listed)

    laptop.call(businesses.update_business, shop.id, {"sector": "kuliner"})
    laptop.call(businesses.update_business, shop.id, {"workers_count": 2})
    with laptop.engine.begin() as conn:  # a co-user wipes the first of the two entries
        audit = tables.AuditEntry
        doomed = conn.scalar(
            sa.select(audit.op_id).where(audit.action == "business.update").order_by(audit.seq)
        )
        conn.execute(sa.delete(audit).where(audit.op_id == doomed))
        conn.execute(sa.delete(tables.OutboxOp).where(tables.OutboxOp.op_id == doomed))
    laptop.sync()
    [gap] = server.cli("audit-events", "--device", device, "--gaps").stdout.splitlines()
    assert "business.update" in gap and "CHAIN gap" in gap
