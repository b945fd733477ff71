"""Contribution quotes (DOMAIN.md, "Enrolling a BPU worker"; PP 50/2025 discount windows)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.domain import _resources, contributions, keys
from agent_app.domain.contributions import QuoteError, quote

BEFORE_DISCOUNTS = dt.date(2025, 6, 1)
TRANSPORT_ONLY = dt.date(2026, 2, 10)  # Jan-Mar 2026: only transport workers
EVERYONE = dt.date(2026, 5, 1)  # Apr-Dec 2026: all BPU workers
TRANSPORT_TAIL = dt.date(2027, 2, 1)  # Jan-Mar 2027: transport workers again
AFTER = dt.date(2027, 4, 1)


def test_minimum_package_is_16800():
    q = quote(1_000_000, ["JKK", "JKM"], 1, BEFORE_DISCOUNTS)
    assert q.per_program == {"JKK": 10_000, "JKM": 6_800}
    assert q.monthly_total == 16_800
    assert q.period_total == 16_800
    assert not q.discounted


def test_with_jht_36800():
    q = quote(1_000_000, ["JKK", "JKM", "JHT"], 1, BEFORE_DISCOUNTS)
    assert q.per_program == {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000}
    assert q.monthly_total == 36_800


def test_jkk_bounds():
    assert quote(30_000_000, ["JKK", "JKM"], 1, AFTER).per_program["JKK"] == 207_000
    assert quote(20_700_000, ["JKK", "JKM"], 1, AFTER).per_program["JKK"] == 207_000
    assert quote(1_500_000, ["JKK", "JKM"], 1, AFTER).per_program["JKK"] == 15_000


def test_rounding_is_half_up():
    # 1% of 1,234,550 = 12,345.5 -> 12,346; 2% of 1,234,525 = 24,690.5 -> 24,691
    assert quote(1_234_550, ["JKK", "JKM"], 1, AFTER).per_program["JKK"] == 12_346
    assert quote(1_234_525, ["JKK", "JKM", "JHT"], 1, AFTER).per_program["JHT"] == 24_691


@pytest.mark.parametrize(
    ("on", "occupation", "discounted"),
    [
        (dt.date(2025, 12, 31), "pengemudi", False),
        (dt.date(2026, 1, 1), "pengemudi", True),
        (TRANSPORT_ONLY, "pengemudi", True),
        (TRANSPORT_ONLY, "pedagang", False),
        (dt.date(2026, 3, 31), "petani", False),
        (dt.date(2026, 4, 1), "petani", True),
        (EVERYONE, "nelayan", True),
        (dt.date(2026, 12, 31), "penjahit", True),
        (dt.date(2027, 1, 1), "penjahit", False),
        (TRANSPORT_TAIL, "pengemudi", True),
        (dt.date(2027, 3, 31), "pengemudi", True),
        (AFTER, "pengemudi", False),
        (EVERYONE, None, True),
        (TRANSPORT_ONLY, None, False),
    ],
)
def test_discount_windows(on, occupation, discounted):
    q = quote(1_000_000, ["JKK", "JKM", "JHT"], 1, on, occupation)
    assert q.discounted is discounted
    if discounted:
        assert q.per_program == {"JKK": 5_000, "JKM": 3_400, "JHT": 20_000}
        assert q.full_per_program == {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000}
        assert q.monthly_total == 28_400
        assert "PP 50/2025" in q.regulations
    else:
        assert q.monthly_total == 36_800


def test_state_paid_participants_get_no_discount():
    assert (
        quote(1_000_000, ["JKK", "JKM"], 1, EVERYONE, "petani", paid_by_state=True).monthly_total
        == 16_800
    )
    assert (
        quote(
            1_000_000, ["JKK", "JKM"], 1, TRANSPORT_ONLY, "pengemudi", paid_by_state=True
        ).monthly_total
        == 16_800
    )


def test_discount_halves_jkk_and_jkm_only_and_rounds_half_up():
    q = quote(1_234_550, ["JKK", "JKM", "JHT"], 1, EVERYONE, "pedagang")
    assert q.full_per_program["JKK"] == 12_346
    assert q.per_program["JKK"] == 6_173
    assert q.per_program["JKM"] == 3_400
    assert q.per_program["JHT"] == 24_691
    q = quote(1_234_700, ["JKK", "JKM"], 1, EVERYONE, "pedagang")
    assert q.full_per_program["JKK"] == 12_347
    assert q.per_program["JKK"] == 6_174  # 6,173.5 rounds up


def test_a_prepaid_period_pays_the_discount_only_inside_the_window():
    q = quote(1_000_000, ["JKK", "JKM"], 12, dt.date(2026, 11, 20), "pedagang")
    assert [m.total for m in q.months] == [8_400, 8_400] + [16_800] * 10
    assert q.monthly_total == 8_400
    assert q.period_total == 2 * 8_400 + 10 * 16_800
    assert q.months[1].month == dt.date(2026, 12, 1)
    assert q.months[2].month == dt.date(2027, 1, 1)


@pytest.mark.parametrize("period", [1, 3, 6, 12])
def test_period_total_outside_windows(period):
    assert quote(1_000_000, ["JKK", "JKM"], period, AFTER).period_total == 16_800 * period


@pytest.mark.parametrize(
    ("income", "programs", "period", "code", "field"),
    [
        (1_000_000, ["JKK"], 1, "mandatory_program_missing", "programs"),
        (1_000_000, ["JKM"], 1, "mandatory_program_missing", "programs"),
        (1_000_000, ["JHT"], 1, "mandatory_program_missing", "programs"),
        (1_000_000, ["JKK", "JKM", "JP"], 1, "program_not_for_bpu", "programs"),
        (1_000_000, ["JKK", "JKM", "JKP"], 1, "program_not_for_bpu", "programs"),
        (1_000_000, ["JKK", "JKM", "XYZ"], 1, "unknown_program", "programs"),
        (999_999, ["JKK", "JKM"], 1, "income_below_minimum", "declared_income"),
        (0, ["JKK", "JKM"], 1, "income_below_minimum", "declared_income"),
        (1_000_000, ["JKK", "JKM"], 2, "invalid_period", "period_months"),
        (1_000_000, ["JKK", "JKM"], 24, "invalid_period", "period_months"),
        (1_000_000, ["JKK", "JKM"], 0, "invalid_period", "period_months"),
    ],
)
def test_invalid_combinations_raise_clear_errors(income, programs, period, code, field):
    with pytest.raises(QuoteError) as caught:
        quote(income, programs, period, AFTER)
    assert caught.value.code == code
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert caught.value.message("id") != caught.value.message("en")


def test_no_rate_before_the_first_regulation():
    with pytest.raises(QuoteError) as caught:
        quote(1_000_000, ["JKK", "JKM"], 1, dt.date(2010, 1, 1))
    assert caught.value.code == "no_rate"


def test_unknown_occupation_is_refused():
    with pytest.raises(QuoteError):
        quote(1_000_000, ["JKK", "JKM"], 1, AFTER, "astronaut")


def test_the_table_drives_the_numbers(tmp_path, monkeypatch):
    """A new regulation or income levels are a data change, not a code change."""
    table = json.loads((_resources.resources_dir() / "contributions.json").read_text())
    table["rates"]["JKM"].append(
        {"effective_from": "2028-01-01", "kind": "flat", "amount": 7_500, "regulation": "PP X/2027"}
    )
    table["income"]["levels"] = [
        {"from": 1_000_000, "to": 1_499_999, "base": 1_000_000},
        {"from": 1_500_000, "to": None, "base": 1_500_000},
    ]
    (tmp_path / "contributions.json").write_text(json.dumps(table))
    (tmp_path / "keys.json").write_text((_resources.resources_dir() / "keys.json").read_text())
    monkeypatch.setenv("PERISAI_RESOURCES", str(tmp_path))
    _resources.load_json.cache_clear()
    try:
        q = quote(1_499_000, ["JKK", "JKM"], 1, dt.date(2028, 2, 1))
        assert q.per_program == {"JKK": 10_000, "JKM": 7_500}
        assert quote(2_000_000, ["JKK", "JKM"], 1, dt.date(2028, 2, 1)).per_program["JKK"] == 15_000
        assert (
            quote(1_000_000, ["JKK", "JKM"], 1, dt.date(2027, 12, 31)).per_program["JKM"] == 6_800
        )
    finally:
        monkeypatch.delenv("PERISAI_RESOURCES")
        _resources.load_json.cache_clear()


incomes = st.integers(1_000_000, 50_000_000)
dates = st.dates(dt.date(2016, 1, 1), dt.date(2030, 12, 31))
occupations = st.sampled_from([*keys.OCCUPATIONS, None])
periods = st.sampled_from([1, 3, 6, 12])


@given(incomes, st.booleans(), periods, dates, occupations, st.booleans())
def test_quote_properties(income, jht, period, on, occupation, by_state):
    programs = ["JKK", "JKM", "JHT"] if jht else ["JKK", "JKM"]
    q = quote(income, programs, period, on, occupation, by_state)
    full_jkk = min(max(contributions.round_rupiah(Decimal(income) / 100), 10_000), 207_000)
    assert q.full_per_program["JKK"] == full_jkk
    assert q.full_per_program["JKM"] == 6_800
    if jht:
        assert q.per_program["JHT"] == contributions.round_rupiah(Decimal(income) * 2 / 100)
    assert q.monthly_total == sum(q.per_program.values())
    assert len(q.months) == period
    assert q.period_total == sum(m.total for m in q.months)
    assert q.period_total <= period * sum(q.full_per_program.values())
    if by_state:
        assert not any(m.discount for m in q.months)
    if q.discounted:
        assert q.per_program["JKK"] == contributions.round_rupiah(Decimal(full_jkk) / 2)
        assert q.per_program["JKM"] == 3_400
    else:
        assert q.per_program == q.full_per_program


@given(incomes, dates, occupations)
def test_more_income_never_pays_less(income, on, occupation):
    low = quote(income, ["JKK", "JKM", "JHT"], 1, on, occupation).monthly_total
    high = quote(income + 1_000, ["JKK", "JKM", "JHT"], 1, on, occupation).monthly_total
    assert high >= low


def test_quotes_are_immutable_and_memoised():
    first = quote(1_500_000, ["JKK", "JKM", "JHT"], 3, EVERYONE, "pedagang")
    again = quote(1_500_000, ["JKK", "JKM", "JHT"], 3, EVERYONE, "pedagang")
    assert again is first
    with pytest.raises(TypeError):
        first.per_program["JKK"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        first.months[0].per_program["JHT"] = 1  # type: ignore[index]
    # a different input is a different quote, never a memo hit
    assert quote(1_500_000, ["JKK", "JKM", "JHT"], 3, EVERYONE, "pedagang", True) is not first
    assert quote(1_500_000, ["JKK", "JKM"], 3, EVERYONE, "pedagang").monthly_total == 10_900


def test_unhashable_input_still_gets_a_clear_error():
    with pytest.raises(QuoteError) as caught:
        quote([1_000_000], ["JKK", "JKM"], 1, AFTER)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_income"
