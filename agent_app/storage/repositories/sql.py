"""What the repositories share: timestamps, the SQL terms of the partial indexes and of
search, and the ORM row to record mappings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import orm

from agent_app.domain import clock, keys, records
from agent_app.storage import deferred_indexes, rows, tables
from sync import audit_chain

T = TypeVar("T")

ACTIVE_ENROLLMENT = (
    keys.EnrollmentStatus.SUBMITTED.value,
    keys.EnrollmentStatus.ACCEPTED.value,
    keys.EnrollmentStatus.NEEDS_CORRECTION.value,
)
UNSETTLED_OP = ("pending", "sent")
#: The partial indexes' WHERE terms, word for word (tables.LIVE_SQL, OPEN_BUSINESS_SQL,
#: ATTENTION_SQL).
# (a TextClause: a Boolean literal_column would get "= 1" appended, which the index lacks)
OPEN_BUSINESS = cast("sa.ColumnElement[bool]", sa.text(tables.OPEN_BUSINESS_SQL))
ATTENTION = cast("sa.ColumnElement[bool]", sa.text(tables.ATTENTION_SQL))


def live(table: Any) -> sa.ColumnElement[bool]:
    """`deleted = 0`, as the partial indexes say it."""
    live: sa.ColumnElement[bool] = table.deleted == sa.false()
    return live


def now() -> str:
    """The current local time, ISO 8601 with offset, to the second."""
    return stamp(dt.datetime.now())


def stamp(moment: dt.datetime) -> str:
    """A moment in the storage's timestamp form (local time with offset, to the second)."""
    return moment.astimezone().isoformat(timespec="seconds")


