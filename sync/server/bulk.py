"""Bulk writes of a push batch, one statement per table, in each database's fastest form.

PostgreSQL: COPY for new rows (records, NIK guards, ledger results), as COPY text built here
in one block (its JSON written by orjson); `UPDATE ... FROM json_to_recordset(%s)` for changed
records: the rows travel as one JSON document (made by the C json encoder, parsed by
PostgreSQL in C), so 500 rows are one statement and one round trip. SQLite: the driver's
executemany (a C loop in the same process). Values are written in the storage form of
SQLAlchemy's column types, so Core reads them back unchanged (JSON as text, SQLite datetimes as
naive UTC text).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

_RECORD_COLUMNS = (
    "entity_id, entity, branch_code, owner_code, version, deleted, fields, field_versions, "
    "server_seq, created_at, updated_at"
)


def _pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# Encoders built once (json.dumps with arguments builds one at every call).
_COMPACT = json.JSONEncoder(separators=(",", ":"))
_ROWS = json.JSONEncoder(separators=(",", ":"), default=_iso)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value:
        return "{}" if isinstance(value, dict) else json.dumps(value)
    return _COMPACT.encode(value)


def _rows_json(rows: Any) -> str:
    return _ROWS.encode(list(rows))


def _record_row(r: Any) -> dict[str, Any]:
    return {
        "entity_id": r.entity_id,
        "entity": r.entity,
        "branch_code": r.branch_code,
        "owner_code": r.owner_code,
        "version": r.version,
        "deleted": r.deleted,
        "fields": r.fields,
        "field_versions": r.field_versions,
        "server_seq": r.server_seq,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


@functools.lru_cache(maxsize=64)
def _sqlite_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@functools.lru_cache(maxsize=64)
def _pg_time(value: dt.datetime) -> str:
    """A timestamp in COPY text (a batch's rows share one `now`: formatted once)."""
    return value.isoformat()


def select_by_keys(conn: Connection, table: str, key: str, keys: Sequence[str]) -> list[Any]:
    """The rows of `table` whose `key` is one of `keys` (PostgreSQL). The keys travel as one
    JSON array: one parameter instead of hundreds of placeholders for psycopg to parse, made
    by the C encoder (psycopg's list dumper took 1 ms for 500), and a set the planner sizes
    small, so it looks the keys up in the index (with a `varchar[]` parameter it estimated all
    500 found and scanned a 50,000-row table instead)."""
    if not keys:
        return []
    return list(
        conn.exec_driver_sql(
            f"SELECT * FROM {table} WHERE {key} = "
            "ANY(ARRAY(SELECT json_array_elements_text(%s::json)))",
            (_COMPACT.encode(list(keys)),),
        )
    )


_LEDGER_COLUMNS = (
    "op_id, entity_id, payload_hash, device_id, agent_code, status, entity_version, "
    "server_seq, error, current, created_at, clock_offset_seconds"
)


def _ledger_lines(
    results: Sequence[tuple[str, str, str, Any, float | None]],
    device_id: str,
    agent_code: str,
    created_at: dt.datetime,
) -> Iterator[str]:
    """The ledger rows as COPY text lines; the batch's own columns written once, not per row."""
    device, agent, created = _copy_text(device_id), _copy_text(agent_code), _pg_time(created_at)
    for op_id, entity_id, digest, o, offset in results:
        yield "\t".join(
            (
                _copy_text(op_id),
                _copy_text(entity_id),
                _copy_text(digest),
                device,
                agent,
                _copy_text(o.status),
                "\\N" if o.entity_version is None else str(int(o.entity_version)),
                "\\N" if o.server_seq is None else str(int(o.server_seq)),
                _copy_json(o.error),
                _copy_json(o.current),
                created,
                "\\N" if offset is None else repr(float(offset)),
            )
        )


def insert_ledger(
    conn: Connection,
    results: Sequence[tuple[str, str, str, Any, float | None]],
    device_id: str,
    agent_code: str,
    created_at: dt.datetime,
) -> None:
    """Inserts the ledger rows of the ops a batch decided (`results`: op_id, entity_id,
    payload hash and an Outcome). A plain INSERT (COPY on PostgreSQL): an op_id already in
    the ledger violates the unique key and raises IntegrityError, so the batch is retried,
    never applied twice."""
    if not results:
        return
    if _pg(conn):
        _copy(
            conn,
            f"COPY ledger ({_LEDGER_COLUMNS}) FROM STDIN",
            _ledger_lines(results, device_id, agent_code, created_at),
        )
        return
    created = _sqlite_time(created_at)
    conn.exec_driver_sql(
        f"INSERT INTO ledger ({_LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                op_id,
                entity_id,
                digest,
                device_id,
                agent_code,
                o.status,
                o.entity_version,
                o.server_seq,
                _json(o.error),
                _json(o.current),
                created,
                offset,
            )
            for op_id, entity_id, digest, o, offset in results
        ],
    )


