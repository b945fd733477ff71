"""Each branch keeps its days in its own zone (docs/time.md): WIB, WITA or WIT. On SQLite and
PostgreSQL (the `world` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from helpers import clock
from srv_support import World, enrollment_fields, op

from agent_app.domain import contributions
from sync import protocol
from sync.server import admin, db

WITA = dt.timezone(dt.timedelta(hours=8))


def _makassar(world: World) -> None:
    world.branch("MKS", "Makassar", "73.71", time_zone="Asia/Makassar")
    world.agent("M1", branch="MKS")


def test_a_branch_has_a_validated_time_zone_that_the_login_and_refresh_answers_carry(
    world: World,
) -> None:
    world.branch()  # no zone given: WIB
    _makassar(world)
    world.agent("A1")
    with pytest.raises(admin.AdminError, match="Asia/Makassar"):
        world.branch("BAD", "Salah", "16.71", time_zone="Asia/Singapore")
    with pytest.raises(admin.AdminError, match="no branch"):
        admin.set_branch_time_zone(world.engine, "NOPE", "Asia/Jayapura")
    with pytest.raises(admin.AdminError, match="time-zone"):
        admin.set_branch_time_zone(world.engine, "PLG", "UTC")

    answer = world.login_raw("M1").json()
    assert answer["agent"]["time_zone"] == "Asia/Makassar"
    assert protocol.LoginResponse.model_validate(answer).agent.time_zone == "Asia/Makassar"
    assert world.login_raw("A1").json()["agent"]["time_zone"] == "Asia/Jakarta"

    # The console changes it; the next token refresh tells the laptop.
    assert "Asia/Jayapura" in admin.set_branch_time_zone(world.engine, "MKS", "Asia/Jayapura")
    refreshed = world.client.post(
        "/v1/auth/refresh", json={"refresh_token": answer["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["agent"]["time_zone"] == "Asia/Jayapura"
    with world.engine.connect() as conn:
        actions = conn.execute(sa.select(db.AdminAudit.action)).scalars().all()
    assert "set-branch-time-zone" in actions


def test_enrolled_on_is_the_day_in_the_branch_s_zone(world: World) -> None:
    """00:30 WITA is still the day before in WIB: a Makassar enrollment then belongs to the new
    day, a Palembang one at the same instant to the old one, whatever offset the laptop sent."""
    world.branch()
    world.agent("A1")
    _makassar(world)
    instant = dt.datetime(2026, 12, 1, 0, 30, tzinfo=WITA)
    with clock.at(instant):
        recorded = instant.astimezone(dt.UTC)  # a laptop whose machine runs in UTC
        makassar, palembang = world.login("M1"), world.login("A1")
        mks = enrollment_fields(31, on=dt.date(2026, 12, 1))
        plg = enrollment_fields(32, on=dt.date(2026, 11, 30))
        assert (
            makassar.push_one(op("enrollment", "create", None, mks, recorded_at=recorded))["status"]
            == "applied"
        )
        assert (
            palembang.push_one(op("enrollment", "create", None, plg, recorded_at=recorded))[
                "status"
            ]
            == "applied"
        )
        assert makassar.check_nik(mks["nik"]).json()["enrolled_on"] == "2026-12-01"
        assert makassar.check_nik(plg["nik"]).json()["enrolled_on"] == "2026-11-30"


@pytest.mark.parametrize(
    ("local_time", "discounted"),
    [("2026-12-31T23:59:00+08:00", True), ("2027-01-01T00:01:00+08:00", False)],
)
def test_the_last_day_of_a_discount_window_ends_at_the_branch_s_midnight(
    world: World, local_time: str, discounted: bool
) -> None:
    """PP 50/2025's BPU discount ends on 31 Dec 2026: at 23:59 WITA it applies, at 00:01 WITA
    (still 23:01 on the 31st in WIB) it no longer does, and the server holds to that."""
    _makassar(world)
    window = dt.date(2026, 12, 31)
    with_discount = contributions.quote(2_000_000, ["JKK", "JKM"], 1, window, "pedagang")
    without = contributions.quote(
        2_000_000, ["JKK", "JKM"], 1, window + dt.timedelta(days=1), "pedagang"
    )
    assert with_discount.monthly_total < without.monthly_total
    with clock.at(local_time) as instant:
        m1 = world.login("M1")
        sent = with_discount.monthly_total
        fields = enrollment_fields(41, monthly_contribution=sent)
        result = m1.push_one(op("enrollment", "create", None, fields, recorded_at=instant))
        if discounted:
            assert result["status"] == "applied", result
        else:
            assert result["status"] == "rejected"
            assert result["error"]["field"] == "monthly_contribution"
            full = enrollment_fields(42, monthly_contribution=without.monthly_total)
            again = m1.push_one(op("enrollment", "create", None, full, recorded_at=instant))
            assert again["status"] == "applied", again


def test_the_openapi_documents_the_agent_s_time_zone(world: World) -> None:
    schema = world.client.get("/openapi.json").json()
    zone = schema["components"]["schemas"]["AgentInfo"]["properties"]["time_zone"]
    assert "Asia/Makassar" in zone["description"] and "enrolled_on" in zone["description"]
    assert "time_zone" not in schema["components"]["schemas"]["AgentInfo"].get("required", [])
