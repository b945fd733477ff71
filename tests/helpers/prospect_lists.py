"""Imported prospect lists for the tests of a list's page, its bulk assignment and its export
back to the partner (issue 18: server, console and browser tests), written straight into the
tables while the import itself is written elsewhere: a partner (`prospect_source`), a list
(`prospect_list`) and its rows (`prospect_list_item`), each naming a business record made as
`admin.common.put_record` makes records (status `prospect`, `partner_source` the partner's
name). All data is synthetic."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server import db
from sync.server.admin.common import put_record
from sync.server.prospects.tables import ProspectList, ProspectListItem, ProspectSource

#: Two kecamatan of Palembang (16.71): Ilir Barat Dua and Seberang Ulu Dua.
ILIR_BARAT_DUA = "16.71.01"
SEBERANG_ULU_DUA = "16.71.03"


def prospect(name: str, district: str = SEBERANG_ULU_DUA, **more: Any) -> dict[str, Any]:
    """A business's fields as an import makes them (a village code under `district`)."""
    return {"name": name, "region_code": f"{district}.1001", "sector": "kuliner", **more}


def record(
    engine: Engine, entity: str, fields: dict[str, Any], branch: str = "PLG", owner: str = "A1"
) -> str:
    """Any record (a visit, an enrollment, an employer registration) as the server keeps it."""
    entity_id = str(uuid.uuid4())
    with engine.begin() as conn:
        put_record(conn, entity, entity_id, branch, owner, fields)
    return entity_id


def visit(engine: Engine, business_id: str, at: dt.datetime, outcome: str = "interested") -> str:
    fields = {"business_id": business_id, "visited_at": at.isoformat(), "outcome": outcome}
    return record(engine, "visit", fields)


def imported_list(
    engine: Engine,
    businesses: Sequence[dict[str, Any]],
    *,
    branch: str = "PLG",
    source: str = "Koperasi Pasar 16 Ilir",
    event_id: str | None = None,
    imported_by: str = "S1",
) -> tuple[str, list[str]]:
    """A list of `businesses` (fields, see `prospect`) imported from `source`; returns its id
    and the businesses' ids in row order (rows numbered 2, 3, ...: row 1 was the header)."""
    now = db.utcnow()
    list_id = str(uuid.uuid4())
    ids = [str(uuid.uuid4()) for _ in businesses]
    with engine.begin() as conn:
        sources = db.table(ProspectSource)
        source_id = conn.execute(
            sa.select(sources.c.id).where(sources.c.branch_code == branch, sources.c.name == source)
        ).scalar()
        if source_id is None:
            source_id = conn.execute(
                sources.insert()
                .values(branch_code=branch, name=source, mapping={}, created_at=now, updated_at=now)
                .returning(sources.c.id)
            ).scalar_one()
        for entity_id, fields in zip(ids, businesses, strict=True):
            full = {"status": "prospect", "partner_source": source, **fields}
            put_record(conn, "business", entity_id, branch, None, full)
        conn.execute(
            db.table(ProspectList)
            .insert()
            .values(
                id=list_id,
                source_id=source_id,
                branch_code=branch,
                file_name="daftar-umkm.xlsx",
                sha256="0" * 64,
                event_id=event_id,
                imported_by=imported_by,
                imported_at=now,
                rows_created=len(ids),
                rows_linked=0,
            )
        )
        items = [
            {"list_id": list_id, "row_number": n, "business_id": entity_id, "linked": False}
            for n, entity_id in enumerate(ids, 2)
        ]
        if items:
            conn.execute(db.table(ProspectListItem).insert(), items)
    return list_id, ids
