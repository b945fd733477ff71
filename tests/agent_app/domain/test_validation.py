"""Wire-format validation shared by the laptop and the server (SYNC_PROTOCOL.md, "Entities")."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.domain import keys, validation
from agent_app.domain.validation import checks

ENROLLMENT = {
    "nik": "1671034509990001",
    "full_name": "Siti Aminah",
    "birth_place": "Palembang",
    "birth_date": "1999-09-05",
    "gender": "F",
    "phone": "+6281234567890",
    "email": None,
    "address": "Jl. Merdeka 1",
    "region_code": "16.71.03",
    "occupation": "penjual_makanan",
    "declared_income": 1_500_000,
    "programs": ["JKK", "JKM", "JHT"],
    "period_months": 3,
    "paid_by_state": False,
    "monthly_contribution": 51_800,
    "consent": {"text_version": "2026.1", "given_at": "2026-11-21T10:00:00+07:00"},
    "business_id": None,
    "event_id": None,
    "status": "submitted",
}


def fields_of(problems):
    return {p.field: p.code for p in problems}


def test_a_whole_enrollment_passes():
    assert validation.validate_enrollment(ENROLLMENT) == []


def test_server_set_fields_are_ignored():
    assert validation.validate_enrollment({**ENROLLMENT, "agent_code": "AG1"}) == []
    assert validation.validate_business({"name": "Pempek", "registered_by": "x"}) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nik", "1671034509990000"),
        ("nik", "16710345099900"),
        ("nik", 1671034509990001),
        ("phone", "081234567890"),  # must be E.164 on the wire
        ("gender", "L"),
        ("occupation", "astronaut"),
        ("programs", ["JKK"]),
        ("programs", ["JKK", "JKM", "JP"]),
        ("programs", ["JKK", "JKM", "JKM"]),
        ("period_months", 2),
        ("declared_income", "1000000"),
        ("declared_income", True),
        ("birth_date", "05-09-1999"),
        ("consent", {"text_version": "1"}),
        ("consent", {"text_version": "1", "given_at": "2026-11-21T10:00:00"}),
        ("status", "draft"),
        ("region_code", "1671"),
        ("surprise", 1),
    ],
)
def test_each_bad_field_is_named(field, value):
    problems = validation.validate_enrollment({**ENROLLMENT, field: value})
    assert field in fields_of(problems)
    problem = next(p for p in problems if p.field == field)
    assert problem.message("id") and problem.message("en")


def test_income_below_minimum_is_reported_on_the_income_field():
    problems = validation.validate_enrollment({**ENROLLMENT, "declared_income": 900_000})
    assert fields_of(problems) == {"declared_income": "income_below_minimum"}


def test_missing_required_fields_on_create_but_not_on_update():
    problems = validation.validate_enrollment({"full_name": "Siti"})
    assert {"nik", "phone", "programs", "consent"} <= set(fields_of(problems))
    assert validation.validate_enrollment({"full_name": "Siti"}, partial=True) == []


def test_business_rules():
    assert validation.validate_business({"name": "Songket Cek Ida", "nib": "9120001234567"}) == []
    problems = validation.validate_business(
        {"name": " ", "workers_count": -1, "sector": "x", "latitude": 91, "nib": "12"}
    )
    assert set(fields_of(problems)) == {"name", "workers_count", "sector", "latitude", "nib"}


def test_visit_rules():
    visit = {
        "business_id": "6f1c2a8e-8f0e-4f39-9d53-2b1d6c0e7a11",
        "visited_at": "2026-11-21T10:00:00+07:00",
        "outcome": "follow_up",
        "next_follow_up": "2026-11-28",
    }
    assert validation.validate_visit(visit) == []
    bad = {**visit, "visited_at": "2026-11-21 10:00", "business_id": "x", "channel": "fax"}
    assert set(fields_of(validation.validate_visit(bad))) == {
        "visited_at",
        "business_id",
        "channel",
    }


def test_contribution_check_uses_the_given_date():
    fields = {**ENROLLMENT, "period_months": 1, "monthly_contribution": 28_400 + 10_000}
    # 1.5M: JKK 15,000, JKM 6,800, JHT 30,000 = 51,800; discounted 7,500 + 3,400 + 30,000 = 40,900
    assert (
        validation.check_contribution(
            {**fields, "monthly_contribution": 51_800}, dt.date(2027, 6, 1)
        )
        is None
    )
    assert (
        validation.check_contribution(
            {**fields, "monthly_contribution": 40_900}, dt.date(2026, 6, 1)
        )
        is None
    )
    problem = validation.check_contribution(
        {**fields, "monthly_contribution": 51_800}, dt.date(2026, 6, 1)
    )
    assert problem is not None and problem.field == "monthly_contribution"
    assert "40.900" in problem.message("id")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "Siti\x00Aminah"),
        ("full_name", "Siti\nAminah"),  # a name is one line
        ("full_name", "Siti\x1b[31mAminah"),
        ("full_name", "Siti\ud800"),  # a lone surrogate
        ("full_name", "Siti \u202eharamiA"),  # a bidi override
        ("birth_place", "Pale\u2028mbang"),
        ("address", "Jl. Merdeka\x00 1"),
        ("address", "Jl. Merdeka\x7f 1"),
        ("email", "siti@example.test\r\n"),
        ("membership_number", "12\t34"),
        ("consent", {"text_version": "2026\x00.1", "given_at": "2026-11-21T10:00:00+07:00"}),
        ("nik", "١٦٧١٠٣٤٥٠٩٩٩٠٠٠١"),  # Arabic-Indic digits: str.isdigit() takes them
        ("nik", "１６７１０３４５０９９９０００１"),  # full-width digits
        ("phone", "+62８１２３４５６７８９０"),
        ("phone", "+62 812-3456-7890"),  # E.164 on the wire: no separators
        ("region_code", "١٦.٧١.٠٣"),
        ("period_months", 1.0),
        ("period_months", True),
        ("period_months", "3"),
        ("declared_income", 1_500_000.0),
        ("birth_date", "0001-01-01"),
        ("birth_date", "9999-12-31"),
        ("birth_date", "１９９９-09-05"),
        ("consent", {"text_version": "1", "given_at": "0001-01-01T00:00:00+07:00"}),
        ("consent", {"text_version": "1", "given_at": "9999-12-31T23:00:00-07:00"}),
        ("business_id", "{6f1c2f7e-7a8b-4c2d-9e0f-1a2b3c4d5e6f}"),
        ("business_id", "6f1c2f7e_7a8b_4c2d_9e0f_1a2b3c4d5e6f"),
        ("programs", ["JKK", "JKM", "J\x00K"]),
    ],
)
def test_control_characters_foreign_digits_and_extreme_dates_are_refused(field, value):
    problems = validation.validate_enrollment({**ENROLLMENT, field: value})
    assert fields_of(problems).get(field) == "invalid_field", problems
    problem = next(p for p in problems if p.field == field)
    assert problem.message("id") and problem.message("en")
    assert "\x00" not in problem.message("en") and "\x00" not in problem.message("id")


def test_control_characters_are_named_in_both_languages():
    [problem] = validation.validate_business({"name": "Pempek\x00"})
    assert problem.field == "name"
    assert problem.message("id") == "Berisi karakter kendali yang tidak boleh ada."
    assert problem.message("en") == "Contains a control character."


@pytest.mark.parametrize(
    ("validate", "fields"),
    [
        (validation.validate_visit, {"notes": "Baris satu\nbaris dua\r\n\ttab"}),
        (validation.validate_visit, {"reason": "Belum ada uang\nbulan depan"}),
        (validation.validate_business, {"address": "Jl. Merdeka 10\nRT 02 RW 03"}),
        (validation.validate_enrollment, {"address": "Jl. Merdeka 1\nIlir Timur"}),
        (validation.validate_enrollment, {"review_reason": "Foto KTP buram.\nUlangi."}),
        (validation.validate_business, {"name": "Pempek Cek Molek 👩‍🍳 (ZWJ)"}),
        (validation.validate_business, {"nib": "1234567890123"}),
    ],
)
def test_multi_line_fields_take_newlines_and_tabs(validate, fields):
    assert validate(fields, partial=True) == []


@pytest.mark.parametrize(
    ("validate", "fields"),
    [
        (validation.validate_business, {"name": "Pempek\nCek Molek"}),
        (validation.validate_business, {"owner_name": "Pak\tBudi"}),
        (validation.validate_business, {"nib": "١٢٣٤٥٦٧٨٩٠١٢٣"}),
        (validation.validate_business, {"nib": "1234 5678 90123"}),
        (validation.validate_business, {"workers_count": "3"}),
        (validation.validate_business, {"workers_count": 3.0}),
        (validation.validate_business, {"latitude": True}),
        (validation.validate_visit, {"visited_at": "0001-01-01T00:00:00+00:00"}),
        (validation.validate_visit, {"next_follow_up": "9999-12-31"}),
        (validation.validate_visit, {"notes": "ok\x00"}),
    ],
)
def test_single_line_fields_numbers_and_dates_refuse_the_rest(validate, fields):
    [problem] = validate(fields, partial=True)
    assert problem.field == next(iter(fields)) and problem.code == "invalid_field"


NOT_MOBILE = "A mobile number starts with 08, 628 or +628 and has 10 to 13 digits."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("+6281234567890", None),
        (None, "Must be text."),
        (81234567890, "Must be text."),
        ("081234567890", "The mobile number must be +628...."),
        ("6281234567890", "The mobile number must be +628...."),
        ("+62 812-3456-7890", "The mobile number must be +628...."),
        ("", NOT_MOBILE),
        ("+62212345678", NOT_MOBILE),
        ("+62812345678901234", NOT_MOBILE),
    ],
)
def test_the_phone_check_refuses_what_is_not_an_e164_mobile_number_with_its_reason(value, message):
    problem = validation.phones.e164_phone(value)
    assert (problem.en if problem else None) == message
    if problem is not None:
        assert problem.id and problem.id != problem.en


def _choice_as_it_was(options):
    """The walk through the options that `checks.choice`'s set lookup replaced (issue 15)."""

    def check(value):
        return any(type(value) is type(option) and value == option for option in options)

    return check


