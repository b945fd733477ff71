"""A 1.1 laptop against a 1.0 server (no `protocol_minor` nor `max_attachment_bytes` in its
config, no attachment routes): nothing is uploaded, the ops that reference photos stay
pending with a warning the sync page explains (and so do the ops that refer to their
records), and every other op goes through."""

from __future__ import annotations

import hashlib

from fault_server import Reply, fault_server
from sync_support import MemoryStore, business
from test_engine_faults import answer, config, engine_on, page, pushed_seqs

from sync.engine import WARNING_ATTACHMENTS_UNSUPPORTED, WARNING_ENTITY_UNSUPPORTED


def test_a_1_0_server_gets_every_op_but_those_with_photos():
    store = MemoryStore()
    data = b"\xff\xd8 a photo"
    sha = hashlib.sha256(data).hexdigest()
    store.blobs[sha] = ("image/jpeg", data)
    shown = {"kind": "storefront_photo", "sha256": sha, "media_type": "image/jpeg", "size": 10}
    before = store.add("business", "create", business("Toko Satu"))
    with_photo = store.add("business", "create", business("Toko Foto", attachments=[shown]))
    visit = {"business_id": with_photo["entity_id"], "outcome": "interested"}
    its_visit = store.add("visit", "create", visit)  # the server would not know the business
    after = store.add("business", "create", business("Toko Dua"))
    phases: list[str] = []
    with fault_server() as fake:
        fake.script(config(), answer(before, after), page(), Reply(404))
        report = engine_on(fake.base_url, store).run_cycle(lambda phase, *_: phases.append(phase))
        methods = [(seen.method, seen.path.split("?")[0]) for seen in fake.seen]
    assert methods == [
        ("GET", "/v1/sync/config"),
        ("POST", "/v1/sync/push"),
        ("GET", "/v1/sync/pull"),
    ]
    assert pushed_seqs(fake) == [[before["op_seq"], after["op_seq"]]]
    assert store.state_of(before) == store.state_of(after) == "done"
    assert store.state_of(with_photo) == store.state_of(its_visit) == "pending"
    assert store.pending_count() == 2
    assert report.held_back == 2 and report.applied == 2 and report.attachments == 0
    assert WARNING_ATTACHMENTS_UNSUPPORTED in report.warnings
    assert "photos" not in phases


def _config(entities: list[str] | None) -> Reply:
    reply = config()
    body = {**reply.body, "protocol_minor": 1, "max_attachment_bytes": 10_000_000}
    return Reply(200, body if entities is None else {**body, "entities": entities})


def test_a_server_from_before_employer_registrations_gets_every_op_but_those():
    """Its config lists no `entities`: a batch with a registration would be refused whole
    (400), so the registration's op waits on the laptop, with a warning; the rest goes."""
    store = MemoryStore()
    before = store.add("business", "create", business("Toko Satu"))
    registration = store.add("employer_registration", "create", {"business_id": "x"})
    after = store.add("business", "create", business("Toko Dua"))
    with fault_server() as fake:
        fake.script(_config(None), answer(before, after), page())
        report = engine_on(fake.base_url, store).run_cycle()
    assert pushed_seqs(fake) == [[before["op_seq"], after["op_seq"]]]
    assert store.state_of(registration) == "pending"
    assert report.held_back == 1 and report.applied == 2
    assert WARNING_ENTITY_UNSUPPORTED in report.warnings


def test_a_server_that_lists_employer_registrations_gets_them():
    store = MemoryStore()
    before = store.add("business", "create", business("Toko Satu"))
    registration = store.add("employer_registration", "create", {"business_id": "x"})
    entities = ["business", "visit", "enrollment", "employer_registration", "audit_event"]
    with fault_server() as fake:
        fake.script(_config(entities), answer(before, registration), page())
        report = engine_on(fake.base_url, store).run_cycle()
    assert pushed_seqs(fake) == [[before["op_seq"], registration["op_seq"]]]
    assert report.held_back == 0 and report.applied == 2
    assert WARNING_ENTITY_UNSUPPORTED not in report.warnings