def _utc_text(moment: dt.datetime) -> str:
    """`moment` in the form SQLite's datetime() gives (UTC, to the second)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def before(column: Any, moment: dt.datetime) -> sa.ColumnElement[bool]:
    """`column` (a stored timestamp with its offset) is an instant before `moment`: compared
    as instants, not as text, since rows carry different offsets (the machine's, the
    server's UTC)."""
    return sa.func.datetime(column) < _utc_text(moment)


def on_days(
    column: Any, start: dt.date, end: dt.date, zone: str = clock.DEFAULT_ZONE
) -> sa.ColumnElement[bool]:
    """`column` (a stored timestamp, ISO 8601 with its offset) falls on a day from `start` to
    `end` (inclusive) in `zone`, the branch's: compared as instants, so a stamp written with
    another offset (another machine zone, the server's UTC) still lands on the branch's day."""
    low, high = (_utc_text(moment) for moment in clock.day_bounds(start, end, zone))
    instant = sa.func.datetime(column)
    return sa.and_(*_days_as_text(column, start, end), instant >= low, instant < high)


#: How far a stamp's written date can be from the day it falls on in the branch's zone: the
#: branch's offset is +7 to +9 hours (clock.ZONES), a stamp's within +-14.
_DAYS_APART = dt.timedelta(days=2)


def _days_as_text(column: Any, start: dt.date, end: dt.date) -> list[sa.ColumnElement[bool]]:
    """A coarse range on the stamp's text that the column's index can seek (datetime() of it
    cannot): every stamp falling on `start`..`end` in any zone begins with a date within two
    days of them, and a stamp's text sorts after the bare date it begins with. Issue 15: the
    Beranda's counts of today's enrollments and businesses read two rows, not 100,000."""
    low = start - _DAYS_APART
    high = end + _DAYS_APART + dt.timedelta(days=1) if end < dt.date(9999, 12, 28) else None
    terms = [column >= low.isoformat()]
    if high is not None:
        terms.append(column < high.isoformat())
    return terms


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """`items` in slices of `size`: SQLite allows only so many bound values per statement."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def any_of(
    column: sa.ColumnElement[Any] | orm.QueryableAttribute[Any], values: Iterable[str | int]
) -> sa.ColumnElement[bool]:
    """`column IN values` with the values bound as one JSON array, read by SQLite's
    `json_each`: the same index lookups as an IN list, but one parameter instead of one per
    value, so no chunks, and the statement is not rendered again for each list (SQLAlchemy
    expands an IN list's parameters at every execution: most of a 500-id look-up's cost)."""
    listed = sa.bindparam(None, json.dumps(list(values)), type_=sa.String)
    return column.in_(sa.select(sa.func.json_each(listed).table_valued("value").c.value))


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: The shortest word the trigram index can look up.
TRIGRAM = 3


def search_words(text: str) -> list[str]:
    """The words of a search text. Control characters (a NUL above all) cannot be typed and
    break FTS5 queries: they separate words."""
    return "".join(ch if ch.isprintable() else " " for ch in text).split()


def uses_trigrams(text: str) -> bool:
    """Whether `text_filter` looks `text` up in the trigram index (a word of three or more)."""
    return any(len(w) >= TRIGRAM for w in search_words(text))


def text_filter(
    text: str, fts_table: str, pk: Any, columns: Sequence[Any], *, indexed: bool = True
) -> list[sa.ColumnElement[bool]]:
    """Conditions for a search text (every word must match).

    A word of three or more characters is looked up in the trigram FTS5 index: it matches
    anywhere in any of `columns`. A trigram index cannot look up fewer than three characters,
    so a query made only of shorter words matches the start of the first column (the name, by
    its index; "pe" finds "Pempek ..."), and short words beside a long one match anywhere in
    the rows the long word found.

    `indexed` False (`fts_ready`: a first pull has not built the index yet): every word is
    matched with LIKE anywhere in any of `columns` instead (slower; diacritics not folded),
    so no record is missed.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    words = search_words(text)
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short_words = [w for w in words if len(w) < TRIGRAM]
    if long_words and not indexed:
        short_words = words  # each anywhere, as the index would find it
    elif long_words:
        query = match_query(long_words)
        fts = sa.table(fts_table, sa.column("rowid", sa.Integer))
        match = sa.literal_column(fts_table).op("MATCH")(query)
        conditions.append(pk.in_(sa.select(fts.c.rowid).where(match)))
    elif short_words:
        first = short_words.pop(0)
        conditions.append(columns[0].like(_like_escape(first) + "%", escape="\\"))
    for word in short_words:
        conditions.append(like_any(word, columns))
    return conditions


def match_query(words: Sequence[str]) -> str:
    """An FTS5 query matching every one of `words`, each taken literally."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def fts_ready(session: Any, fts_table: str) -> bool:
    """Whether `fts_table` is complete (no first pull is still deferring it)."""
    return deferred_indexes.search_ready(session.connection(), fts_table)


def like_any(word: str, columns: Sequence[Any]) -> sa.ColumnElement[bool]:
    """`word` anywhere in any of `columns` (LIKE, its wildcards escaped)."""
    pattern = anywhere(word)
    return sa.or_(*(c.like(pattern, escape="\\") for c in columns))


def anywhere(word: str) -> str:
    """A LIKE pattern for `word` anywhere, its wildcards escaped (`like_any`'s)."""
    return "%" + _like_escape(word) + "%"


def audit_ops(entity: Any, audit: bool) -> sa.ColumnElement[bool]:
    """The outbox's two streams: the audit trail's `audit_event` ops (`audit`), or the rest."""
    return entity == audit_chain.AUDIT_EVENT if audit else entity != audit_chain.AUDIT_EVENT


def sync_meta(row: Any) -> rows.SyncMeta:
    return rows.SyncMeta(
        row.version,
        row.sync_state,
        row.sync_error_code,
        row.sync_error_message,
        row.created_at,
        row.updated_at,
    )


def event_record(row: tables.Event) -> records.Event:
    return records.Event(row.id, row.name, row.branch, row.starts_on, row.ends_on, row.venue)


def outbox_op(row: tables.OutboxOp) -> rows.OutboxRow:
    return rows.OutboxRow(
        op_seq=row.op_seq,
        op_id=row.op_id,
        entity=row.entity,
        entity_id=row.entity_id,
        kind=row.kind,
        base_version=row.base_version,
        fields=dict(row.fields),
        recorded_at=row.recorded_at,
        status=row.status,
        attempts=row.attempts,
        error_code=row.error_code,
        error_message=row.error_message,
    )


def assign(row: Any, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in ("id", "version"):
            continue
        if hasattr(type(row), name):
            setattr(row, name, value)


def row_columns(row_type: type, table: Any) -> list[Any]:
    import dataclasses

    return [getattr(table, f.name) for f in dataclasses.fields(row_type)]


class NarrowIndex:
    """A partial covering index (key, name, ... of the live rows) a text search looks its
    trigram matches up in: the page's keys are sorted and the matches counted there, so neither
    reads the matched rows (issue 15, the search keystroke; laptop migrations 0014 and 0015).
    `INDEXED BY` because SQLite's planner always takes the rowid for `pk IN`."""

    #: `LIVE_SQL` written out, not bound: a partial index serves only a query repeating its WHERE.
    LIVE: sa.ColumnElement[bool] = sa.literal_column("deleted") == sa.literal_column("0")
    KEY: sa.ColumnClause[Any] = sa.literal_column("pk")

    def __init__(self, table: str, index: str, name: str) -> None:
        self.table, self.index = table, index
        self.source = sa.text(f"{table} INDEXED BY {index}")
        self.name: sa.ColumnClause[Any] = sa.literal_column(name)

    def page_keys(
        self, narrow: Sequence[sa.ColumnElement[bool]], offset: int, limit: int
    ) -> sa.Select[Any]:
        """The keys of one page of the matches, in name order."""
        keys = sa.select(self.KEY).select_from(self.source).where(*narrow)
        return keys.order_by(self.name, self.KEY).offset(offset).limit(limit)

    def count(self, narrow: Sequence[sa.ColumnElement[bool]]) -> sa.Select[Any]:
        return sa.select(sa.func.count()).select_from(self.source).where(*narrow)

    def first_page(
        self,
        session: orm.Session,
        row_type: type[T],
        model: Any,
        narrow: Sequence[sa.ColumnElement[bool]],
        limit: int,
    ) -> tuple[list[T], int]:
        """The first `limit` matches (rows of `row_type` read from `model`, in name order) and
        the count of all of them, in one statement and from one reading of the index: the
        matches' keys and names are looked up once (`MATERIALIZED`), then counted and their
        first `limit` taken by name. Issue 15: `page_keys` and `count` looked every match up
        twice (5,000 seeks each for a common word)."""
        matches = (
            sa.select(self.KEY, self.name)
            .select_from(self.source)
            .where(*narrow)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        key, name = matches.c[0], matches.c[1]
        keys = sa.select(key).order_by(name, key).limit(limit)
        total = sa.select(sa.func.count()).select_from(matches).scalar_subquery()
        stmt = (
            sa.select(*row_columns(row_type, model), total)
            .where(model.pk.in_(keys))
            .order_by(getattr(model, self.name.name), model.pk)
        )
        answer = session.execute(stmt).all()
        return [row_type(*r[:-1]) for r in answer], int(answer[0][-1]) if answer else 0
