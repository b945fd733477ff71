"""End to end: laptops running the app's services on encrypted databases, syncing through
`agent_app.services.sync` with the real server in its own process (SYNC_PROTOCOL.md).

Each test uses fresh records (new UUIDs, new NIKs), so they share one server.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from e2e_support import FAST, PASSWORD, Cable, Laptop
from helpers.enrollments import enrollment_fields
from helpers.niks import fresh_nik

from agent_app.domain import clock, contributions, records
from agent_app.domain.keys import Role
from agent_app.services import businesses, enrollments, zones
from agent_app.services import sync as sync_service
from agent_app.services.actor import Actor
from agent_app.services.sync import credentials
from agent_app.storage import tables
from sync import bundle as sync_bundle
from sync import client as sync_client
from sync import protocol

WIB = dt.timezone(dt.timedelta(hours=7))


def submit_enrollment(laptop: Laptop, nik: str, **changes: Any) -> records.Enrollment:
    draft = laptop.call(enrollments.save_draft, enrollment_fields(nik, **changes))
    return laptop.call(enrollments.submit, draft.id)


def supervisor_client(server: Any) -> sync_client.SyncClient:
    client = sync_client.SyncClient(server.base_url, uuid.uuid4(), "Laptop supervisor", **FAST)
    client.login("SV001", PASSWORD)
    return client


_supervisor_seq = iter(range(1, 1_000_000))


def supervisor_update(
    client: sync_client.SyncClient, enrollment_id: str, base_version: int, fields: dict[str, Any]
) -> protocol.OpResult:
    """A supervisor's review decision, pushed as an update op through the real client."""
    op = protocol.Op(
        op_id=uuid.uuid4(),
        op_seq=next(_supervisor_seq),
        entity="enrollment",
        entity_id=uuid.UUID(enrollment_id),
        kind="update",
        base_version=base_version,
        fields=fields,
        recorded_at=dt.datetime.now(WIB),
    )
    answer = client.push(
        protocol.PushRequest(
            protocol_version=protocol.PROTOCOL_VERSION,
            device_id=uuid.UUID(client.device_id),
            batch_id=uuid.uuid4(),
            ops=[op],
        )
    )
    [result] = answer.results
    return result


def business_of(laptop: Laptop, business_id: str) -> tuple[records.Business, Any]:
    detail = businesses.get_detail(laptop.uow(), business_id)
    return detail.business, detail.sync


# --- two laptops, one business edited on both -----------------------------------------------


def test_two_laptops_register_then_edit_the_same_business_offline_and_converge(
    make_laptop: Any, cable: Cable
) -> None:
    a = make_laptop("AG001")
    b = make_laptop("AG002")
    kopi = a.call(businesses.register_business, {"name": "Kopi Sumsel", "sector": "kuliner"})
    pempek = b.call(businesses.register_business, {"name": "Pempek Bu Ani", "sector": "kuliner"})
    assert (a.sync().applied, b.sync().applied) == (1, 1)
    a.sync()
    for laptop in (a, b):
        assert business_of(laptop, kopi.id)[0].name == "Kopi Sumsel"
        assert business_of(laptop, pempek.id)[0].name == "Pempek Bu Ani"

    # Both edit Kopi Sumsel with no network: the same field (name) and different ones.
    cable.unplug()
    a.call(
        businesses.update_business, kopi.id, {"name": "Kopi Sumsel Jaya", "phone": "0811-7100-200"}
    )
    b.call(businesses.update_business, kopi.id, {"name": "Kopi Sumsel Baru", "workers_count": 4})
    with pytest.raises(sync_service.SyncFailed) as failure:
        a.sync()
    assert failure.value.kind == "network"
    assert a.status().pending_ops == 1
    assert not a.status().online
    cable.plug()

    assert a.sync().applied == 1
    assert b.sync().applied == 1  # a field-level merge on the server: b's name arrives later
    a.sync()
    mine, mine_meta = business_of(a, kopi.id)
    theirs, theirs_meta = business_of(b, kopi.id)
    assert mine == theirs
    assert mine.name == "Kopi Sumsel Baru"
    assert mine.phone == "+628117100200"
    assert mine.workers_count == 4
    assert mine_meta.version == theirs_meta.version == 3
    assert mine_meta.sync_state == theirs_meta.sync_state == "synced"
    assert a.status().online and a.status().pending_ops == 0 and a.status().problems == []


