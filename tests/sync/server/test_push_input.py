"""Hostile input in an op (issue 10, item 6): whatever an op holds, its batch answers 200 with
a per-op verdict, never 500, on SQLite and PostgreSQL; control characters, foreign digits,
numbers sent as text and extreme dates are `rejected` `invalid_field` and never stored."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import World, business_fields, enrollment_fields, op, visit_fields

from sync.server import db


def _stored_fields(world: World) -> str:
    with world.engine.connect() as conn:
        return "\n".join(str(row.fields) for row in conn.execute(sa.select(db.table(db.Record))))


def test_a_nul_in_a_text_field_is_refused_and_never_breaks_a_later_batch(world: World) -> None:
    a1, a2, _ = world.standard()
    biz = str(uuid.uuid4())
    # Refused at once, with the field named; the good op of the same batch is applied.
    bad, good = a1.push(
        op("business", "create", biz, business_fields(name="Pempek\x00Cek Molek")),
        op("business", "create", None, business_fields(name="Tekwan Bu Sri")),
    )
    assert bad["status"] == "rejected"
    assert bad["error"]["code"] == "invalid_field" and bad["error"]["field"] == "name"
    assert good["status"] == "applied"
    # The corrected create is applied; the co-worker's later batches that touch it work.
    assert a1.push_one(op("business", "create", biz, business_fields()))["status"] == "applied"
    sneaky = op("business", "update", biz, {"owner_name": "Bu\x00di"}, base_version=1)
    fine = op("business", "update", biz, {"address": "Jl. Merdeka 12\nRT 02"}, base_version=1)
    assert [r["status"] for r in a2.push(sneaky, fine)] == ["rejected", "applied"]
    assert a2.push_one(op("visit", "create", None, visit_fields(biz)))["status"] == "applied"
    assert "\x00" not in _stored_fields(world)


@pytest.mark.parametrize(
    ("entity", "fields", "field"),
    [
        ("enrollment", {"nik": "16710301\x0001700001"}, "nik"),
        ("enrollment", {"nik": "١٦٧١٠٣٠١٠١٧٠٠٠٠١"}, "nik"),
        ("enrollment", {"phone": "+62８１２３４５６７８９０"}, "phone"),
        ("enrollment", {"full_name": "Siti\x1bAminah"}, "full_name"),
        ("enrollment", {"birth_date": "0001-01-01"}, "birth_date"),
        ("enrollment", {"period_months": True}, "period_months"),
        ("enrollment", {"declared_income": "2000000"}, "declared_income"),
        ("business", {"nib": "１２３４５６７８９０１２３"}, "nib"),
        ("business", {"workers_count": "3"}, "workers_count"),
        ("business", {"business_id\x00": 1}, None),  # an unknown field's name is not echoed
        ("visit", {"visited_at": "9999-12-31T23:00:00-07:00"}, "visited_at"),
        ("visit", {"business_id": "\x00"}, "business_id"),
    ],
)
def test_each_bad_value_is_a_per_op_rejection(
    world: World, entity: str, fields: dict[str, Any], field: str | None
) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields()))
    whole = {
        "business": business_fields(name="Warung Uji"),
        "visit": visit_fields(biz),
        "enrollment": enrollment_fields(41),
    }[entity]
    bad, good = a1.push(
        op(entity, "create", None, {**whole, **fields}),
        op("enrollment", "create", None, enrollment_fields(42)),
    )
    assert bad["status"] == "rejected" and bad["error"]["code"] == "invalid_field"
    assert bad["error"]["field"] == field
    assert (bad["entity_version"], bad["server_seq"]) == (None, None)
    assert good["status"] == "applied"


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+07:00",
        "1900-01-01T00:00:00+07:00",  # 1899 in UTC
        "2199-12-31T23:00:00-07:00",  # 2200 in UTC
        "9999-12-31T23:59:59-07:00",
    ],
)
@pytest.mark.parametrize("entity", ["business", "enrollment"])
def test_an_extreme_recorded_at_is_a_per_op_rejection(
    world: World, entity: str, moment: str
) -> None:
    a1, _, _ = world.standard()
    fields = business_fields() if entity == "business" else enrollment_fields(43)
    extreme = op(entity, "create", None, fields) | {"recorded_at": moment}
    bad, good = a1.push(extreme, op("business", "create", None, business_fields()))
    assert bad["status"] == "rejected"
    assert bad["error"]["code"] == "invalid_field" and bad["error"]["field"] == "recorded_at"
    assert good["status"] == "applied"


@pytest.mark.parametrize(
    "change",
    [
        {"op_seq": "7"},
        {"op_seq": 7.0},
        {"op_seq": True},
        {"base_version": "1"},
        {"base_version": False},
    ],
)
def test_op_numbers_must_be_json_integers(world: World, change: dict[str, Any]) -> None:
    a1, _, _ = world.standard()
    item = op("business", "create", None, business_fields()) | {"op_seq": 7} | change
    response = a1.push_raw([item])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    body = a1.body([op("business", "create", None, business_fields())]) | {"protocol_version": "1"}
    response = a1.client.post("/v1/sync/push", json=body, headers=a1.headers)
    assert response.status_code == 400


def test_an_old_but_possible_recorded_at_is_judged_by_the_quote(world: World) -> None:
    """A laptop clock set to 1950 is refused by the quote (no rate table then), not by a
    crash; a business recorded then is kept (the server decides order, not the clock)."""
    a1, _, _ = world.standard()
    old = "1950-06-01T10:00:00+07:00"
    enrollment = op("enrollment", "create", None, enrollment_fields(44)) | {"recorded_at": old}
    business = op("business", "create", None, business_fields()) | {"recorded_at": old}
    refused, kept = a1.push(enrollment, business)
    assert refused["status"] == "rejected" and refused["error"]["code"] == "invalid_field"
    assert kept["status"] == "applied"


@pytest.mark.parametrize(
    "nik",
    [
        "١٦٧١٠٣٠١٠١٧٠٠٠٠١",
        "１６７１０３０１０１７０００１",
        "1671030101700001\n",
        "16710301\x0001700001",
    ],
)
def test_a_participant_check_takes_only_ascii_digits(world: World, nik: str) -> None:
    a1, _, _ = world.standard()
    response = a1.check_nik(nik)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_nik"
