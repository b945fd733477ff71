"""The demo seed's employer registrations (PU): a booth UMKM registered as an employer with its
workers, as a laptop pushes it (the fields of `validate_employer_registration`, the monthly
contribution quoted by the domain for this month). Every NIK comes from the seed's generator
(`demo._nik`: made-up people of Kota Palembang, serials the seed hands out)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from agent_app.domain import consent_texts, employer_contributions

#: (NIK, birth date, gender) of a made-up person with the given serial.
NikMaker = Callable[[random.Random, int], tuple[str, str, str]]
FIRST = ("Sri", "Dedi", "Lina", "Hendra", "Nur", "Fitri", "Eko", "Ratna", "Yusuf", "Maya")
FAMILY = ("Hasibuan", "Lubis", "Siregar", "Nasution", "Harahap", "Sinaga", "Putri", "Ramadhan")
WAGES = (2_500_000, 2_750_000, 3_000_000, 3_250_000, 3_600_000)


def workers(rng: random.Random, count: int, first_serial: int, make_nik: NikMaker) -> list[Any]:
    """`count` workers with NIKs of serials from `first_serial` on."""
    lines = []
    for n in range(count):
        nik, born, gender = make_nik(rng, first_serial + n)
        lines.append(
            {
                "nik": nik,
                "full_name": f"{rng.choice(FIRST)} {rng.choice(FAMILY)}",
                "birth_place": "Palembang",
                "birth_date": born,
                "gender": gender,
                "start_date": f"2026-{rng.randrange(1, 12):02d}-01",
                "monthly_wage": rng.choice(WAGES),
                "jkn": rng.random() < 0.8,
                "wage_below_minimum_reason": None,
            }
        )
    return lines


def registration(
    rng: random.Random,
    business_id: str,
    business: dict[str, Any],
    staff: list[Any],
    owner: tuple[str, str, str],
    today: dt.date,
    given_at: str,
) -> dict[str, Any]:
    """A registration of `business` (its pushed fields) with `staff`: micro with JKK and JKM,
    or small with JHT too when it has more than ten workers."""
    size, programs = ("mikro", ["JKK", "JKM"])
    if len(staff) > 10:
        size, programs = ("kecil", ["JKK", "JKM", "JHT"])
    risk = employer_contributions.proposed_risk_group(business["sector"]) or "I"
    wages = [worker["monthly_wage"] for worker in staff]
    quote = employer_contributions.quote_employer(wages, size, risk, programs, today)
    shipped = consent_texts.SHIPPED["id"]
    return {
        "business_id": business_id,
        "nib": None,
        "npwp": None,
        "owner_nik": owner[0],
        "owner_name": business["owner_name"],
        "owner_phone": business["phone"],
        "size_class": size,
        "size_basis": rng.choice(("capital", "sales")),
        "sector": business["sector"],
        "region_code": business["region_code"],
        "risk_group": risk,
        "risk_group_assigned": False,
        "start_date": today.isoformat(),
        "programs": programs,
        "workers": staff,
        "monthly_contribution": quote.total,
        "status": "submitted",
        "consent": {
            "text_version": consent_texts.SHIPPED_VERSION,
            "text_sha256": shipped.sha256,
            "given_at": given_at,
            "method": "tick",
            "signature_sha256": None,
        },
    }
