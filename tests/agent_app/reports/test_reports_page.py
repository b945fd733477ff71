"""The Laporan page over the real services and database: the daily summary shown and saved as
PDF, and an export, as an agent and as a supervisor. Also renders the screenshots
(docs/screenshots/receipt.png, daily_summary*.png) when PERISAI_SCREENSHOTS=1."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from helpers.niks import fixture_nik

from agent_app.reports import exports, receipt
from agent_app.services import receipts
from agent_app.services.actor import Actor
from agent_app.ui import backend as backend_mod
from agent_app.ui import i18n, messages, ops, printing
from agent_app.ui.context import Context
from agent_app.ui.pages.reports import ReportsPage

from .conftest import EVENT_ID, World
from .pdf import pdf_text

ROOT = Path(__file__).resolve().parents[3]
DAY = dt.date(2027, 1, 11)


@pytest.fixture(autouse=True)
def immediate(qapp: Any) -> Iterator[list[messages.Message]]:
    ops.set_runner(ops.ImmediateRunner())
    i18n.install(qapp, "id")
    shown: list[messages.Message] = []
    messages.set_sink(lambda _parent, message: shown.append(message))
    yield shown
    messages.set_sink(None)
    ops.set_runner(None)


def make_page(qtbot: Any, world: World, actor: Actor, event_id: str | None = EVENT_ID):
    settings = SimpleNamespace(current_event_id=event_id, save=lambda: None)
    shell = SimpleNamespace(keystore=None, settings=settings, log_location="")
    backend = backend_mod.ServicesBackend(world.uow, actor)
    ctx = Context(shell, backend, SimpleNamespace(agent_code=actor.agent_code), lambda: DAY)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 1000)
    return page


def test_agent_sees_their_day_and_saves_it_as_pdf(qtbot: Any, world: World, tmp_path: Path):
    page = make_page(qtbot, world, world.agent)
    page.activate()
    assert page.summary is not None and page.summary.agent_code == "AG001"
    text = page.view.toPlainText()
    assert "Ringkasan harian" in text and "Agen Satu (AG001)" in text
    assert not page.unmasked.isEnabled() and not page.agent_code.isVisible()
    page.scope.setCurrentIndex(1)  # the current event
    assert page.summary.scope == "event"
    assert "Acara Sumsel Marketing" in page.view.toPlainText()
    saved = page.save_pdf(tmp_path / "ringkasan.pdf")
    assert saved is not None
    assert "Acara Sumsel Marketing" in pdf_text(saved)


def test_export_from_the_page(qtbot: Any, world: World, tmp_path: Path, immediate: list):
    page = make_page(qtbot, world, world.supervisor)
    page.activate()
    page.start.setDate(page.start.date().addYears(-1))
    page.end.setDate(page.end.date().addDays(30))
    page.only_event.setChecked(True)
    page.unmasked.setChecked(True)
    page.export(tmp_path / "e.xlsx")
    assert immediate[-1].kind == messages.INFO
    assert "2" in immediate[-1].text and "e.xlsx" in immediate[-1].text
    rows = list(openpyxl.load_workbook(tmp_path / "e.xlsx")["Pendaftaran"].values)[1:]
    assert sorted(r[3] for r in rows) == [fixture_nik(1), fixture_nik(3)]


def test_agent_export_from_the_page_is_masked(qtbot: Any, world: World, tmp_path: Path):
    page = make_page(qtbot, world, world.agent, event_id=None)
    page.activate()
    assert not page.only_event.isEnabled()
    page.start.setDate(page.start.date().addYears(-1))
    page.end.setDate(page.end.date().addDays(30))
    page.format.setCurrentIndex(1)  # CSV
    request = page.export_request()
    assert request.format is exports.Format.CSV and not request.unmasked
    page.export(tmp_path / "e.csv")
    text = (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    assert "1671********0001" in text and fixture_nik(1) not in text


def test_screenshots(qtbot: Any, world: World, tmp_path: Path) -> None:
    """Renders the receipt and the daily summary to PNG (into docs/screenshots when asked)."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("PERISAI_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    r = receipts.build_receipt(world.uow(), world.agent, world.ids["e2"])
    png = printing.render_png(
        receipt.receipt_html(r), folder / "receipt.png", printing.receipt_images(r)
    )
    assert png.stat().st_size > 10_000
    page = make_page(qtbot, world, world.agent)
    page.day.setDate(page.day.date().addDays(14))  # 25 Jan: a follow-up is due
    page.activate()
    assert page.summary is not None
    from agent_app.reports import daily

    printing.render_png(daily.summary_html(page.summary), folder / "daily_summary.png")
    page.show()
    qtbot.waitExposed(page)
    page.grab().save(str(folder / "daily_summary_page.png"), "PNG")
    assert (folder / "daily_summary_page.png").stat().st_size > 10_000


def _receipt_audits(world: World, enrollment_id: str) -> list[dict]:
    with world.uow() as u:
        return [a.details for a in u.audit.list(enrollment_id) if a.action == "report.receipt"]


@pytest.mark.expect_warning_log(r"^ui: message shown: error$")
def test_enrollment_page_helpers_save_and_print_the_receipt(
    qtbot: Any, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, immediate: list
) -> None:
    """What the enrollment page's buttons call: printing.save_receipt_pdf / print_receipt."""
    parent = make_page(qtbot, world, world.agent)
    backend = parent.ctx.backend
    enrollment_id = world.ids["e1"]
    printing.save_receipt_pdf(parent, backend, enrollment_id, tmp_path / "bukti.pdf")
    assert "Rp16.800" in pdf_text(tmp_path / "bukti.pdf")
    assert immediate[-1].kind == messages.INFO and "bukti.pdf" in immediate[-1].text
    printed: list[str] = []

    def fake_print(_parent: Any, html: str, images: Any, title: str) -> bool:
        printed.append(html)
        return True

    monkeypatch.setattr(printing, "print_html", fake_print)
    printing.print_receipt(parent, backend, enrollment_id)
    assert printed and "1671********0001" in printed[0] and fixture_nik(1) not in printed[0]
    assert _receipt_audits(world, enrollment_id) == [{"output": "print"}, {"output": "pdf"}]
    # A draft: the funnel says why, nothing is written.
    printing.save_receipt_pdf(parent, backend, world.ids["e4"], tmp_path / "draft.pdf")
    assert immediate[-1].kind == messages.ERROR and "diajukan" in immediate[-1].text
    assert not (tmp_path / "draft.pdf").exists()
