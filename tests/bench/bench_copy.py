"""Benchmark (issue 15): a push batch's new records into PostgreSQL by COPY, as
`sync/server/bulk.py` writes them (its COPY text built in one block, escaped by its own
`_copy_text`/`_copy_json`) against psycopg's own `Copy.write_row` per row. 500
enrollment-sized rows a round, the two ways alternated in each of 30 rounds (the order reversed
every other round), each in its own transaction on a TEMP table of the `record` table's
columns; medians of the wall clock and of this process's CPU time. It first checks that both
ways store the same rows (a tab and a backslash in the values).

    TEST_DATABASE_URL=postgresql+psycopg://perisai:perisai@127.0.0.1:5432/perisai_test \\
        .venv/bin/python tests/bench/bench_copy.py

Prints `copy way=... wall_ms=... cpu_ms=...` per way.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from sync.server import bulk

COLUMNS = bulk._RECORD_COLUMNS


def _records(n: int) -> list[Any]:
    now = dt.datetime.now(dt.UTC)
    fields = {
        "full_name": "Siti Aminah\tdengan tab",
        "address": "Jl. Demo No. 1 \\ Palembang",
        "programs": ["JKK", "JKM"],
        "declared_income": 2_500_000,
        "consent": {"text_version": "2026.1", "given_at": now.isoformat()},
    }
    return [
        SimpleNamespace(
            entity_id=str(uuid.uuid4()),
            entity="enrollment",
            branch_code="PLG",
            owner_code="AG001",
            version=1,
            deleted=False,
            fields={**fields, "nik": f"1671{i:012d}"},
            field_versions={},
            server_seq=i,
            created_at=now,
            updated_at=now,
        )
        for i in range(n)
    ]


def _values(r: Any) -> tuple[Any, ...]:
    return (
        r.entity_id,
        r.entity,
        r.branch_code,
        r.owner_code,
        r.version,
        r.deleted,
        bulk._json(r.fields),
        bulk._json(r.field_versions),
        r.server_seq,
        r.created_at,
        r.updated_at,
    )


def _ways(conn: psycopg.Connection[Any]) -> dict[str, Callable[[list[Any]], None]]:
    statement = f"COPY copy_bench ({COLUMNS}) FROM STDIN"

    def block(recs: list[Any]) -> None:  # bulk.py's way
        text = "".join(
            "\t".join(
                (
                    bulk._copy_text(r.entity_id),
                    bulk._copy_text(r.entity),
                    bulk._copy_text(r.branch_code),
                    bulk._copy_text(r.owner_code),
                    str(int(r.version)),
                    "t" if r.deleted else "f",
                    bulk._copy_json(r.fields),
                    bulk._copy_json(r.field_versions),
                    str(int(r.server_seq)),
                    bulk._pg_time(r.created_at),
                    bulk._pg_time(r.updated_at),
                )
            )
            + "\n"
            for r in recs
        )
        with conn.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(text)

    def rows(recs: list[Any]) -> None:  # psycopg's way
        with conn.cursor() as cursor, cursor.copy(statement) as copy:
            for r in recs:
                copy.write_row(_values(r))

    return {"bulk_block": block, "write_row": rows}


def main() -> None:
    url = os.environ.get("TEST_DATABASE_URL", "").replace("postgresql+psycopg://", "postgresql://")
    if not url:
        raise SystemExit("set TEST_DATABASE_URL to a PostgreSQL database")
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TEMP TABLE copy_bench (entity_id varchar(36), entity varchar(32), "
            "branch_code varchar(32), owner_code varchar(64), version int, deleted bool, "
            "fields json, field_versions json, server_seq bigint, created_at timestamptz, "
            "updated_at timestamptz)"
        )
        ways = _ways(conn)
        stored = {}
        sample = _records(3)
        for name, way in ways.items():
            with conn.transaction():
                way(sample)
                stored[name] = conn.execute(
                    "SELECT entity_id, fields::text, created_at FROM copy_bench ORDER BY 1"
                ).fetchall()
                conn.execute("TRUNCATE copy_bench")
        if len({str(rows) for rows in stored.values()}) != 1:
            raise SystemExit("the ways stored different rows")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        for round_ in range(30):
            order = list(ways) if round_ % 2 else list(reversed(ways))
            for name in order:
                recs = _records(500)
                with conn.transaction():
                    wall, cpu = time.perf_counter(), time.process_time()
                    ways[name](recs)
                    done = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
                    conn.execute("TRUNCATE copy_bench")
                times[name].append(done)
    for name, runs in times.items():
        wall_ms = statistics.median(w for w, _ in runs)
        cpu_ms = statistics.median(c for _, c in runs)
        print(f"copy way={name} rows=500 wall_ms={wall_ms:.2f} cpu_ms={cpu_ms:.2f}")


if __name__ == "__main__":
    main()
