"""`SyncEngine` cycles between an in-memory `LocalStore` and the real central server.

The store is a fake at the boundary (sync_support.MemoryStore); the server is the real one in
its own process (conftest `server`), run with `max_ops_per_batch` 50 and `max_body_bytes`
64 KiB so batching meets its real limits.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers.live_server import MAX_BODY_BYTES, MAX_OPS_PER_BATCH, PASSWORD
from helpers.niks import fresh_nik
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_support import (
    MemoryStore,
    business,
    enrollment,
    now_wib,
)

from sync import bundle, protocol
from sync import engine as sync_engine
from sync.client import SyncClient, SyncError
from sync.engine import SyncEngine


def engine_for(make_client, agent: str = "AG001", **kwargs):
    store = MemoryStore()
    client = make_client(agent, device_id=store.device_id)
    return SyncEngine(client, store, **kwargs), store


def test_the_store_protocol_is_what_the_fake_implements():
    assert isinstance(MemoryStore(), sync_engine.LocalStore)


def test_the_apps_store_has_every_member_of_the_protocol():
    store_module = pytest.importorskip("agent_app.storage.store")
    members = [
        name
        for name in dir(sync_engine.LocalStore)
        if not name.startswith("_") and name not in dir(object)
    ]
    assert "pending_ops" in members and "device_id" in members
    missing = [name for name in members if not hasattr(store_module.LocalStore, name)]
    assert missing == []


def test_pushes_in_batches_of_the_servers_max_ops(make_client):
    engine, store = engine_for(make_client)
    ops = [store.add("business", "create", business(f"Warung {n}")) for n in range(120)]
    report = engine.run_cycle()
    assert report.batches == 3
    assert [len(batch) for batch in store.batches_marked] == [50, 50, 20]
    assert (report.pushed, report.applied) == (120, 120)
    assert store.pending_count() == 0
    assert all(store.state_of(op) == "done" for op in ops)
    assert all(store.records[op["entity_id"]]["version"] == 1 for op in ops)
    assert MAX_OPS_PER_BATCH == 50


def test_batches_are_split_to_stay_under_the_servers_body_cap(make_client):
    engine, store = engine_for(make_client)
    shop = store.add("business", "create", business())
    visits = [
        store.add(
            "visit",
            "create",
            {
                "business_id": shop["entity_id"],
                "visited_at": now_wib().isoformat(),
                "channel": "door_to_door",
                "notes": f"catatan {n} " + "x" * 3900,
            },
        )
        for n in range(40)
    ]
    report = engine.run_cycle()
    assert report.applied == 41
    assert report.batches >= 3
    sizes = [len(batch) for batch in store.batches_marked]
    assert max(sizes) < MAX_BODY_BYTES // 4000
    assert all(store.state_of(op) == "done" for op in visits)


def test_a_rejected_op_in_the_middle_does_not_block_the_rest(make_client):
    engine, store = engine_for(make_client)
    before = store.add("business", "create", business("Sebelum"))
    bad = store.add("business", "create", business("Salah", sector="bukan-sektor"))
    after = [store.add("business", "create", business(f"Sesudah {n}")) for n in range(3)]
    report = engine.run_cycle()
    assert (report.applied, report.rejected, report.batches) == (4, 1, 1)
    assert store.state_of(before) == "done"
    assert all(store.state_of(op) == "done" for op in after)
    assert store.state_of(bad) == "rejected"
    result = store.result_of(bad)
    assert result is not None and result.error is not None
    assert (result.error.code, result.error.field) == ("invalid_field", "sector")
    assert result.error.message
    # Settled: not sent again.
    assert engine.run_cycle().pushed == 0


def test_a_lost_answer_is_settled_as_duplicate_on_replay(make_client):
    engine, store = engine_for(make_client)
    ops = [store.add("business", "create", business(f"Toko {n}")) for n in range(4)]
    # The first push reached the server, but its answer never reached the laptop.
    request = protocol.PushRequest(
        protocol_version=1,
        device_id=uuid.UUID(store.device_id),
        batch_id=uuid.uuid4(),
        ops=[protocol.Op.model_validate(op) for op in ops],
    )
    lost = engine.client.push(request)
    assert {result.status for result in lost.results} == {"applied"}
    assert store.pending_count() == 4
    report = engine.run_cycle()
    assert (report.duplicate, report.applied) == (4, 0)
    assert store.pending_count() == 0
    assert [store.result_of(op).entity_version for op in ops] == [1, 1, 1, 1]


def test_a_conflict_carries_the_servers_message_and_lets_the_rest_through(make_client):
    nik = fresh_nik()
    first, first_store = engine_for(make_client, "AG001")
    first_store.add("enrollment", "create", enrollment(nik))
    assert first.run_cycle().applied == 1

    second, store = engine_for(make_client, "AG002")
    clash = store.add("enrollment", "create", enrollment(nik, full_name="Orang Lain"))
    behind = store.add("business", "create", business("Di belakang"))
    report = second.run_cycle()
    assert (report.conflict, report.applied) == (1, 1)
    assert store.state_of(clash) == "conflict"
    assert store.state_of(behind) == "done"
    result = store.result_of(clash)
    assert result is not None and result.error is not None
    assert result.error.code == "nik_already_enrolled"
    assert result.error.message
    assert result.current is not None
    assert set(result.current) == {"branch", "enrolled_on"}
    assert result.current["branch"] == "PLG"


def test_a_field_changed_conflict_carries_the_servers_current_record(make_client):
    nik = fresh_nik()
    agent, agent_store = engine_for(make_client, "AG001")
    created = agent_store.add("enrollment", "create", enrollment(nik))
    assert agent.run_cycle().applied == 1
    entity_id = created["entity_id"]

    supervisor, supervisor_store = engine_for(make_client, "SV001")
    supervisor_store.add(
        "enrollment",
        "update",
        {"full_name": "Siti Aminah Putri"},
        entity_id=entity_id,
        base_version=1,
    )
    assert supervisor.run_cycle().applied == 1

    stale = agent_store.add(
        "enrollment",
        "update",
        {"full_name": "Siti Aminah S."},
        entity_id=entity_id,
        base_version=1,
    )
    report = agent.run_cycle()
    assert report.conflict == 1
    result = agent_store.result_of(stale)
    assert result is not None and result.error is not None
    assert (result.error.code, result.error.field) == ("field_changed", "full_name")
    assert result.error.message
    assert result.entity_version == 2
    assert result.current is not None
    assert result.current["full_name"] == "Siti Aminah Putri"


def test_pull_hands_each_page_with_its_cursor_to_the_store(make_client):
    writer, writer_store = engine_for(make_client, "AG900")
    ids = {
        writer_store.add("business", "create", business(f"Jakarta {n}"))["entity_id"]
        for n in range(7)
    }
    writer.run_cycle()

    reader, store = engine_for(make_client, "AG900", pull_limit=3)
    report = reader.run_cycle()
    assert report.pulled >= 7
    assert report.pages == len(store.pages) >= 3
    assert all(len(changes) <= 3 for changes, _ in store.pages)
    assert all(len(changes) == 3 for changes, _ in store.pages[:-1])
    assert store.cursor == store.pages[-1][1]
    assert ids <= set(store.records)
    record = store.records[next(iter(ids))]
    assert (record["entity"], record["version"], record["deleted"]) == ("business", 1, False)

    # Nothing new: one empty page from the stored cursor.
    again = reader.run_cycle()
    assert (again.pulled, again.pages) == (0, 1)
    assert store.pages[-1][0] == []
    assert len(store.successes) == 2
    last = dt.datetime.fromisoformat(store.successes[-1])
    assert abs((last - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_pull_pages_stay_within_the_servers_cap(make_client, monkeypatch):
    """The laptop asks for pages as big as the server's `max_pull_limit` allows (a bigger
    `limit` is a 400), and 1000 from a server whose config does not say (before issue 15)."""
    engine, _ = engine_for(make_client, "AG900", pull_limit=10_000)
    asked: list[int] = []
    real_pull, real_config = engine.client.pull, engine.client.config

    def pull(cursor=None, limit=500):
        asked.append(limit)
        return real_pull(cursor, limit)

    monkeypatch.setattr(engine.client, "pull", pull)
    engine.run_cycle()
    assert asked == [protocol.MAX_PULL_LIMIT]

    def older_config():
        return real_config().model_copy(update={"max_pull_limit": None})

    monkeypatch.setattr(engine.client, "config", older_config)
    engine.run_cycle()
    assert asked[1:] == [protocol.LEGACY_PULL_LIMIT]


def test_an_expired_cursor_resets_and_pulls_from_the_start(make_client, server):
    engine, store = engine_for(make_client, "AG003")
    # A record of its own that outlives the compaction: the reset's pull has it to bring back
    # whatever else the shared server holds (alone, the server has nothing else to pull).
    store.add("business", "create", business("Tetap buka"))
    assert engine.run_cycle().applied == 1
    old_cursor = store.cursor
    assert old_cursor is not None
    # Someone creates and deletes a record; the server then forgets its tombstone.
    other, other_store = engine_for(make_client, "AG002")
    gone = other_store.add("business", "create", business("Tutup"))
    other_store.add("business", "delete", {}, entity_id=gone["entity_id"], base_version=1)
    assert other.run_cycle().applied == 2
    assert "410" in server.cli("compact", "--older-than-days", "0").stdout
    with pytest.raises(SyncError) as caught:
        engine.client.pull(old_cursor, 10)
    assert caught.value.kind == "cursor_expired"

    kept = store.add("business", "create", business("Masih di outbox", sector="bukan-sektor"))
    report = engine.run_cycle()
    assert report.cursor_reset is True
    assert sync_engine.WARNING_CURSOR_RESET in report.warnings
    assert store.resets == 1
    assert report.pulled >= 1
    assert store.cursor is not None and store.cursor != old_cursor
    assert store.state_of(kept) == "rejected"  # the outbox went first and was kept
    assert kept["op_id"] in store.outbox


def test_clock_offset_is_recorded_and_warned_past_five_minutes(make_client):
    engine, store = engine_for(make_client)
    report = engine.run_cycle()
    assert report.clock_offset is not None and abs(report.clock_offset) < 5
    assert sync_engine.WARNING_CLOCK_SKEW not in report.warnings

    def slow_clock() -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)

    skewed = SyncEngine(engine.client, store, clock=slow_clock)
    report = skewed.run_cycle()
    assert report.clock_offset is not None and 590 < report.clock_offset < 610
    assert sync_engine.WARNING_CLOCK_SKEW in report.warnings
    assert store.clock_offsets[-1] == report.clock_offset


def test_an_op_larger_than_the_server_takes_is_settled_locally(make_client):
    engine, store = engine_for(make_client)
    huge = store.add("business", "create", business("Besar", address="a" * MAX_BODY_BYTES))
    fine = store.add("business", "create", business("Biasa"))
    report = engine.run_cycle()
    assert store.state_of(huge) == "rejected"
    assert store.result_of(huge).error.code == "too_large"
    assert store.state_of(fine) == "done"
    assert sync_engine.WARNING_OPS_UNSENDABLE in report.warnings


@pytest.mark.expect_warning_log(r"^sync: an outbox op is not a valid op")
def test_an_op_that_is_not_an_op_is_settled_locally(make_client):
    engine, store = engine_for(make_client)
    broken = store.add("unicorn", "create", {"name": "?"})
    fine = store.add("business", "create", business())
    report = engine.run_cycle()
    assert store.state_of(broken) == "rejected"
    assert store.result_of(broken).error.code == "invalid_op"
    assert store.state_of(fine) == "done"
    assert (report.rejected, report.applied) == (1, 1)


def test_progress_and_cancel_between_batches(make_client):
    engine, store = engine_for(make_client, batch_size=10)
    for n in range(45):
        store.add("business", "create", business(f"Kios {n}"))
    calls: list[tuple[str, int, int | None]] = []

    def progress(phase: str, done: int, total: int | None) -> None:
        calls.append((phase, done, total))
        if phase == "push" and done >= 20:
            engine.cancel()

    report = engine.run_cycle(progress)
    assert report.cancelled is True
    # The cancel comes once batch 2 is settled, while batches 3 and 4 are already handed to
    # the push thread (two batches go out while the one before them is settled): their
    # answers are kept, nothing further is sent.
    assert report.applied == 40
    assert store.pending_count() == 5
    assert report.pages == 0
    assert store.successes == []
    assert calls[:3] == [("config", 0, 1), ("config", 1, 1), ("push", 0, 45)]
    assert ("push", 10, 45) in calls

    calls.clear()
    report = engine.run_cycle(progress)
    assert report.applied == 5
    assert store.pending_count() == 0
    assert calls[-1][0] == "pull"


def test_a_failure_is_raised_with_the_partial_report(make_client):
    engine, store = engine_for(make_client)
    store.add("business", "create", business())
    engine.client.logout()
    with pytest.raises(SyncError) as caught:
        engine.run_cycle()
    assert caught.value.kind == "auth"
    assert isinstance(caught.value.report, sync_engine.CycleReport)
    assert store.pending_count() == 1


def test_export_bundle_then_upload_then_sync_changes_nothing_twice(make_client, tmp_path):
    device_key = Ed25519PrivateKey.generate()
    store = MemoryStore()
    client = make_client(None, device_id=store.device_id)
    answer = client.login(
        "AG001",
        PASSWORD,
        device_public_key=base64.b64encode(bundle.raw_public(device_key)).decode(),
    )
    assert answer.server_public_key is not None
    engine = SyncEngine(client, store)
    ops = [store.add("business", "create", business(f"Pasar {n}")) for n in range(5)]
    seal = sync_engine.bundle_sealer(
        agent_code="AG001",
        server_public_key=base64.b64decode(answer.server_public_key),
        device_private_key=device_key,
    )
    path = tmp_path / "outbox.perisai"
    export = engine.export_bundle(path, seal)
    assert (export.paths, export.ops) == ([path], 5)
    assert bundle.read_header(path.read_bytes()).device_id == store.device_id
    assert store.pending_count() == 5  # the ops stay until the server's answer settles them

    uploaded = client.upload_bundle(path.read_bytes())
    assert [result.status for result in uploaded.results] == ["applied"] * 5
    report = engine.run_cycle()
    assert (report.duplicate, report.applied) == (5, 0)
    assert all(store.state_of(op) == "done" for op in ops)
    empty = engine.export_bundle(tmp_path / "empty.perisai", seal)
    assert (empty.paths, empty.ops) == ([], 0)
    assert not (tmp_path / "empty.perisai").exists()


def test_a_bundle_larger_than_one_batch_is_split_into_files(make_client, tmp_path):
    device_key = Ed25519PrivateKey.generate()
    store = MemoryStore()
    client = make_client(None, device_id=store.device_id)
    answer = client.login(
        "AG001",
        PASSWORD,
        device_public_key=base64.b64encode(bundle.raw_public(device_key)).decode(),
    )
    assert answer.server_public_key is not None
    engine = SyncEngine(client, store)
    for n in range(5):
        store.add("business", "create", business(f"Lapak {n}"))
    seal = sync_engine.bundle_sealer(
        agent_code="AG001",
        server_public_key=base64.b64decode(answer.server_public_key),
        device_private_key=device_key,
    )
    export = engine.export_bundle(tmp_path / "usb.perisai", seal, max_ops=2)
    assert [p.name for p in export.paths] == [
        "usb-1of3.perisai",
        "usb-2of3.perisai",
        "usb-3of3.perisai",
    ]
    assert export.ops == 5
    statuses = [
        result.status
        for file in export.paths
        for result in client.upload_bundle(file.read_bytes()).results
    ]
    assert statuses == ["applied"] * 5
    assert not list(tmp_path.glob("*.part"))


class LossyClient(SyncClient):
    """The real client, but some results of the real server's answers never arrive."""

    def __init__(self, *args, drop: list[bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.drop = drop
        self.batches: list[list[int]] = []

    def push(self, batch, **kwargs):
        self.batches.append([op.op_seq for op in batch.ops])
        answer = super().push(batch, **kwargs)
        kept = [
            result
            for n, result in enumerate(answer.results)
            if not self.drop[(len(self.batches) + n) % len(self.drop)]
        ]
        return answer.model_copy(update={"results": kept})


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(1, 30),
    batch_size=st.integers(1, 12),
    drop=st.lists(st.booleans(), min_size=1, max_size=7),
)
def test_lost_results_are_resent_until_every_op_is_settled(server, count, batch_size, drop):
    store = MemoryStore()
    client = LossyClient(server.base_url, store.device_id, "Laptop uji", drop=drop)
    client.login("AG002", PASSWORD)
    engine = SyncEngine(client, store, batch_size=batch_size)
    ops = [store.add("business", "create", business(f"Kedai {n}")) for n in range(count)]
    for _ in range(20):
        engine.run_cycle()
        if store.pending_count() == 0 or all(drop):
            break
    for seqs in client.batches:
        assert seqs == sorted(set(seqs))
        assert len(seqs) <= batch_size
    if all(drop):
        assert store.pending_count() == count
    else:
        assert store.pending_count() == 0
        assert {store.result_of(op).status for op in ops} <= {"applied", "duplicate"}
