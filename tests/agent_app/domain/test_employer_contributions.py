"""The employer's (PU) quote, DOMAIN.md "Registering an UMKM as an employer": the worked
example, the programs each size must take, JP's dated wage cap, the due date, JKP for
information, the minimum wage; and a BPU owner who employs workers gets no PP 50/2025 discount."""

from __future__ import annotations

import datetime as dt

import pytest

from agent_app.domain import contributions, employer_contributions, keys
from agent_app.domain.employer_contributions import EmployerQuoteError

DECEMBER = dt.date(2026, 12, 1)
PEMPEK_WAGES = [2_500_000, 3_000_000, 3_600_000]


@pytest.mark.parametrize(
    ("programs", "total", "employer", "workers"),
    [
        (["JKK", "JKM"], 49_140, 49_140, 0),
        (["JKK", "JKM", "JHT"], 567_840, 385_840, 182_000),
        (["JKK", "JKM", "JHT", "JP"], 840_840, 567_840, 273_000),
    ],
)
def test_the_worked_example_of_a_micro_pempek_seller(
    programs: list[str], total: int, employer: int, workers: int
) -> None:
    q = contributions.quote_employer(PEMPEK_WAGES, "mikro", "I", programs, DECEMBER)
    assert (q.total, q.employer_total, q.worker_total) == (total, employer, workers)
    assert q.due_on == dt.date(2027, 1, 15)
    assert [w.wage for w in q.workers] == PEMPEK_WAGES
    assert sum(w.total for w in q.workers) == total


def test_per_worker_and_per_program_shares_round_half_up() -> None:
    [one] = contributions.quote_employer(
        [1_234_567], "mikro", "V", ["JKK", "JKM"], DECEMBER
    ).workers
    # JKK group V 1.74% of 1,234,567 = 21,481.4658 -> 21,481; JKM 0.30% = 3,703.701 -> 3,704.
    assert dict(one.employer) == {"JKK": 21_481, "JKM": 3_704}
    assert dict(one.worker) == {"JKK": 0, "JKM": 0}


def test_whole_number_percentages_round_exactly_like_decimals() -> None:
    from decimal import Decimal

    from agent_app.domain.employer_contributions import _percent

    for percent in ("0.24", "0.54", "0.89", "1.27", "1.74", "0.30", "3.7", "2.0", "1.0", "0.36"):
        for wage in [*range(1, 3_000, 7), *range(1_000_000, 12_000_000, 99_991)]:
            exact = contributions.round_rupiah(Decimal(wage) * Decimal(percent) / 100)
            assert _percent(wage, percent) == exact, (wage, percent)


def test_jp_is_on_the_wage_capped_by_the_row_in_force_that_month() -> None:
    wage = 12_000_000
    february = contributions.quote_employer([wage], "menengah", "I", ["JKK", "JKM", "JHT", "JP"],
                                            dt.date(2026, 2, 10))  # fmt: skip
    march = contributions.quote_employer([wage], "menengah", "I", ["JKK", "JKM", "JHT", "JP"],
                                         dt.date(2026, 3, 1))  # fmt: skip
    assert february.workers[0].employer["JP"] == 210_948  # 2% of the 2025 cap 10,547,400
    assert march.workers[0].employer["JP"] == 221_726  # 2% of the 2026 cap 11,086,300
    assert march.workers[0].worker["JP"] == 110_863
    assert march.workers[0].employer["JHT"] == 444_000  # JHT has no cap


