"""The enrollment search through its narrow index (laptop migration 0015, issue 15): the same
rows in the same order, page by page, and the same count as the rows' own query, read from
the index and not the rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from helpers import sql_plans
from sqlalchemy.dialects import sqlite

from agent_app.services import enrollments
from agent_app.services.actor import Actor
from agent_app.storage import rows, tables
from agent_app.storage.uow import SqlUnitOfWork


@pytest.fixture
def crowd(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Callable[..., dict[str, Any]]
) -> None:
    """24 enrollments whose words repeat (the same name thrice: the key breaks the tie), a
    third of them another agent's, two soft-deleted."""
    heads, tails = ("Siti Aminah", "Rina Marlina", "Aminah"), ("Zahra", "Siti", "")
    for n in range(24):
        name = f"{heads[n % 3]} {tails[n // 3 % 3]}".strip()
        enrollments.save_draft(uow, actor, enrollment_fields(n + 1, full_name=name))
    with uow:
        uow.session.execute(sa.text("UPDATE enrollments SET agent_code = 'AG002' WHERE pk % 3 = 0"))
        uow.session.execute(sa.text("UPDATE enrollments SET deleted = 1 WHERE pk IN (4, 11)"))
        uow.commit()


TEXTS = ["ami", "aminah", "siti am", "rina m", "siti a z", "0001", "si 000", "zzz"]


@pytest.mark.parametrize("agent", [None, "AG001"])
def test_narrow_search_keeps_rows_order_and_count(
    uow: SqlUnitOfWork, crowd: None, agent: str | None
) -> None:
    t = tables.Enrollment
    with uow:
        repo = uow.enrollments
        for text in TEXTS:
            flt = rows.EnrollmentFilter(text=text, agent_code=agent)
            assert repo._narrow(flt) is not None
            reference = sa.select(t.id).where(*repo._where(flt)).order_by(t.full_name, t.pk)
            expected = list(uow.session.scalars(reference))
            assert text == "zzz" or expected, text
            pages = [[r.id for r in repo.search(flt, offset, 5)] for offset in range(0, 30, 5)]
            assert [i for page in pages for i in page] == expected, text
            assert repo.count(flt) == len(expected), text
        # a filter the index does not hold keeps the rows' query
        assert repo._narrow(rows.EnrollmentFilter(text="siti", status="draft")) is None


def test_narrow_search_reads_the_index_not_the_rows(
    uow: SqlUnitOfWork, crowd: None, engine: Any
) -> None:
    with sql_plans.sent(engine, "enrollments_fts") as sent:
        enrollments.search(uow, text="aminah si", agent_code="AG001")
        enrollments.count(uow, text="aminah si", agent_code="AG001")
    with uow:
        conn = uow.session.connection()
        page, count = (sql_plans.plan(conn, statement, params) for statement, params in sent)
    assert "SEARCH enrollments USING COVERING INDEX ix_enrollments_live_search (pk=?)" in page
    assert "SEARCH enrollments USING INTEGER PRIMARY KEY (rowid=?)" in page
    assert count.startswith("SEARCH enrollments USING COVERING INDEX ix_enrollments_live_search")
    assert "INTEGER PRIMARY KEY" not in count


def test_short_words_of_an_agent_are_counted_in_the_name_index(uow: SqlUnitOfWork) -> None:
    t = tables.Enrollment
    with uow:
        flt = rows.EnrollmentFilter(text="si 3", agent_code="AG001")
        stmt = sa.select(sa.func.count()).select_from(t).where(*uow.enrollments._where(flt))
        sql = stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        found = uow.session.execute(sa.text("EXPLAIN QUERY PLAN " + str(sql)))
        plan = " | ".join(str(row[3]) for row in found)
    assert "USING COVERING INDEX ix_enrollments_live_name (full_name>? AND full_name<?)" in plan
