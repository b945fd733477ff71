"""Business and enrollment search in SQL: words of a name or owner in any case, filters, paging."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from helpers import sql_plans
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_app.services import businesses, enrollments, visits
from agent_app.services.actor import Actor
from agent_app.storage import rows, tables
from agent_app.storage.uow import SqlUnitOfWork

EVENT = str(uuid.uuid4())

NAMES = [
    ("Pempek Cek Molek", "Molek Sari", "kuliner"),
    ("Pempek Candy", "Candy Wijaya", "kuliner"),
    ("Songket Cek Ipah", "Ipah Rohani", "kerajinan"),
    ("Toko Kelontong Berkah", "Budi Santoso", "perdagangan"),
    ("Bengkel Motor Jaya", "Agus Pempekno", "jasa"),
    ("Kerupuk Kemplang Ikan", None, "kuliner"),
    ("Café Ñyonya", "Dewi", "kuliner"),
]


@pytest.fixture
def registered(uow: SqlUnitOfWork, actor: Actor) -> dict[str, str]:
    ids = {}
    for n, (name, owner, sector) in enumerate(NAMES):
        fields: dict[str, Any] = {"name": name, "owner_name": owner, "sector": sector}
        business = businesses.register_business(
            uow, actor, fields, event_id=EVENT if n % 2 == 0 else None
        )
        ids[name] = business.id
    return ids


def _names(rows: list[Any]) -> list[str]:
    return [r.name for r in rows]


def test_search_by_prefix_and_substring_in_any_case(
    uow: SqlUnitOfWork, registered: dict[str, str]
) -> None:
    assert _names(businesses.search(uow, text="pem")) == [
        "Bengkel Motor Jaya",  # owner Agus Pempekno
        "Pempek Candy",
        "Pempek Cek Molek",
    ]
    assert _names(businesses.search(uow, text="PEMPEK cek")) == ["Pempek Cek Molek"]
    assert _names(businesses.search(uow, text="ontong")) == ["Toko Kelontong Berkah"]
    assert _names(businesses.search(uow, text="budi")) == ["Toko Kelontong Berkah"]
    assert _names(businesses.search(uow, text="cek ipah")) == ["Songket Cek Ipah"]
    assert _names(businesses.search(uow, text="nyonya")) == ["Café Ñyonya"]  # diacritics
    assert businesses.search(uow, text="zzz") == []


def test_short_words_match_the_start_of_the_name(
    uow: SqlUnitOfWork, registered: dict[str, str]
) -> None:
    # One or two letters: names that start with them (the owner "Agus Pempekno" does not count).
    assert _names(businesses.search(uow, text="pe")) == ["Pempek Candy", "Pempek Cek Molek"]
    assert _names(businesses.search(uow, text="P")) == ["Pempek Candy", "Pempek Cek Molek"]
    assert _names(businesses.search(uow, text="ca")) == ["Café Ñyonya"]
    assert businesses.count(uow, text="ce") == 0
    # Beside a longer word, a short word matches anywhere in the rows found.
    assert _names(businesses.search(uow, text="Pempek ca")) == ["Pempek Candy"]
    assert _names(businesses.search(uow, text="ce pempek")) == ["Pempek Cek Molek"]
    assert businesses.count(uow, text="%") == 0
    assert businesses.count(uow, text='"') == 0
    assert businesses.count(uow, text='pem"pek') == 0


def test_filters_by_status_sector_and_event(
    uow: SqlUnitOfWork, actor: Actor, registered: dict[str, str]
) -> None:
    visits.record_visit(uow, actor, registered["Pempek Candy"], {"outcome": "enrolled"})
    assert _names(businesses.search(uow, status="enrolled")) == ["Pempek Candy"]
    assert businesses.count(uow, status="prospect") == len(NAMES) - 1
    assert businesses.count(uow, sector="kuliner") == 4
    assert _names(businesses.search(uow, text="pempek", sector="kuliner")) == [
        "Pempek Candy",
        "Pempek Cek Molek",
    ]
    assert businesses.count(uow, event_id=EVENT) == 4
    assert _names(businesses.search(uow, text="cek", event_id=EVENT)) == [
        "Pempek Cek Molek",
        "Songket Cek Ipah",
    ]


def test_follow_up_due_filter(uow: SqlUnitOfWork, actor: Actor, registered: dict[str, str]) -> None:
    day = dt.date(2026, 11, 21)
    visits.record_visit(
        uow,
        actor,
        registered["Songket Cek Ipah"],
        {"outcome": "follow_up", "next_follow_up": day - dt.timedelta(days=2)},
    )
    visits.record_visit(
        uow,
        actor,
        registered["Pempek Candy"],
        {"outcome": "follow_up", "next_follow_up": day},
    )
    visits.record_visit(
        uow,
        actor,
        registered["Toko Kelontong Berkah"],
        {"outcome": "follow_up", "next_follow_up": day + dt.timedelta(days=1)},
    )
    assert _names(businesses.search(uow, follow_up_due_on=day)) == [
        "Songket Cek Ipah",
        "Pempek Candy",
    ]
    assert businesses.count(uow, follow_up_due_on=day) == 2
    assert businesses.count(uow, text="songket", follow_up_due_on=day) == 1


def test_paging_and_count_agree(uow: SqlUnitOfWork, actor: Actor) -> None:
    for n in range(25):
        businesses.register_business(uow, actor, {"name": f"Warung Makan {n:02d}"})
    businesses.register_business(uow, actor, {"name": "Apotek"})
    pages = [businesses.search(uow, text="warung", offset=o, limit=10) for o in (0, 10, 20)]
    assert [len(p) for p in pages] == [10, 10, 5]
    names = [r.name for p in pages for r in p]
    assert names == sorted(names) and len(set(names)) == 25
    assert businesses.count(uow, text="warung") == 25
    assert businesses.count(uow) == 26
    assert businesses.search(uow, text="warung", offset=30) == []


def test_renamed_businesses_are_found_by_the_new_name(
    uow: SqlUnitOfWork, actor: Actor, registered: dict[str, str]
) -> None:
    businesses.update_business(uow, actor, registered["Pempek Candy"], {"name": "Tekwan Candy"})
    assert _names(businesses.search(uow, text="tekwan")) == ["Tekwan Candy"]
    assert "Tekwan Candy" not in _names(businesses.search(uow, text="pempek"))


def test_enrollment_search_by_name_and_nik(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Callable[..., dict[str, Any]]
) -> None:
    for serial, name in enumerate(["Siti Aminah", "Rina Marlina", "Aminah Zahra"], start=1):
        draft = enrollments.save_draft(uow, actor, enrollment_fields(serial, full_name=name))
        if serial < 3:
            enrollments.submit(uow, actor, draft.id)
    assert [r.full_name for r in enrollments.search(uow, text="aminah")] == [
        "Aminah Zahra",
        "Siti Aminah",
    ]
    assert [r.full_name for r in enrollments.search(uow, text="0002")] == ["Rina Marlina"]
    assert enrollments.count(uow, text="aminah", status="submitted") == 1
    assert enrollments.count(uow, status="draft") == 1
    assert enrollments.count(uow) == 3


def _plan(uow: SqlUnitOfWork, stmt: Any) -> str:
    from sqlalchemy.dialects import sqlite

    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with uow:
        return " | ".join(r[3] for r in uow.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))


def test_list_queries_use_the_partial_indexes(uow: SqlUnitOfWork) -> None:
    t = tables.Business
    with uow:
        repo = uow.businesses
        due = rows.BusinessFilter(follow_up_due_on=dt.date(2026, 11, 21))
        due_count = sa.select(sa.func.count()).select_from(t).where(*repo._where(due))
        plain = sa.select(t.pk).where(*repo._where(rows.BusinessFilter())).order_by(t.name, t.pk)
        short = sa.select(t.pk).where(*repo._where(rows.BusinessFilter(text="pe")))
    assert "ix_businesses_follow_up" in _plan(uow, due_count)
    assert "ix_businesses_live_name" in _plan(uow, plain)
    assert "TEMP B-TREE" not in _plan(uow, plain)
    assert "ix_businesses_live_name" in _plan(uow, short)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=30))
def test_any_typed_text_is_a_safe_search(
    uow: SqlUnitOfWork, registered: dict[str, str], text: str
) -> None:
    # FTS5 syntax (quotes, AND, NEAR, *, ^, parentheses), LIKE wildcards, odd Unicode.
    found = businesses.search(uow, text=text, limit=10)
    assert businesses.count(uow, text=text) >= len(found)
    assert all(r.id in registered.values() for r in found)


@pytest.mark.parametrize(
    "text", ['"', '""', "NOT", "pem NOT", "NEAR(pem cek)", "pem*", "^pem", "(pem", "a:b", "%_%"]
)
def test_fts_syntax_is_taken_literally(
    uow: SqlUnitOfWork, registered: dict[str, str], text: str
) -> None:
    assert businesses.count(uow, text=text) == 0


@pytest.fixture
def crowd(uow: SqlUnitOfWork, actor: Actor) -> None:
    """32 businesses whose words repeat (the same name twice: the key breaks the tie), two
    soft-deleted."""
    heads, tails = ("Pempek", "Warung Kopi", "Songket", "kopi yuk"), ("Cek", "Siti", "Ami", "")
    owners = ("Siti Aminah", "Candy", "Ami Cekno", None)
    for n in range(32):
        name = f"{heads[n % 4]} {tails[n // 4 % 4]} {n % 3}".strip()
        fields = {"name": name, "owner_name": owners[n // 8 % 4]}
        businesses.register_business(uow, actor, fields)
    with uow:
        uow.session.execute(sa.text("UPDATE businesses SET deleted = 1 WHERE pk IN (3, 10)"))
        uow.commit()


def test_text_search_through_the_narrow_index_keeps_rows_order_and_count(
    uow: SqlUnitOfWork, crowd: None
) -> None:
    """A text search looks its matches up in `ix_businesses_live_search` (issue 15): the same
    rows in the same order, page by page, and the same count, as the rows' own query."""
    t = tables.Business
    texts = ["pem", "pempek", "kopi", "kopi yuk s", "siti am", "songket c", "cek", "ami a", "zzz"]
    with uow:
        repo = uow.businesses
        for text in texts:
            flt = rows.BusinessFilter(text=text)
            assert repo._narrow(flt) is not None
            reference = sa.select(t.id).where(*repo._where(flt)).order_by(t.name, t.pk)
            expected = list(uow.session.scalars(reference))
            assert text == "zzz" or expected, text
            pages = [[r.id for r in repo.search(flt, offset, 7)] for offset in range(0, 35, 7)]
            assert [i for page in pages for i in page] == expected, text
            assert repo.count(flt) == len(expected), text


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_first_page_is_the_search_and_count_together(
    uow: SqlUnitOfWork, crowd: None, limit: int
) -> None:
    """The list's keystroke (issue 15): `first_page` answers the first page of `search` and
    the `count`, whichever way it reads them (one statement for a text the trigram index
    serves; the page, then the count if the page is full, otherwise)."""
    texts = ["pem", "kopi yuk s", "siti am", "songket c", "cek", "zzz", "pe", "s", "k o", ""]
    filters = [rows.BusinessFilter(text=text) for text in texts]
    filters += [rows.BusinessFilter(text="kopi", status="prospect")]
    with uow:
        repo = uow.businesses
        for flt in filters:
            expected = ([r.id for r in repo.search(flt, 0, limit)], repo.count(flt))
            page, total = repo.first_page(flt, limit)
            assert ([r.id for r in page], total) == expected, (flt, limit)
            assert page == repo.search(flt, 0, limit)


