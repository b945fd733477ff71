"""The enrollments needing the agent (sent back, refused or in conflict on sync) are found
through indexes, not by reading every enrollment: the Beranda asks at each log-in, on 100,000
enrollments (docs/benchmarks.md, issue 15)."""

from __future__ import annotations

from typing import Any

from helpers import sql_plans

from agent_app.storage.uow import SqlUnitOfWork


def _executed_plan(uow: SqlUnitOfWork) -> str:
    """The query plan of the statement `needing_attention` really sends, with its parameters."""
    with sql_plans.sent(uow.session.get_bind(), "FROM enrollments") as sent:
        uow.enrollments.needing_attention("AG001")
    ((statement, params),) = sent
    return sql_plans.plan(uow.session.connection(), statement, params)


def test_needing_attention_seeks_its_indexes(uow: SqlUnitOfWork) -> None:
    with uow:
        plan = _executed_plan(uow)
    assert "SCAN enrollments" not in plan, plan
    assert "USING INDEX ix_enrollments_attention (sync_state=?)" in plan, plan
    assert "USING INDEX ix_enrollments_status_full_name (status=?)" in plan, plan


def test_employer_registrations_needing_attention_seek_their_indexes(
    uow: SqlUnitOfWork, engine: Any
) -> None:
    with sql_plans.sent(engine, "FROM employer_registrations") as sent, uow:
        uow.employer_registrations.needing_attention("AG001")
    ((statement, params),) = sent
    with uow:
        plan = sql_plans.plan(uow.session.connection(), statement, params)
    assert "SCAN employer_registrations" not in plan, plan
    assert "USING INDEX ix_employer_registrations_attention (sync_state=?)" in plan, plan
