"""The branch's time zone on this laptop, and so which day it is for an account (docs/time.md).

The server tells the zone in the `agent` of each login and token refresh answer; the laptop
keeps it per branch (`branches.time_zone`) in the encrypted database. Until a branch's account
has logged in to the server once, its zone is `clock.DEFAULT_ZONE` (WIB).
"""

from __future__ import annotations

import datetime as dt
import logging

from agent_app.domain import clock
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("services")


def zone_in(uow: SqlUnitOfWork, branch: str) -> str:
    """The branch's zone, read in an open unit of work."""
    row = uow.session.get(tables.Branch, branch)
    return clock.zone_or_default(row.time_zone if row is not None else None)


def zone_of(uow: SqlUnitOfWork, branch: str) -> str:
    """The branch's zone (WIB until the server has said otherwise)."""
    with uow:
        return zone_in(uow, branch)


def today(uow: SqlUnitOfWork, branch: str, now: dt.datetime | None = None) -> dt.date:
    """Which day it is in the branch (at `now`, or at this moment)."""
    return clock.today(zone_of(uow, branch), now)


def remember(uow: SqlUnitOfWork, branch: str, zone: str | None) -> None:
    """Keeps the zone the server gave for the branch; an answer without one (an older
    server) or with one this app does not know changes nothing."""
    if not branch or zone not in clock.ZONES:
        return
    with uow:
        row = uow.session.get(tables.Branch, branch)
        if row is None:
            uow.session.add(tables.Branch(code=branch, name=branch, time_zone=zone))
        elif row.time_zone == zone:
            return
        else:
            row.time_zone = zone
        uow.commit()
    log.info("branch %s keeps its days in %s", branch, zone)