def test_first_page_of_a_text_search_reads_the_matches_once(
    uow: SqlUnitOfWork, engine: Any
) -> None:
    with sql_plans.sent(engine, "businesses_fts") as sent:
        businesses.first_page(uow, text="pempek ce", limit=50)
    assert len(sent) == 1  # one statement: the page and the count
    plan = _executed_plan(uow, *sent[0])
    assert plan.count("businesses_fts") == 1  # the trigram index asked once
    assert plan.count("ix_businesses_live_search") == 1  # each match looked up once
    assert "MATERIALIZE matches" in plan
    assert "SEARCH businesses USING INTEGER PRIMARY KEY (rowid=?)" in plan  # the page's rows


def test_text_search_reads_the_narrow_index_not_the_rows(uow: SqlUnitOfWork, engine: Any) -> None:
    with sql_plans.sent(engine, "businesses_fts") as sent:
        businesses.search(uow, text="pempek ce")
        businesses.count(uow, text="pempek ce")
    page, count = (_executed_plan(uow, statement, params) for statement, params in sent)
    # the page: its keys from the covering index, sorted there; then one row per key
    assert "SEARCH businesses USING COVERING INDEX ix_businesses_live_search (pk=?)" in page
    assert "SEARCH businesses USING INTEGER PRIMARY KEY (rowid=?)" in page
    assert count.startswith("SEARCH businesses USING COVERING INDEX ix_businesses_live_search")
    assert "INTEGER PRIMARY KEY" not in count


