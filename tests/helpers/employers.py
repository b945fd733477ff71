"""An employer registration's fields as the form hands them to `services.employers.submit`:
the worked example of DOMAIN.md (a micro pempek seller in Palembang, risk group I, JKK + JKM),
with synthetic NIKs. Without `monthly_contribution` and `status`: the service sets them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from agent_app.domain import consent_texts
from tests.helpers.niks import nik, nik_birth_date, synthetic_nik

OWNER_NIK = nik(dt.date(1975, 3, 14), False, 1)
#: The example's wages (December 2026: Rp49,140 a month for JKK + JKM, risk group I).
WAGES = (2_500_000, 3_000_000, 3_600_000)


def worker_fields(i: int, wage: int = 3_000_000, **changes: Any) -> dict[str, Any]:
    """Worker line `i` (NIK `synthetic_nik(5000 + i)`, its birth date the NIK's)."""
    worker_nik = synthetic_nik(5000 + i)
    return {
        "nik": worker_nik,
        "full_name": f"Pekerja {i + 1}",
        "birth_place": "Palembang",
        "birth_date": nik_birth_date(worker_nik),
        "gender": "M",
        "start_date": "2026-11-01",
        "monthly_wage": wage,
        "jkn": True,
        "wage_below_minimum_reason": None,
        **changes,
    }


def registration_fields(
    business_id: str, wages: tuple[int, ...] = WAGES, first: int = 0, **changes: Any
) -> dict[str, Any]:
    """The registration of `business_id` with one worker per wage (lines from `first`)."""
    return {
        "business_id": business_id,
        "nib": "1234567890123",
        "npwp": None,
        "owner_nik": OWNER_NIK,
        "owner_name": "Ibu Sari",
        "owner_phone": "+6281234567890",
        "size_class": "mikro",
        "size_basis": "sales",
        "sector": "kuliner",
        "region_code": "16.71.03",
        "risk_group": "I",
        "risk_group_assigned": False,
        "start_date": "2026-12-01",
        "programs": ["JKK", "JKM"],
        "workers": [worker_fields(first + i, w) for i, w in enumerate(wages)],
        "consent": {  # the shipped text, which a server takes as published
            "text_version": consent_texts.SHIPPED["id"].version,
            "text_sha256": consent_texts.SHIPPED["id"].sha256,
            "given_at": "2026-12-01T00:10:00+07:00",
            "method": "tick",
            "signature_sha256": None,
        },
        **changes,
    }
