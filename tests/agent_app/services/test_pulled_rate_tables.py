"""A contribution table the server published reaches the laptop's quotes after a pull
(`agent_app.services.rates`)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from agent_app.domain import contributions
from agent_app.services import rates
from agent_app.storage import store as app_store
from agent_app.storage.uow import SqlUnitOfWork

TAKES_OVER = dt.date(2027, 7, 1)


def _pulled(version: str, table: object, seq: int) -> dict[str, object]:
    return {
        "entity": "rate_table",
        "entity_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-rate-table:{version}")),
        "version": 1,
        "deleted": False,
        "fields": {"version": version, "effective_from": TAKES_OVER.isoformat(), "table": table},
        "server_seq": seq,
    }


def test_a_pulled_table_is_put_in_force_and_a_broken_one_left_out(
    engine: Engine, caplog: pytest.LogCaptureFixture, rate_table: Callable[..., dict[str, Any]]
) -> None:
    store = app_store.LocalStore(engine)
    broken = rate_table(TAKES_OVER)
    del broken["rates"]["JKK"]
    good = rate_table(TAKES_OVER)
    store.apply_pulled([_pulled("2027.2", good, 1), _pulled("rusak", broken, 2)], "c1")
    with caplog.at_level(logging.WARNING, logger="db"):
        installed = rates.install(SqlUnitOfWork(engine))
    assert installed == ["2027.2"]
    assert "rate table rusak left out" in caplog.text
    quote = contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER)
    assert quote.per_program["JKM"] == 8_000
    before = contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER - dt.timedelta(1))
    assert before.per_program["JKM"] == 6_800
