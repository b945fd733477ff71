"""A push's connections (issue 15): the batch's reads of its branch's settings run on the
connection its transaction then uses, and the device's sync stamp comes after the answer,
where a failure cannot turn a committed batch into a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import World, enrollment_fields, op

from sync.server import db


def _checkouts(world: World) -> list[int]:
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    sa.event.listen(world.engine, "checkout", count)
    return counted


def test_a_push_checks_out_three_connections(world: World) -> None:
    """The token's, the batch's (its branch's time zone, the rate tables' stamp and its
    transaction) and the device stamp's: five before (a checkout each for the zone and the
    stamp), each a pre-ping and a ROLLBACK on PostgreSQL."""
    a1, _, _ = world.standard()
    counted = _checkouts(world)
    results = a1.push(
        op("enrollment", "create", None, enrollment_fields(1)),
        op("enrollment", "create", None, enrollment_fields(2)),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert counted[0] == 3


def test_the_device_is_stamped_after_the_answer(world: World) -> None:
    a1, _, _ = world.standard()
    a1.push(op("enrollment", "create", None, enrollment_fields(3)))
    devices = db.table(db.Device)
    with world.engine.connect() as conn:
        stamp = conn.execute(
            sa.select(devices.c.last_sync_at).where(devices.c.device_id == a1.device_id)
        ).scalar_one()
    assert stamp is not None


def test_a_failed_device_stamp_does_not_fail_a_committed_push(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    a1, _, _ = world.standard()

    def broken(*_: Any) -> None:
        raise sa.exc.OperationalError("UPDATE device", {}, Exception("connection lost"))

    monkeypatch.setattr("sync.server.api.routes.sync.note_sync", broken)
    entity_id = str(uuid.uuid4())
    result = a1.push_one(op("enrollment", "create", entity_id, enrollment_fields(4)))
    assert result["status"] == "applied"
    assert "sync stamp failed" in caplog.text
    again = a1.push_one(op("enrollment", "create", entity_id, enrollment_fields(4)))
    assert again["status"] == "duplicate"
