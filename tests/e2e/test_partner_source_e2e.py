"""A business from a partner's list end to end (issue 18), with the real server process: the
server sets `partner_source` (written here through the server's own module for pulled records,
`sync.server.admin.common.put_record`, as a supervisor's import will), the laptop pulls it,
shows it on the agent's assignment, finds the business as a likely duplicate of a new one
typed with its phone, and never pushes `partner_source` back when the agent edits it.

(A merge's convergence is not tested end to end here: on this base the server's pull sends
every deleted record with empty `fields`, so `merged_into` cannot reach a laptop yet; the
laptop's side is tested in tests/agent_app/storage/test_storage_merge.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
import sqlalchemy as sa
from test_admin_review_e2e import bearer

from agent_app.domain import clock
from agent_app.services import assignments, business_duplicates, businesses
from sync.server import db
from sync.server.admin.common import put_record


def _on_server(server: Any, business_id: str, **server_set: Any) -> dict[str, Any]:
    """The business's fields on the server, after writing `server_set` into them (if any) as
    the server writes a pulled record: a new version and server_seq."""
    engine = sa.create_engine(f"sqlite:///{server.database}")
    table = db.table(db.Record)
    try:
        with engine.begin() as conn:
            row = conn.execute(sa.select(table).where(table.c.entity_id == business_id)).one()
            if server_set:
                fields = {**row.fields, **server_set}
                put_record(conn, "business", business_id, row.branch_code, row.owner_code, fields)
            current = conn.execute(
                sa.select(table.c.fields).where(table.c.entity_id == business_id)
            ).scalar_one()
        return dict(current)
    finally:
        engine.dispose()


def test_a_partner_list_business_is_pulled_marked_found_and_never_pushed_back(
    make_laptop: Any, server: Any
) -> None:
    laptop = make_laptop("AG002")
    shop = laptop.call(
        businesses.register_business,
        {"name": "Pempek Mitra E2E", "phone": "081277665544", "region_code": "16.71.03"},
    )
    laptop.sync()
    _on_server(server, shop.id, partner_source="HIPMI Sumsel")
    office = bearer(server.base_url, "SV001")
    due = clock.today("Asia/Jakarta") + dt.timedelta(days=2)
    made = requests.post(
        f"{server.base_url}/v1/admin/assignments",
        json={
            "business_id": shop.id,
            "agent_code": "AG002",
            "kind": "visit",
            "due_on": due.isoformat(),
        },
        headers=office,
        timeout=30,
    )
    assert made.status_code == 201, made.text

    laptop.sync()
    assert businesses.get_detail(laptop.uow(), shop.id).business.partner_source == ("HIPMI Sumsel")
    [task] = [a for a in laptop.call(assignments.open_assignments) if a.business_id == shop.id]
    assert task.partner_source == "HIPMI Sumsel"
    found = business_duplicates.likely_duplicates(
        laptop.uow(), {"name": "Toko Lain", "phone": "+62 812-7766-5544"}
    )
    assert [(c.business.id, c.reason) for c in found] == [(shop.id, "phone")]

    laptop.call(businesses.update_business, shop.id, {"owner_name": "Cek Mitra"})
    [op] = [o for o in laptop.store.pending_ops(50) if o["entity_id"] == shop.id]
    assert op["fields"] == {"owner_name": "Cek Mitra"}
    laptop.sync()
    on_server = _on_server(server, shop.id)
    assert on_server["owner_name"] == "Cek Mitra"
    assert on_server["partner_source"] == "HIPMI Sumsel"
