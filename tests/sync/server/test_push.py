"""Push: per-op results, the idempotency ledger and every rule of the conflict policy."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from srv_support import (
    WIB,
    World,
    business_fields,
    enrollment_fields,
    op,
    visit_fields,
)


def test_creates_are_applied_and_a_replay_is_duplicate(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    ops = [
        op("business", "create", biz, business_fields()),
        op("visit", "create", None, visit_fields(biz)),
        op("enrollment", "create", None, enrollment_fields(1, business_id=biz)),
    ]
    first = a1.push(*ops)
    assert [r["status"] for r in first] == ["applied"] * 3
    assert all(r["entity_version"] == 1 and r["error"] is None for r in first)
    seqs = [r["server_seq"] for r in first]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    again = a1.push(*[dict(o, op_seq=None) | {"op_seq": 100 + i} for i, o in enumerate(ops)])
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert [(r["entity_version"], r["server_seq"]) for r in again] == [
        (r["entity_version"], r["server_seq"]) for r in first
    ]


def test_server_sets_owner_fields_and_status(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    enr = str(uuid.uuid4())
    a1.push(
        op("business", "create", biz, business_fields(registered_by="SOMEONE")),
        op("enrollment", "create", enr, enrollment_fields(2, agent_code="X")),
    )
    changes = {c["entity_id"]: c for c in a1.pull_all()[0]}
    assert changes[biz]["fields"]["registered_by"] == "A1"
    assert changes[enr]["fields"]["agent_code"] == "A1"
    assert changes[enr]["fields"]["status"] == "submitted"


def test_second_create_of_existing_record_is_duplicate_and_of_deleted_rejected(
    world: World,
) -> None:
    a1, a2, _ = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields()))
    a1.push_one(op("business", "update", biz, {"name": "Pempek Baru"}, base_version=1))
    again = a2.push_one(op("business", "create", biz, business_fields()))
    assert again["status"] == "duplicate" and again["entity_version"] == 2
    a1.push_one(op("business", "delete", biz))
    gone = a2.push_one(op("business", "create", biz, business_fields()))
    assert gone["status"] == "rejected" and gone["error"]["code"] == "deleted"
    assert gone["entity_version"] is None and gone["server_seq"] is None


def test_update_with_current_base_is_applied(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields()))
    result = a1.push_one(op("business", "update", biz, {"status": "contacted"}, base_version=1))
    assert result["status"] == "applied" and result["entity_version"] == 2


def test_update_base_version_null_or_newer_is_rejected(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields()))
    null = a1.push_one(op("business", "update", biz, {"status": "contacted"}))
    newer = a1.push_one(op("business", "update", biz, {"status": "contacted"}, base_version=5))
    for result in (null, newer):
        assert result["status"] == "rejected"
        assert result["error"] == {
            "code": "invalid_field",
            "field": "base_version",
            "message": result["error"]["message"],
        }


def test_business_field_level_merge_and_later_arrival_wins(world: World) -> None:
    a1, a2, _ = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields(name="Awal")))
    # Both laptops last saw version 1.
    assert (
        a2.push_one(op("business", "update", biz, {"name": "Dari A2"}, base_version=1))["status"]
        == "applied"
    )
    merged = a1.push_one(op("business", "update", biz, {"workers_count": 7}, base_version=1))
    assert merged["status"] == "applied" and merged["entity_version"] == 3
    later = a1.push_one(op("business", "update", biz, {"name": "Dari A1"}, base_version=1))
    assert later["status"] == "applied"
    record = {c["entity_id"]: c for c in a1.pull_all()[0]}[biz]
    assert record["fields"]["workers_count"] == 7
    assert record["fields"]["name"] == "Dari A1"
    assert record["version"] == 4


def test_visit_merge_also_takes_later_arrival(world: World) -> None:
    a1, _, s1 = world.standard()
    biz, visit = str(uuid.uuid4()), str(uuid.uuid4())
    a1.push(
        op("business", "create", biz, business_fields()),
        op("visit", "create", visit, visit_fields(biz)),
    )
    s1.push_one(op("visit", "update", visit, {"notes": "catatan supervisor"}, base_version=1))
    result = a1.push_one(op("visit", "update", visit, {"notes": "catatan agen"}, base_version=1))
    assert result["status"] == "applied"
    record = {c["entity_id"]: c for c in a1.pull_all()[0]}[visit]
    assert record["fields"]["notes"] == "catatan agen"
    assert record["fields"]["agent_code"] == "A1"


def test_enrollment_field_changed_by_someone_else_is_conflict(world: World) -> None:
    a1, _, s1 = world.standard()
    enr = str(uuid.uuid4())
    a1.push_one(op("enrollment", "create", enr, enrollment_fields(3)))
    assert (
        s1.push_one(
            op("enrollment", "update", enr, {"address": "Alamat oleh supervisor"}, base_version=1)
        )["status"]
        == "applied"
    )
    # A field nobody else changed merges.
    ok = a1.push_one(op("enrollment", "update", enr, {"birth_place": "Prabumulih"}, base_version=1))
    assert ok["status"] == "applied" and ok["entity_version"] == 3
    clash = a1.push_one(
        op("enrollment", "update", enr, {"address": "Alamat oleh agen"}, base_version=1)
    )
    assert clash["status"] == "conflict"
    assert clash["error"]["code"] == "field_changed" and clash["error"]["field"] == "address"
    assert clash["entity_version"] == 3 and clash["server_seq"] is None
    assert clash["current"]["address"] == "Alamat oleh supervisor"
    # A new update on the new base resolves it.
    resolved = a1.push_one(
        op("enrollment", "update", enr, {"address": "Alamat oleh agen"}, base_version=3)
    )
    assert resolved["status"] == "applied"


def test_own_earlier_changes_are_not_conflicts(world: World) -> None:
    a1, _, _ = world.standard()
    enr = str(uuid.uuid4())
    a1.push_one(op("enrollment", "create", enr, enrollment_fields(4)))
    results = a1.push(
        op("enrollment", "update", enr, {"address": "Satu"}, base_version=1),
        op("enrollment", "update", enr, {"address": "Dua"}, base_version=1),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]


def test_protected_fields_and_review_cycle(world: World) -> None:
    a1, _, s1 = world.standard()
    enr = str(uuid.uuid4())
    a1.push_one(op("enrollment", "create", enr, enrollment_fields(5)))
    for name, value in (
        ("status", "accepted"),
        ("review_reason", "ok"),
        ("membership_number", "123"),
    ):
        result = a1.push_one(op("enrollment", "update", enr, {name: value}, base_version=1))
        assert result["status"] == "rejected", name
        assert result["error"]["code"] == "forbidden" and result["error"]["field"] == name
    sent_back = s1.push_one(
        op(
            "enrollment",
            "update",
            enr,
            {"status": "needs_correction", "review_reason": "Foto KTP buram"},
            base_version=1,
        )
    )
    assert sent_back["status"] == "applied"
    fixed = a1.push_one(op("enrollment", "update", enr, {"address": "Jl. Baru 2"}, base_version=2))
    assert fixed["status"] == "applied"
    record = {c["entity_id"]: c for c in a1.pull_all()[0]}[enr]
    assert record["fields"]["status"] == "submitted"
    assert (
        s1.push_one(
            op(
                "enrollment",
                "update",
                enr,
                {"status": "accepted", "membership_number": "BPU-1"},
                base_version=3,
            )
        )["status"]
        == "applied"
    )
    late = a1.push_one(op("enrollment", "update", enr, {"address": "Lagi"}, base_version=4))
    assert late["status"] == "conflict"
    assert late["error"]["code"] == "enrollment_accepted"
    assert late["entity_version"] == 4 and late["current"]["membership_number"] == "BPU-1"
    create_accepted = a1.push_one(
        op("enrollment", "create", None, enrollment_fields(6, status="accepted"))
    )
    assert create_accepted["error"]["code"] == "forbidden"


def test_delete_wins(world: World) -> None:
    a1, _, s1 = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields()))
    deleted = s1.push_one(op("business", "delete", biz, base_version=1))
    assert deleted["status"] == "applied" and deleted["entity_version"] == 2
    late = a1.push_one(op("business", "update", biz, {"name": "X"}, base_version=1))
    assert late["status"] == "rejected" and late["error"]["code"] == "deleted"
    record = {c["entity_id"]: c for c in a1.pull_all()[0]}[biz]
    assert record["deleted"] is True and record["fields"] == {}
    again = a1.push_one(op("business", "delete", biz))
    assert again["status"] == "duplicate" and again["entity_version"] == 2


def test_nik_unique_among_active_enrollments(world: World, make_world) -> None:
    a1, a2, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    b1 = world.login("B1")
    nik = enrollment_fields(77)["nik"]
    first = str(uuid.uuid4())
    a1.push_one(op("enrollment", "create", first, enrollment_fields(77)))
    for laptop in (a1, a2, b1):
        clash = laptop.push_one(op("enrollment", "create", None, enrollment_fields(77)))
        assert clash["status"] == "conflict"
        assert clash["error"]["code"] == "nik_already_enrolled"
        # Nobody learns another agent's enrollee through a conflict.
        assert set(clash["current"]) == {"branch", "enrolled_on"}
        assert clash["current"]["branch"] == "PLG"
    other = str(uuid.uuid4())
    a2.push_one(op("enrollment", "create", other, enrollment_fields(78)))
    moved = a2.push_one(op("enrollment", "update", other, {"nik": nik}, base_version=1))
    assert moved["status"] == "conflict" and moved["error"]["code"] == "nik_already_enrolled"
    assert b1.check_nik(nik).json()["enrolled"] is True
    a1.push_one(op("enrollment", "delete", first))
    assert b1.check_nik(nik).json() == {"enrolled": False, "branch": None, "enrolled_on": None}
    assert b1.push_one(op("enrollment", "create", None, enrollment_fields(77)))["status"] == (
        "applied"
    )


def test_same_nik_twice_in_one_batch(world: World) -> None:
    a1, _, _ = world.standard()
    results = a1.push(
        op("enrollment", "create", None, enrollment_fields(90)),
        op("enrollment", "create", None, enrollment_fields(90)),
    )
    assert [r["status"] for r in results] == ["applied", "conflict"]


def test_key_reuse_is_rejected(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    first = op("business", "create", biz, business_fields())
    a1.push_one(first)
    reused = dict(first, fields=business_fields(name="Lain"))
    result = a1.push_one(reused)
    assert result["status"] == "rejected" and result["error"]["code"] == "key_reuse"
    assert result["entity_version"] is None and result["server_seq"] is None
    in_batch = op("business", "create", None, business_fields())
    twice = a1.push(in_batch, dict(in_batch, fields={"name": "lain"}))
    assert [r["status"] for r in twice] == ["applied", "rejected"]
    assert twice[1]["error"]["code"] == "key_reuse"


def test_replayed_rejected_op_gets_stored_answer(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    visit = op("visit", "create", None, visit_fields(biz))
    first = a1.push_one(visit)
    assert first["status"] == "rejected" and first["error"]["code"] == "unknown_reference"
    a1.push_one(op("business", "create", biz, business_fields()))
    # The op would now succeed, but its answer was given: never a second judgement.
    assert a1.push_one(dict(visit)) == first
    conflict = op("enrollment", "create", None, enrollment_fields(11))
    a1.push_one(op("enrollment", "create", None, enrollment_fields(11)))
    stored = a1.push_one(conflict)
    assert stored["status"] == "conflict"
    assert a1.push_one(dict(conflict)) == stored


def test_validation_rejections(world: World) -> None:
    a1, _, _ = world.standard()
    cases = {
        "unknown_field": op("business", "create", None, business_fields(colour="red")),
        "bad_nik": op("enrollment", "create", None, enrollment_fields(12, nik="1671030000000000")),
        "bad_phone": op("business", "create", None, business_fields(phone="12345")),
        "no_jkm": op("enrollment", "create", None, enrollment_fields(13, programs=["JKK"])),
        "bad_sector": op("business", "create", None, business_fields(sector="luar_angkasa")),
        "base_on_create": op("business", "create", None, business_fields(), base_version=1),
        "partial_update_bad": op(
            "business", "update", str(uuid.uuid4()), {"name": 5}, base_version=1
        ),
    }
    results = dict(zip(cases, a1.push(*cases.values()), strict=True))
    for name, result in results.items():
        assert result["status"] == "rejected", name
        assert result["entity_version"] is None and result["server_seq"] is None
    assert results["unknown_field"]["error"]["field"] == "colour"
    assert results["unknown_field"]["error"]["code"] == "invalid_field"
    assert results["bad_nik"]["error"]["field"] == "nik"
    assert results["partial_update_bad"]["error"]["code"] == "unknown_reference"


def test_monthly_contribution_checked_against_quote_for_either_date(world: World) -> None:
    from agent_app.domain import contributions

    a1, _, _ = world.standard()
    # January 2026: before the PP 50/2025 discount for non-transport workers; today (the
    # server's date) may be inside it. Both quotes are accepted, anything else is not.
    recorded = dt.datetime(2026, 1, 15, 10, 0, tzinfo=WIB)
    then = contributions.quote(2_000_000, ["JKK", "JKM"], 1, recorded.date(), "pedagang")
    today = contributions.quote(
        2_000_000, ["JKK", "JKM"], 1, dt.datetime.now(WIB).date(), "pedagang"
    )
    ok_then = op(
        "enrollment",
        "create",
        None,
        enrollment_fields(20, monthly_contribution=then.monthly_total),
        recorded_at=recorded,
    )
    ok_today = op(
        "enrollment",
        "create",
        None,
        enrollment_fields(21, monthly_contribution=today.monthly_total),
        recorded_at=recorded,
    )
    wrong = op(
        "enrollment",
        "create",
        None,
        enrollment_fields(22, monthly_contribution=then.monthly_total + 1),
        recorded_at=recorded,
    )
    results = a1.push(ok_then, ok_today, wrong)
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["error"]["field"] == "monthly_contribution"
    # An update that changes the income must carry the new quote.
    enr = ok_then["entity_id"]
    bad = a1.push_one(
        op("enrollment", "update", enr, {"declared_income": 5_000_000}, base_version=1)
    )
    assert bad["status"] == "rejected" and bad["error"]["field"] == "monthly_contribution"


def test_references_and_permissions(world: World) -> None:
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    b1 = world.login("B1")
    biz, enr = str(uuid.uuid4()), str(uuid.uuid4())
    a1.push(
        op("business", "create", biz, business_fields()),
        op("enrollment", "create", enr, enrollment_fields(30)),
    )
    # Another branch's record, or another agent's enrollment, is answered as unknown
    # (tests/sync/server/test_push_permissions.py).
    other_branch = b1.push_one(op("business", "update", biz, {"name": "X"}, base_version=1))
    assert other_branch["error"]["code"] == "unknown_reference"
    visit_other = b1.push_one(op("visit", "create", None, visit_fields(biz)))
    assert visit_other["error"]["code"] == "unknown_reference"
    other_agent = a2.push_one(op("enrollment", "update", enr, {"address": "X"}, base_version=1))
    assert other_agent["error"]["code"] == "unknown_reference"
    assert (
        s1.push_one(op("enrollment", "update", enr, {"address": "Y"}, base_version=1))["status"]
        == "applied"
    )
    same_branch = a2.push_one(
        op("business", "update", biz, {"status": "contacted"}, base_version=1)
    )
    assert same_branch["status"] == "applied"
    unknown = a1.push_one(op("business", "delete", str(uuid.uuid4())))
    assert unknown["error"]["code"] == "unknown_reference"
    bad_event = a1.push_one(
        op("business", "create", None, business_fields(event_id=str(uuid.uuid4())))
    )
    assert bad_event["error"] == {
        "code": "unknown_reference",
        "field": "event_id",
        "message": bad_event["error"]["message"],
    }
    wrong_kind = a1.push_one(op("visit", "update", biz, {"notes": "x"}, base_version=1))
    assert wrong_kind["error"]["code"] == "unknown_reference"


def test_batch_level_errors(world: World) -> None:
    a1, a2, _ = world.standard()
    ops = [op("business", "create", None, business_fields()) for _ in range(2)]
    ops[0]["op_seq"], ops[1]["op_seq"] = 5, 5
    response = a1.push_raw(ops)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ops_out_of_order"
    body = a1.body([op("business", "create", None, business_fields())])
    wrong_device = a2.client.post("/v1/sync/push", json=body, headers=a2.headers)
    assert wrong_device.status_code == 403
    assert wrong_device.json()["error"]["code"] == "wrong_device"
    body["protocol_version"] = 2
    old = a1.client.post("/v1/sync/push", json=body, headers=a1.headers)
    assert old.status_code == 400 and old.json()["error"]["code"] == "unsupported_protocol"
    malformed = a1.client.post("/v1/sync/push", json={"ops": "nope"}, headers=a1.headers)
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "invalid_request"
    not_json = a1.client.post(
        "/v1/sync/push", content=b"{", headers={**a1.headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 400


def test_too_many_ops_is_413(make_world) -> None:
    world = make_world(max_ops_per_batch=3)
    a1, _, _ = world.standard()
    response = a1.push_raw([op("business", "create", None, business_fields()) for _ in range(4)])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_ops"


def test_batch_of_only_rejected_ops_is_200(world: World) -> None:
    a1, _, _ = world.standard()
    response = a1.push_raw(
        [op("business", "update", str(uuid.uuid4()), {"name": "x"}, base_version=1)]
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "rejected"


def test_central_review_then_agent_updates(world: World) -> None:
    from sync.server import admin

    a1, _, _ = world.standard()
    enr = str(uuid.uuid4())
    a1.push_one(op("enrollment", "create", enr, enrollment_fields(80)))
    admin.review_enrollment(world.engine, enr, "needs_correction", "NIK tidak terbaca")
    record = {c["entity_id"]: c for c in a1.pull_all()[0]}[enr]
    assert record["version"] == 2 and record["fields"]["status"] == "needs_correction"
    assert record["fields"]["review_reason"] == "NIK tidak terbaca"
    # The agent's correction on the old base: status was the central system's change, the
    # address was not, so it merges and the server puts the enrollment back to submitted.
    fixed = a1.push_one(op("enrollment", "update", enr, {"address": "Jl. Benar 1"}, base_version=1))
    assert fixed["status"] == "applied"
    admin.review_enrollment(world.engine, enr, "accepted", None, "BPU-0001")
    late = a1.push_one(op("enrollment", "update", enr, {"address": "X"}, base_version=4))
    assert late["status"] == "conflict" and late["error"]["code"] == "enrollment_accepted"
    with pytest.raises(admin.AdminError):
        admin.review_enrollment(world.engine, enr, "accepted", None, None)


def test_bulk_writes_raise_sqlalchemy_integrity_errors(world: World) -> None:
    """A duplicate key in a bulk write (COPY on PostgreSQL) is an IntegrityError like any other
    statement's, so the batch is retried instead of answering 500."""
    import sqlalchemy as sa

    from sync.server import bulk, push

    now = dt.datetime.now(dt.UTC)
    rec = push.Rec(
        str(uuid.uuid4()),
        "business",
        "PLG",
        "A1",
        1,
        False,
        {"name": "x"},
        {},
        1,
        now,
        now,
        True,
        True,
    )
    with world.engine.begin() as conn:
        bulk.insert_records(conn, [rec])
    with pytest.raises(sa.exc.IntegrityError), world.engine.begin() as conn:
        bulk.insert_records(conn, [rec])


