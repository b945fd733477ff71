"""NIK, phone and NIB rules (DOMAIN.md, "Identity and contact rules")."""

from __future__ import annotations

import datetime as dt

import lokal
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.domain import identity
from agent_app.domain.keys import Gender

TODAY = dt.date(2026, 11, 21)


def test_parse_nik_reads_region_birth_date_and_gender():
    info = identity.parse_nik("1671030509990001", today=TODAY)
    assert info.birth_date == dt.date(1999, 9, 5)
    assert info.gender is Gender.MALE
    assert (info.province_code, info.regency_code, info.district_code) == (
        "16",
        "16.71",
        "16.71.03",
    )
    assert info.province_name == "Sumatera Selatan"


def test_women_have_forty_added_to_the_day():
    info = identity.parse_nik("1671034509990001", today=TODAY)
    assert info.gender is Gender.FEMALE
    assert info.birth_date == dt.date(1999, 9, 5)


def test_spaces_are_allowed():
    assert identity.parse_nik("1671 0345 0999 0001", today=TODAY).nik == "1671034509990001"


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("167103450999000", "format"),
        ("16710345099900011", "format"),
        ("16710345O9990001", "format"),
        ("", "format"),
        ("9971034509990001", "province"),
        ("1600034509990001", "wilayah"),
        ("1671004509990001", "wilayah"),
        ("1671033202990001", "birth_date"),
        ("1671037202990001", "birth_date"),
        ("1671030013990001", "birth_date"),
        ("1671030509990000", "serial"),
    ],
)
def test_invalid_niks_say_why(nik, code):
    with pytest.raises(identity.InvalidNik) as caught:
        identity.parse_nik(nik, today=TODAY)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)
    assert caught.value.message("id") and caught.value.message("en")
    assert caught.value.message("id") != caught.value.message("en")


def test_two_digit_year_is_in_this_century_up_to_today():
    assert identity.parse_nik("1671030101260001", today=TODAY).birth_date.year == 2026
    assert identity.parse_nik("1671030101270001", today=TODAY).birth_date.year == 1927


@st.composite
def valid_niks(draw):
    province = draw(st.sampled_from(["11", "16", "31", "32", "35", "51", "64", "94"]))
    regency = draw(st.integers(1, 99))
    district = draw(st.integers(1, 99))
    born = draw(st.dates(dt.date(1927, 1, 1), TODAY))
    female = draw(st.booleans())
    serial = draw(st.integers(1, 9999))
    day = born.day + (40 if female else 0)
    nik = f"{province}{regency:02d}{district:02d}{day:02d}{born:%m%y}{serial:04d}"
    return nik, born, female


@given(valid_niks())
def test_every_well_formed_nik_round_trips(case):
    nik, born, female = case
    info = identity.parse_nik(nik, today=TODAY)
    assert info.nik == nik
    assert info.birth_date == born
    assert info.gender is (Gender.FEMALE if female else Gender.MALE)
    assert info.district_code == f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


@given(st.text(max_size=20))
def test_parse_nik_never_fails_other_than_invalid_nik(text):
    try:
        info = identity.parse_nik(text, today=TODAY)
    except identity.InvalidNik:
        return
    assert len(info.nik) == 16 and info.nik.isdigit()


@given(valid_niks(), st.integers(0, 15))
def test_any_changed_length_is_invalid(case, cut):
    nik = case[0][:cut]
    with pytest.raises(identity.InvalidNik) as caught:
        identity.parse_nik(nik, today=TODAY)
    assert caught.value.code == "format"


def test_birth_date_mismatch_is_a_warning_not_an_error():
    info = identity.parse_nik("1671034509990001", today=TODAY)
    assert identity.birth_date_mismatch(info, dt.date(1999, 9, 5)) is None
    warning = identity.birth_date_mismatch(info, dt.date(1999, 9, 6))
    assert warning is not None and "05-09-1999" in warning.id


