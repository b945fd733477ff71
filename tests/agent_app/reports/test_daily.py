"""The daily summary of an agent and of an event, and its PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agent_app.services import daily_summary as daily_service
from agent_app.ui import printing

from .conftest import EVENT_ID, World
from .pdf import pdf_text

DAY = dt.date(2027, 1, 11)


def test_agent_day(world: World) -> None:
    s = daily_service.daily_summary(world.uow(), world.agent, DAY)
    assert s.scope == "agent" and s.agent_code == "AG001" and s.agent_name == "Agen Satu"
    assert s.visits_by_outcome == {
        "interested": 0,
        "follow_up": 1,
        "enrolled": 0,
        "declined": 0,
    }
    # e1 submitted that day, e4 a draft started that day; e2 was submitted on the 25th.
    assert s.enrollments_by_status == {
        "draft": 1,
        "submitted": 1,
        "accepted": 0,
        "needs_correction": 0,
    }
    assert s.enrollments_by_program == {"JKK": 2, "JKM": 2, "JHT": 0}
    assert (s.contributions_monthly, s.contributions_period) == (16_800, 16_800)
    assert s.businesses_registered == 1
    assert s.follow_ups_due == ()  # the follow-up is due on the 12th, not yet on the 11th
    assert s.follow_ups_due_count == 0


def test_follow_ups_due_and_contributions_over_a_period(world: World) -> None:
    s = daily_service.daily_summary(world.uow(), world.agent, dt.date(2027, 1, 25))
    assert s.enrollments_by_status["submitted"] == 1
    assert s.enrollments_by_program == {"JKK": 1, "JKM": 1, "JHT": 1}
    assert (s.contributions_monthly, s.contributions_period) == (36_800, 110_400)
    assert [(f.business_name, f.due_on, f.last_outcome) for f in s.follow_ups_due] == [
        ("Pempek Cek Mar", dt.date(2027, 1, 12), "follow_up")
    ]
    assert s.follow_ups_due_count == 1
    assert s.visits_total == 0


def test_event_day_counts_everyone_there(world: World) -> None:
    s = daily_service.daily_summary(world.uow(), world.agent, DAY, event_id=EVENT_ID)
    assert s.scope == "event" and s.event is not None and s.event.name == "Sumsel Marketing"
    assert s.visits_total == 1  # AG002's visit was not at the event
    assert s.enrollments_by_status["submitted"] == 2  # AG001's e1 and AG002's e3
    assert s.contributions_monthly == 2 * 16_800
    assert s.businesses_registered == 1
    assert s.title == "Acara Sumsel Marketing"


def test_an_agent_sees_only_their_own_day_a_supervisor_anyones(world: World) -> None:
    with pytest.raises(daily_service.NotYours):
        daily_service.daily_summary(world.uow(), world.agent, DAY, agent_code="AG002")
    s = daily_service.daily_summary(world.uow(), world.supervisor, DAY, agent_code="AG002")
    assert s.visits_by_outcome["declined"] == 1
    assert s.enrollments_total == 1
    assert s.businesses_registered == 1


def test_summary_pdf(world: World, tmp_path: Path, qapp) -> None:
    s = daily_service.daily_summary(world.uow(), world.agent, dt.date(2027, 1, 25))
    text = pdf_text(printing.summary_pdf(s, tmp_path / "ringkasan.pdf"))
    assert "Ringkasan harian" in text
    assert "Agen Satu (AG001)" in text
    assert "Senin, 25 Januari 2027" in text
    assert "Kunjungan menurut hasil" in text and "Perlu tindak lanjut 0" in text
    assert "Diajukan 1" in text
    assert "Jaminan Hari Tua (JHT) 1" in text
    assert "Iuran per bulan yang dikutip Rp36.800" in text
    assert "Jumlah untuk periode pembayaran Rp110.400" in text
    assert "Tindak lanjut jatuh tempo (1)" in text
    assert "Pempek Cek Mar 12 Januari 2027 Perlu tindak lanjut" in text
    for secret in ("Rina", "167103", "0812", "Mariam"):
        assert secret not in text
