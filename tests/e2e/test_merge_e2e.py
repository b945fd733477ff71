"""One business registered twice, on two laptops, merged on the server (issue 18), with the real
server process: the server finds the pair just after the second create arrives; a supervisor
merges it (through the console's own service, `sync.server.prospects.merging`, on the server's
database); a visit the second laptop recorded offline on the merged business, pushed after the
merge, lands on the survivor; and that laptop converges by pull: the merged business is gone
from it and all its visits name the survivor."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from agent_app.services import businesses, visits
from sync.server import db
from sync.server.admin.review import Reviewer
from sync.server.prospects import checks, merging
from sync.server.prospects.tables import BusinessDuplicate


def _server_engine(server: Any) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{server.database}")


def test_a_business_registered_twice_is_merged_and_both_laptops_converge(
    make_laptop: Any, server: Any
) -> None:
    first, second = make_laptop("AG001"), make_laptop("AG003")
    kept = first.call(
        businesses.register_business,
        {"name": "Pempek Cek Molek Gabung", "phone": "081255501234", "region_code": "16.71.03"},
    )
    first.sync()
    twin = second.call(
        businesses.register_business,
        {"name": "Pempek Molek Gabung, Cek", "phone": "0812-5550-1234", "region_code": "16.71.03"},
    )
    before = second.call(visits.record_visit, twin.id, {"notes": "kunjungan pertama"})
    second.sync()

    engine = _server_engine(server)
    try:
        pairs = db.table(BusinessDuplicate)
        # The server judges a push's businesses just after its answer; whatever it has not
        # judged yet is judged here (a drain of a drained queue does nothing).
        checks.drain(engine)
        with engine.connect() as conn:
            found = conn.execute(
                sa.select(pairs.c.reason).where(
                    pairs.c.business_id == twin.id, pairs.c.candidate_id == kept.id
                )
            ).all()
        assert [row.reason for row in found] == ["phone"]
        # Offline, the second laptop records another visit on the business it knows.
        late = second.call(visits.record_visit, twin.id, {"notes": "kunjungan kedua"})
        merging.merge(engine, kept.id, twin.id, Reviewer("SV001", "PLG"))

        second.sync()
        record = db.table(db.Record)
        with engine.connect() as conn:
            on_server = {
                row.entity_id: row.fields["business_id"]
                for row in conn.execute(
                    sa.select(record).where(record.c.entity_id.in_([before.id, late.id]))
                )
            }
    finally:
        engine.dispose()
    assert on_server == {before.id: kept.id, late.id: kept.id}
    with second.uow() as uow:
        assert uow.businesses.get(twin.id) is None
        assert uow.businesses.get(kept.id) is not None
        assert {uow.visits.get(v.id).business_id for v in (before, late)} == {kept.id}
    assert second.store.pending_ops(50) == []
