"""Property-based checks of the push invariants (hypothesis), on SQLite.

Random batches of enrollment creates, updates and deletes from two agents and a supervisor,
over a small pool of NIKs and records, pushed and then replayed. Whatever the interleaving:
at most one active enrollment holds a NIK, the NIK guard table is exactly the active NIKs,
applied changes get distinct rising server_seqs, a replay never changes an answer's
version or seq, and a fresh pull shows each record once at its latest version.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from srv_support import World, cheap_settings, enrollment_fields, op

from sync.server import db, migrate

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]
RECORDS = [str(uuid.UUID(int=n + 1)) for n in range(6)]
NIK_POOL = 4

step = st.tuples(
    st.sampled_from(["A1", "A2", "S1"]),
    st.sampled_from(["create", "update", "delete", "accept"]),
    st.integers(0, len(RECORDS) - 1),
    st.integers(0, NIK_POOL - 1),
    st.integers(0, 3),  # base_version lag
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@given(batches=st.lists(st.lists(step, min_size=1, max_size=6), min_size=1, max_size=5))
def test_push_invariants(
    tmp_path_factory: pytest.TempPathFactory, batches: list[list[tuple[str, str, int, int, int]]]
) -> None:
    path: Path = tmp_path_factory.mktemp("prop") / "server.sqlite3"
    world = World(cheap_settings(f"sqlite:///{path}"))
    try:
        migrate.upgrade(world.engine)
        laptops = dict(zip(("A1", "A2", "S1"), world.standard(), strict=True))
        versions: dict[str, int] = {}
        sent: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
        seqs: list[int] = []
        for batch in batches:
            by_laptop: dict[str, list[dict[str, Any]]] = {}
            for who, kind, rec, nik, lag in batch:
                entity_id = RECORDS[rec]
                base = max(1, versions.get(entity_id, 1) - lag)
                if kind == "create":
                    item = op("enrollment", "create", entity_id, enrollment_fields(700 + nik))
                elif kind == "update":
                    item = op(
                        "enrollment",
                        "update",
                        entity_id,
                        {"address": f"Alamat {who} {len(sent)}"},
                        base_version=base,
                    )
                elif kind == "accept":
                    item = op(
                        "enrollment", "update", entity_id, {"status": "accepted"}, base_version=base
                    )
                else:
                    item = op("enrollment", "delete", entity_id, base_version=base)
                by_laptop.setdefault(who, []).append(item)
            for who, items in by_laptop.items():
                for item, result in zip(items, laptops[who].push(*items), strict=True):
                    sent.append((laptops[who], item, result))
                    if result["status"] == "applied":
                        seqs.append(result["server_seq"])
                        versions[item["entity_id"]] = result["entity_version"]
        assert len(seqs) == len(set(seqs))
        with world.engine.connect() as conn:
            records = db.table(db.Record)
            active = conn.execute(
                sa.select(records.c.entity_id, records.c.fields).where(
                    records.c.entity == "enrollment", records.c.deleted.is_(False)
                )
            ).all()
            niks = [row.fields["nik"] for row in active]
            assert len(niks) == len(set(niks)), "two active enrollments share a NIK"
            guard = conn.execute(sa.select(db.table(db.ActiveNik))).all()
            assert {(g.nik, g.entity_id) for g in guard} == {
                (row.fields["nik"], row.entity_id) for row in active
            }
        for laptop, item, result in sent:  # replays: the stored answer, never a new one
            again = laptop.push_one(dict(item))
            expected = "duplicate" if result["status"] == "applied" else result["status"]
            assert again["status"] == expected
            assert (again["entity_version"], again["server_seq"]) == (
                result["entity_version"],
                result["server_seq"],
            )
        changes, _ = laptops["S1"].pull_all(limit=3)
        pulled = [c for c in changes if c["entity"] == "enrollment"]
        assert len({c["entity_id"] for c in pulled}) == len(pulled)
        for change in pulled:
            assert change["version"] == versions[change["entity_id"]]
    finally:
        world.close()
