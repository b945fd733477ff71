"""Which day it is: the one place that turns an instant into a calendar day.

A day belongs to the branch where the work happened (docs/time.md): an enrollment at 23:30 in
Makassar is that day's in WITA even though it is already the next day nowhere else that
matters, and 00:30 WITA is still the day before in WIB. Every "which day is it" of the laptop
and the server (the date a quote is for, `enrolled_on`, target periods, the daily summary, due
dates, retention ages, the dashboard's "today") goes through `local_date` or `today` with the
branch's zone. Instants stay absolute: aware datetimes, UTC on the wire with their offsets.

The zones are Indonesia's three (IANA names; zone data from the system or the `tzdata`
package, which Windows needs). Before a laptop has heard its branch's zone from the server it
uses `DEFAULT_ZONE` (WIB, where the head office is).
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from agent_app.domain.messages import DomainError, Text

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"
ZONES: tuple[str, ...] = (WIB, WITA, WIT)
DEFAULT_ZONE = WIB
ABBREVIATIONS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


class UnknownZone(DomainError):
    """A time zone that is not one of Indonesia's three."""


def check_zone(name: str | None) -> str:
    """The zone's canonical name; raises `UnknownZone` for anything but the three."""
    if name in ZONES:
        return str(name)
    allowed = ", ".join(ZONES)
    raise UnknownZone(
        "invalid_time_zone",
        Text.of(
            "Unknown time zone: {name!r}. Choose one of: {allowed}.", name=name, allowed=allowed
        ),
        "time_zone",
    )


def zone_or_default(name: str | None) -> str:
    """`name` when it is one of the three, otherwise `DEFAULT_ZONE` (old data, no login yet)."""
    return name if name is not None and name in ZONES else DEFAULT_ZONE


@functools.cache
def tzinfo(name: str) -> ZoneInfo:
    return ZoneInfo(check_zone(name))


def now(zone: str = DEFAULT_ZONE) -> dt.datetime:
    """The current instant, as a wall time in `zone` (aware)."""
    return dt.datetime.now(tzinfo(zone))


def local_date(instant: dt.datetime, zone: str = DEFAULT_ZONE) -> dt.date:
    """The calendar day `instant` falls on in `zone`. A naive instant is taken as the
    machine's local time (how the laptop's older rows were stamped)."""
    if instant.tzinfo is None:
        instant = instant.astimezone()
    return instant.astimezone(tzinfo(zone)).date()


def today(zone: str = DEFAULT_ZONE, now: dt.datetime | None = None) -> dt.date:
    """Which day it is in `zone` (at `now`, or at this moment)."""
    return local_date(now if now is not None else dt.datetime.now(dt.UTC), zone)


def day_start(day: dt.date, zone: str = DEFAULT_ZONE) -> dt.datetime:
    """The instant `day` begins in `zone` (its midnight, aware)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo(zone))


def day_bounds(
    first: dt.date, last: dt.date, zone: str = DEFAULT_ZONE
) -> tuple[dt.datetime, dt.datetime]:
    """The half-open span [start of `first`, start of the day after `last`) in `zone`: a period
    of days ends at the branch's midnight."""
    return day_start(first, zone), day_start(last + dt.timedelta(days=1), zone)
