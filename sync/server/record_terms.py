"""SQL on a record's JSON `fields` that the database computes into columns of `record`
(generated columns, migration 0011), so the console filters and counts through indexes
instead of parsing each record's JSON.

- `field_text(column, "status")`: the field as text (`fields ->> 'status'` on PostgreSQL,
  `json_extract(fields, '$.status')` on SQLite), the key written into the SQL.
- `utc_text(expression)`: an ISO 8601 stamp with its offset (a visit's `visited_at`) as the
  instant's UTC text `YYYY-MM-DD HH:MM:SS`, which sorts and compares as time does (SQLite's
  `datetime()`; on PostgreSQL the function `perisai_utc_text` of migration 0011, which gives
  NULL for text it cannot read rather than refusing the row). `utc_bound(moment)` writes a
  bound the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

KEY = re.compile(r"^[a-z_]{1,40}$")
#: migration 0011's PostgreSQL function behind `utc_text`.
PG_UTC_TEXT = "perisai_utc_text"


class FieldText(ColumnElement[str]):
    """`fields ->> 'key'` (PostgreSQL) / `json_extract(fields, '$.key')` (SQLite)."""

    type = sa.String()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("key", InternalTraversal.dp_string),
    ]

    def __init__(self, column: Any, key: str) -> None:
        if not KEY.match(key):
            raise ValueError(f"not a field name: {key!r}")
        self.column = column
        self.key = key


class UtcText(ColumnElement[str]):
    """A stamp with its offset as its instant's UTC text."""

    type = sa.String()
    inherit_cache = True
    _traverse_internals = [("stamp", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, stamp: ColumnElement[str]) -> None:
        self.stamp = stamp


def field_text(column: Any, key: str) -> ColumnElement[str]:
    return FieldText(column, key)


def utc_text(stamp: ColumnElement[str]) -> ColumnElement[str]:
    return UtcText(stamp)


def utc_bound(moment: dt.datetime) -> str:
    """`moment` (aware) as `utc_text` writes an instant."""
    if moment.tzinfo is None:
        raise ValueError("the moment needs its time zone")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@compiles(FieldText)
def _field_text_default(element: FieldText, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} ->> '{element.key}')"


@compiles(FieldText, "sqlite")
def _field_text_sqlite(element: FieldText, compiler: Any, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.column, **kw)}, '$.{element.key}')"


@compiles(UtcText)
def _utc_text_default(element: UtcText, compiler: Any, **kw: Any) -> str:
    return f"{PG_UTC_TEXT}({compiler.process(element.stamp, **kw)})"


@compiles(UtcText, "sqlite")
def _utc_text_sqlite(element: UtcText, compiler: Any, **kw: Any) -> str:
    return f"datetime({compiler.process(element.stamp, **kw)})"