# --- one NIK on two laptops -----------------------------------------------------------------


def test_the_same_nik_on_two_laptops_is_applied_once_and_a_visible_conflict_on_the_second(
    make_laptop: Any,
) -> None:
    a = make_laptop("AG001")
    b = make_laptop("AG002")
    nik = fresh_nik()
    first = submit_enrollment(a, nik, full_name="Siti Aminah")
    second = submit_enrollment(b, nik, full_name="Siti Aminah")
    assert a.sync().applied == 1
    report = b.sync()
    assert (report.applied, report.conflict) == (0, 1)

    [problem] = report.problems
    assert problem.entity_id == second.id
    assert (problem.status, problem.code) == ("conflict", "nik_already_enrolled")
    # The day is the branch's (PLG: WIB), whatever the machine's zone or the hour CI runs at.
    enrolled_on = clock.today(clock.WIB)
    assert problem.current == {"branch": "PLG", "enrolled_on": enrolled_on.isoformat()}
    assert "PLG" in problem.problem.id and "PLG" in problem.problem.en
    assert problem.advice.id.startswith("Jangan daftarkan dua kali")
    assert not problem.resolvable
    assert b.status().problems == [problem]
    # The agent sees it in the list of enrollments to deal with; the first laptop does not.
    # (The session's live server is shared: other tests' records of AG002 may be listed too.)
    ours = {first.id, second.id}
    assert [e.id for e in b.call(enrollments.list_needing_correction) if e.id in ours] == [
        second.id
    ]
    assert [e.id for e in a.call(enrollments.list_needing_correction) if e.id in ours] == []
    with pytest.raises(sync_service.CannotResolve):
        sync_service.resolve_conflict(b.uow, b.actor, problem.op_id, "server")
    assert enrollments.get(a.uow(), first.id).status.value == "submitted"

    # Asked before submitting, the server already says so (only branch and date).
    check = sync_service.check_participant(b.uow, b.actor, b.url, nik)
    assert check.state == "enrolled" and check.enrolled is True
    assert (check.branch, check.enrolled_on) == ("PLG", enrolled_on)
    # The agent fixes a mistyped NIK: the record goes back to a draft and is submitted again.
    other = fresh_nik()
    enrollments.save_draft(b.uow(), b.actor, {"nik": other}, enrollment_id=second.id)
    enrollments.submit(b.uow(), b.actor, second.id)
    assert b.sync().applied == 1
    assert b.status().problems == []


def test_check_participant_online_offline_and_not_connected(make_laptop: Any, cable: Cable) -> None:
    a = make_laptop("AG001")
    nik = fresh_nik()
    assert sync_service.check_participant(a.uow, a.actor, a.url, nik).state == "not_enrolled"
    submit_enrollment(a, nik)
    a.sync()
    assert sync_service.check_participant(a.uow, a.actor, a.url, nik).enrolled is True
    cable.unplug()
    offline = sync_service.check_participant(a.uow, a.actor, a.url, nik)
    assert offline.state == "unknown" and offline.enrolled is None
    assert offline.reason == "connection_failed"
    # Offline work goes on: a new enrollment is submitted and waits in the outbox.
    submit_enrollment(a, fresh_nik())
    assert a.status().pending_ops == 1
    cable.plug()
    never = make_laptop("AG002", connect=False)
    assert sync_service.check_participant(never.uow, never.actor, never.url, nik).state == (
        "unknown"
    )
    assert sync_service.check_participant(never.uow, never.actor, None, nik).reason == "no_server"
    with pytest.raises(sync_service.SyncFailed) as failure:
        never.sync()
    assert failure.value.kind == "not_connected"


