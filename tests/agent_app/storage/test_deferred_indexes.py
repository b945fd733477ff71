"""A first pull builds its search and secondary indexes once at its end (issue 15,
`agent_app.storage.deferred_indexes`): the store it leaves equals one filled row by row, a
pull killed before the rebuild heals on the next open or pull, and search finds every record
while the indexes are deferred."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.niks import nik_birth_date, synthetic_nik
from sqlalchemy import Engine

from agent_app.services import businesses, enrollments
from agent_app.storage import deferred_indexes
from agent_app.storage.engine import open_engine
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork
from sync import protocol
from sync.engine import SyncEngine

WHEN = "2026-12-01T09:00:00+07:00"
QUERIES = ("pempek", "Sari 1", "sar", "mbak", "Warung 7", "Pemilik")
NAME_QUERIES = ("Dewi", "3410180", "tari 2", "de")


def _business(i: int) -> dict[str, Any]:
    return {
        "name": f"{'Warung Pempek' if i % 3 else 'Toko Kelontong'} Bu Sari {i}",
        "owner_name": f"Pemilik {i}" if i % 2 else "Mbak Ayu",
        "phone": f"+62812{i:08d}",
        "sector": "kuliner",
        "size_class": "mikro",
        "workers_count": 1 + i % 7,
        "address": f"Jl. Sudirman No. {i}",
        "region_code": "16.71.03",
        "nib": None,
        "latitude": None,
        "longitude": None,
        "status": "prospect",
        "event_id": None,
        "registered_by": "AG001",
    }


def _enrollment(i: int) -> dict[str, Any]:
    nik = synthetic_nik(i, i % 2 == 1)
    return {
        "nik": nik,
        "full_name": f"Dewi Lestari {i}",
        "birth_place": "Palembang",
        "birth_date": nik_birth_date(nik),
        "gender": "F" if i % 2 else "M",
        "phone": None,
        "email": None,
        "address": "Jl. A",
        "region_code": "16.71.03",
        "occupation": "pedagang",
        "declared_income": 1_500_000,
        "programs": ["JKK", "JKM"],
        "period_months": 1,
        "paid_by_state": False,
        "monthly_contribution": 10_900,
        "consent": {"text_version": "2026.1", "given_at": WHEN},
        "business_id": None,
        "event_id": None,
        "status": "accepted",
        "review_reason": None,
        "membership_number": None,
        "agent_code": "AG001",
    }


def _pages(count: int = 4, per_page: int = 30) -> list[protocol.PullResponse]:
    """Pages of businesses, their visits and enrollments; the last page renames and deletes
    records of the first (a change the triggers would have had to follow)."""
    changes: list[dict[str, Any]] = []
    ids: list[str] = []
    for i in range((count - 1) * per_page // 3):
        ids.append(str(uuid.uuid4()))
        changes.append(_change("business", ids[-1], _business(i)))
        visit = {"business_id": ids[-1], "visited_at": WHEN, "channel": "door_to_door"}
        changes.append(_change("visit", str(uuid.uuid4()), {**visit, "outcome": "interested"}))
        changes.append(_change("enrollment", str(uuid.uuid4()), _enrollment(i)))
    renamed = {**_business(0), "name": "Rumah Makan Sederhana"}
    changes.append(_change("business", ids[0], renamed, version=2))
    changes.append({**_change("business", ids[1], {}, version=2), "deleted": True})
    for seq, change in enumerate(changes, start=1):
        change["server_seq"] = seq
    server_time = dt.datetime.fromisoformat(WHEN)
    return [
        protocol.PullResponse.model_validate(
            {
                "changes": changes[start : start + per_page],
                "next_cursor": f"page-{start // per_page + 1}",
                "has_more": start + per_page < len(changes),
                "server_time": server_time,
            }
        )
        for start in range(0, len(changes), per_page)
    ]


def _change(entity: str, entity_id: str, fields: dict[str, Any], version: int = 1) -> dict:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "version": version,
        "deleted": False,
        "fields": fields,
    }


class _Pages:
    """The sync client as the engine's pull sees it: the pages above, one a request."""

    def __init__(self, device_id: str, pages: list[protocol.PullResponse]) -> None:
        self.device_id, self.pages = device_id, pages
        self.cancel_event: threading.Event | None = None
        self.app_version = protocol.installed_app_version()

    def config(self) -> protocol.SyncConfig:
        return protocol.SyncConfig(
            protocol_version=protocol.PROTOCOL_VERSION,
            max_ops_per_batch=100,
            max_body_bytes=1_000_000,
            server_time=dt.datetime.now(dt.UTC),
        )

    def pull(self, cursor: str | None = None, limit: int = 500) -> protocol.PullResponse:
        return self.pages[0 if cursor is None else int(cursor.removeprefix("page-"))]


def _row_by_row(path: Path, key: bytes, pages: list[protocol.PullResponse]) -> Engine:
    """The same pages applied without the engine's hooks: the triggers work row by row."""
    engine = open_engine(path, key)
    store = LocalStore(engine, "AG001")
    for page in pages:
        store.apply_pulled(page.changes, page.next_cursor)
    return engine