def insert_records(conn: Connection, recs: Sequence[Any]) -> None:
    if not recs:
        return
    if _pg(conn):
        _copy_records(conn, recs)
        return
    conn.exec_driver_sql(
        f"INSERT INTO record ({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.entity_id,
                r.entity,
                r.branch_code,
                r.owner_code,
                r.version,
                int(r.deleted),
                _json(r.fields),
                _json(r.field_versions),
                r.server_seq,
                _sqlite_time(r.created_at),
                _sqlite_time(r.updated_at),
            )
            for r in recs
        ],
    )


def _copy_records(conn: Connection, recs: Sequence[Any]) -> None:
    """PostgreSQL's COPY, the fastest way in for new rows (a third less time than
    json_to_recordset for 500 enrollments)."""
    _copy(
        conn,
        f"COPY record ({_RECORD_COLUMNS}) FROM STDIN",
        (
            "\t".join(
                (
                    _copy_text(r.entity_id),
                    _copy_text(r.entity),
                    _copy_text(r.branch_code),
                    _copy_text(r.owner_code),
                    str(int(r.version)),
                    "t" if r.deleted else "f",
                    _copy_json(r.fields),
                    _copy_json(r.field_versions),
                    str(int(r.server_seq)),
                    _pg_time(r.created_at),
                    _pg_time(r.updated_at),
                )
            )
            for r in recs
        ),
    )


def _copy(conn: Connection, statement: str, lines: Iterable[str]) -> None:
    """Runs `COPY ... FROM STDIN` in the connection's open transaction with `lines` (rows in
    COPY's text format) sent as one block: psycopg's per-row `write_row` cost twice as much
    Python time."""
    import psycopg

    data = "".join(line + "\n" for line in lines)
    driver_connection = conn.connection.driver_connection
    assert driver_connection is not None
    try:
        with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(data)
    except psycopg.Error as error:
        # The same exception classes as every other statement (IntegrityError is retried).
        raise sa.exc.DBAPIError.instance(
            statement, None, error, psycopg.Error, dialect=conn.dialect
        ) from error


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str | None) -> str:
    """A value in COPY's text format: NULL is \\N; backslash, tab, newline, CR escaped."""
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_SPECIAL)
    return value


def _copy_json(value: Any) -> str:
    """JSON in COPY's text format: the encoder escapes every control character, so only its
    backslashes need doubling. Written by orjson (a tenth of the stdlib's time for a pushed
    enrollment's fields, issue 15): the same JSON values, not the same bytes (non-ASCII text
    raw, `1e-5` for `1e-05`), which a `json` column keeps and every reader parses; what orjson
    refuses (a whole number beyond 64 bits, a key not text, a lone surrogate) is written by the
    stdlib as before."""
    if value is None:
        return "\\N"
    try:
        text = orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        text = _COMPACT.encode(value)
    return text.replace("\\", "\\\\") if "\\" in text else text


def update_records(conn: Connection, recs: Sequence[Any]) -> None:
    if not recs:
        return
    if _pg(conn):
        conn.exec_driver_sql(
            "UPDATE record AS r SET version = u.version, deleted = u.deleted, "
            "fields = u.fields, field_versions = u.field_versions, server_seq = u.server_seq, "
            "updated_at = u.updated_at FROM json_to_recordset(%s::json) AS u(entity_id varchar, "
            "version int, deleted bool, fields json, field_versions json, server_seq bigint, "
            "updated_at timestamptz) WHERE r.entity_id = u.entity_id",
            (_rows_json(_record_row(r) for r in recs),),
        )
        return
    conn.exec_driver_sql(
        "UPDATE record SET version = ?, deleted = ?, fields = ?, field_versions = ?, "
        "server_seq = ?, updated_at = ? WHERE entity_id = ?",
        [
            (
                r.version,
                int(r.deleted),
                _json(r.fields),
                _json(r.field_versions),
                r.server_seq,
                _sqlite_time(r.updated_at),
                r.entity_id,
            )
            for r in recs
        ],
    )


def delete_niks(conn: Connection, niks: Sequence[str]) -> None:
    if not niks:
        return
    if _pg(conn):
        conn.exec_driver_sql(
            "DELETE FROM active_nik WHERE nik = "
            "ANY(ARRAY(SELECT json_array_elements_text(%s::json)))",
            (_COMPACT.encode(list(niks)),),
        )
        return
    conn.exec_driver_sql("DELETE FROM active_nik WHERE nik = ?", [(n,) for n in niks])


def insert_niks(conn: Connection, rows: Sequence[tuple[str, str, str, dt.date]]) -> None:
    """Inserts (nik, entity_id, branch_code, enrolled_on) rows; the primary key on `nik`
    is the guard (a duplicate raises IntegrityError and the batch is retried)."""
    if not rows:
        return
    if _pg(conn):
        _copy(
            conn,
            "COPY active_nik (nik, entity_id, branch_code, enrolled_on) FROM STDIN",
            (
                "\t".join((_copy_text(n), _copy_text(e), _copy_text(b), d.isoformat()))
                for n, e, b, d in rows
            ),
        )
        return
    conn.exec_driver_sql(
        "INSERT INTO active_nik (nik, entity_id, branch_code, enrolled_on) VALUES (?, ?, ?, ?)",
        [(r[0], r[1], r[2], r[3].isoformat()) for r in rows],
    )
