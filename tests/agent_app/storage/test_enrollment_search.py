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


@pytest.mark.parametrize("limit", [1, 5, 500])
@pytest.mark.parametrize("agent", [None, "AG001"])
def test_first_page_is_the_search_and_count_together(
    uow: SqlUnitOfWork, crowd: None, agent: str | None, limit: int
) -> None:
    """The enrollments' list (`my_enrollments`, issue 15): `first_page` answers the first page
    of `search` and the `count`, whichever way it reads them (one statement for a text the
    trigram index serves; the page, then the count if the page is full, otherwise)."""
    texts = [*TEXTS, "si", "s", "r m", ""]
    filters = [rows.EnrollmentFilter(text=text, agent_code=agent) for text in texts]
    filters += [rows.EnrollmentFilter(text="aminah", status="draft", agent_code=agent)]
    with uow:
        repo = uow.enrollments
        for flt in filters:
            expected = ([r.id for r in repo.search(flt, 0, limit)], repo.count(flt))
            page, total = repo.first_page(flt, limit)
            assert ([r.id for r in page], total) == expected, (flt, limit)
            assert page == repo.search(flt, 0, limit)


def test_first_page_of_a_text_search_reads_the_matches_once(
    uow: SqlUnitOfWork, crowd: None, engine: Any
) -> None:
    with sql_plans.sent(engine, "enrollments_fts") as sent:
        page, total = enrollments.first_page(uow, text="aminah si", agent_code="AG001", limit=500)
    assert total == len(page) > 0
    assert len(sent) == 1  # one statement: the page and the count
    with uow:
        plan = sql_plans.plan(uow.session.connection(), *sent[0])
    assert plan.count("enrollments_fts") == 1  # the trigram index asked once
    assert plan.count("ix_enrollments_live_search") == 1  # each match looked up once
    assert "MATERIALIZE matches" in plan
    assert "SEARCH enrollments USING INTEGER PRIMARY KEY (rowid=?)" in plan  # the page's rows


def test_my_enrollments_reads_its_count_and_rows_in_one_statement(
    uow: SqlUnitOfWork, crowd: None, engine: Any, actor: Actor
) -> None:
    """The enrollments' list of the UI's port: an agent's search by text sends one statement
    (the count and the rows), with the same answer as `count` and `search`."""
    from agent_app.ui.backend import ServicesBackend

    backend = ServicesBackend(lambda: SqlUnitOfWork(engine), actor, lambda: "")
    with sql_plans.sent(engine, "enrollments_fts") as sent:
        total, found = backend.my_enrollments("aminah", 500)
    assert len(sent) == 1
    assert total == enrollments.count(uow, text="aminah", agent_code=actor.agent_code) > 0
    assert found == enrollments.search(uow, text="aminah", agent_code=actor.agent_code, limit=500)
