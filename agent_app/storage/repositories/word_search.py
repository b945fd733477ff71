"""The first page and count of a search text the trigram index serves, in one statement
compiled once for each form of text (issue 15, "the search keystroke, sixth pass").

The trigram matches are read once (`MATERIALIZED`: the FTS query costs 1-2 ms for a long word
or several) and joined to the narrow index, each looked up there once. Long words alone: the
page's keys are sorted in the index (SQLite keeps the first page as it goes) and the count is
the matches less the soft-deleted rows the trigram index still holds (`NOT_LIVE_SQL`, laptop
migration 0017), no name materialized. With short words beside them: the matches having each
short word in one of the searched columns, their keys and names materialized, then counted and
sorted. `NarrowIndex.first_page` built its statement at every keystroke (about 1 ms of Python
for the statement and its cache key) and looked the matches up through a list (`pk IN`).
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import sqlite

from agent_app.storage.repositories.sql import NarrowIndex, row_columns
from agent_app.storage.table_base import NOT_LIVE_SQL

T = TypeVar("T")


class Words(NamedTuple):
    """A search text as `first_page` reads it: the trigram table and its MATCH query (the long
    words), the LIKE patterns (`sql.anywhere`) of the short words beside them, the columns
    they are looked for in, and the index of the rows `NarrowIndex.LIVE` leaves out."""

    fts_table: str
    query: str
    short: tuple[str, ...]
    columns: tuple[str, ...]
    not_live: str


#: (index, row type, model, trigram table, number of short words, columns) -> the statement
_STATEMENTS: dict[tuple[Any, ...], sa.TextualSelect] = {}


def first_page(
    index: NarrowIndex,
    session: orm.Session,
    row_type: type[T],
    model: Any,
    words: Words,
    limit: int,
) -> tuple[list[T], int]:
    """The first `limit` matches of `words` (rows of `row_type` read from `model`, in the
    index's name order, the key breaking ties) and the count of all of them."""
    shape = (index.index, row_type, model, words.fts_table, len(words.short), words.columns)
    stmt = _STATEMENTS.get(shape)
    if stmt is None:
        stmt = _STATEMENTS[shape] = _statement(index, row_type, model, words)
    values = {f"w{i}": pattern for i, pattern in enumerate(words.short)}
    answer = session.execute(
        stmt, {"query": words.query, "limit": limit, "offset": 0, **values}
    ).all()
    return [row_type(*r[:-1]) for r in answer], int(answer[0][-1]) if answer else 0


def _statement(index: NarrowIndex, row_type: type, model: Any, words: Words) -> sa.TextualSelect:
    """`first_page`'s statement, as text with its result columns typed."""
    keys, total = (_with_short_words if words.short else _long_words_only)(index, words)
    limit = sa.bindparam("limit", type_=sa.Integer)
    offset = sa.bindparam("offset", type_=sa.Integer)  # SQLite's dialect writes one
    columns = row_columns(row_type, model)
    stmt = (
        sa.select(*columns, total.label("total"))
        .where(model.pk.in_(keys.limit(limit).offset(offset)))
        .order_by(getattr(model, index.name.name), model.pk)
    )
    sql = str(stmt.compile(dialect=sqlite.dialect(paramstyle="named")))
    return sa.text(sql).columns(*columns, sa.column("total", sa.Integer))


def _match(words: Words) -> sa.ColumnElement[bool]:
    query = sa.bindparam("query", type_=sa.String)
    return sa.literal_column(words.fts_table).op("MATCH")(query)


_KEY: sa.ColumnClause[Any] = sa.literal_column("n.pk")
_LIVE = sa.literal_column("n.deleted") == sa.literal_column("0")


def _long_words_only(
    index: NarrowIndex, words: Words
) -> tuple[sa.Select[Any], sa.ColumnElement[Any]]:
    """The page's keys sorted in the index; the matches counted less the soft-deleted ones.
    Those are scanned, each tested against the matches (`+pk`: not the matches looked up
    there one by one): while there are none, nothing more is read."""
    fts = sa.table(words.fts_table, sa.column("rowid", sa.Integer))
    matches = (
        sa.select(fts.c.rowid.label("pk"))
        .where(_match(words))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    joined = sa.text(
        f"matches JOIN {index.table} AS n INDEXED BY {index.index} ON n.pk = matches.pk"
    )
    name: sa.ColumnClause[Any] = sa.literal_column(f"n.{index.name.name}")
    keys = sa.select(_KEY).select_from(joined).where(_LIVE).order_by(name, _KEY)
    gone = (
        sa.select(sa.func.count())
        .select_from(sa.text(f"{index.table} INDEXED BY {words.not_live}"))
        .where(sa.text(NOT_LIVE_SQL))
        .where(sa.literal_column("+pk").in_(sa.select(matches.c.pk)))
    )
    matched = sa.select(sa.func.count()).select_from(matches)
    return keys, matched.scalar_subquery() - gone.scalar_subquery()


def _with_short_words(
    index: NarrowIndex, words: Words
) -> tuple[sa.Select[Any], sa.ColumnElement[Any]]:
    """The matches having every short word (`w0`, `w1`...) in one of the columns, with their
    names (`MATERIALIZED`), then sorted and counted."""
    joined = sa.text(
        f"{words.fts_table} JOIN {index.table} AS n INDEXED BY {index.index}"
        f" ON n.pk = {words.fts_table}.rowid"
    )
    has = [
        sa.or_(
            *(
                sa.literal_column(f"n.{column}").like(
                    sa.bindparam(f"w{i}", type_=sa.String), escape="\\"
                )
                for column in words.columns
            )
        )
        for i in range(len(words.short))
    ]
    name: sa.ColumnClause[Any] = sa.literal_column(f"n.{index.name.name}")
    found = (
        sa.select(_KEY.label("pk"), name.label("name"))
        .select_from(joined)
        .where(_match(words), _LIVE, *has)
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    keys = sa.select(found.c.pk).order_by(found.c.name, found.c.pk)
    return keys, sa.select(sa.func.count()).select_from(found).scalar_subquery()
