"""One record per business on the laptop (issue 18): the candidates a new business is shown
before saving, narrowed in SQL and judged by `agent_app.domain.duplicates`."""

from __future__ import annotations

from typing import Any

import pytest

from agent_app.services import business_duplicates, businesses
from agent_app.services.actor import Actor
from agent_app.storage.uow import SqlUnitOfWork

PALEMBANG_ILIR_BARAT = "16.71.03"
PALEMBANG_SEBERANG = "16.71.05"


@pytest.fixture
def known(uow: SqlUnitOfWork, actor: Actor) -> dict[str, str]:
    made: dict[str, dict[str, Any]] = {
        "molek": {
            "name": "Pempek Cek Molek",
            "owner_name": "Cek Molek",
            "phone": "+6281211112222",
            "nib": "1234567890123",
            "region_code": PALEMBANG_ILIR_BARAT,
            "address": "Jl. Merdeka 1",
        },
        "tini": {"name": "Warung Bu Tini", "region_code": PALEMBANG_ILIR_BARAT},
        "far": {"name": "Pempek Cek Molek", "region_code": PALEMBANG_SEBERANG},
        "nowhere": {"name": "Songket Ibu Rahma"},
    }
    return {
        key: businesses.register_business(uow, actor, fields).id for key, fields in made.items()
    }


def found(uow: SqlUnitOfWork, **fields: Any) -> list[tuple[str, str]]:
    return [
        (c.business.id, c.reason)
        for c in business_duplicates.likely_duplicates(uow, {"name": "Toko Baru", **fields})
    ]


def test_the_same_nib_is_a_candidate_in_any_district(uow, known) -> None:
    assert found(uow, nib="1234567890123", region_code="12.71.01") == [(known["molek"], "nib")]


def test_the_same_phone_in_any_local_form(uow, known) -> None:
    for typed in ("0812-1111-2222", "6281211112222", "+62 812 1111 2222"):
        assert found(uow, phone=typed) == [(known["molek"], "phone")], typed


def test_a_similar_name_in_the_same_district_but_not_in_another(uow, known) -> None:
    near = found(uow, name="Pempek Molek, Cek", region_code=PALEMBANG_ILIR_BARAT)
    assert (known["molek"], "name") in near
    assert (known["far"], "name") not in near  # another district: not the same business
    assert found(uow, name="Pempek Cek Molek 2", region_code="16.71.03.1001")[0] == (
        known["molek"],
        "name",
    )
    # a look-alike that is another business
    assert found(uow, name="Warung Bu Sri", region_code=PALEMBANG_ILIR_BARAT) == []


def test_without_a_district_only_a_very_similar_name(uow, known) -> None:
    assert {k for k, _ in found(uow, name="Pempek Cek Molek")} == {
        known["molek"],
        known["far"],
    }
    # the one without a district: similar (0.69) is not enough, very similar is
    assert found(uow, name="Songket Rahma Jaya", region_code=PALEMBANG_ILIR_BARAT) == []
    assert found(uow, name="Songket Rahma", region_code=PALEMBANG_ILIR_BARAT) == [
        (known["nowhere"], "name")
    ]


def test_nothing_alike_is_no_candidate_and_deleted_ones_are_not_shown(
    uow: SqlUnitOfWork, known
) -> None:
    assert found(uow, name="Bengkel Motor Jaya", phone="081399998888") == []
    with uow:
        row = uow.businesses._row(known["molek"])
        assert row is not None
        row.deleted = True
        uow.commit()
    assert found(uow, nib="1234567890123") == []
