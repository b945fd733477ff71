"""`agent_app.domain.clock`: the one place that says which day an instant is in a branch."""

from __future__ import annotations

import datetime as dt

import pytest

from agent_app.domain import clock

UTC_1630 = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)  # 23:30 WIB, 00:30 WITA, 01:30 WIT


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        (clock.WIB, dt.date(2026, 11, 30)),
        (clock.WITA, dt.date(2026, 12, 1)),
        (clock.WIT, dt.date(2026, 12, 1)),
    ],
)
def test_one_instant_is_a_different_day_in_each_of_indonesia_s_zones(
    zone: str, day: dt.date
) -> None:
    assert clock.local_date(UTC_1630, zone) == day
    assert clock.today(zone, now=UTC_1630) == day
    # the offset an instant is written with does not matter, only the instant
    assert clock.local_date(UTC_1630.astimezone(dt.timezone(dt.timedelta(hours=-5))), zone) == day


def test_a_span_of_days_runs_from_the_zone_s_midnight_to_the_next_one() -> None:
    start, end = clock.day_bounds(dt.date(2026, 11, 1), dt.date(2026, 11, 30), clock.WITA)
    assert start == dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)


def test_only_the_three_zones_are_accepted_and_unknown_ones_read_as_wib() -> None:
    assert clock.check_zone("Asia/Makassar") == clock.WITA
    with pytest.raises(clock.UnknownZone) as caught:
        clock.check_zone("Asia/Singapore")
    assert caught.value.code == "invalid_time_zone"
    assert "Asia/Jayapura" in caught.value.message("id")
    assert "Unknown time zone" in caught.value.message("en")
    assert clock.zone_or_default(None) == clock.zone_or_default("UTC") == clock.WIB
    assert clock.zone_or_default(clock.WIT) == clock.WIT