_OPTION_LISTS = (
    keys.OCCUPATIONS,
    validation.PERIOD_MONTHS,
    [g.value for g in keys.Gender],
    list(keys.RISK_GROUPS),
)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
_NEAR_OPTIONS = st.sampled_from(
    [o for options in _OPTION_LISTS for o in options] + [1.0, 3.0, True, "1", "3", 12.0]
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON_VALUES | _NEAR_OPTIONS)
def test_a_choice_takes_exactly_what_the_walk_through_its_options_took(value):
    for options in _OPTION_LISTS:
        answer = checks.choice(options)(value)
        assert (answer is None) == _choice_as_it_was(options)(value), (options, value)
        assert answer is None or answer.en == "Unknown choice."


# The canonical phone's fast path (issue 15): its answers are the whole check's.
_PHONE_PREFIXES = st.sampled_from(["+628", "+6281", "+62812", "+62852", "+62881", "+62899"])
_CANONICAL_LIKE = st.builds(
    lambda prefix, tail: prefix + tail,
    _PHONE_PREFIXES,
    st.text(alphabet="0123456789", min_size=4, max_size=14),
)
_PHONE_LIKE = st.one_of(
    _CANONICAL_LIKE,
    # the same numbers with a space, a dash, a full-width or Arabic-Indic digit, or 08/628
    _CANONICAL_LIKE.map(lambda v: v[:6] + " " + v[6:]),
    _CANONICAL_LIKE.map(lambda v: v[:7] + "-" + v[7:]),
    _CANONICAL_LIKE.map(lambda v: v[:-1] + "\uff11"),
    _CANONICAL_LIKE.map(lambda v: v[:-1] + "\u0661"),
    _CANONICAL_LIKE.map(lambda v: "0" + v[3:]),
    _CANONICAL_LIKE.map(lambda v: v[1:]),
    st.text(max_size=20),
    st.integers(),
    st.none(),
)


@settings(max_examples=600, deadline=None)
@given(_PHONE_LIKE)
def test_the_phone_checks_fast_path_answers_as_the_whole_check(value):
    assert validation.phones.e164_phone(value) == validation.phones._e164_phone(value)


def test_the_phone_checks_fast_path_is_taken_for_canonical_numbers_only(monkeypatch):
    asked = []
    whole = validation.phones._e164_phone
    monkeypatch.setattr(validation.phones, "_CANONICAL_PHONES", {})
    monkeypatch.setattr(validation.phones, "_e164_phone", lambda v: asked.append(v) or whole(v))
    for value in ("+6281234567890", "+6281234500000", "+6281239999999"):  # one prefix, length
        assert validation.phones.e164_phone(value) is None
    assert asked == ["+6281234567890"]
    # another length is asked once too; other forms take the whole check every time
    validation.phones.e164_phone("+628123456789")
    others = ("081234567890", "081234567890", "+62 81234567890", "+6281234567890\n")
    for value in others:
        assert validation.phones.e164_phone(value) is not None
    assert asked == ["+6281234567890", "+628123456789", *others]
