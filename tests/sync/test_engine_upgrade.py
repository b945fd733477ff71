"""A laptop upgraded from app 0.1.0 (before `assignment`) gets the assignments made before
its upgrade: the real engine, the app's own store (SQLCipher, its real migrations) and the
live server. The old app pulled without `with`, so its cursor is past those assignments; the
server answers the upgraded laptop's first pull 410 `cursor_expired` and the engine pulls
from the start. That full pull keeps what the agent changed meanwhile, and a second one
changes nothing (a full pull is idempotent)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.live_server import PASSWORD, LiveServer

pytest.importorskip("sqlcipher3")

from agent_app.domain import clock
from agent_app.domain.keys import Role
from agent_app.services import assignments, businesses
from agent_app.services.actor import Actor
from agent_app.storage import store as app_store
from agent_app.storage.engine import alembic_config, open_engine
from agent_app.storage.uow import SqlUnitOfWork
from sync.engine import SyncEngine

KEY = bytes(range(32))
AGENT = "AG071"


def bearer(server: LiveServer, code: str) -> dict[str, str]:
    answer = requests.post(
        f"{server.base_url}/v1/auth/login",
        json={
            "agent_code": code,
            "password": PASSWORD,
            "device_id": str(uuid.uuid4()),
            "device_name": "Kantor cabang",
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def assign(server: LiveServer, business_id: str) -> str:
    made = requests.post(
        f"{server.base_url}/v1/admin/assignments",
        json={
            "business_id": business_id,
            "agent_code": AGENT,
            "kind": "follow_up",
            "due_on": (clock.today("Asia/Jakarta") + dt.timedelta(days=2)).isoformat(),
            "note": "Tanyakan pekerja baru",
        },
        headers=bearer(server, "SV001"),
        timeout=30,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def back_to_0007(path: Path) -> None:
    """The database as app 0.1.0 left it: migration 0008 (assignments) not yet run."""
    from alembic import command

    engine = open_engine(path, KEY, migrate=False)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.downgrade(alembic_config(conn), "0007")
        conn.commit()
    engine.dispose()


class AgentTypesDuringThePull(app_store.LocalStore):
    """The store, with the agent renaming a business while the pull starts over (the UI
    stays usable during a sync)."""

    def __init__(self, engine: Any, actor: Actor, business_id: str) -> None:
        super().__init__(engine, actor.agent_code)
        self.actor, self.business_id = actor, business_id

    def reset_cursor(self) -> None:
        super().reset_cursor()
        renamed = {"name": "Warung Baru Namanya"}
        uow = SqlUnitOfWork(self.engine)
        businesses.update_business(uow, self.actor, self.business_id, renamed)


def test_an_upgraded_laptop_gets_the_assignments_made_before_its_upgrade(
    make_client: Any, server: LiveServer, tmp_path: Path
) -> None:
    server.cli("create-agent", AGENT, "--name", "Agen Lama", "--branch", "PLG", "--role", "agent")
    path = tmp_path / "laptop.db"
    engine = open_engine(path, KEY)
    store = app_store.LocalStore(engine, AGENT)
    actor = Actor(AGENT, "Agen Lama", "PLG", Role.AGENT, store.device_id)
    shop = businesses.register_business(SqlUnitOfWork(engine), actor, {"name": "Warung Lama"})
    old_client = make_client(AGENT, device_id=store.device_id)
    old_client.understands = ()  # app 0.1.0 declared nothing
    old = SyncEngine(old_client, store)
    assert old.run_cycle().applied == 1
    before = assign(server, shop.id)
    old.run_cycle()  # the old app's pull passes the assignment by
    old_cursor = store.get_cursor()
    engine.dispose()

    back_to_0007(path)
    engine = open_engine(path, KEY)  # the upgrade: migrations 0008 and on
    store = AgentTypesDuringThePull(engine, actor, shop.id)
    assert store.get_cursor() == old_cursor
    upgraded = SyncEngine(make_client(AGENT, device_id=store.device_id), store)
    report = upgraded.run_cycle()
    assert report.cursor_reset
    mine = assignments.open_assignments(SqlUnitOfWork(engine), actor)
    assert [a.id for a in mine] == [before]
    # The agent's change made during the full pull is kept and waits for the next push.
    with SqlUnitOfWork(engine) as uow:
        assert uow.businesses.get(shop.id).name == "Warung Baru Namanya"  # type: ignore[union-attr]
    assert store.pending_count() == 1

    plain = app_store.LocalStore(engine, AGENT)
    again = SyncEngine(make_client(AGENT, device_id=store.device_id), plain)
    assert again.run_cycle().applied == 1
    assert plain.pending_count() == 0
    kept = snapshot(engine)
    plain.reset_cursor()  # a second full pull changes nothing
    assert again.run_cycle().pulled >= 2
    assert snapshot(engine) == kept
    assert ("business", shop.id, "Warung Baru Namanya", False) in kept
    engine.dispose()


def snapshot(engine: Any) -> set[tuple[str, str, str, bool]]:
    with engine.connect() as conn:
        shops = conn.exec_driver_sql("SELECT id, name, deleted FROM businesses").all()
        given = conn.exec_driver_sql("SELECT id, status FROM assignments").all()
    return {("business", i, n, bool(d)) for i, n, d in shops} | {
        ("assignment", i, s, False) for i, s in given
    }