def test_bulk_writes_keep_every_character(world: World) -> None:
    """The COPY text built for new records (PostgreSQL) escapes what COPY treats specially:
    the records read back exactly as written."""
    from sync.server import bulk, push

    now = dt.datetime.now(dt.UTC)
    awkward = "a\\b\tc\nd\re \\N \\\\t 'x' \"y\" é ✓ \u2028 \x01"
    ids = [str(uuid.uuid4()), 'id, with "quotes" {x} \\ \t', str(uuid.uuid4())]
    recs = [
        push.Rec(
            ids[i],
            "business",
            branch,
            owner,
            3,
            deleted,
            fields,
            {"name": [2, "dev\\ice\t1"]},
            7 + i,
            now,
            now,
            True,
            True,
        )
        for i, (branch, owner, deleted, fields) in enumerate(
            [
                ("PLG", "A1", False, {"name": awkward, "notes": ["\\", "\t"], "n": 1.5}),
                ("P\\L\tG", None, True, {}),
                ("\\N", "A\n1", False, {"nested": {"k": awkward, "none": None}}),
            ]
        )
    ]
    with world.engine.begin() as conn:
        bulk.insert_records(conn, recs)
    with world.engine.connect() as conn:
        batch = push.Batch(conn, push.Caller("A1", "PLG", "agent", "d"), 0, now)
        batch.load_records([r.entity_id for r in recs])
    assert sorted(batch.records) == sorted(ids)
    for rec in recs:
        got = batch.records[rec.entity_id]
        assert (got.branch_code, got.owner_code, got.deleted) == (
            rec.branch_code,
            rec.owner_code,
            rec.deleted,
        )
        assert (got.fields, got.field_versions) == (rec.fields, rec.field_versions)
        assert (got.version, got.server_seq) == (3, rec.server_seq)
        for moment in (got.created_at, got.updated_at):  # SQLite's are naive UTC
            assert moment.replace(tzinfo=moment.tzinfo or dt.UTC) == now


