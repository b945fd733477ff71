"""`agent_app.services.sync` with no server at all: what the sync page shows before the first
login, and the problem list built from the outbox (no network, no server process)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.laptops import LaptopBase

pytest.importorskip("sqlcipher3")

from agent_app.services import businesses
from agent_app.services import sync as sync_service
from agent_app.services.actor import Actor
from agent_app.storage import store as app_store
from agent_app.storage.uow import SqlUnitOfWork

Laptop = tuple[Any, app_store.LocalStore, Actor, Callable[[], SqlUnitOfWork]]


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Laptop]:
    made = LaptopBase(tmp_path / "laptop.db", "AG001")
    yield made.engine, made.store, made.actor, made.uow
    made.close()


def test_before_the_first_login_nothing_blocks_and_everything_says_why(
    laptop: Laptop, tmp_path: Path
) -> None:
    _, _, actor, uow = laptop
    businesses.register_business(uow(), actor, {"name": "Warung Offline"})
    state = sync_service.status(uow())
    assert (state.pending_ops, state.online, state.last_success) == (1, False, None)
    assert state.problems == [] and state.connected_agents == []
    for url in ("", "   "):
        with pytest.raises(sync_service.SyncFailed) as failure:
            sync_service.run_cycle(uow, actor, url)
        assert failure.value.kind == "not_connected"
        assert failure.value.text.id and failure.value.text.en
    with pytest.raises(sync_service.SyncFailed):
        sync_service.run_cycle(uow, actor, "http://127.0.0.1:9")  # no tokens for it
    check = sync_service.check_participant(uow, actor, "http://127.0.0.1:9", "1671034509990001")
    assert (check.state, check.reason) == ("unknown", "not_connected")
    with pytest.raises(sync_service.SyncFailed):
        sync_service.export_bundle(uow, actor, tmp_path / "x.perisai")
    assert not (tmp_path / "x.perisai").exists()
    assert sync_service.status(uow()).pending_ops == 1


def test_problems_come_from_refused_ops_until_a_newer_op_settles_them(laptop: Laptop) -> None:
    _, store, actor, uow = laptop
    shop = businesses.register_business(uow(), actor, {"name": "Toko Konflik"})
    [create] = store.pending_ops(10)
    store.mark_results(
        [
            {
                "op_id": create["op_id"],
                "status": "rejected",
                "error": {
                    "code": "invalid_field",
                    "field": "workers_count",
                    "message": "Must be 0 or more.",
                },
            }
        ]
    )
    [problem] = sync_service.status(uow()).problems
    assert (problem.entity_id, problem.code, problem.field) == (
        shop.id,
        "invalid_field",
        "workers_count",
    )
    # the laptop cannot judge it (its copy is valid): the field is named, in the person's
    # language, and the server's own (English) words are kept as a detail for support
    assert problem.problem.id == "Server menolak isian Jumlah pekerja."
    assert problem.problem.en == "The server refused the field Number of workers."
    assert problem.server_message == "Must be 0 or more."
    assert problem.mine["name"] == "Toko Konflik" and not problem.resolvable
    with pytest.raises(sync_service.CannotResolve):
        sync_service.resolve_conflict(uow, actor, problem.op_id, "mine")
    with pytest.raises(sync_service.CannotResolve):
        sync_service.resolve_conflict(uow, actor, str(uuid.uuid4()), "server")
    with pytest.raises(ValueError):
        sync_service.resolve_conflict(uow, actor, problem.op_id, "both")  # type: ignore[arg-type]
    # A newer op of the record (the agent fixed it) takes the problem off the list.
    businesses.update_business(uow(), actor, shop.id, {"workers_count": 2})
    assert sync_service.status(uow()).problems == []
