"""Plausibility warnings (issue 11, item 15): allowed but unlikely values are warned, by field."""

from __future__ import annotations

import datetime as dt

from agent_app.domain import plausibility

TODAY = dt.date(2026, 9, 24)


def test_an_income_far_above_a_bpu_workers_is_warned() -> None:
    assert plausibility.income_warning(2_500_000) is None
    assert plausibility.income_warning(plausibility.INCOME_WARN_ABOVE) is None
    warning = plausibility.income_warning(999_999_999)
    assert warning is not None and warning.field == "declared_income"
    assert "Rp999.999.999" in warning.text.id and "Rp999.999.999" in warning.text.en


def test_ages_outside_working_age_are_warned() -> None:
    assert plausibility.age_warning(dt.date(1985, 3, 12), TODAY) is None
    assert plausibility.age_warning(dt.date(2011, 9, 24), TODAY) is None  # 15 today
    young = plausibility.age_warning(dt.date(2011, 9, 25), TODAY)  # 15 tomorrow
    assert young is not None and young.text.en == "Aged 14: check the birth date again."
    old = plausibility.age_warning(dt.date(1930, 1, 1), TODAY)
    assert old is not None and old.field == "birth_date"
    assert plausibility.age_warning(None, TODAY) is None


def test_warnings_are_listed_by_field() -> None:
    found = plausibility.warnings(999_999_999, dt.date(2020, 1, 1), TODAY)
    assert [w.field for w in found] == ["declared_income", "birth_date"]
    assert plausibility.warnings(2_000_000, dt.date(1990, 1, 1), TODAY) == []
