"""The wire rules of an employer's (PU) registration with its workers (DOMAIN.md "Registering an
UMKM as an employer"): the pempek example is whole and valid; each bad field is named, a
worker's by its line (`workers[1].nik`); NIKs distinct; the owner's NIK without an NPWP; the
programs and the monthly contribution by the quote; a reason for a wage below the minimum."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agent_app.domain import keys, validation
from agent_app.domain.validation import validate_employer_registration as validate
from tests.helpers.niks import nik, synthetic_nik

DECEMBER = dt.date(2026, 12, 1)
BUSINESS_ID = "0b7e3a4c-1f2d-4e5a-9b6c-7d8e9f0a1b2c"
OWNER_NIK = nik(dt.date(1975, 3, 14), False, 1)


def worker(i: int, wage: int, **changes: Any) -> dict[str, Any]:
    return {
        "nik": synthetic_nik(100 + i),
        "full_name": f"Pekerja {i + 1}",
        "birth_place": "Palembang",
        "birth_date": "1990-01-01",
        "gender": "M",
        "start_date": "2026-11-01",
        "monthly_wage": wage,
        "jkn": True,
        "wage_below_minimum_reason": None,
        **changes,
    }


def pempek(**changes: Any) -> dict[str, Any]:
    """The worked example: a micro pempek seller in Palembang, risk group I, three workers,
    JKK + JKM in December 2026: Rp49,140 a month."""
    return {
        "business_id": BUSINESS_ID,
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
        "workers": [worker(i, w) for i, w in enumerate([2_500_000, 3_000_000, 3_600_000])],
        "monthly_contribution": 49_140,
        "status": "submitted",
        "consent": {
            "text_version": "2026.1",
            "text_sha256": "ab" * 32,
            "given_at": "2026-12-03T10:00:00+07:00",
            "method": "tick",
            "signature_sha256": None,
        },
        **changes,
    }


def fields_of(problems: list[validation.Problem]) -> list[str]:
    return [p.field for p in problems]


def test_the_pempek_example_is_a_valid_registration() -> None:
    assert validate(pempek(), month=DECEMBER) == []
    assert validation.VALIDATORS[keys.EMPLOYER_REGISTRATION](pempek(), month=DECEMBER) == []
    with_jht_jp = pempek(programs=["JKK", "JKM", "JHT", "JP"], monthly_contribution=840_840)
    assert validate(with_jht_jp, month=DECEMBER) == []
    # The agent's code is set by the server: sent, it is ignored.
    assert validate(pempek(agent_code="AG-1"), month=DECEMBER) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("business_id", "not-a-uuid"),
        ("nib", "12345"),
        ("npwp", "12.345.678.9-012.000"),
        ("npwp", "123456789012345"),
        ("owner_nik", "123"),
        ("owner_name", "  "),
        ("owner_phone", "0812"),
        ("size_class", "raksasa"),
        ("size_basis", "workers"),
        ("sector", "tambang-emas"),
        ("region_code", "xx"),
        ("risk_group", "VI"),
        ("risk_group_assigned", "yes"),
        ("start_date", "01-12-2026"),
        ("programs", ["JKK", "JKM", "JKM"]),
        ("programs", ["JKK", "JKM", "JKP"]),
        ("workers", "three"),
        ("monthly_contribution", "49140"),
        ("status", "draft"),
        ("review_reason_code", "bad_mood"),
        ("npp", 12345),
        ("consent", {"text_version": "2026-01"}),
        ("consent", {"text_version": "2026-01", "given_at": "2026-12-03T10:00:00+07:00"}),
        ("color", "red"),
    ],
)
def test_each_bad_field_is_named(field: str, value: Any) -> None:
    problems = validate(pempek(**{field: value}), month=DECEMBER)
    assert fields_of(problems) == [field]
    assert problems[0].message_id and problems[0].message_en
    assert problems[0].message_id != problems[0].message_en


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nik", "1671031"),
        ("nik", "1671039999990001"),  # no 99th of the month: not a NIK
        ("full_name", ""),
        ("birth_date", "1990-02-30"),
        ("gender", "X"),
        ("start_date", None),
        ("monthly_wage", 0),
        ("monthly_wage", 2_500_000.5),
        ("jkn", None),
        ("wage_below_minimum_reason", "x" * 501),
        ("shoe_size", 42),
    ],
)
def test_a_workers_problem_names_its_line_and_field(field: str, value: Any) -> None:
    registration = pempek()
    registration["workers"][2] = worker(2, 3_600_000, **{field: value})
    problems = validate(registration, month=DECEMBER)
    assert fields_of(problems) == [f"workers[2].{field}"]


def test_a_workers_missing_field_and_a_worker_that_is_not_an_object() -> None:
    registration = pempek()
    del registration["workers"][1]["birth_date"]
    registration["workers"][2] = "Budi"
    problems = validate(registration, month=DECEMBER)
    assert fields_of(problems) == ["workers[1].birth_date", "workers[2]"]
    assert problems[0].code == "required"


def test_a_wage_written_with_dots_is_refused_never_truncated() -> None:
    registration = pempek()
    registration["workers"][0]["monthly_wage"] = "2.500.000"
    [problem] = validate(registration, month=DECEMBER)
    assert problem.field == "workers[0].monthly_wage"
    assert problem.message_en == "Must be a whole number."


def test_a_nik_twice_is_refused_on_its_second_line() -> None:
    registration = pempek()
    registration["workers"][2]["nik"] = registration["workers"][0]["nik"]
    [problem] = validate(registration, month=DECEMBER)
    assert (problem.field, problem.code) == ("workers[2].nik", "duplicate_nik")
    assert "NIK" in problem.message_id and "NIK" in problem.message_en
    # The rest of the record is still judged: a wrong total is named at the same time.
    registration["monthly_contribution"] = 1
    assert fields_of(validate(registration, month=DECEMBER)) == [
        "workers[2].nik",
        "monthly_contribution",
    ]


def test_without_an_npwp_the_owners_nik_is_required() -> None:
    [problem] = validate(pempek(npwp=None, owner_nik=None), month=DECEMBER)
    assert (problem.field, problem.code) == ("owner_nik", "required")
    assert "NPWP" in problem.message_en and "NPWP" in problem.message_id
    with_npwp = pempek(npwp="0123456789012345", owner_nik=None)
    assert validate(with_npwp, month=DECEMBER) == []
    absent = pempek()
    del absent["npwp"], absent["owner_nik"]
    assert fields_of(validate(absent, month=DECEMBER)) == ["owner_nik"]


def test_the_monthly_contribution_must_be_the_quotes_total() -> None:
    [problem] = validate(pempek(monthly_contribution=49_000), month=DECEMBER)
    assert (problem.field, problem.code) == ("monthly_contribution", "contribution_mismatch")
    assert "Rp49.140" in problem.message_id and "Rp49,140" in problem.message_en
    big = pempek(
        programs=["JKK", "JKM", "JHT", "JP"],
        workers=[worker(i, 3_000_000) for i in range(3)],
        monthly_contribution=1,
    )
    [problem] = validate(big, month=DECEMBER)
    assert "Rp831.600" in problem.message_id and "Rp831,600" in problem.message_en


@pytest.mark.parametrize(
    ("size_class", "programs", "code"),
    [
        ("kecil", ["JKK", "JKM"], "below_size_minimum"),
        ("menengah", ["JKK", "JKM", "JHT"], "below_size_minimum"),
        ("mikro", ["JKK", "JKM", "JP"], "program_requires"),
        ("mikro", ["JKK"], "below_size_minimum"),
    ],
)
def test_the_programs_follow_the_quotes_rules(
    size_class: str, programs: list[str], code: str
) -> None:
    above_minimum = [worker(i, 4_500_000) for i in range(3)]
    registration = pempek(size_class=size_class, programs=programs, workers=above_minimum)
    [problem] = validate(registration, month=DECEMBER)
    assert (problem.field, problem.code) == ("programs", code)
    assert problem.message_id != problem.message_en


def test_a_medium_business_says_why_a_wage_is_below_the_regional_minimum() -> None:
    programs = ["JKK", "JKM", "JHT", "JP"]
    wages = [4_500_000, 3_000_000, 4_192_837]
    registration = pempek(
        size_class="menengah",
        programs=programs,
        workers=[worker(i, w) for i, w in enumerate(wages)],
        monthly_contribution=1_080_419,
    )
    [problem] = validate(registration, month=DECEMBER)
    assert problem.field == "workers[1].wage_below_minimum_reason"
    assert "Rp4.192.837" in problem.message_id and "Rp4,192,837" in problem.message_en
    registration["workers"][1]["wage_below_minimum_reason"] = "   "
    assert fields_of(validate(registration, month=DECEMBER)) == [problem.field]
    registration["workers"][1]["wage_below_minimum_reason"] = "Magang 3 bulan"
    assert validate(registration, month=DECEMBER) == []
    # Micro and small businesses are exempt: the same wage needs no reason.
    assert validate(pempek(), month=DECEMBER) == []


def test_no_workers_is_refused_and_200_are_accepted() -> None:
    [problem] = validate(pempek(workers=[]), month=DECEMBER)
    assert problem.field == "workers"
    many = [worker(i, 3_000_000) for i in range(200)]
    assert validate(pempek(workers=many, monthly_contribution=200 * 16_200), month=DECEMBER) == []
    too_many = [worker(i, 3_000_000) for i in range(501)]
    assert fields_of(validate(pempek(workers=too_many), month=DECEMBER)) == ["workers"]


def test_a_partial_update_is_judged_on_the_fields_it_sends() -> None:
    assert validate({"npp": "26010000123"}, partial=True, month=DECEMBER) == []
    assert validate({"owner_phone": "+6281299998888"}, partial=True, month=DECEMBER) == []
    assert fields_of(validate({"nib": "1"}, partial=True, month=DECEMBER)) == ["nib"]
    assert fields_of(validate({"npwp": None, "owner_nik": None}, partial=True)) == ["owner_nik"]
    quoted = {k: pempek()[k] for k in ("size_class", "risk_group", "programs", "workers")}
    assert validate(quoted, partial=True, month=DECEMBER) == []
    bad_total = {**quoted, "monthly_contribution": 1}
    assert fields_of(validate(bad_total, partial=True, month=DECEMBER)) == ["monthly_contribution"]


def test_the_protected_fields_and_the_server_set_field() -> None:
    protected = {"status", "review_reason", "review_reason_code", "npp"}
    assert protected == validation.EMPLOYER_PROTECTED
    assert validation.EMPLOYER_REGISTRATION.server_set == {"agent_code"}
    assert keys.EMPLOYER_REGISTRATION == "employer_registration"


def test_the_sync_protocol_takes_the_entity() -> None:
    """A pushed entity (its rules are the domain's, applied by the server: tests/sync/server/
    test_employer_push.py), and an optional pulled one (only to laptops that declare it)."""
    from sync import protocol

    op = {
        "op_id": "6f1c2d3e-4a5b-4c6d-8e7f-809a1b2c3d4e",
        "op_seq": 1,
        "entity": keys.EMPLOYER_REGISTRATION,
        "entity_id": BUSINESS_ID,
        "kind": "create",
        "fields": pempek(),
        "recorded_at": "2026-12-03T10:00:00+07:00",
    }
    assert protocol.Op.model_validate(op).entity == keys.EMPLOYER_REGISTRATION
    assert keys.EMPLOYER_REGISTRATION in protocol.OPTIONAL_PULLED


def test_every_field_and_worker_field_has_a_label_in_both_languages() -> None:
    for spec in (validation.EMPLOYER_REGISTRATION, validation.EMPLOYER_WORKER):
        for name in spec.fields:
            assert keys.label("fields", name, "id") != name, name
            assert keys.label("fields", name, "en") != name, name
