"""A decision on an enrollment that is no longer waiting for review is refused (409) and
changes nothing: two supervisors on one enrollment, or a page left open; the command line
may still decide whatever the status (the central system's authority)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from srv_support import World, enrollment_fields, op

from sync.server import admin, db

ADMIN = "/v1/admin/enrollments"


def test_deciding_twice_is_a_409_and_the_first_decision_stands(world: World) -> None:
    a1, _a2, s1 = world.standard()
    entity_id = str(uuid.uuid4())
    assert a1.push_one(op("enrollment", "create", entity_id, enrollment_fields(1)))["status"] == (
        "applied"
    )
    accept = {"membership_number": "16071234567"}
    first = world.client.post(f"{ADMIN}/{entity_id}/accept", json=accept, headers=s1.headers)
    assert first.status_code == 200
    for url, body in (
        (f"{ADMIN}/{entity_id}/accept", {"membership_number": "16079999999"}),
        (f"{ADMIN}/{entity_id}/send-back", {"reason": "incomplete", "note": ""}),
        (f"{ADMIN}/accept", {"items": [{"id": entity_id, "membership_number": "16079999999"}]}),
    ):
        again = world.client.post(url, json=body, headers=s1.headers)
        assert again.status_code == 409, (url, again.text)
        assert again.json()["error"]["code"] == "conflict"
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        fields = conn.execute(
            sa.select(table.c.fields).where(table.c.entity_id == entity_id)
        ).scalar_one()
    assert fields["status"] == "accepted" and fields["membership_number"] == "16071234567"
    admin.review_enrollment(world.engine, entity_id, "needs_correction", review_reason="koreksi")
