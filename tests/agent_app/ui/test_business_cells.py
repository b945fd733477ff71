"""The business list's cells drawn by `cells.PlainCellDelegate` look the same, pixel for pixel,
as the style's own drawing of them (`QStyledItemDelegate`), under the app's style sheet, font
and palette, in both languages: long names cut with an ellipsis, the overdue follow-up in red,
a selected row, the current cell, a disabled (failed) page, column widths changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QTableView

from agent_app.domain import keys
from agent_app.ui import i18n
from agent_app.ui.backend import BusinessFilter
from agent_app.ui.models import PAGE_SIZE, BusinessTableModel
from agent_app.ui.pages.businesses import cells, list_page

from .app_look import app_look
from .fakes.data import TODAY, BusinessRow

LONG = "Warung Makan Pempek Palembang Asli Cek Siti Aminah Cabang Jakabaring Ilir Barat"
NAMES = (
    LONG,
    "Kopi Yuk",
    "Songket Tenun Ikat Tradisional Khas Palembang dan Sekitarnya Milik Ibu Hajjah Ratna",
    "Bakso <b>Pak</b> & Mie Ayam 100%",  # never read as markup
    "Toko Kue 🎂 Lapis Legit Enak Sekali Harganya Terjangkau untuk Semua Kalangan",
    "Warung Ña Çafé Ümit",
    "",
    "ii",
    "Dua\nBaris\tdan tab",
)


def _row(i: int) -> BusinessRow:
    return BusinessRow(
        id=f"b{i:04d}",
        name=NAMES[i % len(NAMES)] or f"Usaha {i}",
        owner_name=("Siti Aminah binti Abdullah Karim Wirawan Saputra" if i % 3 else None),
        phone=None,
        sector=(*keys.SECTORS[:3], None)[i % 4],
        status=("prospect", "contacted", "enrolled")[i % 3],
        region_code=None,
        next_follow_up=(TODAY + dt.timedelta(days=i % 5 - 2)) if i % 2 else None,
        last_visit_at="2026-09-20T10:00:00" if i % 4 else None,
        last_outcome=("interested", "follow_up", None)[i % 3],
        sync_state=("synced", "pending", "rejected")[i % 3],
    )


class _Backend:
    """The first page of a list of `count` rows; the second page fails (a disabled row)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def today(self) -> dt.date:
        return TODAY

    def first_businesses(self, flt: BusinessFilter, limit: int) -> tuple[list[Any], int]:
        return [_row(i) for i in range(min(limit, self.count))], self.count

    def search_businesses(self, flt: BusinessFilter, offset: int, limit: int) -> list[Any]:
        raise OSError("disk gone")


@pytest.fixture(autouse=True)
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style sheet, font and palette, as `application.prepare` sets them."""
    with app_look(qapp):
        yield
    i18n.install(qapp, "id")


def _table(qtbot: Any, count: int) -> QTableView:
    model = BusinessTableModel(lambda: _Backend(count))  # type: ignore[arg-type, return-value]
    table = list_page.business_table(model)
    qtbot.addWidget(table)
    table.resize(1366, 700)
    table.show()
    qtbot.waitExposed(table)
    model.set_filter(BusinessFilter(text="a"))
    QApplication.processEvents()
    return table


def _both(table: QTableView) -> tuple[QImage, QImage]:
    """The viewport drawn by the style, then by the list's own delegate."""
    ours = table.itemDelegate()
    assert isinstance(ours, cells.PlainCellDelegate)
    styled = QStyledItemDelegate(table)
    table.setItemDelegate(styled)
    before = table.viewport().grab().toImage()
    table.setItemDelegate(ours)
    after = table.viewport().grab().toImage()
    return before, after


def _differing(a: QImage, b: QImage) -> list[tuple[int, int]]:
    assert a.size() == b.size()
    a = a.convertToFormat(QImage.Format.Format_RGB32)
    b = b.convertToFormat(QImage.Format.Format_RGB32)
    if a == b:
        return []
    return [
        (x, y)
        for y in range(a.height())
        for x in range(a.width())
        if a.pixel(x, y) != b.pixel(x, y)
    ]