@pytest.mark.parametrize(
    ("wages", "size", "group", "programs", "field", "words"),
    [
        ([], "mikro", "I", ["JKK", "JKM"], "workers", "at least one worker"),
        ([2_500_000, 0], "mikro", "I", ["JKK", "JKM"], "wages", "above 0"),
        ([2_500_000.5], "mikro", "I", ["JKK", "JKM"], "wages", "whole number"),
        (["2.500.000"], "mikro", "I", ["JKK", "JKM"], "wages", "whole number"),
        ([True], "mikro", "I", ["JKK", "JKM"], "wages", "whole number"),
        ([2_500_000], "raksasa", "I", ["JKK", "JKM"], "size_class", "size"),
        ([2_500_000], "mikro", "VI", ["JKK", "JKM"], "risk_group", "risk group"),
        ([2_500_000], "mikro", None, ["JKK", "JKM"], "risk_group", "not assigned"),
        ([2_500_000], "mikro", "I", ["JKK"], "programs", "JKK, JKM"),
        ([2_500_000], "kecil", "I", ["JKK", "JKM"], "programs", "JKK, JKM, JHT"),
        ([2_500_000], "menengah", "I", ["JKK", "JKM", "JHT"], "programs", "JP"),
        ([2_500_000], "mikro", "I", ["JKK", "JKM", "JP"], "programs", "JP only with JHT"),
        ([2_500_000], "mikro", "I", ["JKK", "JKM", "JKP"], "programs", "Unknown program JKP"),
    ],
)
def test_what_cannot_be_quoted_says_why_on_its_field(
    wages: list, size: str, group: str | None, programs: list[str], field: str, words: str
) -> None:
    with pytest.raises(EmployerQuoteError) as raised:
        contributions.quote_employer(wages, size, group, programs, DECEMBER)
    assert raised.value.field == field
    assert words in raised.value.message("en")
    assert isinstance(raised.value, ValueError)
    assert raised.value.message("id") != raised.value.message("en")


def test_two_hundred_workers_quote_whole() -> None:
    q = contributions.quote_employer([3_000_000] * 200, "kecil", "II", ["JKK", "JKM", "JHT"],
                                     DECEMBER)  # fmt: skip
    assert len(q.workers) == 200
    assert q.employer_total == 200 * (16_200 + 9_000 + 111_000)
    assert q.worker_total == 200 * 60_000


def test_the_due_date_moves_past_a_weekend_and_a_holiday() -> None:
    # 15 February 2026 is a Sunday, the 16th collective leave and the 17th Chinese New Year.
    assert employer_contributions.due_date(dt.date(2026, 1, 1)) == dt.date(2026, 2, 18)
    assert employer_contributions.due_date(dt.date(2026, 11, 30)) == dt.date(2026, 12, 15)


def test_jkp_is_shown_for_information_on_the_capped_wage() -> None:
    share = employer_contributions.jkp_for(6_000_000, DECEMBER)
    assert share == employer_contributions.JkpShare(total=18_000, government=11_000, from_jkk=7_000)
    assert employer_contributions.jkp_for(2_500_000, dt.date(2024, 12, 1)) is None


def test_proposed_risk_groups_and_minimum_wages() -> None:
    assert employer_contributions.proposed_risk_group("kuliner") == "I"
    assert employer_contributions.proposed_risk_group("pertanian") == "II"
    assert employer_contributions.proposed_risk_group("konstruksi") is None
    assert employer_contributions.minimum_wage("16.71.03", DECEMBER) == (
        4_192_837,
        "UMK Palembang 2026",
    )
    assert employer_contributions.minimum_wage("16.02", DECEMBER)[0] == 3_942_963  # the UMP
    assert employer_contributions.minimum_wage("31.71", DECEMBER) is None
    assert employer_contributions.below_minimum_needs_reason(
        "menengah", 4_000_000, "16.71", DECEMBER
    )
    assert not employer_contributions.below_minimum_needs_reason(
        "mikro", 2_500_000, "16.71", DECEMBER
    )


def test_a_bpu_owner_who_employs_workers_gets_no_discount_and_couriers_do() -> None:
    inside = dt.date(2026, 6, 1)  # inside the PP 50/2025 windows
    alone = contributions.quote(2_000_000, ["JKK", "JKM"], 1, inside, "penjual_makanan")
    employer = contributions.quote(2_000_000, ["JKK", "JKM"], 1, inside, "penjual_makanan",
                                   is_employer=True)  # fmt: skip
    assert alone.discounted and not employer.discounted
    assert employer.monthly_total == 2 * alone.monthly_total
    assert "kurir" in keys.TRANSPORT_OCCUPATIONS
    courier = contributions.quote(2_000_000, ["JKK", "JKM"], 1, dt.date(2027, 2, 1), "kurir")
    assert courier.discounted  # the transport window runs to March 2027
