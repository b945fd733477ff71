"""The business list's keystroke for a text the trigram index serves (issue 15, "the search
keystroke, sixth pass"; laptop migration 0017): one statement compiled once per form, the
trigram matches read once and joined to the narrow index; for long words only, the count from
the matches less the soft-deleted rows the trigram index still holds. The same rows, order and
count as the rows' own query, whatever is deleted."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from helpers import sql_plans

from agent_app.services import businesses
from agent_app.services.actor import Actor
from agent_app.storage import engine as storage_engine
from agent_app.storage import rows, tables
from agent_app.storage.engine import open_engine
from agent_app.storage.repositories import businesses as business_repository
from agent_app.storage.uow import SqlUnitOfWork

HEADS = ("Pempek", "Warung Kopi", "Songket", "kopi yuk", "Café Ñyonya")
TAILS = ("Cek", "Siti", "Ami", "", "Pempekan")
OWNERS = ("Siti Aminah", "Candy", "Ami Cekno", None, "Ñoman Pem")
#: Texts of long words only, of long and short words (LIKE's wildcards taken literally), and
#: of short words only (the prefix statement, unchanged), which must all agree.
LONG = [
    "pem",
    "pempek",
    "kopi",
    "kopi yuk",
    "siti",
    "siti ami",
    "cek",
    "ami cek",
    "songket siti",
    "café",
    "cafe",
    "ñyo",
    "nyonya",
    "kopi warung cek",
    "zzz",
    "pem zzz",
    '"pem"',
    "pem*",
]
MIXED = ["siti am", "kopi yuk s", "pem a", "café ny", "ami c"]
MIXED += ["café ñ", "pem a b", "kopi %", "siti _", "zzz a"]  # (none found)
OTHERS = ["pe", "s", "k o", "%", ""]


@pytest.fixture
def crowd(uow: SqlUnitOfWork, actor: Actor) -> list[int]:
    """50 businesses whose words repeat in names and owners (the same name more than once:
    the key breaks the tie); their keys."""
    for n in range(50):
        name = f"{HEADS[n % 5]} {TAILS[n // 5 % 5]}".strip()
        businesses.register_business(uow, actor, {"name": name, "owner_name": OWNERS[n // 10]})
    with uow:
        return list(uow.session.scalars(sa.select(tables.Business.pk).order_by("pk")))


def _deleted(uow: SqlUnitOfWork, keys: list[int], value: Any = 1) -> None:
    with uow:
        uow.session.execute(
            sa.update(tables.Business).where(tables.Business.pk.in_(keys)).values(deleted=value)
        )
        uow.commit()


def _reference(uow: SqlUnitOfWork, text: str) -> list[str]:
    """The ids the rows' own query finds (no trigram index, no narrow index), in the list's
    order."""
    t = tables.Business
    repo = uow.businesses
    stmt = sa.select(t.id).where(*repo._where(rows.BusinessFilter(text=text)))
    return list(uow.session.scalars(stmt.order_by(t.name, t.pk)))


def _agrees(uow: SqlUnitOfWork) -> None:
    with uow:
        for text, limit in itertools.product(LONG + MIXED + OTHERS, (1, 7, 50)):
            expected = _reference(uow, text)
            page, total = uow.businesses.first_page(rows.BusinessFilter(text=text), limit)
            assert ([r.id for r in page], total) == (expected[:limit], len(expected)), (
                text,
                limit,
            )
            assert page == uow.businesses.search(rows.BusinessFilter(text=text), 0, limit)


def test_long_words_keep_rows_order_and_count(uow: SqlUnitOfWork, crowd: list[int]) -> None:
    with uow:
        assert [t for t in LONG[:14] + MIXED[:5] if not _reference(uow, t)] == []
    _agrees(uow)


def test_soft_deleted_matches_are_not_counted(uow: SqlUnitOfWork, crowd: list[int]) -> None:
    """The trigram index keeps a soft-deleted row: the count subtracts it."""
    _deleted(uow, crowd[::3])
    with uow:
        assert len(_reference(uow, "pem")) < 20  # some of the 20 "pem" rows are gone
    _agrees(uow)


def test_deleted_then_restored_and_renamed_rows(uow: SqlUnitOfWork, crowd: list[int]) -> None:
    _deleted(uow, crowd[:30])
    _deleted(uow, crowd[:10], 0)  # live again
    with uow:
        uow.session.execute(
            sa.update(tables.Business)
            .where(tables.Business.pk.in_(crowd[5:15]))
            .values(name="Warung Pempek Baru")
        )
        uow.session.execute(sa.delete(tables.Business).where(tables.Business.pk == crowd[-1]))
        uow.commit()
    _agrees(uow)


def test_every_row_deleted(uow: SqlUnitOfWork, crowd: list[int]) -> None:
    _deleted(uow, crowd)
    with uow:
        assert uow.businesses.first_page(rows.BusinessFilter(text="pem"), 50) == ([], 0)


def test_long_words_read_the_trigram_index_not_the_rows(
    uow: SqlUnitOfWork, crowd: list[int], engine: Any
) -> None:
    """One statement: the trigram matches read once (materialized), joined to the narrow index
    (each looked up once) and counted, a scan of the soft-deleted keys, then the page's rows
    by key."""
    with sql_plans.sent(engine, "businesses_fts") as sent:
        businesses.first_page(uow, text="pempek cek", limit=50)
    assert len(sent) == 1
    with uow:
        plan = sql_plans.plan(uow.session.connection(), *sent[0])
    assert plan.count("businesses_fts") == 1  # the trigram index asked once
    assert "MATERIALIZE matches" in plan
    assert plan.count("SEARCH n USING COVERING INDEX ix_businesses_live_search (pk=?)") == 1
    assert plan.count("ix_businesses_live_search") == 1
    assert "SCAN businesses USING INDEX ix_businesses_not_live" in plan
    assert "SEARCH businesses USING INTEGER PRIMARY KEY (rowid=?)" in plan


def test_the_not_live_index_holds_only_the_deleted(
    uow: SqlUnitOfWork, crowd: list[int], engine: Any
) -> None:
    _deleted(uow, crowd[:6])
    _deleted(uow, crowd[2:3], 0)
    with engine.connect() as conn:
        keys = conn.exec_driver_sql(
            "SELECT pk FROM businesses INDEXED BY ix_businesses_not_live"
            " WHERE deleted IS NOT 0 ORDER BY pk"
        ).scalars()
        assert list(keys) == crowd[:2] + crowd[3:6]


def test_migration_0017_down_and_up(tmp_path: Path, key: bytes, actor: Actor) -> None:
    from alembic import command

    engine = open_engine(tmp_path / "down.db", key)
    uow = SqlUnitOfWork(engine)
    for name in ("Pempek Cek", "Pempek Siti", "Kopi Cek"):
        businesses.register_business(uow, actor, {"name": name})
    _deleted(uow, [1])
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.downgrade(storage_engine.alembic_config(conn), "0016")
        conn.exec_driver_sql("COMMIT")
        names = {ix["name"] for ix in sa.inspect(conn).get_indexes("businesses")}
    engine.dispose()
    assert business_repository.NOT_LIVE_INDEX not in names
    assert "ix_businesses_live_search" in names
    engine = open_engine(tmp_path / "down.db", key)  # migrated up again
    try:
        with engine.connect() as conn:
            names = {ix["name"] for ix in sa.inspect(conn).get_indexes("businesses")}
        assert business_repository.NOT_LIVE_INDEX in names
        page, total = businesses.first_page(SqlUnitOfWork(engine), text="pempek", limit=50)
        assert ([r.name for r in page], total) == (["Pempek Siti"], 1)
    finally:
        engine.dispose()


def test_long_and_short_words_read_the_matches_once(
    uow: SqlUnitOfWork, crowd: list[int], engine: Any
) -> None:
    """A short word beside a long one: the matches joined to the narrow index (each looked
    up there once, its name and owner tested), materialized with their names, counted and
    sorted; the same statement for any text of that form."""
    with sql_plans.sent(engine, "businesses_fts") as sent:
        businesses.first_page(uow, text="pempek ce", limit=50)
        businesses.first_page(uow, text="kopi y", limit=50)
    assert len(sent) == 2
    assert sent[0][0] == sent[1][0]
    with uow:
        plan = sql_plans.plan(uow.session.connection(), *sent[0])
    assert plan.count("businesses_fts") == 1
    assert "MATERIALIZE matches" in plan
    assert plan.count("SEARCH n USING COVERING INDEX ix_businesses_live_search (pk=?)") == 1
    assert "LIST SUBQUERY" not in plan.split("MATERIALIZE matches")[1].split("SCAN matches")[0]
    assert "SEARCH businesses USING INTEGER PRIMARY KEY (rowid=?)" in plan