def _schema(engine: Engine) -> set[tuple[Any, ...]]:
    with engine.connect() as conn:
        return set(conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def _fts_contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every term of both FTS tables with the row, column and offset it is found at."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for fts in deferred_indexes.FTS:
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{fts} "
                f"USING fts5vocab(main, {fts}, 'instance')"
            )
            found[fts] = list(
                conn.exec_driver_sql(f"SELECT * FROM temp.v_{fts} ORDER BY 1, 2, 3, 4")
            )
            conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")
    return found


def _searches(engine: Engine) -> list[list[str]]:
    uow = SqlUnitOfWork(engine)
    found = [[b.name for b in businesses.search(uow, q, limit=500)] for q in QUERIES]
    found += [[e.full_name for e in enrollments.search(uow, q, limit=500)] for q in NAME_QUERIES]
    return found


def _deferred(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM deferred_indexes").scalar_one())


@pytest.mark.parametrize("indexes", [(), ("ix_businesses_live_name", "ix_visits_visited_at")])
def test_a_first_pull_leaves_the_store_a_row_by_row_pull_would(
    tmp_path: Path,
    key: bytes,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    indexes: tuple[str, ...],
) -> None:
    """With the FTS triggers alone deferred (the default), or secondary indexes too."""
    monkeypatch.setattr(deferred_indexes, "INDEXES", indexes)
    pages = _pages()
    caplog.set_level("INFO", logger="db")
    engine = open_engine(tmp_path / "deferred.db", key)
    store = LocalStore(engine, "AG001")
    report = SyncEngine(_Pages(store.device_id, pages), store).run_cycle()  # type: ignore[arg-type]
    assert report.pages == len(pages)
    assert "indexes deferred" in caplog.text and "indexes built" in caplog.text
    plain = _row_by_row(tmp_path / "plain.db", key, pages)
    assert _deferred(engine) == 0
    assert _schema(engine) == _schema(plain)
    assert _fts_contents(engine) == _fts_contents(plain)
    assert _searches(engine) == _searches(plain)
    assert all(_searches(engine))  # each query finds something


def test_a_pull_killed_before_the_rebuild_heals_when_opened_again(
    tmp_path: Path, key: bytes
) -> None:
    pages = _pages()
    path = tmp_path / "killed.db"
    engine = open_engine(path, key)
    store = LocalStore(engine, "AG001")
    store.pull_started()  # as the engine starts a pull; then killed after two pages
    for page in pages[:2]:
        store.apply_pulled(page.changes, page.next_cursor)
    plain = _row_by_row(tmp_path / "plain.db", key, pages[:2])
    assert _deferred(engine) > 0
    # Search while deferred finds every record the pages brought (LIKE over the columns).
    assert _searches(engine) == _searches(plain)
    assert all(_searches(plain))
    engine.dispose()

    engine = open_engine(path, key)  # the next start of the app
    assert _deferred(engine) == 0
    assert _schema(engine) == _schema(plain)
    assert _fts_contents(engine) == _fts_contents(plain)


def test_the_next_pull_builds_what_a_killed_one_deferred_and_keeps_the_triggers(
    engine: Engine, tmp_path: Path, key: bytes
) -> None:
    pages = _pages()
    first = LocalStore(engine, "AG001")
    first.pull_started()
    first.apply_pulled(pages[0].changes, pages[0].next_cursor)  # killed here

    later = LocalStore(engine, "AG001")  # a pull with a cursor: no new deferral
    later.pull_started()
    assert _deferred(engine) == 0
    for page in pages[1:]:
        later.apply_pulled(page.changes, page.next_cursor)
    later.pull_ended()
    plain = _row_by_row(tmp_path / "plain.db", key, pages)
    assert _schema(engine) == _schema(plain)
    assert _fts_contents(engine) == _fts_contents(plain)


def test_a_rebuild_that_fails_half_way_leaves_the_deferral_whole(
    tmp_path: Path, key: bytes
) -> None:
    pages = _pages(count=2)
    path = tmp_path / "half.db"
    engine = open_engine(path, key)
    store = LocalStore(engine, "AG001")
    store.pull_started()
    store.apply_pulled(pages[0].changes, pages[0].next_cursor)
    deferred = _deferred(engine)
    with engine.begin() as conn:  # a statement that fails after the indexes were made
        conn.exec_driver_sql(
            "INSERT INTO deferred_indexes VALUES ('broken', 2, 'SELECT no_such_function()', '')"
        )
    with pytest.raises(sa.exc.OperationalError):
        store.pull_ended()
    assert _deferred(engine) == deferred + 1  # rolled back: nothing half built
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM deferred_indexes WHERE name = 'broken'")
    engine.dispose()

    engine = open_engine(path, key)
    plain = _row_by_row(tmp_path / "plain.db", key, pages[:1])
    assert _deferred(engine) == 0
    assert _schema(engine) == _schema(plain)
    assert _fts_contents(engine) == _fts_contents(plain)


def test_a_pull_from_no_cursor_into_a_filled_store_keeps_its_indexes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _pages(count=2)
    store = LocalStore(engine, "AG001")
    store.apply_pulled(pages[0].changes, pages[0].next_cursor)
    store.reset_cursor()  # e.g. after 410 cursor_expired: the tables hold 30 records
    monkeypatch.setattr(deferred_indexes, "NEARLY_EMPTY", 29)
    store.pull_started()
    assert _deferred(engine) == 0
    monkeypatch.setattr(deferred_indexes, "NEARLY_EMPTY", 30)
    store.pull_started()
    assert _deferred(engine) > 0
