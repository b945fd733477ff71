"""Likely duplicates of a business (issue 18): the tuning set of realistic near-duplicates and
look-alikes that are other businesses, and the NIB, phone and district rules."""

from __future__ import annotations

import pytest

from agent_app.domain import duplicates
from agent_app.domain.duplicates import BusinessKey, Candidate

#: Pairs that are one business written twice (typos, word order, a branch number, a missing
#: honorific or product word).
SAME = [
    ("Pempek Cek Molek", "Pempek Cek Molek 2"),
    ("Pempek Cek Molek", "Pempek Molek, Cek"),
    ("Pempek Cek Molek", "PEMPEK CEK MOLEK"),
    ("Pempek Cek Molek", "Pempek Cek Molex"),
    ("Songket Fatimah", "Songket Hj. Fatimah"),
    ("Warung Bu Sri", "Warung Makan Bu Sri"),
    ("Toko Kelontong Berkah", "Toko Berkah Kelontong"),
    ("Kerupuk Kemplang Ibu Ani", "Kemplang Ibu Ani"),
    ("Tekwan Model Mang Dul", "Tekwan & Model Mang Dul"),
    ("Bengkel Motor Jaya Abadi", "Bengkel Jaya Abadi Motor"),
    ("Martabak HAR", "Martabak Har 2"),
    ("Pindang Patin Pak Ucup", "Pindang Patin Pak Ucup Cabang 16 Ilir"),
    ("Laundry Bersih Kilat", "Bersih Kilat Laundry"),
    ("Salon Dewi", "Salon Dewi Cantik"),
    ("Pempek Vico", "Empek-Empek Vico"),
    ("Toko Sembako Rizki", "Sembako Rizky"),
    ("Kain Tenun Zahrá", "Kain Tenun Zahra"),
]
#: Pairs that are two businesses that look alike (same trade, same honorific, one word apart).
OTHER = [
    ("Pempek Cek Molek", "Pempek Pak Raden"),
    ("Pempek Cek Molek", "Pempek Candy"),
    ("Songket Fatimah", "Songket Zainal"),
    ("Warung Bu Sri", "Warung Bu Tini"),
    ("Toko Kelontong Berkah", "Toko Kelontong Barokah Jaya"),
    ("Martabak HAR", "Martabak Manis Mas Joko"),
    ("Bengkel Motor Jaya Abadi", "Bengkel Motor Maju Jaya"),
    ("Laundry Bersih Kilat", "Laundry Kilat Express"),
    ("Kerupuk Kemplang Ibu Ani", "Kerupuk Kemplang Bu Yanti"),
    ("Pindang Patin Pak Ucup", "Pindang Tulang Pak Ucok"),
    ("Tekwan Model Mang Dul", "Model Gandum Mang Udin"),
    ("Warung Kopi Sahabat", "Warung Kopi Sejati"),
    ("Pempek Lenjer Mang Ujang", "Pempek Mang Udin"),
    ("Salon Dewi", "Salon Citra"),
    # One owner's name (or a shared word) in two trades.
    ("Pempek Molek, Cek", "Kopi Pak Molek"),
    ("Pempek Cek Molek", "Jahit Molek"),
    ("Pempek Cek Molek", "Warung Molek"),
]
DISTRICT = "16.71.03"


def _names(a: str, b: str) -> list[Candidate]:
    return duplicates.find(
        BusinessKey("new", a, region_code=DISTRICT),
        [BusinessKey("old", b, region_code=f"{DISTRICT}.1001")],
    )


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_same_business_written_otherwise_in_one_district_is_a_candidate(a: str, b: str):
    [found] = _names(a, b)
    assert (found.business_id, found.reason) == ("old", "name")
    assert duplicates.similarity(a, b) == duplicates.similarity(b, a) >= duplicates.SAME_DISTRICT


@pytest.mark.parametrize(("a", "b"), OTHER)
def test_look_alikes_that_are_other_businesses_are_not(a: str, b: str):
    assert _names(a, b) == []


def test_the_tuning_leaves_a_margin_between_the_two_sets():
    lowest_same = min(duplicates.similarity(a, b) for a, b in SAME)
    highest_other = max(duplicates.similarity(a, b) for a, b in OTHER)
    assert highest_other + 0.05 < duplicates.SAME_DISTRICT < lowest_same - 0.03


def test_a_similar_name_elsewhere_is_not_a_candidate_but_nib_and_phone_are_anywhere():
    new = BusinessKey("new", "Pempek Cek Molek", nib="1234567890123", phone="0812-3456-7890",
                      region_code=DISTRICT)  # fmt: skip
    existing = [
        BusinessKey("name-elsewhere", "Pempek Cek Molek", region_code="16.71.05"),
        BusinessKey("same-nib", "Toko Lain", nib="1234567890123", region_code="16.09.01"),
        BusinessKey("same-phone", "Usaha Lain", phone="+6281234567890", region_code="16.09.01"),
        BusinessKey("new", "Pempek Cek Molek", region_code=DISTRICT),  # itself
    ]
    found = duplicates.find(new, existing)
    assert {(c.business_id, c.reason) for c in found} == {
        ("same-nib", "nib"),
        ("same-phone", "phone"),
    }


def test_without_a_district_only_a_very_similar_name_counts():
    new = BusinessKey("new", "Pempek Cek Molek")
    existing = [
        BusinessKey("near", "Pempek Cek Molek 2", region_code=DISTRICT),
        BusinessKey("typo", "Pempek Cek Molex", region_code=DISTRICT),
        BusinessKey("same", "Pempek Molek Cek"),
    ]
    assert [c.business_id for c in duplicates.find(new, existing)] == ["same", "near"]


