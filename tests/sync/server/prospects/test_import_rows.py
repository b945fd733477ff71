"""A partner list's columns guessed and remembered, and each row made into values the business
wire accepts: names, phones in every local form, NIB, choices and the region from the address."""

from __future__ import annotations

import pytest

from agent_app.domain.validation.rules import BUSINESS
from sync.server.prospects import mapping, normalise, reading
from sync.server.prospects.regions import Resolver


def test_headers_are_guessed_in_both_languages() -> None:
    headers = [
        "No",
        "Nama Usaha",
        "Nama Pemilik",
        "No. HP / WA",
        "Alamat Usaha",
        "KECAMATAN",
        "Kelurahan/Desa",
        "NIB",
        "Jenis Usaha",
        "Jumlah  Karyawan",
        "Skala Usaha",
        "Telepon",
    ]
    assert mapping.propose(headers) == [
        "",
        "name",
        "owner_name",
        "phone",
        "address",
        "kecamatan",
        "kelurahan",
        "nib",
        "sector",
        "workers_count",
        "size_class",
        "",  # a second phone column: each field once
    ]
    assert mapping.propose(["Business name", "Owner", "Phone", "Address"]) == [
        "name",
        "owner_name",
        "phone",
        "address",
    ]
    assert mapping.propose(["Nama UMKM", "No HP Pemilik"]) == ["name", "phone"]


def test_a_remembered_mapping_wins_and_a_bad_choice_is_refused() -> None:
    remembered = {"Kolom A": "name", "Kontak": "", "Lain": "password"}
    assert mapping.propose(["Kolom A", "Kontak", "Lain"], remembered) == ["name", "", ""]
    _, problem = mapping.checked(["A", "B"], ["phone", "phone"])
    assert problem is not None and "one column" in problem.en
    _, problem = mapping.checked(["A", "B"], ["phone", ""])
    assert problem is not None and "business name" in problem.en
    clean, problem = mapping.checked(["A", "B"], ["name", "evil"])
    assert problem is None and clean == ["name", ""]


@pytest.fixture(scope="module")
def palembang() -> Resolver:
    return Resolver("16.71")


@pytest.mark.parametrize(
    ("address", "kecamatan", "kelurahan", "code"),
    [
        ("Jl. Merdeka No 5, Kec. Ilir Timur I, Palembang", "", "", "16.71.05"),
        ("Jl Sudirman 12 Kel. 26 Ilir, Bukit Kecil", "", "", "16.71.11.1005"),
        ("Plaju Ulu, Plaju", "", "", "16.71.14.1001"),
        ("Jl. Sako No 5, Kec. Kalidoni", "", "", "16.71.10"),
        ("jalan tanpa nama", "Ilir Barat 1", "", "16.71.04"),
        ("", "Seberang Ulu I", "Tiga Empat Ulu", "16.71.02.1004"),
        ("Jl. Kapten A. Rivai", "", "", None),
        ("Kuta Utara, Badung, Bali", "", "", None),  # outside the branch's region
    ],
)
def test_the_region_from_the_address(
    palembang: Resolver, address: str, kecamatan: str, kelurahan: str, code: str | None
) -> None:
    assert palembang.find(address, kecamatan, kelurahan) == code


def test_a_province_branch_narrows_by_the_kota_named() -> None:
    sumsel = Resolver("16")
    assert sumsel.find("Jl. Kol. Atmo, Sukarami, Palembang") == "16.71.07"
    assert sumsel.find("Kenten, Talang Kelapa, Banyuasin") == "16.07.10.1006"
    assert sumsel.find("Talang Kelapa, Palembang") == "16.71.15.1003"
    assert sumsel.find("Jl. Sudirman, Kota Prabumulih") == "16.74"


def row(*cells: str, formulas: tuple[str, ...] = ()) -> reading.Row:
    return reading.Row(7, tuple(cells), formulas)


TARGETS = ["name", "owner_name", "phone", "nib", "address", "sector", "workers_count"]


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("(0812) 3456.7890 / 0813 1111 2222", "+6281234567890"),
    ],
)
def test_phones_in_local_forms(written: str, e164: str) -> None:
    assert normalise.phone(written) == e164


def test_a_good_row_is_what_the_wire_accepts(palembang: Resolver) -> None:
    rows = normalise.Normaliser(TARGETS, palembang)
    made = rows.prepare(
        row(
            "  PEMPEK  CEK MOLEK ",
            "HJ. SITI",
            "0812 3456 7890",
            "9120 0012 3456 7",
            "Jl. Merdeka, Kec. Plaju",
            "Makanan & Minuman",
            "5 orang",
        )
    )
    assert made.good and not made.warnings, made.problems
    assert made.fields == {
        "name": "Pempek Cek Molek",
        "owner_name": "Hj. Siti",
        "phone": "+6281234567890",
        "nib": "9120001234567",
        "address": "Jl. Merdeka, Kec. Plaju",
        "sector": "kuliner",
        "workers_count": 5,
        "region_code": "16.71.14",
    }
    for name, value in made.fields.items():
        assert BUSINESS.fields[name](value) is None
    assert normalise.clean_name("CV MAJU JAYA") == "CV Maju Jaya"


def test_bad_rows_say_why_and_warnings_leave_fields_empty(palembang: Resolver) -> None:
    rows = normalise.Normaliser(TARGETS, palembang)
    bad = rows.prepare(row("", "", "0711 123456", "123", "", "", "", formulas=("C7",)))
    problems = [p.en for p in bad.problems]
    assert problems == [
        "Cell C7 holds a formula; formulas are not imported.",
        "The business name is empty.",
        "The mobile number 0711 123456 is not valid.",
        "The NIB must have 13 digits.",
    ]
    odd = rows.prepare(row("Kedai", "", "", "", "Desa Entah", "astronot", "banyak"))
    assert odd.good and odd.fields == {"name": "Kedai", "address": "Desa Entah"}
    assert [w.en for w in odd.warnings] == [
        "Sector not understood; left empty.",
        "Number of workers not understood; left empty.",
        "No region found in the address.",
    ]
    long_name = rows.prepare(row("x" * 201))
    assert not long_name.good
