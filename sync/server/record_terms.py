"""SQL terms on a record's JSON `fields` that an index can serve.

`field_text(column, "status")` is the field as text with the key written into the SQL (never a
bound parameter): SQLite uses a partial index only when the query's term is word for word the
index's, and PostgreSQL plans a generic statement the same way.
`instant_within(field_text(...), low, high)` reads an ISO 8601 stamp with its offset as an
instant (visits' `visited_at`) and keeps those in a span of instants (SQLite compares
`datetime()`'s UTC text, `utc_text`).
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
WORD = re.compile(r"^[a-z_]{1,40}$")


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


class InstantWithin(ColumnElement[bool]):
    """A text stamp with its offset, read as an instant, is in [low, high) (both aware)."""

    type = sa.Boolean()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("text", InternalTraversal.dp_clauseelement),
        ("low", InternalTraversal.dp_plain_obj),
        ("high", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, text: ColumnElement[str], low: dt.datetime, high: dt.datetime) -> None:
        self.text = text
        self.low = low
        self.high = high


def field_text(column: Any, key: str) -> ColumnElement[str]:
    return FieldText(column, key)


def instant_within(
    text: ColumnElement[str], low: dt.datetime, high: dt.datetime
) -> ColumnElement[bool]:
    """`text` (an ISO 8601 stamp with its offset) falls in [low, high), compared as instants."""
    if low.tzinfo is None or high.tzinfo is None:
        raise ValueError("the bounds need their time zone")
    return InstantWithin(text, low, high)


def word(value: str) -> ColumnElement[str]:
    """A fixed key (`'submitted'`) written into the SQL, for a partial index's term."""
    if not WORD.match(value):
        raise ValueError(f"not a key: {value!r}")
    return sa.literal_column(f"'{value}'", sa.String())


def utc_text(moment: dt.datetime) -> str:
    """`moment` as SQLite's `datetime()` writes an instant (UTC, to the second)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@compiles(FieldText)
def _field_text_default(element: FieldText, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} ->> '{element.key}')"


@compiles(FieldText, "sqlite")
def _field_text_sqlite(element: FieldText, compiler: Any, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.column, **kw)}, '$.{element.key}')"


@compiles(InstantWithin)
def _within_default(element: InstantWithin, compiler: Any, **kw: Any) -> str:
    moment = f"CAST({compiler.process(element.text, **kw)} AS TIMESTAMP WITH TIME ZONE)"
    low, high = (f"'{utc_text(at)}+00'" for at in (element.low, element.high))
    return f"({moment} >= {low} AND {moment} < {high})"


@compiles(InstantWithin, "sqlite")
def _within_sqlite(element: InstantWithin, compiler: Any, **kw: Any) -> str:
    moment = f"datetime({compiler.process(element.text, **kw)})"
    low, high = (f"'{utc_text(at)}'" for at in (element.low, element.high))
    return f"({moment} >= {low} AND {moment} < {high})"
