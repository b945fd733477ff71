"""Arbitrary JSON in every field of every pushed entity, and in the op's own fields (issue 10,
item 6), against the real server in its own process, over HTTP on a loopback port, on SQLite
and PostgreSQL (hypothesis).

Each example sends one batch with, for every field of every entity, a create whose field holds
an arbitrary JSON value and an update that sets the field to one; then single-op batches with
one op-level field replaced. Whatever is sent: no answer is a 5xx, and every record stored
passes the domain's field rules (`agent_app.domain.validation`), so nothing the rules forbid
(a NUL, a number sent as text, a year 9999) was ever applied.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from srv_support import (
    PASSWORD,
    Laptop,
    ServerProcess,
    World,
    business_fields,
    enrollment_fields,
    op,
    visit_fields,
)

from agent_app.domain import validation
from sync import protocol
from sync.server import db

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]

SPECS = {
    "business": validation.BUSINESS,
    "visit": validation.VISIT,
    "enrollment": validation.ENROLLMENT,
}
OP_FIELDS = (
    "op_id",
    "op_seq",
    "entity",
    "entity_id",
    "kind",
    "base_version",
    "fields",
    "recorded_at",
)
TRICKY = [
    "\x00",
    "Pempek\x00",
    "\u202e",
    "a\nb",
    "",
    " ",
    "1",
    "true",
    "null",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+07:00",
    "9999-12-31T23:59:59-07:00",
    "2026-02-30",
    "١٦٧١٠٣٠١٠١٧٠٠٠٠١",
    "１６７１０３０１０１７０００１",
    "+62８１２３４５６７８９０",
    "+6281234567890",
    "1671030101700001",
    "1234567890123",
    "16.71.03",
    "{00000000-0000-0000-0000-000000000001}",
    "00000000-0000-0000-0000-000000000001",
    "JKK",
    "kuliner",
    "submitted",
    "accepted",
]
# Every character but lone surrogates: a body with one ("\ud800") is not JSON the parser
# takes, so its batch is 400 as a whole (tried with the op-level fields below).
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
    | st.sampled_from(TRICKY)
    | st.sampled_from([0, 1, 3, 12, -1, 2**31, 2**63, 1.0, 0.5])
)
hostile_text = st.text(st.sampled_from(["\x00", "a", "7", "١", "８", "\n", "\x1b", "\u202e"]))
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) | st.sampled_from(TRICKY), inner, max_size=3)
    ),
    max_leaves=5,
)
# Mostly the values that have broken servers before, often enough to meet every field.
field_values = st.sampled_from(TRICKY) | hostile_text | json_values
op_values = field_values | st.sampled_from(["\ud800", "\udfff"]) | st.floats()


def _post(laptop: Laptop, ops: list[dict[str, Any]]) -> Any:
    """Posts the batch as bytes (lone surrogates travel as JSON escapes)."""
    body = json.dumps(laptop.body(ops)).encode()
    return laptop.client.post(
        "/v1/sync/push",
        content=body,
        headers={**laptop.headers, "Content-Type": "application/json"},
    )


def _stored(world: World) -> dict[str, Any]:
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(db.table(db.Record))).all()
    return {row.entity_id: row for row in rows}


def _check_everything_stored_obeys_the_rules(world: World, refused: set[str]) -> None:
    for entity_id, row in _stored(world).items():
        assert entity_id not in refused, "a refused create was stored"
        spec = SPECS.get(row.entity)
        if spec is None or row.deleted:
            continue
        fields = {k: v for k, v in row.fields.items() if k not in spec.server_set}
        problems = validation._validate(spec, fields, partial=False)
        assert problems == [], (row.entity, problems)


@pytest.fixture
def fuzz_world(world: World, database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The real server (`python -m sync.server serve`) in its own process on a loopback
    port, over the test's database, and a laptop of agent A1 logged in to it over HTTP."""
    world.branch()
    world.agent("A1")
    server = ServerProcess(database_url, tmp_path)
    http = httpx.Client(base_url=server.url, timeout=60)
    try:
        device_id = str(uuid.uuid4())
        response = http.post(
            "/v1/auth/login",
            json={
                "agent_code": "A1",
                "password": PASSWORD,
                "device_id": device_id,
                "device_name": "Laptop uji",
            },
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        a1 = Laptop(http, "A1", device_id, answer["access_token"], answer["refresh_token"], answer)
        biz, visit, enr = (str(uuid.uuid4()) for _ in range(3))
        results = a1.push(
            op("business", "create", biz, business_fields()),
            op("visit", "create", visit, visit_fields(biz)),
            op("enrollment", "create", enr, enrollment_fields(61)),
        )
        assert [r["status"] for r in results] == ["applied"] * 3
        yield {
            "world": world,
            "laptop": a1,
            "ids": {"business": biz, "visit": visit, "enrollment": enr},
        }
    finally:
        http.close()
        server.stop()


def _whole(entity: str, ids: dict[str, str], n: int) -> dict[str, Any]:
    if entity == "business":
        return business_fields(name=f"Warung Uji {n}")
    if entity == "visit":
        return visit_fields(ids["business"])
    return enrollment_fields(100 + n)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a shrink of batches this large takes minutes
)
@given(data=st.data())
def test_no_op_content_makes_a_batch_fail_or_stores_what_the_rules_forbid(
    fuzz_world: dict[str, Any], data: st.DataObject
) -> None:
    world: World = fuzz_world["world"]
    laptop: Laptop = fuzz_world["laptop"]
    ids: dict[str, str] = fuzz_world["ids"]
    versions = {entity_id: row.version for entity_id, row in _stored(world).items()}
    ops: list[dict[str, Any]] = []
    for entity, spec in SPECS.items():
        for n, name in enumerate([*spec.fields, *spec.server_set, "surprise"]):
            value = data.draw(field_values, label=f"{entity}.{name}")
            item = op(entity, "create", None, {**_whole(entity, ids, n), name: value})
            ops.append(item)
            value = data.draw(field_values, label=f"{entity}.{name} (update)")
            ops.append(
                op(
                    entity,
                    "update",
                    ids[entity],
                    {name: value},
                    base_version=versions[ids[entity]],
                )
            )
    response = _post(laptop, ops)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(ops)
    refused = {
        item["entity_id"]
        for item, result in zip(ops, results, strict=True)
        if item["kind"] == "create" and result["status"] == "rejected"
    }
    for result in results:
        protocol.OpResult.model_validate(result)
    # One op-level field replaced by arbitrary JSON, one op per batch.
    for name in OP_FIELDS:
        entity = data.draw(st.sampled_from(list(SPECS)), label=f"op.{name} entity")
        item = op(entity, "create", None, _whole(entity, ids, 50))
        item["op_seq"] = next(laptop.seq)
        item[name] = data.draw(op_values, label=f"op.{name}")
        response = _post(laptop, [item])
        assert response.status_code < 500, response.text
        assert response.status_code in (200, 400), response.text
        if response.status_code == 200:
            [result] = response.json()["results"]
            if result["status"] == "rejected" and isinstance(item.get("entity_id"), str):
                refused.add(item["entity_id"])
    refused -= {row for row in _stored(world) if row in ids.values()}
    _check_everything_stored_obeys_the_rules(world, refused)
