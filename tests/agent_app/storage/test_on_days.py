"""`on_days`: a stamp falls on the branch's days as an instant, whatever offset it was written
with; its coarse text range (issue 15) lets the Beranda's counts seek the column's index and
never changes which rows count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.domain import clock
from agent_app.storage import tables
from agent_app.storage.repositories.sql import on_days
from agent_app.storage.uow import SqlUnitOfWork

ZONES = clock.ZONES  # the branches': Jakarta, Makassar, Jayapura
OFFSETS = [dt.timezone(dt.timedelta(minutes=m)) for m in (-720, -330, 0, 420, 480, 540, 839)]

_STAMPS = sa.Table("stamps", sa.MetaData(), sa.Column("at", sa.String(40), index=True))


def _exact(column: Any, start: dt.date, end: dt.date, zone: str) -> Any:
    """The comparison as instants alone, as on_days made it before issue 15."""
    from agent_app.domain import clock
    from agent_app.storage.repositories.sql import _utc_text

    low, high = (_utc_text(moment) for moment in clock.day_bounds(start, end, zone))
    return sa.and_(sa.func.datetime(column) >= low, sa.func.datetime(column) < high)


@settings(max_examples=60, deadline=None)
@given(
    moments=st.lists(
        st.datetimes(min_value=dt.datetime(2026, 12, 1), max_value=dt.datetime(2026, 12, 12)),
        min_size=1,
        max_size=40,
    ),
    offsets=st.lists(st.sampled_from(OFFSETS), min_size=40, max_size=40),
    zone=st.sampled_from(ZONES),
    start=st.dates(min_value=dt.date(2026, 12, 3), max_value=dt.date(2026, 12, 9)),
    days=st.integers(min_value=0, max_value=2),
)
def test_the_text_range_never_changes_which_stamps_fall_on_the_days(
    moments: list[dt.datetime], offsets: list[dt.timezone], zone: str, start: dt.date, days: int
) -> None:
    engine = sa.create_engine("sqlite://")
    _STAMPS.create(engine)
    end = start + dt.timedelta(days=days)
    stamps = [
        m.replace(tzinfo=offset).isoformat(timespec="seconds")
        for m, offset in zip(moments, offsets, strict=False)
    ]
    stamps += [s.replace("T", " ") for s in stamps[:5]] + [s[:19] + "Z" for s in stamps[5:10]]
    column = _STAMPS.c.at
    with engine.begin() as db:
        db.execute(_STAMPS.insert(), [{"at": s} for s in stamps])
        found = db.scalars(sa.select(column).where(on_days(column, start, end, zone))).all()
        exact = db.scalars(sa.select(column).where(_exact(column, start, end, zone))).all()
    assert sorted(found) == sorted(exact)


def _plan(uow: SqlUnitOfWork, stmt: Any) -> str:
    from sqlalchemy.dialects import sqlite

    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with uow:
        return " | ".join(r[3] for r in uow.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))


def test_the_beranda_s_counts_of_the_day_seek_the_stamp_s_index(uow: SqlUnitOfWork) -> None:
    """Today's enrollments and businesses read the day's rows through the index, not every row
    (the Beranda at login on 100,000 enrollments: docs/benchmarks.md, issue 15)."""
    day = dt.date(2026, 12, 6)
    b, e = tables.Business, tables.Enrollment
    businesses = sa.select(sa.func.count()).where(on_days(b.created_at, day, day, "Asia/Jakarta"))
    enrolled = sa.select(sa.func.count()).where(on_days(e.submitted_at, day, day, "Asia/Jakarta"))
    assert "INDEX ix_businesses_created_at (created_at>? AND created_at<?)" in _plan(
        uow, businesses
    )
    assert "ix_enrollments_submitted_at (submitted_at>? AND submitted_at<?)" in _plan(uow, enrolled)
