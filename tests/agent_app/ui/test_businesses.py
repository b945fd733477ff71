"""Businesses: lazy model, search as you type, filters, detail with visits, create, edit,
record a visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent_app.ui import models
from agent_app.ui.backend import BusinessFilter
from agent_app.ui.window import MainWindow

from . import fakes


def businesses_page(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.workspace.pages["businesses"]
    assert window.workspace.stack.currentWidget() is page
    return page


def test_model_passes_modeltester(qtmodeltester: Any, qtbot: Any):
    backend = fakes.FakeBackend.with_businesses(1000)
    model = models.BusinessTableModel(lambda: backend)
    model.set_filter(BusinessFilter())
    assert model.rowCount() == 1000
    qtmodeltester.check(model)
    model.set_filter(BusinessFilter(text="songket"))
    assert model.rowCount() == 500
    qtmodeltester.check(model)


def test_model_loads_pages_lazily(qtbot: Any):
    backend = fakes.FakeBackend.with_businesses(1000)
    model = models.BusinessTableModel(lambda: backend)
    model.set_filter(BusinessFilter())
    assert backend.calls == ["first"]  # the first page and its count, in one call
    assert model.data(model.index(999, 0)) == "…"  # not loaded yet: asked for
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        pass
    assert model.data(model.index(999, 0)).startswith("Songket Ibu")
    assert backend.calls.count("search") == 1


@pytest.mark.expect_warning_log(r"^ui: business page failed to load: RuntimeError$")
def test_failed_page_shows_disabled_rows(qtbot: Any, shown_messages: list[Any]):
    backend = fakes.FakeBackend.with_businesses(1000)
    model = models.BusinessTableModel(lambda: backend)
    model.set_filter(BusinessFilter())
    backend.fail_next = RuntimeError("disk error")
    model.data(model.index(700, 0))
    qtbot.waitUntil(lambda: model.flags(model.index(700, 0)) == Qt.ItemFlag.NoItemFlags)
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert not shown_messages


def test_search_as_you_type_and_filters(qtbot: Any, logged_in: MainWindow):
    page = businesses_page(qtbot, logged_in).list_page
    assert page.model.rowCount() == 500
    assert page.count_label.text() == "500 usaha"
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        qtbot.keyClicks(page.search, "Songket")
    assert page.model.rowCount() == 250
    page.status.setCurrentIndex(page.status.findData("contacted"))
    assert page.model.rowCount() == 125
    assert page.count_label.text() == "125 usaha"
    page.sector.setCurrentIndex(page.sector.findData("kerajinan"))
    assert page.model.rowCount() == 125
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        page.search.clear()
    page.status.setCurrentIndex(0)
    page.sector.setCurrentIndex(0)
    logged_in.ctx.set_event(fakes.EVENT.id)
    qtbot.mouseClick(page.this_event, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 167


def test_open_business_and_record_visit(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qtmodeltester: Any
):
    businesses = businesses_page(qtbot, logged_in)
    page = businesses.list_page
    qtbot.keyClicks(page.search, "Pempek Cek 00042")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter opens the first match
    detail = businesses.detail_page
    assert businesses.stack.currentWidget() is detail
    assert detail.title.text() == "Pempek Cek 00042"
    assert detail.fields["sector"].text() == "Perdagangan"
    assert "Kota Palembang" in detail.fields["region_code"].text()
    assert detail.visits.rowCount() == 0
    qtbot.mouseClick(detail.visit_button, Qt.MouseButton.LeftButton)
    dialog = businesses.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("follow_up"))
    assert dialog.has_follow_up.isChecked()
    qtbot.keyClicks(dialog.reason, "Menunggu suami")
    qtbot.keyClicks(dialog.notes, "Tertarik JHT")
    dialog.follow_up.setDate(dialog.follow_up.date().addDays(-14))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert businesses.dialog is None
    assert detail.visits.rowCount() == 1
    qtmodeltester.check(detail.visits)
    assert detail.visits.data(detail.visits.index(0, 2)) == "Perlu tindak lanjut"
    assert detail.visits_title.text() == "Riwayat kunjungan (1)"
    qtbot.keyClick(detail, Qt.Key.Key_Escape)
    assert businesses.stack.currentWidget() is page
    # the follow-up is now due
    qtbot.keyClick(logged_in, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    followups = logged_in.workspace.pages["followups"]
    assert followups.model.rowCount() == 1
    qtmodeltester.check(followups.model)
    assert followups.model.data(followups.model.index(0, 1)) == "Pempek Cek 00042"
    qtbot.keyClick(followups.table, Qt.Key.Key_Return)
    assert logged_in.workspace.stack.currentWidget() is businesses
    assert businesses.stack.currentWidget() is detail


def test_the_visit_history_shows_each_column_name_whole(qtbot: Any, logged_in: MainWindow):
    """In Bahasa Indonesia "Tindak lanjut berikutnya" was clipped by a fixed column width."""
    detail = businesses_page(qtbot, logged_in).detail_page
    table, header = detail.visits_table, detail.visits_table.horizontalHeader()
    assert detail.visits.headerData(5, Qt.Orientation.Horizontal) == "Tindak lanjut berikutnya"
    for column in range(detail.visits.columnCount() - 1):  # the last one stretches
        name = detail.visits.headerData(column, Qt.Orientation.Horizontal)
        assert table.columnWidth(column) >= header.sectionSizeHint(column), name


def test_create_business_with_region_search(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, shown_messages: list[Any]
):
    businesses = businesses_page(qtbot, logged_in)
    qtbot.keyClick(logged_in, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: businesses.dialog is not None)  # a shortcut animates the click
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Usaha baru"
    qtbot.keyClicks(dialog.name, "Pempek Vico")
    qtbot.keyClicks(dialog.owner, "Vico Saputra")
    qtbot.keyClicks(dialog.phone, "0812-7788-9900")
    dialog.sector.setCurrentIndex(dialog.sector.findData("kuliner"))
    dialog.workers.setValue(4)
    qtbot.keyClicks(dialog.region.search, "ilir timur satu")
    assert dialog.region.results.isVisible()
    qtbot.keyClick(dialog.region.search, Qt.Key.Key_Return)
    assert dialog.region.code() == "16.71.05"
    dialog.region.combos[3].setCurrentIndex(1)
    assert dialog.region.code().startswith("16.71.05.")
    qtbot.keyClicks(dialog.nib, "123")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["nib"].text() == "NIB harus 13 digit angka."  # under the NIB
    dialog.nib.clear()
    qtbot.keyClicks(dialog.nib, "1234567890123")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert businesses.dialog is None
    created = [b for b in shell.backend.businesses.values() if b.name == "Pempek Vico"]
    assert created and created[0].phone == "+6281277889900"
    assert businesses.stack.currentWidget() is businesses.detail_page
    assert businesses.detail_page.title.text() == "Pempek Vico"
    # edit it
    qtbot.mouseClick(businesses.detail_page.edit_button, Qt.MouseButton.LeftButton)
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    assert dialog.region.code() == created[0].region_code
    dialog.status.setCurrentIndex(dialog.status.findData("contacted"))
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert shell.backend.businesses[created[0].id].status == "contacted"
    assert "update_business" in shell.backend.calls
    assert businesses.detail_page.fields["status"].text() == "Sudah dihubungi"
    assert not shown_messages


def test_escape_cancels_business_dialog_after_asking(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    businesses = businesses_page(qtbot, logged_in)
    businesses.list_page.new_button.click()
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert businesses.dialog is None and confirmations == []
    businesses.list_page.new_button.click()
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Batal saja")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(confirmations) == 1  # typed content: asked, and "keep typing" keeps it
    assert businesses.dialog is dialog and dialog.isVisible()
    assert dialog.name.text() == "Batal saja"
    confirmations.answer = True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert businesses.dialog is None
    assert "register_business" not in shell.backend.calls
    assert shell.backend.form_drafts == {}  # discarded on purpose: not offered again


def test_dashboard_shows_figures_and_chart(qtbot: Any, logged_in: MainWindow):
    page = logged_in.workspace.pages["dashboard"]
    assert page.date_label.text() == "24 Sep 2026"
    assert page.today_tiles["enrollments_today"].number.text() == "3"
    assert page.chart is not None
    assert page.targets_grid.count() == 9
    texts = [page.targets_grid.itemAt(i).widget().text() for i in (0, 2)]
    assert texts == [
        "Pemberi kerja baru (acara)",
        "722 dari 1.441 (50%)\n722 diterima, 35 menunggu tinjauan",
    ]
    logged_in.ctx.set_event(fakes.EVENT.id)
    assert page.event_title.text() == "Acara saat ini: Sumsel Marketing"
    assert page.event_info.text() == "Palembang Indah Mall, 22 Sep 2026 – 3 Okt 2026"
    QApplication.processEvents()


def test_today_is_injected():
    assert dt.date(2026, 9, 24) == fakes.TODAY


class DeferredRunner:
    """Holds tasks until `finish_next()`, like a busy database thread."""

    def __init__(self) -> None:
        self.queue: list[Any] = []

    def submit(self, op: Any) -> None:
        self.queue.append(op)

    def finish_next(self) -> None:
        op = self.queue.pop(0)
        op._execute()
        op._deliver()


def test_keystrokes_during_a_query_are_coalesced(qtbot: Any):
    from agent_app.ui import ops

    runner = DeferredRunner()
    ops.set_runner(runner)
    backend = fakes.FakeBackend.with_businesses(1000)
    model = models.BusinessTableModel(lambda: backend)
    model.set_filter(BusinessFilter(text="s"))
    model.set_filter(BusinessFilter(text="so"))  # typed while "s" runs
    model.set_filter(BusinessFilter(text="son"))
    assert len(runner.queue) == 1
    runner.finish_next()  # "s" answers: stale, so "son" is asked at once
    assert model.rowCount() == 0
    assert len(runner.queue) == 1
    with qtbot.waitSignal(model.loaded):
        runner.finish_next()
    assert model.rowCount() == 500  # the first page and the count, in one operation
    assert not runner.queue
    assert backend.calls == ["first", "first"]


class HundredThousand:
    """A backend with 100,000 businesses computed on demand: counts the queries it gets."""

    total = 100_000

    def __init__(self) -> None:
        self.queries: list[tuple[int, int]] = []

    def first_businesses(self, flt: BusinessFilter, limit: int) -> tuple[list[Any], int]:
        return self.search_businesses(flt, 0, limit), self.total

    def today(self) -> dt.date:
        return fakes.TODAY

    def search_businesses(self, flt: BusinessFilter, offset: int, limit: int) -> list[Any]:
        self.queries.append((offset, limit))
        end = min(offset + limit, self.total)
        return [
            fakes.BusinessRow(
                id=f"id-{n}",
                name=f"Usaha {n:06d}",
                owner_name=None,
                phone=None,
                sector="kuliner",
                status="prospect",
                region_code=None,
            )
            for n in range(offset, end)
        ]


def test_view_over_100000_rows_loads_only_what_is_shown(qtbot: Any):
    from PySide6.QtWidgets import QTableView

    backend = HundredThousand()
    model = models.BusinessTableModel(lambda: backend)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    model.set_filter(BusinessFilter())
    assert model.rowCount() == 100_000
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.data(model.index(99_999, 0)) == "Usaha 099999")
    view.scrollTo(model.index(50_000, 0))
    qtbot.waitUntil(lambda: model.data(model.index(50_000, 0)) == "Usaha 050000")
    assert len(backend.queries) <= 6  # first page, the bottom page(s), the middle page(s)
    assert all(limit == models.PAGE_SIZE for _offset, limit in backend.queries)