def test_bad_phones_and_empty_names_find_nothing():
    new = BusinessKey("new", "!!!", phone="12345")
    assert duplicates.find(new, [BusinessKey("old", "...", phone="12345")]) == []


def _mixed_businesses() -> list[BusinessKey]:
    """Every name of the tuning sets, in two districts and none, some sharing a NIB or phone."""
    names = sorted({n for pair in SAME + OTHER for n in pair})
    regions = [f"{DISTRICT}.1001", "16.71.04.1002", None]
    keys = []
    for i, name in enumerate(names * 3):
        keys.append(
            BusinessKey(
                f"b{i}",
                name if i < len(names) else f"{name} {i % 4 or ''}".strip(),
                nib=f"{9120000000000 + i % 7}" if i % 5 == 0 else None,
                phone=f"0812-3456-{7000 + i % 11}" if i % 3 == 0 else None,
                region_code=regions[i % 3],
            )
        )
    return keys


def test_the_index_finds_what_find_finds_in_the_same_order():
    keys = _mixed_businesses()
    index = duplicates.Index()
    for i, key in enumerate(keys):
        assert index.find(key) == duplicates.find(key, keys[:i])
        index.add(key)
    assert len(index) == len(keys)
    everyone = duplicates.Index(keys)
    found_some = 0
    for key in keys:
        expected = duplicates.find(key, keys)
        assert everyone.find(key) == expected
        found_some += bool(expected)
    assert found_some > len(keys) // 2  # the comparison covered every kind of candidate


def test_the_index_adds_a_business_once():
    key = BusinessKey("a", "Pempek Cek Molek", nib="9120000000001")
    index = duplicates.Index([key, key])
    assert len(index) == 1
    assert index.find(BusinessKey("b", "x", nib="9120000000001")) == [Candidate("a", "nib", 1.0)]


def _numbered(n: int) -> list[BusinessKey]:
    """A market's numbered kiosks: "Usaha Uji 1"... in one district, each like thousands."""
    return [BusinessKey(f"k{i}", f"Usaha Uji {i}", region_code=DISTRICT) for i in range(n)]


def _counting_scores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = duplicates._score

    def counting(a: duplicates._Name, b: duplicates._Name) -> float:
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(duplicates, "_score", counting)
    return calls


def test_one_search_scores_a_bounded_number_of_names_and_finds_an_identical_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limit = duplicates.PROBE_LIMIT
    keys = _numbered(3 * limit)
    keys.append(BusinessKey("newest", "Usaha Uji 5", region_code=f"{DISTRICT}.1001"))
    index = duplicates.Index(keys)
    calls = _counting_scores(monkeypatch)
    found = index.find(BusinessKey("new", "Usaha Uji 5", region_code=DISTRICT))
    # Two probes (the district's names, those without a district), each bounded.
    assert 0 < calls[0] <= 2 * limit
    # The identical names (the oldest and the newest) are found though the bound was reached.
    assert found[:2] == [Candidate("k5", "name", 1.0), Candidate("newest", "name", 1.0)]
    # What it returns is true: each candidate as the unbounded search scores it.
    monkeypatch.setattr(duplicates, "PROBE_LIMIT", 10**9)
    calls[0] = 0
    new = BusinessKey("new", "Usaha Uji 5", region_code=DISTRICT)
    unbounded = {c.business_id: c for c in index.find(new)}
    assert calls[0] > 2 * limit  # (it scores every name sharing "uji" or "usaha")
    assert all(unbounded[c.business_id] == c for c in found)


def test_one_phone_or_nib_names_a_bounded_number_of_businesses() -> None:
    many = [
        BusinessKey(f"s{i}", f"Toko {i}", nib="9120000000001", phone="0812-3456-7890")
        for i in range(3 * duplicates.SAME_KEY_LIMIT)
    ]
    index = duplicates.Index(many)
    by_phone = index.find(BusinessKey("new", "Lain", phone="+6281234567890"))
    by_nib = index.find(BusinessKey("new", "Lain", nib="9120000000001"))
    assert [c.business_id for c in by_phone] == [f"s{i}" for i in range(duplicates.SAME_KEY_LIMIT)]
    assert [c.business_id for c in by_nib] == [c.business_id for c in by_phone]
    # Looked up by the number as written (62812..., spaces), never by an invalid one.
    assert index.find(BusinessKey("new", "Lain", phone="62 812 3456 7890")) == by_phone
    bad = duplicates.Index([BusinessKey("a", "x", phone="0711-123456")])
    assert bad.find(BusinessKey("b", "y", phone="0711 123456")) == []


def test_below_the_bound_the_index_answers_as_the_unbounded_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A dense district (every name like many others, none like more than the bound) gets the
    answers of `find`, which compares every pair."""
    kinds, owners = ["Warung", "Toko", "Pempek", "Salon"], ["Sri", "Tini", "Dewi", "Rudi", "Agus"]
    keys = [
        BusinessKey(f"d{i}", f"{kinds[i % 4]} {owners[i % 5]} {i // 20}", region_code=DISTRICT)
        for i in range(duplicates.PROBE_LIMIT // 2)
    ]
    index = duplicates.Index(keys)
    calls = _counting_scores(monkeypatch)
    for probe in ["Warung Sri 3", "Pempek Dewi", "Toko Tini 12", "Salon Rudi 7 Ilir"]:
        key = BusinessKey("new", probe, region_code=DISTRICT)
        found = index.find(key)
        assert found and found == duplicates.find(key, keys)
    assert calls[0] > 0
