"""The wire fields the server confirmed of a record (an enrollment's, an employer
registration's): the base of a correction's diff, and of `has_unsent_correction`.

A create the server applied as sent is not copied into its record: `confirmed_op` names it in
the outbox (an op's fields are frozen once it is sent) and `confirmed_fields` stays NULL
(issue 15, "the laptop's push, fifth pass": the copy doubled each settled row). Every reader
goes through `of_row` (or the `fields_sql` expression); a writer stores the fields themselves
with `store` (a new row: `values`), which drops the reference, and the outbox's retention calls
`copy_before_purge` before it deletes settled ops. Written fields win over a reference.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from agent_app.storage import tables

log = logging.getLogger("db")

OUTBOX = cast(sa.Table, tables.OutboxOp.__table__)
#: The tables whose records keep confirmed fields.
CONFIRMING_TABLES = (tables.Enrollment, tables.EmployerRegistration)


def of_row(row: Any, session: Session | None = None) -> dict[str, Any] | None:
    """The fields the server confirmed of `row` (an ORM row of `CONFIRMING_TABLES`), or None
    before its first sync."""
    if row.confirmed_fields is not None:
        return cast(dict[str, Any], row.confirmed_fields)
    if row.confirmed_op is None:
        return None
    session = session or object_session(row)
    assert session is not None
    fields = session.scalar(sa.select(OUTBOX.c.fields).where(OUTBOX.c.op_seq == row.confirmed_op))
    if fields is None:  # never: the outbox's retention copies the fields first
        log.warning("record %s: its confirming op %s is gone", row.id, row.confirmed_op)
    return cast("dict[str, Any] | None", fields)


def store(row: Any, fields: dict[str, Any] | None) -> None:
    """`fields` become `row`'s confirmed fields (instead of any reference)."""
    row.confirmed_fields = fields
    row.confirmed_op = None


def values(fields: dict[str, Any] | None) -> dict[str, Any]:
    """The columns of a new row (an INSERT's values) confirmed as `fields`."""
    return {"confirmed_fields": fields, "confirmed_op": None}


def fields_sql(table: sa.Table) -> sa.ColumnElement[Any]:
    """The confirmed fields of each row of `table` as an SQL expression (its JSON type)."""
    c = table.c
    create = sa.select(OUTBOX.c.fields).where(OUTBOX.c.op_seq == c.confirmed_op)
    return sa.func.coalesce(
        c.confirmed_fields, create.scalar_subquery(), type_=c.confirmed_fields.type
    )


def copy_before_purge(session: Session, purged: sa.Select[Any]) -> None:
    """The records that refer to ops about to be deleted (`purged`: a select of their
    op_seq) take a copy of those ops' fields."""
    for model in CONFIRMING_TABLES:
        table = cast(sa.Table, model.__table__)
        c = table.c
        create = sa.select(OUTBOX.c.fields).where(OUTBOX.c.op_seq == c.confirmed_op)
        session.execute(
            sa.update(table)
            .where(c.confirmed_op.in_(purged))
            .values(
                confirmed_fields=sa.func.coalesce(c.confirmed_fields, create.scalar_subquery()),
                confirmed_op=None,
            )
        )
