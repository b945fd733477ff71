"""The enrollment form of the laptop-side end-to-end tests: a synthetic worker's fields as the
app's `enrollments.save_draft` takes them (one copy for tests/e2e and the UI's live tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

WIB = dt.timezone(dt.timedelta(hours=7))


def enrollment_fields(nik: str, **changes: Any) -> dict[str, Any]:
    """A complete enrollment of a synthetic worker with `nik`; `changes` override fields."""
    fields: dict[str, Any] = {
        "nik": nik,
        "full_name": "Siti Aminah",
        "birth_place": "Palembang",
        "birth_date": dt.date(1999, 9, 5),
        "gender": "F",
        "phone": "0812-3456-7890",
        "email": None,
        "address": "Jl. Merdeka 10",
        "region_code": "16.71.03",
        "occupation": "penjual_makanan",
        "declared_income": 1_500_000,
        "programs": ["JKK", "JKM"],
        "period_months": 1,
        "paid_by_state": False,
        "consent": {"text_version": "2026.1", "given_at": dt.datetime.now(WIB).isoformat()},
    }
    fields.update(changes)
    return fields
