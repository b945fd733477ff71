"""A 1.1 laptop against a 1.0 server (no `protocol_minor` nor `max_attachment_bytes` in its
config, no attachment routes): nothing is uploaded, the ops that reference photos stay
pending with a warning the sync page explains (and so do the ops that refer to their
records), and every other op goes through."""

from __future__ import annotations

import hashlib

from fault_server import Reply, fault_server
from sync_support import MemoryStore, business
from test_engine_faults import answer, config, engine_on, page, pushed_seqs

from sync.engine import WARNING_ATTACHMENTS_UNSUPPORTED


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
