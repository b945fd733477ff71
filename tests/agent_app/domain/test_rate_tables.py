"""Contribution tables the central office publishes: checked, then in force from their day on,
for the laptop's quotes and the server's check alike (`contributions.install_tables`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from agent_app.domain import contributions

TAKES_OVER = dt.date(2027, 7, 1)


@pytest.fixture
def new_table(rate_table: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """The shipped table with a new JKM amount from TAKES_OVER."""
    return lambda jkm=8_000: rate_table(TAKES_OVER, jkm)


def test_the_shipped_table_passes_the_check():
    contributions.check_table(contributions._table())


def test_an_installed_table_is_in_force_from_its_day_on(new_table):
    before = contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER)
    contributions.install_tables([(TAKES_OVER, new_table())])
    on_the_day = contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER)
    assert on_the_day.per_program["JKM"] == 8_000 and on_the_day.table_version == "2027.2"
    assert on_the_day.monthly_total == before.monthly_total + 1_200
    day_before = contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER - dt.timedelta(1))
    assert day_before.per_program["JKM"] == 6_800
    assert day_before.table_version == contributions._table()["version"]
    # Installing again replaces: with none installed the shipped table is back.
    contributions.install_tables([])
    assert contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER).per_program["JKM"] == (
        6_800
    )


def test_the_latest_table_that_took_over_wins(new_table):
    later = dt.date(2027, 10, 1)
    contributions.install_tables([(later, new_table(9_000)), (TAKES_OVER, new_table(8_000))])
    assert contributions.table_for(TAKES_OVER)["rates"]["JKM"][-1]["amount"] == 8_000
    assert contributions.table_for(later)["rates"]["JKM"][-1]["amount"] == 9_000
    assert contributions.quote(1_000_000, ["JKK", "JKM"], 1, later).per_program["JKM"] == 9_000


def _broken(change: str, table: dict[str, Any]) -> dict[str, Any]:
    if change == "no rates":
        del table["rates"]
    elif change == "a bad date":
        table["rates"]["JKK"][0]["effective_from"] = "1 Juli 2027"
    elif change == "a program without rates":
        table["rates"]["JHT"] = []
    elif change == "an unknown occupation":
        table["discounts"][0]["occupations"] = ["astronaut"]
    elif change == "a bad factor":
        table["discounts"][0]["factor"] = "setengah"
    elif change == "a text income":
        table["income"]["minimum"] = "satu juta"
    return table


@pytest.mark.parametrize(
    "change",
    [
        "no rates",
        "a bad date",
        "a program without rates",
        "an unknown occupation",
        "a bad factor",
        "a text income",
    ],
)
def test_a_broken_table_is_refused_by_the_check(change: str, new_table):
    with pytest.raises(contributions.RateTableError):
        contributions.check_table(_broken(change, new_table()))


@pytest.mark.parametrize("table", [None, [], "tabel", 3])
def test_what_is_not_a_table_is_refused(table: Any):
    with pytest.raises(contributions.RateTableError):
        contributions.check_table(table)


def test_install_published_checks_each_table_and_reports_what_it_left_out(new_table):
    versions, left_out = contributions.install_published(
        [
            ("2027.3", "2027-10-01", new_table(9_000)),
            ("2027.2", TAKES_OVER, new_table(8_000)),
            ("rusak", TAKES_OVER, _broken("no rates", new_table())),
            ("tanpa-tanggal", "1 Juli 2027", new_table()),
        ]
    )
    assert versions == ["2027.2", "2027.3"]
    assert [version for version, _ in left_out] == ["rusak", "tanpa-tanggal"]
    assert contributions.quote(1_000_000, ["JKK", "JKM"], 1, TAKES_OVER).per_program["JKM"] == (
        8_000
    )
