"""The `employer` part of a pulled contribution table reaches the laptop's employer quote
(`quote_employer`: the live quote of the registration form) from its day on, without a
release; the shipped table stays in force before it (issue 17 item 1)."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from agent_app.domain import contributions, employer_contributions
from agent_app.services import rates
from agent_app.storage import store as app_store
from agent_app.storage.uow import SqlUnitOfWork

TAKES_OVER = dt.date(2027, 3, 1)  # a new JP cap each March
WAGES = [15_000_000, 4_000_000]
PROGRAMS = ["JKK", "JKM", "JHT", "JP"]


def _pulled(version: str, table: object, seq: int) -> dict[str, object]:
    return {
        "entity": "rate_table",
        "entity_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-rate-table:{version}")),
        "version": 1,
        "deleted": False,
        "fields": {"version": version, "effective_from": TAKES_OVER.isoformat(), "table": table},
        "server_seq": seq,
    }


def _part(cap: int) -> dict[str, Any]:
    part = copy.deepcopy(dict(employer_contributions._table()))
    part["wage_caps"]["JP"].append(
        {"effective_from": TAKES_OVER.isoformat(), "amount": cap, "source": "uji"}
    )
    return part


def _jp(month: dt.date) -> int:
    quote = employer_contributions.quote_employer(WAGES, "menengah", "II", PROGRAMS, month)
    return quote.workers[0].employer["JP"]


def test_a_pulled_employer_part_changes_the_employer_quote_from_its_day_on(
    engine: Engine, rate_table: Callable[..., dict[str, Any]]
) -> None:
    before_march, in_march = _jp(TAKES_OVER - dt.timedelta(days=1)), _jp(TAKES_OVER)
    assert before_march == in_march  # the shipped table has no cap for 2027
    store = app_store.LocalStore(engine)
    table = {**rate_table(TAKES_OVER), "employer": _part(12_500_000)}
    store.apply_pulled([_pulled("2027.3", table, 1)], "c1")
    assert rates.install(SqlUnitOfWork(engine)) == ["2027.3"]
    assert _jp(TAKES_OVER) == 250_000  # 2% of the new cap, 12.5 million
    assert _jp(TAKES_OVER) > in_march
    assert _jp(TAKES_OVER - dt.timedelta(days=1)) == before_march
    # The BPU quote is the table's as before: its JKM from that day on.
    bpu = contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER)
    assert bpu.per_program["JKM"] == 8_000


@pytest.mark.expect_warning_log(r"^db: rate table 2027\.3 left out: ValueError: employer")
def test_a_table_with_a_broken_employer_part_is_left_out_whole(
    engine: Engine, rate_table: Callable[..., dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    store = app_store.LocalStore(engine)
    broken = _part(12_500_000)
    broken["wage_caps"]["JP"][-1]["amount"] = "banyak"
    table = {**rate_table(TAKES_OVER), "employer": broken}
    store.apply_pulled([_pulled("2027.3", table, 1)], "c1")
    with caplog.at_level(logging.WARNING, logger="db"):
        assert rates.install(SqlUnitOfWork(engine)) == []
    assert _jp(TAKES_OVER) == _jp(TAKES_OVER - dt.timedelta(days=1))