# --- a refused op in the middle of a batch --------------------------------------------------


def test_a_rejected_op_in_the_middle_of_a_batch_does_not_hold_back_the_rest(
    make_laptop: Any,
) -> None:
    a = make_laptop("AG001")
    before = a.call(businesses.register_business, {"name": "Toko Sebelum"})
    # A record an older app version let through: the server's rules refuse it.
    bad_id = str(uuid.uuid4())
    with a.uow() as uow:
        uow.businesses.add(records.Business(id=bad_id, name="Toko Rusak"))
        uow.outbox.add(
            "business", bad_id, "create", None, {"name": "Toko Rusak", "workers_count": -3}
        )
        uow.commit()
    after = a.call(businesses.register_business, {"name": "Toko Sesudah"})
    report = a.sync()
    assert (report.pushed, report.applied, report.rejected) == (3, 2, 1)
    assert report.pending_ops == 0
    [problem] = a.status().problems
    assert (problem.entity_id, problem.status, problem.code) == (
        bad_id,
        "rejected",
        "invalid_field",
    )
    assert problem.field == "workers_count"
    # named by its label, explained by the shared domain rule in each language
    assert "Jumlah pekerja: Paling sedikit 0." in problem.problem.id
    assert "Number of workers: At least 0." in problem.problem.en
    assert "perbaiki Jumlah pekerja" in problem.advice.id
    assert business_of(a, before.id)[1].sync_state == "synced"
    assert business_of(a, after.id)[1].sync_state == "synced"
    assert business_of(a, bad_id)[1].sync_state == "rejected"
    # The next cycle does not send it again.
    assert a.sync().pushed == 0
    # The person does what the Sync page says: corrects the field. Nothing of the record
    # exists on the server, so the corrected record goes as a new create, and is taken.
    a.call(businesses.update_business, bad_id, {"workers_count": 3})
    report = a.sync()
    assert (report.pushed, report.applied, report.rejected) == (1, 1, 0)
    assert a.status().problems == []
    assert business_of(a, bad_id)[1].sync_state == "synced"
    b = make_laptop("AG001")
    b.sync()
    assert business_of(b, bad_id)[0].workers_count == 3


# --- the supervisor's review decisions ------------------------------------------------------


def test_needs_correction_reaches_the_agent_and_the_correction_is_accepted(
    make_laptop: Any, server: Any
) -> None:
    a = make_laptop("AG001")
    enrollment = submit_enrollment(a, fresh_nik())
    assert a.sync().applied == 1
    supervisor = supervisor_client(server)
    sent_back = supervisor_update(
        supervisor,
        enrollment.id,
        1,
        {"status": "needs_correction", "review_reason": "Alamat tidak lengkap"},
    )
    assert (sent_back.status, sent_back.entity_version) == ("applied", 2)

    assert a.sync().pulled >= 1
    [listed] = a.call(enrollments.list_needing_correction)
    assert listed.id == enrollment.id
    assert listed.status.value == "needs_correction"
    assert listed.review_reason == "Alamat tidak lengkap"

    enrollments.save_draft(
        a.uow(), a.actor, {"address": "Jl. Merdeka 10 RT 02 RW 03"}, enrollment_id=enrollment.id
    )
    enrollments.submit(a.uow(), a.actor, enrollment.id)
    with a.uow() as uow:
        [op] = [o for o in uow.outbox.unsettled() if o.entity_id == enrollment.id]
    assert (op.kind, op.base_version, op.fields) == (
        "update",
        2,
        {"address": "Jl. Merdeka 10 RT 02 RW 03"},
    )
    report = a.sync()
    assert (report.applied, report.rejected, report.conflict) == (1, 0, 0)
    assert a.call(enrollments.list_needing_correction) == []
    resubmitted = enrollments.get(a.uow(), enrollment.id)
    assert resubmitted.status.value == "submitted"  # the server put it back to submitted
    assert resubmitted.address == "Jl. Merdeka 10 RT 02 RW 03"

    accepted = supervisor_update(
        supervisor, enrollment.id, 3, {"status": "accepted", "membership_number": "BPU-0001"}
    )
    assert accepted.status == "applied"
    a.sync()
    final = enrollments.get(a.uow(), enrollment.id)
    assert (final.status.value, final.membership_number) == ("accepted", "BPU-0001")
    assert a.status().problems == []


