"""`checks.datetime_in_range` answers a time with a fixed offset without converting it to UTC
(issue 15): the same verdict as the conversion, on generated times at the edges of the range
and offsets up to a minute short of a day either way, and for other time zones unchanged."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.domain.validation import checks


def _converted(moment: dt.datetime) -> bool:
    """The verdict by conversion (the function before issue 15's shortcut)."""
    try:
        utc = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return False
    return (
        checks.MIN_YEAR <= moment.year <= checks.MAX_YEAR
        and checks.MIN_YEAR <= utc.year <= checks.MAX_YEAR
    )


_OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)


def _around(year: int) -> st.SearchStrategy[dt.datetime]:
    """Times within a year and a bit of the start of `year`."""
    low = dt.datetime(year - 1, 11, 1) if year > 1 else dt.datetime(1, 1, 1)
    high = dt.datetime(year, 2, 1) if year < 9999 else dt.datetime.max
    return st.datetimes(low, high, timezones=_OFFSETS)


_MOMENTS = st.one_of(
    st.datetimes(timezones=_OFFSETS),
    *(_around(year) for year in (1, 1900, 1901, 2026, 2199, 2200, 9999)),
)


@settings(max_examples=500, deadline=None)
@given(_MOMENTS)
def test_a_fixed_offset_gets_the_conversions_verdict(moment: dt.datetime) -> None:
    assert checks.datetime_in_range(moment) == _converted(moment)


def test_the_edges_of_the_range() -> None:
    east = dt.timezone(dt.timedelta(hours=23, minutes=59))
    west = dt.timezone(-dt.timedelta(hours=23, minutes=59))
    assert checks.datetime_in_range(dt.datetime(1900, 1, 1, 0, 0, tzinfo=west))
    assert not checks.datetime_in_range(dt.datetime(1900, 1, 1, 0, 0, tzinfo=east))  # 1899 UTC
    assert checks.datetime_in_range(dt.datetime(2199, 12, 31, 23, 59, tzinfo=east))
    assert not checks.datetime_in_range(dt.datetime(2199, 12, 31, 23, 59, tzinfo=west))
    assert checks.datetime_in_range(dt.datetime(1901, 1, 1, tzinfo=east))
    assert checks.datetime_in_range(dt.datetime(2198, 12, 31, 23, 59, tzinfo=west))
    assert not checks.datetime_in_range(dt.datetime(1, 1, 1, tzinfo=east))
    assert not checks.datetime_in_range(dt.datetime(9999, 12, 31, 23, 59, tzinfo=west))


def test_other_time_zones_are_converted_as_before() -> None:
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")

    class Broken(dt.tzinfo):  # an offset of a day or more: Python refuses it on conversion
        def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta:
            return dt.timedelta(hours=30)

    for moment in (
        dt.datetime(2026, 12, 7, 10, tzinfo=jakarta),
        dt.datetime(1900, 1, 1, 3, tzinfo=jakarta),
        dt.datetime(2026, 12, 7, 10, tzinfo=Broken()),
    ):
        assert checks.datetime_in_range(moment) == _converted(moment)
    assert not checks.datetime_in_range(dt.datetime(2026, 12, 7, 10, tzinfo=Broken()))
