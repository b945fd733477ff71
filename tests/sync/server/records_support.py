"""What the tests of the events, targets, audit and exports API share: two branches and
their people, and the administration trail's rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from srv_support import Laptop, World

from sync.server import db


def two_branches(world: World) -> dict[str, Laptop]:
    """PLG (agents A1, A2, supervisor S1), LLG (agent B1, supervisor S2), admin N1 (in PLG)."""
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    codes = ("B1", "S2", "N1")
    return {"A1": a1, "A2": a2, "S1": s1, **{code: world.login(code) for code in codes}}


def trail(world: World, action: str, target: str | None = None) -> list[Any]:
    table = db.table(db.AdminAudit)
    query = sa.select(table).where(table.c.action == action)
    if target is not None:
        query = query.where(table.c.target == target)
    with world.engine.connect() as conn:
        return list(conn.execute(query.order_by(table.c.id)).all())


def today_wib() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


def days(first: int, last: int) -> tuple[str, str]:
    """Two days relative to today in WIB, as ISO texts."""
    today = today_wib()
    return (
        (today + dt.timedelta(days=first)).isoformat(),
        (today + dt.timedelta(days=last)).isoformat(),
    )