def test_an_enrollment_erased_at_the_workers_request_leaves_the_laptop(
    make_laptop: Any, server: Any
) -> None:
    """The branch erases an enrollment on the server (`erase-enrollment`, UU PDP): at its next
    sync the laptop removes the row and every op holding a copy of the person's data."""
    a = make_laptop("AG001")
    nik = fresh_nik()
    erased = submit_enrollment(a, nik)
    kept = submit_enrollment(a, fresh_nik())
    assert a.sync().applied == 2
    done = server.cli("erase-enrollment", erased.id)
    assert "erased enrollment" in done.stdout
    a.sync()
    with a.uow() as uow:
        ids = [e.id for e in uow.session.scalars(sa.select(tables.Enrollment))]
        copies = [
            o.op_id
            for o in uow.session.scalars(sa.select(tables.OutboxOp))
            if (o.fields or {}).get("nik") == nik
        ]
        [purge] = [e for e in uow.audit.list() if e.action == "retention_purge"]
    assert erased.id not in ids and kept.id in ids  # (and the agent's others, pulled)
    assert copies == []
    assert purge.details["deleted_enrollments"] == 1
    assert a.status().problems == []


def test_a_table_published_centrally_reaches_the_laptop_and_its_quotes_are_accepted(
    make_laptop: Any, server: Any, tmp_path: Path
) -> None:
    """The central office publishes a new contribution table (here: a discount for fishers
    from today); the laptop pulls it, quotes with it, and the server takes its submission.
    Only fishers are affected, so the other tests sharing this server are not."""
    today = dt.datetime.now(WIB).date()
    table = copy.deepcopy(contributions._table())
    table["version"] = "uji-nelayan"
    table["discounts"].insert(
        0,
        {
            "id": "uji_nelayan",
            "regulation": "Uji 1/2026",
            "programs": ["JKK", "JKM"],
            "factor": "0.25",
            "from": today.isoformat(),
            "to": (today + dt.timedelta(days=60)).isoformat(),
            "occupations": ["nelayan"],
            "excludes_paid_by_state": True,
            "label_id": "Diskon uji untuk nelayan",
            "label_en": "Test discount for fishers",
        },
    )
    path = tmp_path / "tabel.json"
    path.write_text(json.dumps(table), "utf-8")
    try:
        done = server.cli(
            "publish-rate-table",
            str(path),
            "--version",
            "uji-nelayan",
            "--effective-from",
            today.isoformat(),
        )
        assert "published rate table uji-nelayan" in done.stdout
        a = make_laptop("AG001")
        a.sync()
        expected = contributions.quote(1_500_000, ["JKK", "JKM"], 1, today, "nelayan")
        assert expected.discount is not None and expected.discount.id == "uji_nelayan"
        fisher = submit_enrollment(a, fresh_nik(), occupation="nelayan")
        assert fisher.monthly_contribution == expected.monthly_total
        report = a.sync()
        assert (report.applied, report.rejected) == (1, 0)
    finally:
        contributions.install_tables([])  # this process's quotes, for the tests after


def _second_account(laptop: Laptop, agent_code: str) -> Laptop:
    """Another agent logged in on the same booth laptop: same database, same device."""
    other = Laptop.__new__(Laptop)
    other.engine, other.store, other.url = laptop.engine, laptop.store, laptop.url
    other.actor = Actor(
        agent_code,
        f"Agen {agent_code}",
        "PLG",
        Role.AGENT,
        laptop.store.device_id,
        account_key=os.urandom(32),
    )
    other.connect()
    return other