def _executed_plan(uow: SqlUnitOfWork, statement: str, params: Any) -> str:
    with uow:
        return sql_plans.plan(uow.session.connection(), statement, params)


def test_warming_the_search_reads_the_narrow_index_whole(
    uow: SqlUnitOfWork, crowd: None, engine: Any
) -> None:
    """After the log-in's first paint the app reads the search's narrow index once, so the
    first word typed finds its pages in the cache: all of it (a scan of the covering index,
    no table row), the live businesses only."""
    from agent_app.storage.repositories.businesses import SEARCH_INDEX

    with sql_plans.sent(engine, SEARCH_INDEX) as sent, uow:
        assert uow.businesses.warm_search() == 30  # 32 registered, 2 deleted
    ((statement, params),) = sent
    plan = _executed_plan(uow, statement, params)
    assert plan == f"SCAN businesses USING COVERING INDEX {SEARCH_INDEX}"


@pytest.mark.parametrize("typed", ["p", "pem", "siti a", "kopi yuk s"])
def test_warming_the_search_prepares_each_form_of_a_typed_search(
    uow: SqlUnitOfWork, crowd: None, engine: Any, typed: str
) -> None:
    """The warm-up also asks a first page of each form a typed text takes (a short word, a
    long one, both), matching nothing: the statement the first keystroke of that form sends
    was sent before, word for word (SQLAlchemy's compiled cache and SQLite's prepared
    statements serve it), and the warm-up finds nothing."""
    with sql_plans.sent(engine, "businesses") as warming:
        businesses.warm_search(uow)
    with sql_plans.sent(engine, "businesses") as typing:
        _page, total = businesses.first_page(uow, text=typed, limit=50)
    assert total > 0
    warmed = {statement for statement, _ in warming}
    assert typing and all(statement in warmed for statement, _ in typing)
    assert all(
        businesses.first_page(uow, text=t, limit=50) == ([], 0) for t in businesses.WARM_TEXTS
    )