def _ink(image: QImage, colour: str) -> int:
    """Pixels of exactly `colour` (text drawn in it leaves some)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    want = int("ff" + colour.lstrip("#"), 16)
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == want
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_cells_look_as_the_style_draws_them(qtbot: Any, qapp: QApplication, language: str):
    i18n.install(qapp, language)
    table = _table(qtbot, count=PAGE_SIZE + 40)
    assert _differing(*_both(table)) == []
    # what the test would miss if the screen were empty or had no elided text or no red
    before, _after = _both(table)
    assert _ink(before, "#b3261e") > 0  # an overdue follow-up
    assert table.model().index(0, 0).data() == LONG
    assert table.columnWidth(0) < table.fontMetrics().horizontalAdvance(LONG)

    table.selectRow(2)  # a selected row; the current cell
    table.setFocus()
    QApplication.processEvents()
    assert _differing(*_both(table)) == []

    table.setColumnWidth(0, 90)  # narrower: cut again
    table.setColumnWidth(1, 400)  # wider: whole
    assert _differing(*_both(table)) == []


@pytest.mark.expect_warning_log(r"^ui: business page failed to load: OSError$")
def test_a_failed_page_and_the_rows_further_down(qtbot: Any):
    table = _table(qtbot, count=PAGE_SIZE + 40)
    table.scrollTo(table.model().index(PAGE_SIZE + 10, 0))  # the second page fails to load
    model = table.model()
    qtbot.waitUntil(lambda: not model.flags(model.index(PAGE_SIZE, 0)))
    QApplication.processEvents()
    bottom = table.rowAt(table.viewport().height() - 5)
    assert not model.flags(model.index(bottom, 0))  # a disabled row on screen
    assert _differing(*_both(table)) == []
    table.scrollTo(table.model().index(0, 0))
    QApplication.processEvents()
    assert _differing(*_both(table)) == []


def test_a_font_change_lays_the_texts_out_again(qtbot: Any):
    table = _table(qtbot, count=30)
    delegate = table.itemDelegate()
    assert isinstance(delegate, cells.PlainCellDelegate)
    table.viewport().grab()
    assert delegate.cached_texts() > 0
    font = table.font()
    font.setPointSizeF(font.pointSizeF() + 3)
    table.setFont(font)
    QApplication.processEvents()
    assert _differing(*_both(table)) == []


def test_a_cell_under_the_mouse_is_drawn_by_the_style(qtbot: Any):
    table = _table(qtbot, count=30)
    rect = table.visualRect(table.model().index(1, 0))
    qtbot.mouseMove(table.viewport(), QPoint(rect.center()))
    QApplication.processEvents()
    assert _differing(*_both(table)) == []


def test_the_laid_out_texts_are_bounded(qtbot: Any, monkeypatch: Any):
    table = _table(qtbot, count=30)
    delegate = table.itemDelegate()
    assert isinstance(delegate, cells.PlainCellDelegate)
    monkeypatch.setattr(cells, "MAX_CACHED_TEXTS", 10)
    for width in range(100, 140, 4):  # each width lays every text out again
        table.setColumnWidth(0, width)
        table.viewport().grab()
        assert delegate.cached_texts() <= 10
    assert _differing(*_both(table)) == []


def test_labels_are_translated_once_per_value_and_language(
    qtbot: Any, qapp: QApplication, monkeypatch: Any
):
    """A new row's status, sector, outcome and sync state come from a cache by value and
    language: each label table was built again, every entry translated, for every new row."""
    from agent_app.ui import labels, models

    monkeypatch.setattr(models, "_LABELS", {}, raising=False)
    built: list[str] = []
    statuses = labels.business_statuses
    monkeypatch.setattr(labels, "business_statuses", lambda: built.append("x") or statuses())
    table = _table(qtbot, count=PAGE_SIZE + 40)
    model = table.model()
    assert isinstance(model, BusinessTableModel)
    status = BusinessTableModel.COLUMNS.index("status")
    shown = {model.index(row, status).data() for row in range(PAGE_SIZE)}
    assert shown == {"Prospek", "Sudah dihubungi", "Mendaftar"}
    model.set_filter(BusinessFilter(text="b"))  # the same values in new rows
    QApplication.processEvents()
    table.viewport().grab()
    assert len(built) == 3  # once for each status seen
    i18n.install(qapp, "en")
    model.set_filter(BusinessFilter(text="c"))
    QApplication.processEvents()
    shown = {model.index(row, status).data() for row in range(PAGE_SIZE)}
    assert shown == {"Prospect", "Contacted", "Enrolled"}
    assert len(built) == 6