def test_on_a_shared_booth_laptop_each_agent_gets_their_own_review_decisions(
    make_laptop: Any, server: Any
) -> None:
    """Two agents share one laptop. A supervisor sends the first agent's enrollment back while
    the second agent syncs: what the second agent may not see must not be skipped for the
    first (each account pulls from its own cursor)."""
    first = make_laptop("AG001")
    second = _second_account(first, "AG002")
    enrollment = submit_enrollment(first, fresh_nik())
    assert first.sync().applied == 1
    second.sync()
    supervisor = supervisor_client(server)
    sent_back = supervisor_update(
        supervisor,
        enrollment.id,
        1,
        {"status": "needs_correction", "review_reason": "Foto KTP buram"},
    )
    assert sent_back.status == "applied"
    second.sync()  # pulls past the decision, which AG002 may not see
    first.sync()
    [listed] = first.call(enrollments.list_needing_correction)
    assert (listed.id, listed.review_reason) == (enrollment.id, "Foto KTP buram")


def test_a_field_changed_conflict_is_resolved_by_keeping_mine_or_taking_the_server_s(
    make_laptop: Any, server: Any
) -> None:
    a = make_laptop("AG001")
    supervisor = supervisor_client(server)
    ids = []
    for _ in range(2):
        enrollment = submit_enrollment(a, fresh_nik())
        ids.append(enrollment.id)
    a.sync()
    for enrollment_id in ids:
        assert (
            supervisor_update(
                supervisor, enrollment_id, 1, {"status": "needs_correction", "review_reason": "HP?"}
            ).status
            == "applied"
        )
    a.sync()
    for enrollment_id in ids:  # the agent corrects the phone while the supervisor does too
        enrollments.save_draft(
            a.uow(), a.actor, {"phone": "0813-1111-2222"}, enrollment_id=enrollment_id
        )
        enrollments.submit(a.uow(), a.actor, enrollment_id)
        assert (
            supervisor_update(supervisor, enrollment_id, 2, {"phone": "+6281399998888"}).status
            == "applied"
        )
    report = a.sync()
    assert report.conflict == 2
    problems = {p.entity_id: p for p in a.status().problems}
    assert set(problems) == set(ids)
    keep, take = (problems[i] for i in ids)
    assert keep.code == "field_changed" and keep.resolvable
    assert keep.current is not None and keep.current["phone"] == "+6281399998888"

    sync_service.resolve_conflict(a.uow, a.actor, keep.op_id, "mine")
    sync_service.resolve_conflict(a.uow, a.actor, take.op_id, "server")
    assert a.status().problems == []
    assert enrollments.get(a.uow(), ids[1]).phone == "+6281399998888"
    report = a.sync()
    assert (report.applied, report.conflict, report.rejected) == (1, 0, 0)
    assert enrollments.get(a.uow(), ids[0]).phone == "+6281311112222"
    check = make_laptop("AG001")
    check.sync()
    assert enrollments.get(check.uow(), ids[0]).phone == "+6281311112222"
    assert enrollments.get(check.uow(), ids[1]).phone == "+6281399998888"


# --- offline bundles ------------------------------------------------------------------------


def _server_view(laptop: Laptop) -> dict[str, tuple[int | None, str]]:
    """Every business the laptop holds, with its version and name (after a pull)."""
    with laptop.uow() as uow:
        rows = uow.session.query(tables.Business).all()
        return {r.id: (r.version, r.name) for r in rows}


