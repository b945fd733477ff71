"""A contribution table published centrally is what the push check quotes with, as on the
laptops (`sync.server.rates`), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from srv_support import World, enrollment_fields, now_wib, op

from agent_app.domain import contributions
from sync.server import admin


def test_the_push_check_uses_the_published_table_from_its_day_on(
    world: World, rate_table: Callable[..., dict[str, Any]]
) -> None:
    a1, _, _ = world.standard()
    today = now_wib().date()
    old = contributions.quote(2_000_000, ["JKK", "JKM"], 1, today, "pedagang").monthly_total
    table = rate_table(today, version="uji-1")
    contributions.install_tables([(today, table)])  # what a laptop that pulled it quotes
    new = contributions.quote(2_000_000, ["JKK", "JKM"], 1, today, "pedagang").monthly_total
    contributions.install_tables([])
    assert new > old

    # Before the table is published, the server takes the old amount.
    fields = enrollment_fields(41, monthly_contribution=old)
    assert a1.push_one(op("enrollment", "create", str(uuid.uuid4()), fields))["status"] == (
        "applied"
    )
    admin.publish_rate_table(world.engine, "uji-1", today.isoformat(), json.dumps(table))
    # From then on the old amount is refused and the new one taken.
    stale = a1.push_one(
        op(
            "enrollment",
            "create",
            str(uuid.uuid4()),
            enrollment_fields(43, monthly_contribution=old),
        )
    )
    assert stale["status"] == "rejected"
    assert stale["error"]["field"] == "monthly_contribution"
    fresh = a1.push_one(
        op(
            "enrollment",
            "create",
            str(uuid.uuid4()),
            enrollment_fields(45, monthly_contribution=new),
        )
    )
    assert fresh["status"] == "applied"


def test_a_table_from_a_later_day_leaves_todays_quotes_alone(
    world: World, rate_table: Callable[..., dict[str, Any]]
) -> None:
    a1, _, _ = world.standard()
    today = now_wib().date()
    later = today + dt.timedelta(days=40)
    old = contributions.quote(2_000_000, ["JKK", "JKM"], 1, today, "pedagang").monthly_total
    table = json.dumps(rate_table(later, version="uji-later"))
    admin.publish_rate_table(world.engine, "uji-later", later.isoformat(), table)
    fields = enrollment_fields(47, monthly_contribution=old)
    assert a1.push_one(op("enrollment", "create", str(uuid.uuid4()), fields))["status"] == (
        "applied"
    )
