"""The statements a piece of code really sends to SQLite, and their query plans: the plan
tests check what the database is asked, with its parameters, not a statement rebuilt by hand."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa


@contextlib.contextmanager
def sent(engine: Any, naming: str) -> Iterator[list[tuple[str, Any]]]:
    """Collects (statement, parameters) of each statement `engine` sends whose text contains
    `naming`, while the block runs."""
    found: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if naming in statement:
            found.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)


def plan(conn: Any, statement: str, params: Any) -> str:
    """SQLite's query plan of `statement` with `params`, its steps joined by " | "."""
    steps = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
    return " | ".join(str(step[3]) for step in steps)