def test_ledger_rows_are_guarded_by_the_unique_op_id(world: World) -> None:
    """The ledger rows go in with a plain INSERT (COPY on PostgreSQL): an op_id already there
    raises IntegrityError (the batch is retried and then answered from the ledger)."""
    import sqlalchemy as sa

    from sync.server import bulk
    from sync.server.push import ledger, records

    now = dt.datetime.now(dt.UTC)
    op_id = str(uuid.uuid4())
    entity_id = str(uuid.uuid4())
    row = (
        op_id,
        entity_id,
        "0" * 64,
        records.rejected("invalid_field", "nik", "Bad\\ \t NIK."),
        -12.5,
    )
    with world.engine.begin() as conn:
        bulk.insert_ledger(conn, [row], "device-1", "A1", now)
    with world.engine.connect() as conn:
        stored = ledger.stored(conn, [op_id])[op_id]
    assert (stored.status, stored.entity_version, stored.server_seq) == ("rejected", None, None)
    assert stored.error == {"code": "invalid_field", "field": "nik", "message": "Bad\\ \t NIK."}
    assert stored.current is None and stored.payload_hash == "0" * 64
    assert stored.entity_id == entity_id and stored.clock_offset_seconds == -12.5
    with pytest.raises(sa.exc.IntegrityError), world.engine.begin() as conn:
        bulk.insert_ledger(conn, [row], "device-1", "A1", now)


def test_nik_guard_rows_are_unique(world: World) -> None:
    import sqlalchemy as sa

    from sync.server import bulk, push

    row = ("1671030101900001", str(uuid.uuid4()), "PLG", dt.date(2026, 1, 2))
    with world.engine.begin() as conn:
        bulk.insert_niks(conn, [row])
    with world.engine.connect() as conn:
        now = dt.datetime.now(dt.UTC)
        batch = push.Batch(conn, push.Caller("A1", "PLG", "agent", "d"), 0, now)
        batch.load_niks([row[0], "1671030101900002"])
    assert batch.niks == {row[0]: push.NikRow(*row[1:]), "1671030101900002": None}
    with pytest.raises(sa.exc.IntegrityError), world.engine.begin() as conn:
        bulk.insert_niks(conn, [row])
