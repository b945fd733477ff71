"""Synthetic employer (PU) registrations for the server's tests: a business's registration with
its workers, quoted for the month of the test clock (workers' NIKs from tests/helpers/niks.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from helpers.niks import nik_birth_date, synthetic_nik
from srv_support import now_wib

from agent_app.domain import consent_texts, employer_contributions

ENTITY = "employer_registration"


def worker(i: int, wage: int = 3_000_000, **changes: Any) -> dict[str, Any]:
    """Worker number `i` (its NIK is `synthetic_nik(i)`, as `enrollment_fields(i)`'s)."""
    nik = synthetic_nik(i, i % 2 == 1)
    return {
        "nik": nik,
        "full_name": f"Pekerja Contoh {i}",
        "birth_place": "Palembang",
        "birth_date": nik_birth_date(nik),
        "gender": "F" if i % 2 == 1 else "M",
        "start_date": "2026-11-01",
        "monthly_wage": wage,
        "jkn": True,
        "wage_below_minimum_reason": None,
        **changes,
    }


def quote_total(
    workers: list[dict[str, Any]],
    programs: list[str],
    on: dt.date | None = None,
    size_class: str = "mikro",
    risk_group: str = "I",
) -> int:
    month = on or now_wib().date()
    wages = [w["monthly_wage"] for w in workers]
    return employer_contributions.quote_employer(
        wages, size_class, risk_group, programs, month
    ).total


def consent() -> dict[str, Any]:
    shipped = consent_texts.SHIPPED["id"]
    return {
        "text_version": shipped.version,
        "text_sha256": shipped.sha256,
        "given_at": now_wib().isoformat(),
        "method": "tick",
        "signature_sha256": None,
    }


def registration(
    business_id: str,
    workers: list[dict[str, Any]] | None = None,
    *,
    programs: tuple[str, ...] = ("JKK", "JKM"),
    on: dt.date | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """A micro business's whole registration (owner's NIK, no NPWP), its contribution quoted
    for `on` (the test clock's day by default)."""
    lines = workers if workers is not None else [worker(500 + i) for i in range(3)]
    fields: dict[str, Any] = {
        "business_id": business_id,
        "nib": "1234567890123",
        "npwp": None,
        "owner_nik": synthetic_nik(499),
        "owner_name": "Ibu Pemilik",
        "owner_phone": "+6281234567890",
        "size_class": "mikro",
        "size_basis": "sales",
        "sector": "kuliner",
        "region_code": "16.71.03",
        "risk_group": "I",
        "risk_group_assigned": False,
        "start_date": "2026-12-01",
        "programs": list(programs),
        "workers": lines,
        "monthly_contribution": quote_total(lines, list(programs), on),
        "status": "submitted",
        "consent": consent(),
    }
    fields.update(changes)
    return fields
