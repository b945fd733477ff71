"""The bulk helpers the push's settling uses (`agent_app.storage.bulk`): `any_of` finds
exactly the values listed, however many, as an IN list would; `execute_many` stores each
value as SQLAlchemy's own executemany stores it."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.storage import tables
from agent_app.storage.bulk import OUTBOX, execute_many, insert_rows
from agent_app.storage.repositories import any_of
from agent_app.storage.uow import SqlUnitOfWork


def _ops(uow: SqlUnitOfWork, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    insert_rows(
        uow,
        tables.OutboxOp,
        [
            {
                "op_seq": seq,
                "op_id": op_id,
                "entity": "business",
                "entity_id": str(uuid.uuid4()),
                "kind": "create",
                "fields": {"name": f"Kios {seq}"},
                "recorded_at": "2026-11-21T10:00:00+07:00",
                "status": "sent",
            }
            for seq, op_id in enumerate(ids, start=1)
        ],
    )
    return ids


def test_any_of_finds_exactly_the_listed_values_however_many(engine: Engine) -> None:
    t = OUTBOX
    with SqlUnitOfWork(engine) as uow:
        ids = _ops(uow, 2500)
        wanted = [*ids[::2], str(uuid.uuid4())]  # 1,251 ids, one unknown: beyond 999 at once
        found = uow.session.execute(sa.select(t.c.op_id).where(any_of(t.c.op_id, wanted)))
        assert sorted(found.scalars()) == sorted(ids[::2])
        seqs = uow.session.execute(sa.select(t.c.op_seq).where(any_of(t.c.op_seq, [3, 5, 9999])))
        assert sorted(seqs.scalars()) == [3, 5]
        none = uow.session.execute(sa.select(t.c.op_seq).where(any_of(t.c.op_seq, [])))
        assert list(none) == []


def test_execute_many_stores_values_as_sqlalchemy_does(engine: Engine) -> None:
    t = OUTBOX
    statement = (
        sa.update(t)
        .where(t.c.op_seq == sa.bindparam("b_seq"))
        .values(
            status=sa.case((sa.bindparam("b_done", type_=sa.Boolean), "applied"), else_=t.c.status),
            result=sa.bindparam("b_result", type_=t.c.result.type),
            error_message=sa.bindparam("b_message"),
        )
    )
    rows = [
        {
            "b_seq": 1,
            "b_done": True,
            "b_result": {"status": "applied", "né": [1, None]},
            "b_message": None,
        },
        {"b_seq": 2, "b_done": False, "b_result": {"x": 1.5}, "b_message": "Ditolak"},
    ]
    with SqlUnitOfWork(engine) as uow:
        _ops(uow, 4)
        execute_many(uow, statement, rows)
        uow.session.execute(statement, [{**r, "b_seq": r["b_seq"] + 2} for r in rows])
        stored = uow.session.execute(
            sa.select(t.c.status, t.c.result, t.c.error_message).order_by(t.c.op_seq)
        ).all()
        raw = uow.session.execute(sa.text("SELECT result FROM outbox ORDER BY op_seq")).all()
    assert stored[0] == stored[2] == ("applied", {"status": "applied", "né": [1, None]}, None)
    assert stored[1] == stored[3] == ("sent", {"x": 1.5}, "Ditolak")
    assert raw[0] == raw[2] and raw[1] == raw[3]  # the same text, not only the same value
