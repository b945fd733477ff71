"""The engine between the app's own store (SQLCipher) and the real server: the three meet here.

`agent_app.storage.store.LocalStore` implements `sync.engine.LocalStore`; these tests run real
cycles through it, so a drift between the Protocol and its implementation shows up as a
failing cycle, not as a surprise in the field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sqlcipher3")

from agent_app.domain.keys import Role
from agent_app.services import businesses
from agent_app.services.actor import Actor
from agent_app.storage import store as app_store
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork
from sync.engine import SyncEngine


def open_store(path: Path) -> tuple[app_store.LocalStore, object]:
    engine = open_engine(path, bytes(range(32)))
    return app_store.LocalStore(engine), engine


def test_a_business_and_its_later_change_reach_the_server_and_another_laptop(make_client, tmp_path):
    store, engine = open_store(tmp_path / "laptop-a.db")
    actor = Actor("AG003", "Agen AG003", "PLG", Role.AGENT, store.device_id)
    shop = businesses.register_business(
        SqlUnitOfWork(engine), actor, {"name": "Kopi Kenangan Lama", "sector": "kuliner"}
    )
    sync = SyncEngine(make_client("AG003", device_id=store.device_id), store)
    first = sync.run_cycle()
    assert (first.applied, first.rejected, first.conflict) == (1, 0, 0)
    assert store.pending_count() == 0
    assert store.get_cursor() is not None

    businesses.update_business(SqlUnitOfWork(engine), actor, shop.id, {"name": "Kopi Baru"})
    assert store.pending_count() == 1
    second = sync.run_cycle()
    assert (second.applied, second.rejected) == (1, 0)
    assert store.pending_count() == 0

    other, other_engine = open_store(tmp_path / "laptop-b.db")
    pulled = SyncEngine(make_client("AG003", device_id=other.device_id), other).run_cycle()
    assert pulled.pulled >= 1
    with SqlUnitOfWork(other_engine) as uow:
        copy = uow.businesses.get(shop.id)
    assert copy is not None
    assert copy.name == "Kopi Baru"
    engine.dispose()  # type: ignore[attr-defined]
    other_engine.dispose()  # type: ignore[attr-defined]