def test_a_bundle_uploaded_twice_and_synced_online_changes_nothing_more(
    make_laptop: Any, cable: Cable, tmp_path: Path
) -> None:
    a = make_laptop("AG001")
    desk = make_laptop("SV001", role=Role.SUPERVISOR)  # branch staff, at a connected desk
    watcher = make_laptop("AG002")
    cable.unplug()  # days without network
    shop = a.call(businesses.register_business, {"name": "Songket Palembang"})
    first = sync_service.export_bundle(a.uow, a.actor, tmp_path / "hari-1.perisai")
    assert first.ops == 1
    # An edit after the export: the create has left the laptop, so it is a new update op...
    a.call(businesses.update_business, shop.id, {"name": "Songket Palembang Asli"})
    later = a.call(businesses.register_business, {"name": "Kerupuk Kemplang"})
    second = sync_service.export_bundle(a.uow, a.actor, tmp_path / "hari-2.perisai")
    # ...and the second bundle still holds every unsettled op, the update on base version 1.
    assert second.ops == 3
    assert a.status().pending_ops == 3
    cable.plug()

    answers = [
        sync_service.upload_bundle(desk.uow, desk.actor, desk.url, path)
        for path in (*first.paths, *second.paths, *second.paths)
    ]
    assert [r.status for r in answers[0]] == ["applied"]
    assert [r.status for r in answers[1]] == ["duplicate", "applied", "applied"]
    assert [r.status for r in answers[2]] == ["duplicate", "duplicate", "duplicate"]
    watcher.sync()
    seen = _server_view(watcher)
    assert seen[shop.id] == (2, "Songket Palembang Asli")
    assert seen[later.id] == (1, "Kerupuk Kemplang")

    report = a.sync()  # the same ops online: the ledger answers them as before
    assert (report.pushed, report.duplicate, report.applied) == (3, 3, 0)
    assert a.status().pending_ops == 0
    assert business_of(a, shop.id)[1].version == 2
    watcher.sync()
    assert _server_view(watcher) == seen
    # Nothing left to export.
    assert sync_service.export_bundle(a.uow, a.actor, tmp_path / "hari-3.perisai").ops == 0


def test_a_bundle_needs_a_laptop_that_logged_in_once(make_laptop: Any, tmp_path: Path) -> None:
    never = make_laptop("AG003", connect=False)
    never.call(businesses.register_business, {"name": "Tenun"})
    with pytest.raises(sync_service.SyncFailed) as failure:
        sync_service.export_bundle(never.uow, never.actor, tmp_path / "x.perisai")
    assert failure.value.kind == "not_connected"


def test_tokens_and_keys_live_in_the_encrypted_database_only(make_laptop: Any) -> None:
    a = make_laptop("AG001")
    with a.uow() as uow:
        names = {row.name for row in uow.session.query(tables.SyncSecret).all()}
    assert {"tokens:AG001", "signing_key:AG001", "server"} <= names
    assert "device_key" not in names  # no key shared by every account on the laptop
    # A wrong password is an auth failure and stores nothing new.
    b = make_laptop("AG002", connect=False)
    with pytest.raises(sync_service.SyncFailed) as failure:
        sync_service.connect(b.uow, b.actor, b.url, "salah-kata-sandi", client_options=FAST)
    assert failure.value.kind == "auth"
    assert b.status().connected_agents == []
    assert a.status().connected_agents == ["AG001"]


def test_pulled_pages_leave_every_connection_durable_again(make_laptop: Any) -> None:
    """A pulled page is committed without an fsync (it can be pulled again); the connection
    goes back to `synchronous = FULL` for everything else."""
    a = make_laptop("AG001")
    b = make_laptop("AG002")
    a.call(businesses.register_business, {"name": "Toko Sinkron"})
    a.sync()
    assert b.sync().pulled >= 1
    with b.engine.connect() as first, b.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


