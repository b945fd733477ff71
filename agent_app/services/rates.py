"""The contribution tables the central office published, put in force on this laptop.

The server publishes a table (`python -m sync.server publish-rate-table`); every laptop pulls
it as a `rate_table` record (`LocalStore.apply_pulled` keeps it in `rate_tables`). `install`
hands the pulled tables to `agent_app.domain.contributions`, so the form's live quote, the
submitted `monthly_contribution`, receipts and summaries use the rates the server checks
against. It runs when the database opens after login and after each sync. A table that is
not usable (`contributions.check_table`) is left out, with a warning in the log: the laptop
goes on with the tables it has rather than quoting from a broken one.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from agent_app.domain import contributions
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")


def install(uow: SqlUnitOfWork) -> list[str]:
    """Puts the pulled tables in force; answers the versions installed, oldest first."""
    t = tables.RateTable
    with uow:
        rows = uow.session.execute(sa.select(t.version, t.effective_from, t.table)).all()
    versions, left_out = contributions.install_published(rows)
    for version, reason in left_out:
        log.warning("rate table %s left out: %s", version, reason)
    if versions:
        log.info("contribution tables in force: %s", ", ".join(versions))
    return versions
