"""The enrollments needing the agent (sent back, refused or in conflict on sync) are found
through indexes, not by reading every enrollment: the Beranda asks at each log-in, on 100,000
enrollments (docs/benchmarks.md, issue 15)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from agent_app.storage.uow import SqlUnitOfWork


def _executed_plan(uow: SqlUnitOfWork) -> str:
    """The query plan of the statement `needing_attention` really sends, with its parameters."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM enrollments" in statement:
            sent.append((statement, params))

    engine = uow.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        uow.enrollments.needing_attention("AG001")
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    ((statement, params),) = sent
    rows = uow.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
    return " | ".join(str(row[3]) for row in rows)


def test_needing_attention_seeks_its_indexes(uow: SqlUnitOfWork) -> None:
    with uow:
        plan = _executed_plan(uow)
    assert "SCAN enrollments" not in plan, plan
    assert "USING INDEX ix_enrollments_attention (sync_state=?)" in plan, plan
    assert "USING INDEX ix_enrollments_status_full_name (status=?)" in plan, plan


def test_employer_registrations_needing_attention_seek_their_indexes(
    uow: SqlUnitOfWork, engine: Any
) -> None:
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM employer_registrations" in statement:
            sent.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        with uow:
            uow.employer_registrations.needing_attention("AG001")
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    ((statement, params),) = sent
    with uow:
        found = uow.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
        plan = " | ".join(str(row[3]) for row in found)
    assert "SCAN employer_registrations" not in plan, plan
    assert "USING INDEX ix_employer_registrations_attention (sync_state=?)" in plan, plan