@pytest.mark.expect_warning_log(r"^sync: a sealed secret of this account could not be opened$")
def test_a_co_user_of_the_laptop_cannot_act_as_another_agent(
    make_laptop: Any, tmp_path: Path
) -> None:
    """Issue 10 item 2: agent B on A's booth laptop holds the database key, but A's server
    tokens and signing key are sealed with A's own key: B can neither sync as A, nor export a
    bundle as A, nor make one in A's name that the server applies."""
    a = make_laptop("AG001")
    desk = make_laptop("SV001", role=Role.SUPERVISOR)
    b = _second_account(a, "AG002")
    with a.uow() as uow:
        stored = {row.name: dict(row.value) for row in uow.session.query(tables.SyncSecret)}
    with a.uow() as uow:
        tokens = credentials.load_tokens(uow, a.actor, a.url)
    assert tokens is not None
    assert set(stored["tokens:AG001"]) == {"sealed"}
    assert tokens.refresh_token not in json.dumps(stored)
    posing = dataclasses.replace(b.actor, agent_code="AG001", name="Agen AG001")
    a.call(businesses.register_business, {"name": "Toko Palsu"})
    with pytest.raises(sync_service.SyncFailed) as failure:
        sync_service.run_cycle(a.uow, posing, a.url, client_options=FAST)
    assert failure.value.kind == "not_connected"
    with pytest.raises(sync_service.SyncFailed):
        sync_service.export_bundle(a.uow, posing, tmp_path / "palsu.perisai")
    # B signs with B's own key a bundle that says it carries A's ops: refused by the server.
    with a.uow() as uow:
        b_key = credentials.signing_key(uow, b.actor, make=False)
        server_key = stored["server"]["public_key"]
    assert b_key is not None
    body = {
        "protocol_version": 1,
        "device_id": a.store.device_id,
        "batch_id": str(uuid.uuid4()),
        "ops": a.store.pending_ops(100, for_bundle=True),
    }
    forged = tmp_path / "forged.perisai"
    forged.write_bytes(
        sync_bundle.seal(
            body,
            agent_code="AG001",
            server_public_key=base64.b64decode(server_key),
            device_private_key=b_key,
            created_at=dt.datetime.now(dt.UTC).isoformat(),
        )
    )
    with pytest.raises(sync_service.SyncFailed) as refused:
        sync_service.upload_bundle(desk.uow, desk.actor, desk.url, forged)
    assert refused.value.error_code == "invalid_bundle"
    # A's own bundle goes through.
    genuine = sync_service.export_bundle(a.uow, a.actor, tmp_path / "asli.perisai")
    results = sync_service.upload_bundle(desk.uow, desk.actor, desk.url, genuine.paths[0])
    assert [r.status for r in results] == ["applied"]


def test_a_revoked_laptop_is_told_to_ask_the_administrator(make_laptop: Any, server: Any) -> None:
    """Issue 10 item 5: a refusal that logging in again does not cure says what to do."""
    a = make_laptop("AG001")
    server.cli("revoke-device", a.store.device_id)
    with pytest.raises(sync_service.SyncFailed) as failure:
        a.connect()
    assert failure.value.error_code == "device_revoked"
    assert "administrator" in failure.value.message("id")
    assert "administrator" in failure.value.message("en")
    server.cli("reset-device", a.store.device_id)
    assert a.connect().agent_code == "AG001"


def test_a_makassar_laptop_learns_its_branch_s_zone_and_agrees_with_the_server_on_the_day(
    make_laptop: Any, server: Any
) -> None:
    """A WITA branch: the laptop takes the zone from the login answer, quotes and dates on
    Makassar's calendar, and the server gives the same `enrolled_on` (on CI's first pass,
    23:30 WIB, it is already the next day in Makassar)."""
    server.cli("create-branch", "MKS", "--name", "Makassar", "--time-zone", "Asia/Makassar")
    server.cli(
        "create-agent", "MK001", "--name", "Agen MK001", "--branch", "MKS", "--role", "agent"
    )
    laptop = make_laptop("MK001", connect=False)
    laptop.actor = dataclasses.replace(laptop.actor, branch="MKS")
    assert zones.zone_of(laptop.uow(), "MKS") == clock.WIB  # before any login
    laptop.connect()
    assert zones.zone_of(laptop.uow(), "MKS") == clock.WITA

    nik = fresh_nik()
    day = clock.today(clock.WITA)
    enrollment = submit_enrollment(laptop, nik)
    expected = contributions.quote(1_500_000, ["JKK", "JKM"], 1, day, "penjual_makanan")
    assert enrollment.monthly_contribution == expected.monthly_total
    assert laptop.sync().applied == 1
    check = sync_service.check_participant(laptop.uow, laptop.actor, laptop.url, nik)
    assert (check.branch, check.enrolled_on) == ("MKS", day)
