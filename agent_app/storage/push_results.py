"""A push answer settled in the local store (`LocalStore.mark_results`).

`applied` and `duplicate` settle the op and record the server's `entity_version` (the record
becomes `synced` when no other op of it is unsettled); `rejected` and `conflict` settle it and
mark the record with the error (the result, with a conflict's `current`, is kept in the op).
An op missing from the results stays unsettled.

Core statements with executemany, not ORM objects: a push of 10,000 ops settles 10,000 outbox
rows and as many records, and the ORM's per-object cost was most of the push. Each record is
rewritten once (version, sync state and, for an enrollment or an employer registration, what
the server confirmed): a create applied as sent is named by its op_seq (`confirmed_op`), its
fields not copied (see `storage.confirmed`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from agent_app.domain import keys
from agent_app.storage import tables
from agent_app.storage.bulk import CONFIRMING, OUTBOX, execute_many, table_of
from agent_app.storage.confirmed import fields_sql
from agent_app.storage.repositories import UNSETTLED_OP, any_of, chunks
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")


@dataclass
class _Answer:
    """One push answer sorted by what each statement writes."""

    #: Outbox rows to settle (executemany parameters).
    settled: list[dict[str, Any]] = field(default_factory=list)
    #: The highest version the server answered, by entity and record id.
    versions: dict[str, dict[str, int | None]] = field(default_factory=dict)
    #: Records to mark with the refusal, by entity and record id (executemany parameters).
    refused: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: Entity -> record id -> its applied ops (outbox rows), for the entities that keep the
    #: fields the server confirmed (`CONFIRMING`).
    confirmed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def take(self, row: Any, result: Mapping[str, Any]) -> None:
        """Sorts the result of one unsettled op (`row`: its outbox columns)."""
        status = str(result.get("status"))
        error = result.get("error") or {}
        refused = status in ("rejected", "conflict")
        if status not in ("applied", "duplicate") and not refused:
            log.warning("op %s: unknown result status %r", row.op_id, status)
            return
        self.settled.append(
            {
                "b_seq": row.op_seq,
                "b_status": status,
                "b_result": result if type(result) is dict else dict(result),
                "b_code": error.get("code") if refused else None,
                "b_message": error.get("message") if refused else None,
            }
        )
        if refused:
            self.refused.setdefault(row.entity, {})[row.entity_id] = {
                "b_id": row.entity_id,
                "b_state": status,
                "b_code": error.get("code"),
                "b_message": error.get("message"),
            }
            log.info("op %s %s: %s", row.op_id, status, error.get("code"))
            return
        version = result.get("entity_version")
        known = self.versions.setdefault(row.entity, {})
        before = known.get(row.entity_id)
        known[row.entity_id] = (
            before if version is None else version if before is None else max(before, version)
        )
        if row.entity in CONFIRMING:
            self.confirmed.setdefault(row.entity, {}).setdefault(row.entity_id, []).append(row)


def apply_results(uow: SqlUnitOfWork, results: Sequence[Mapping[str, Any]]) -> None:
    """Settles the ops of one push answer in a few statements (see the module docstring)."""
    ops = _outbox_rows(uow, results)
    answer = _Answer()
    for result in results:
        op_id = str(result.get("op_id"))
        row = ops.get(op_id)
        if row is None:
            log.warning("result for unknown op %s", op_id)
        elif row.status in UNSETTLED_OP:  # else already settled
            answer.take(row, result)
    _settle_ops(uow, answer.settled)
    _mark_refused(uow, answer.refused)
    copied: dict[str, dict[str, int]] = {}
    merged_later: dict[str, dict[str, list[Any]]] = {}
    for entity, confirmed in answer.confirmed.items():
        table = table_of(CONFIRMING[entity])
        copied[entity], merged_later[entity] = _confirmed_by_create(uow, table, confirmed)
    _write_versions(uow, answer, copied)
    for entity, later in merged_later.items():
        if later:  # after the creates' fields were copied
            _merge_confirmed(uow, table_of(CONFIRMING[entity]), later)


def _outbox_rows(uow: SqlUnitOfWork, results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The outbox columns of the answered ops, by op id."""
    t = OUTBOX
    wanted = sorted({str(r.get("op_id")) for r in results})
    stmt = sa.select(t.c.op_seq, t.c.op_id, t.c.entity, t.c.entity_id, t.c.kind, t.c.status)
    return {row.op_id: row for row in uow.session.execute(stmt.where(any_of(t.c.op_id, wanted)))}


def _settle_ops(uow: SqlUnitOfWork, settled: list[dict[str, Any]]) -> None:
    if not settled:
        return
    execute_many(uow, _SETTLE, settled)


#: The UPDATE `_settle_ops` runs with executemany (built and compiled once).
_SETTLE = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.op_seq == sa.bindparam("b_seq"))
    .values(
        status=sa.bindparam("b_status"),
        result=sa.bindparam("b_result", type_=OUTBOX.c.result.type),
        error_code=sa.bindparam("b_code"),
        error_message=sa.bindparam("b_message"),
    )
)


