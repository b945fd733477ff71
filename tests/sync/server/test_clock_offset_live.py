"""The laptop's clock offset travels with every op and is kept in the server's ledger
(SYNC_PROTOCOL.md 1.1 `clock_offset_seconds`), measured against a real server in its own
process whose clock runs an hour ahead of the laptop's (both on the test clock, shifted apart).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import clock
from srv_support import PASSWORD, ServerProcess, cheap_settings

from sync import client as sync_client
from sync import protocol
from sync.server import admin, db

pytest.importorskip("sqlcipher3")

pytestmark = pytest.mark.slow

#: How far ahead of the laptop the server's clock runs.
SERVER_AHEAD = 3600.0


@pytest.fixture
def server_ahead(database_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, sa.Engine]]:
    settings = cheap_settings(database_url)
    engine = db.make_engine(settings)
    admin.create_branch(engine, "PLG", "Palembang", "16.71")
    admin.create_agent(engine, settings, "AG001", "Agen Satu", "PLG", "agent", PASSWORD)
    shifted = float(os.environ[clock.OFFSET_ENV]) + SERVER_AHEAD
    server = ServerProcess(database_url, tmp_path, env={clock.OFFSET_ENV: repr(shifted)})
    try:
        yield server, engine
    finally:
        server.stop()
        engine.dispose()


def _ledger_offsets(engine: sa.Engine) -> dict[str, float | None]:
    ledger = db.table(db.Ledger)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(ledger.c.op_id, ledger.c.clock_offset_seconds)).all()
    return {row.op_id: row.clock_offset_seconds for row in rows}


def test_every_op_carries_the_measured_offset_and_the_ledger_keeps_it(
    server_ahead: tuple[ServerProcess, sa.Engine], tmp_path: Path
) -> None:
    from agent_app.domain.keys import Role
    from agent_app.services import businesses
    from agent_app.services import sync as sync_service
    from agent_app.services.actor import Actor
    from agent_app.storage import store as app_store
    from agent_app.storage.engine import open_engine
    from agent_app.storage.uow import SqlUnitOfWork

    server, engine = server_ahead
    laptop_db = open_engine(tmp_path / "laptop.db", os.urandom(32))
    try:
        store = app_store.LocalStore(laptop_db)
        actor = Actor(
            "AG001", "Agen Satu", "PLG", Role.AGENT, store.device_id, account_key=os.urandom(32)
        )

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(laptop_db)

        fast = {"max_retries": 1, "backoff_base": 0.05, "backoff_cap": 0.2}
        sync_service.connect(uow, actor, server.url, PASSWORD, client_options=fast)
        made = [
            businesses.register_business(uow(), actor, {"name": f"Warung Uji {n}"})
            for n in range(3)
        ]
        report = sync_service.run_cycle(uow, actor, server.url, client_options=fast)
        assert report.applied == 3
        # The laptop keeps the measurement (the status bar and the Sync page show it).
        status = sync_service.status(uow())
        assert status.clock_offset is not None
        assert abs(status.clock_offset - SERVER_AHEAD) < 60
        offsets = _ledger_offsets(engine)
        business_ops = {
            op_id: value
            for op_id, value in offsets.items()
            if value is not None and abs(value - SERVER_AHEAD) < 60
        }
        # Every op of the cycle (the businesses and the laptop's audit entries) carries it.
        assert offsets and set(business_ops) == set(offsets)
        assert len(made) == 3
        # What the app's status bar and Sync page are given, and say (the source language).
        from PySide6.QtCore import QCoreApplication

        from agent_app.ui import i18n, labels
        from agent_app.ui.backend import ServicesBackend

        if (app := QCoreApplication.instance()) is not None:
            i18n.install(app, "en")  # an earlier test of this process may have left Indonesian

        shown = ServicesBackend(uow, actor, lambda: server.url).sync_status()
        assert shown.clock_offset is not None
        assert labels.clock_skew(shown.clock_offset)[0] == "Laptop clock 60 minutes slow"
    finally:
        laptop_db.dispose()


def test_a_resent_op_with_a_newer_offset_is_the_same_op(
    server_ahead: tuple[ServerProcess, sa.Engine],
) -> None:
    """The offset is a fact about the sending, not the op: a replay measured anew is answered
    `duplicate` (never `key_reuse`), and the ledger keeps the first sending's offset; a 1.0
    laptop's op without one is stored with none."""
    server, engine = server_ahead
    client = sync_client.SyncClient(server.url, str(uuid.uuid4()), "Laptop uji", max_retries=1)
    client.login("AG001", PASSWORD)
    recorded = dt.datetime.now(dt.UTC)

    def push(op_id: uuid.UUID, seq: int, offset: float | None) -> str:
        op = protocol.Op(
            op_id=op_id,
            op_seq=seq,
            entity="business",
            entity_id=uuid.UUID(int=op_id.int),
            kind="create",
            fields={"name": "Toko Jam"},
            recorded_at=recorded,
            clock_offset_seconds=offset,
        )
        request = protocol.PushRequest(
            protocol_version=protocol.PROTOCOL_VERSION,
            device_id=uuid.UUID(client.device_id),
            batch_id=uuid.uuid4(),
            ops=[op],
        )
        return client.push(request).results[0].status

    first, old = uuid.uuid4(), uuid.uuid4()
    assert push(first, 1, 3600.5) == "applied"
    assert push(first, 2, 7200.25) == "duplicate"
    assert push(old, 3, None) == "applied"
    offsets = _ledger_offsets(engine)
    assert offsets[str(first)] == 3600.5
    assert offsets[str(old)] is None