@pytest.mark.parametrize(
    "written",
    ["081234567890", "0812-3456-7890", "6281234567890", "+6281234567890", "+62 812 3456 7890"],
)
def test_mobile_numbers_are_stored_in_e164(written):
    assert identity.normalize_phone(written) == "+6281234567890"


@pytest.mark.parametrize(
    "written",
    ["0812345678901234", "08123456", "0711123456", "+6581234567", "abc", "", "081234567a90"],
)
def test_bad_mobile_numbers_are_refused(written):
    with pytest.raises(identity.InvalidPhone):
        identity.normalize_phone(written)


def test_mobile_length_bounds_with_leading_zero():
    assert identity.normalize_phone("0812345678") == "+62812345678"  # 10 digits
    assert identity.normalize_phone("0812345678901") == "+62812345678901"  # 13 digits


@settings(max_examples=400)
@given(local=st.from_regex(r"08[0-9]{8,11}", fullmatch=True))
def test_a_mobile_number_gets_lokal_ids_own_verdict(local):
    """The verdict asked once per prefix and length is lokal-id's for every number."""
    info = lokal.parse_phone(local)
    assert identity._lokal_mobile(local) == (info.valid and info.type == "mobile")


def test_nib_is_thirteen_digits():
    assert identity.check_nib("9120 0012 3456 7") == "9120001234567"
    for bad in ("912000123456", "91200012345678", "912000123456X"):
        with pytest.raises(identity.InvalidNib):
            identity.check_nib(bad)


def test_region_codes():
    for good in ("16", "16.71", "16.71.03", "16.71.03.1001"):
        assert identity.is_region_code(good)
    for bad in ("1671", "16.7", "16.71.03.10", "", "16.71.03.1001.1"):
        assert not identity.is_region_code(bad)


def _refusal(parse, text):
    try:
        parse(text, today=TODAY)
    except identity.InvalidNik as error:
        return error.code
    return None


@pytest.mark.parametrize(
    "text",
    [
        "1671030509990001",  # valid
        "1671034509990001",  # valid, a woman
        "16710305099900",  # too short
        "9971030509990001",  # no such province
        "1600030509990001",  # regency 00
        "1671033209990001",  # day 32
        "1671030509990000",  # serial 0000
        "1671.03.050999.0001",  # separators
        "abc",
    ],
)
def test_check_nik_refuses_what_parse_nik_refuses_with_the_same_reason(text):
    assert _refusal(identity.check_nik, text) == _refusal(identity.parse_nik, text)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_check_nik_agrees_with_parse_nik_on_any_sixteen_digits(text):
    assert _refusal(identity.check_nik, text) == _refusal(identity.parse_nik, text)


def test_lokal_id_loads_at_the_first_check_with_the_same_verdicts():
    """Importing the module (the log-in does, before the password's 64 MiB derivation) loads
    no lokal-id; the first NIK or phone check does, and answers as lokal-id does."""
    import subprocess
    import sys

    code = """if True:
        import sys
        from agent_app.domain import identity
        print("lokal" in sys.modules)
        try:
            identity.check_nik("1671030009990001")
        except identity.InvalidNik as exc:
            print(exc.code, "lokal" in sys.modules)
        print(identity.parse_nik("1671034509990001").gender)
        print(identity.normalize_phone("0812 3456 7890"))
    """
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == ["False", "birth_date", "True", "F", "+6281234567890"]
    assert [e.code for e in lokal.parse_nik("1671030009990001").errors][:1] == ["birth_date"]


def test_the_district_of_a_region_code() -> None:
    """One definition for the duplicate finders (laptop and server), the duplicates panel and
    the prospect lists: the first three parts, None above a district or for what is no code."""
    assert identity.district_of("16.71.03.1001") == "16.71.03"
    assert identity.district_of(" 16.71.03 ") == "16.71.03"
    assert identity.district_of("16.71") is None
    assert identity.district_of("16..03") is None
    assert identity.district_of(None) is None
    assert identity.district_of(1671) is None