def _mark_refused(uow: SqlUnitOfWork, refused: Mapping[str, Mapping[str, Any]]) -> None:
    for entity, marks in refused.items():
        table = tables.SYNCED_TABLES.get(entity)
        if table is None:
            continue
        c = table_of(table).c
        uow.session.execute(
            sa.update(table_of(table))
            .where(c.id == sa.bindparam("b_id"))
            .values(
                sync_state=sa.bindparam("b_state"),
                sync_error_code=sa.bindparam("b_code"),
                sync_error_message=sa.bindparam("b_message"),
            ),
            list(marks.values()),
        )


def _confirmed_by_create(
    uow: SqlUnitOfWork, e: sa.Table, confirmed: Mapping[str, list[Any]]
) -> tuple[dict[str, int], dict[str, list[Any]]]:
    """A record (of table `e`) whose first applied op here is its create, and which has no
    confirmed fields yet, is confirmed as its create (`copied`: record id -> the create's
    op_seq, `confirmed_op`); the rest are merged after (`merged_later`)."""
    copied: dict[str, int] = {}
    merged_later: dict[str, list[Any]] = {}
    if not confirmed:
        return copied, merged_later
    stmt = sa.select(e.c.id).where(
        any_of(e.c.id, sorted(confirmed)),
        e.c.confirmed_fields.is_(None),
        e.c.confirmed_op.is_(None),
    )
    empty = set(uow.session.execute(stmt).scalars())
    for record_id, applied in confirmed.items():
        if len(applied) > 1:
            applied.sort(key=lambda op: op.op_seq)
        if record_id in empty and applied[0].kind == keys.OpKind.CREATE:
            copied[record_id] = applied[0].op_seq
            applied = applied[1:]
        if applied:
            merged_later[record_id] = applied
    return copied, merged_later


def _write_versions(
    uow: SqlUnitOfWork, answer: _Answer, copied: Mapping[str, Mapping[str, int]]
) -> None:
    """Each applied record once: the server's version (never lowered), `synced` when no op of
    it waits nor was refused, and (an enrollment, an employer registration) the create it is
    confirmed as."""
    for entity, known in answer.versions.items():
        table = tables.SYNCED_TABLES.get(entity)
        if table is None:
            continue
        still = uow.outbox.entities_with_unsettled(known)
        kept = answer.refused.get(entity, {})
        confirming = entity in CONFIRMING
        creates = copied.get(entity, {})
        params = [
            {
                "b_id": entity_id,
                "b_version": version,
                "b_synced": entity_id not in still and entity_id not in kept,
                **({"b_copy": creates.get(entity_id)} if confirming else {}),
            }
            for entity_id, version in known.items()
        ]
        execute_many(uow, _version_update(table_of(table), copy_create=confirming), params)


@functools.cache
def _version_update(table: sa.Table, *, copy_create: bool) -> sa.Update:
    """The UPDATE `_write_versions` runs with executemany (parameters `b_id`, `b_version`,
    `b_synced` and, with `copy_create`, `b_copy`: the op_seq of the create the record is
    confirmed as, or None)."""
    c = table.c
    version = sa.bindparam("b_version", type_=sa.Integer)
    synced = sa.bindparam("b_synced", type_=sa.Boolean)
    newer = sa.and_(version.is_not(None), sa.or_(c.version.is_(None), c.version < version))
    values: dict[str, Any] = {
        "version": sa.case((newer, version), else_=c.version),
        "sync_state": sa.case((synced, "synced"), else_=c.sync_state),
        "sync_error_code": sa.case((synced, sa.null()), else_=c.sync_error_code),
        "sync_error_message": sa.case((synced, sa.null()), else_=c.sync_error_message),
    }
    if copy_create:
        copy = sa.bindparam("b_copy", type_=sa.Integer)
        values["confirmed_op"] = sa.func.coalesce(copy, c.confirmed_op)
    return sa.update(table).where(c.id == sa.bindparam("b_id")).values(values)


def _merge_confirmed(uow: SqlUnitOfWork, e: sa.Table, applied: Mapping[str, Sequence[Any]]) -> None:
    """Adds the fields of applied ops to what the server confirmed of their records (of
    table `e`), in order."""
    t = OUTBOX
    execute = uow.session.execute
    seqs = sorted(op.op_seq for ops in applied.values() for op in ops)
    fields: dict[int, dict[str, Any]] = {}
    for chunk in chunks(seqs):
        stmt = sa.select(t.c.op_seq, t.c.fields).where(t.c.op_seq.in_(chunk))
        fields.update((seq, value) for seq, value in execute(stmt))
    merged: list[dict[str, Any]] = []
    for chunk in chunks(sorted(applied)):
        stmt = sa.select(e.c.id, fields_sql(e)).where(e.c.id.in_(chunk))
        for record_id, before in execute(stmt):
            value = dict(before or {})
            for op in applied[record_id]:
                value.update(fields.get(op.op_seq) or {})
            merged.append({"b_id": record_id, "b_fields": value})
    if merged:
        execute(
            sa.update(e)
            .where(e.c.id == sa.bindparam("b_id"))
            .values(
                confirmed_fields=sa.bindparam("b_fields", type_=e.c.confirmed_fields.type),
                confirmed_op=None,
            ),
            merged,
        )
