"""An employer registration (PU) as a reviewer reads it: its queue line (the business's name,
the owner's NIK masked, how many workers) and its detail (the business, the owner, size, sector,
risk group, programs, every worker with the NIK masked, the quote recomputed by the domain for
the month the server received it, the consent). No NIK leaves this module whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from agent_app.domain import employer_contributions, masking
from sync.server import branches, db
from sync.server.admin.review import Reviewer

#: The registration's fields that the detail shows apart (masked, or as lists of their own).
_APART = ("owner_nik", "workers", "owner_phone")
#: A worker line's fields, in the order a reviewer reads them (the NIK masked first).
WORKER_FIELDS = (
    "full_name",
    "birth_date",
    "gender",
    "start_date",
    "monthly_wage",
    "jkn",
    "wage_below_minimum_reason",
)


def business_names(conn: sa.Connection, rows: Sequence[Any]) -> dict[str, str]:
    """Business id -> name, for the registrations in `rows` (one query)."""
    ids = {
        str(row.fields.get("business_id"))
        for row in rows
        if isinstance(row.fields.get("business_id"), str)
    }
    if not ids:
        return {}
    c = db.table(db.Record).c
    found = conn.execute(
        sa.select(c.entity_id, c.fields).where(c.entity_id.in_(ids), c.entity == "business")
    ).all()
    return {entity_id: str((fields or {}).get("name") or "") for entity_id, fields in found}


def summary(row: Any, names: dict[str, str]) -> dict[str, Any]:
    """The queue line of a registration: `full_name` is its business's name (the owner's when
    the business is unknown here), `nik_masked` its owner's."""
    fields = row.fields
    workers = fields.get("workers")
    return {
        "id": row.entity_id,
        "kind": "employer",
        "branch": row.branch_code,
        "agent": row.owner_code,
        "version": row.version,
        "received_at": _as_utc(row.created_at),
        "status": fields.get("status"),
        "full_name": names.get(str(fields.get("business_id"))) or fields.get("owner_name"),
        "nik_masked": masking.nik(fields.get("owner_nik")) if fields.get("owner_nik") else "-",
        "event_id": fields.get("event_id"),
        "review_reason": fields.get("review_reason"),
        "npp": fields.get("npp"),
        "workers_count": len(workers) if isinstance(workers, list) else 0,
    }


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _business(conn: sa.Connection, business_id: Any, reviewer: Reviewer) -> dict[str, Any] | None:
    if not isinstance(business_id, str):
        return None
    c = db.table(db.Record).c
    row = conn.execute(
        sa.select(c.fields, c.branch_code, c.deleted).where(
            c.entity_id == business_id, c.entity == "business"
        )
    ).first()
    if row is None or row.deleted or reviewer.branch not in (None, row.branch_code):
        return None
    fields = row.fields or {}
    keep = ("name", "address", "region_code", "nib", "workers_count")
    return {name: fields.get(name) for name in keep}


def _workers(fields: dict[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for worker in fields.get("workers") or []:
        if not isinstance(worker, dict):
            continue
        line: dict[str, Any] = {
            "nik_masked": masking.nik(worker.get("nik")) if worker.get("nik") else "-"
        }
        line.update({name: worker.get(name) for name in WORKER_FIELDS})
        lines.append(line)
    return lines


def quote(fields: dict[str, Any], month: dt.date) -> dict[str, Any] | None:
    """The domain's quote of the registration for `month` (None when it cannot be quoted:
    the push refuses such a registration, so only an old or hand-made record lacks one)."""
    wages = [w.get("monthly_wage") for w in fields.get("workers") or [] if isinstance(w, dict)]
    try:
        found = employer_contributions.quote_employer(
            wages,  # type: ignore[arg-type]
            str(fields.get("size_class")),
            fields.get("risk_group"),
            list(fields.get("programs") or []),
            month,
        )
    except (ValueError, TypeError):
        return None
    return {
        "month": found.month,
        "programs": list(found.programs),
        "employer_total": found.employer_total,
        "worker_total": found.worker_total,
        "total": found.total,
        "due_on": found.due_on,
        "per_worker": [share.total for share in found.workers],
    }


def detail(conn: sa.Connection, row: Any, reviewer: Reviewer) -> dict[str, Any]:
    """The registration as the review page and the API show it."""
    fields = dict(row.fields)
    zone = ZoneInfo(branches.time_zone(conn, row.branch_code))
    month = _as_utc(row.created_at).astimezone(zone).date().replace(day=1)
    names = business_names(conn, [row])
    owner_nik, phone = fields.get("owner_nik"), fields.get("owner_phone")
    return {
        **summary(row, names),
        "fields": {k: v for k, v in fields.items() if k not in _APART},
        "business": _business(conn, fields.get("business_id"), reviewer),
        "owner": {
            "name": fields.get("owner_name"),
            "nik_masked": masking.nik(owner_nik) if owner_nik else None,
            "phone_masked": masking.phone(phone) if phone else None,
        },
        "workers": _workers(fields),
        "quote": quote(fields, month),
    }
