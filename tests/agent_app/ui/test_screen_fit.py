"""Fits a budget laptop's screen (issue 11 item 4, issue 16 item 6): every page and dialog is
usable in the client area a maximised window gets on a 1366x768 and a 1280x720 screen, at
100% and at 125% scaling (1366x768 at 125% is a logical 1093x614): the window takes that size
(its minimum is not larger), and every action button and the status bar lie inside the window,
unclipped; forms scroll, button rows stay outside the scroll area. The window's place and size
are remembered per laptop, and a remembered place that fits no screen is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from agent_app.ui import widgets
from agent_app.ui.pages import businesses, sync
from agent_app.ui.window import MainWindow

from . import fakes
from .app_look import app_look
from .sync_problems import conflict

#: Screens (logical pixels); a maximised window's client area is the screen less a 40-pixel
#: taskbar and a 31-pixel title bar.
SCREENS = {"1366x768": (1366, 768), "1280x720": (1280, 720), "1366x768@125%": (1093, 614)}
TASKBAR_AND_TITLE = 71
PAGES = ("dashboard", "businesses", "enrollments", "followups", "reports", "sync", "settings")


@pytest.fixture(autouse=True)
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style sheet and font, as `application.prepare` sets them."""
    with app_look(qapp):
        yield


def client_area(screen: str) -> QSize:
    width, height = SCREENS[screen]
    return QSize(width, height - TASKBAR_AND_TITLE)


def _in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _unclipped(widget: QWidget, top: QWidget) -> bool:
    """The widget's whole rectangle is inside every ancestor up to `top` (nothing cut off)."""
    rect = QRect(QPoint(0, 0), widget.size())
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        rect.translate(child.pos())
        if not QRect(QPoint(0, 0), parent.size()).contains(rect):
            return False
        if parent is top:
            return True
        child, parent = parent, parent.parentWidget()
    return False


def assert_fits(top: QWidget, size: QSize, what: str) -> None:
    top.resize(size)
    QApplication.processEvents()
    assert top.size() == size, f"{what}: the minimum size {top.minimumSizeHint()} is larger"
    checked = 0
    for button in [*top.findChildren(QPushButton), *top.findChildren(QToolButton)]:
        if not button.isVisibleTo(top) or _in_scroll_area(button, top):
            continue
        assert _unclipped(button, top), f"{what}: {button.text()!r} is cut off"
        checked += 1
    assert checked, f"{what}: no action button found"
    assert_nothing_squeezed(top, what)


def _viewport_of(widget: QWidget, top: QWidget) -> QWidget:
    """The scroll area viewport the widget is shown in, or `top`."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent.parentWidget(), QAbstractScrollArea):
            area = parent.parentWidget()
            assert isinstance(area, QAbstractScrollArea)
            if parent is area.viewport():
                return parent
        parent = parent.parentWidget()
    return top


def assert_nothing_squeezed(top: QWidget, what: str) -> None:
    """No text is squeezed below the height it needs, and no field runs off the right edge
    of what shows it (a scroll area's viewport, or the window)."""
    kinds = (QLabel, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton)
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisibleTo(top):
            continue
        if isinstance(widget, QLabel) and not widget.text():
            continue
        if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue  # the inside of a spin box or combo box
        name = widget.text() if isinstance(widget, (QLabel, QAbstractButton)) else ""
        name = f"{type(widget).__name__} {widget.objectName()!r} {name[:40]!r}"
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
        else:
            needed = widget.minimumSizeHint().height()
        assert widget.height() >= needed - 2, (
            f"{what}: {name} squeezed to {widget.height()} < {needed}"
        )
        if widget.width() == 0:
            continue
        shown_in = _viewport_of(widget, top)
        right = widget.mapTo(shown_in, QPoint(widget.width(), 0)).x()
        assert right <= shown_in.width() + 1, f"{what}: {name} runs off the right edge"


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_fits_with_its_buttons_and_status_bar(
    qtbot: Any, logged_in: MainWindow, screen: str
):
    size = client_area(screen)
    workspace = logged_in.workspace
    for key in PAGES:
        page = workspace.show_page(key)
        qtbot.waitUntil(page.isVisible)
        assert_fits(logged_in, size, f"{key} at {screen}")
        bar = logged_in.statusBar()
        assert bar.isVisible() and _unclipped(bar, logged_in), f"{key}: status bar cut off"
    enrollments = workspace.show_page("enrollments")
    form = enrollments.form  # type: ignore[attr-defined]
    enrollments.tabs.setCurrentWidget(form)  # type: ignore[attr-defined]
    for button in (form.submit_button, form.draft_button, form.clear_button):
        assert button.isVisible() and _unclipped(button, logged_in)
        assert not _in_scroll_area(button, logged_in)


@pytest.mark.parametrize("screen", SCREENS)
def test_login_and_first_run_fit(qtbot: Any, shell: fakes.FakeShell, screen: str):
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.root.currentWidget() is window.first_run)
    assert_fits(window, client_area(screen), f"first run at {screen}")
    window.root.setCurrentWidget(window.login)
    assert_fits(window, client_area(screen), f"login at {screen}")


def _dialogs(window: MainWindow) -> list[QDialog]:
    ctx = window.ctx
    business = next(iter(ctx.backend.businesses.values()))
    return [
        businesses.BusinessDialog(ctx, None, window),
        businesses.BusinessDialog(ctx, business, window),
        businesses.VisitDialog(ctx, business, window),
        sync.ConflictDialog(conflict(), "Warung Sumsel", window),
    ]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_dialog_fits_with_its_buttons(qtbot: Any, logged_in: MainWindow, screen: str):
    size = client_area(screen)
    for dialog in _dialogs(logged_in):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        hint = dialog.sizeHint().expandedTo(dialog.minimumSize()).boundedTo(size)
        assert_fits(dialog, hint, f"{dialog.windowTitle()} at {screen}")
        dialog.reject()


def test_dialogs_open_within_the_screen(qtbot: Any, logged_in: MainWindow):
    """A dialog taller than its screen's free area is shown at most that tall, inside it."""
    available = logged_in.screen().availableGeometry()
    for dialog in _dialogs(logged_in):
        qtbot.addWidget(dialog)
        dialog.resize(available.width() + 300, available.height() + 300)
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        assert available.contains(dialog.frameGeometry()), dialog.windowTitle()
        dialog.reject()


# -- the window's place and size -----------------------------------------------------------------

SCREEN_A = QRect(0, 0, 1366, 728)  # a 1366x768 laptop screen less its taskbar
SCREEN_B = QRect(1366, 0, 1920, 1040)  # a second monitor to its right
DEFAULT = QSize(1280, 800)


def test_a_remembered_place_is_kept_when_it_fits_a_screen():
    saved = QRect(1500, 100, 1200, 800)
    assert widgets.window_placement(saved, [SCREEN_A, SCREEN_B], SCREEN_A, DEFAULT) == saved


@pytest.mark.parametrize(
    "saved",
    [
        QRect(4000, 3000, 1200, 700),  # a monitor that is no longer there
        QRect(-900, 100, 800, 600),  # half off the left edge
        QRect(100, 50, 1366, 800),  # taller than the laptop's screen
        None,  # never closed yet
    ],
)
def test_a_place_that_fits_no_screen_is_refused_and_the_window_centred_and_clamped(
    saved: QRect | None,
):
    placed = widgets.window_placement(saved, [SCREEN_A, SCREEN_B], SCREEN_A, DEFAULT)
    frame = placed.marginsAdded(widgets.FRAME_ALLOWANCE)
    assert SCREEN_A.contains(frame)
    assert placed.width() == 1280 and placed.height() <= 728 - 40
    assert abs(frame.center().x() - SCREEN_A.center().x()) <= 1


def test_the_window_restores_its_remembered_geometry_and_refuses_an_off_screen_one(
    qtbot: Any, shell: fakes.FakeShell
):
    available = QApplication.primaryScreen().availableGeometry()
    inside = QRect(available.x() + 40, available.y() + 60, 600, 500)
    shell.settings.window_geometry = [inside.x(), inside.y(), inside.width(), inside.height()]
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    assert window.geometry() == inside
    moved = QRect(inside.x() + 10, inside.y() + 5, 640, 480)
    window.show()
    window.setGeometry(moved)
    window.close()
    assert shell.settings.window_geometry == [moved.x(), moved.y(), 640, 480]
    assert shell.settings.window_maximized is False

    shell.settings.window_geometry = [available.right() + 2000, 50, 600, 500]
    elsewhere = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(elsewhere)
    frame = elsewhere.geometry().marginsAdded(widgets.FRAME_ALLOWANCE)
    assert available.contains(frame)
    assert abs(frame.center().x() - available.center().x()) <= 1


# -- the field with the focus is always in view (issue 11 item 5) -----------------------------


def _in_view(widget: QWidget) -> bool:
    """The widget lies wholly inside the viewport of the scroll area that shows it."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, widgets.FormScroll):
        parent = parent.parentWidget()
    assert parent is not None, "not in a scrolling form"
    viewport = parent.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return viewport.rect().contains(QRect(top_left, widget.size()))


def test_after_a_submit_the_nik_field_with_the_focus_is_in_view(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    from .enrollment_form import fill, open_page

    logged_in.resize(client_area("1366x768@125%"))
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    # the person tabs down the form to the last fields and presses Enter there
    form.paid_by_state.setFocus()
    qtbot.waitUntil(lambda: _in_view(form.paid_by_state))
    assert not _in_view(form.nik)
    qtbot.keyClick(form.address, Qt.Key.Key_Return)
    assert "submit_form" in shell.backend.calls, form.message.text()
    assert form.nik.hasFocus()
    qtbot.waitUntil(lambda: _in_view(form.nik))


def test_a_dialog_field_with_the_focus_is_in_view(qtbot: Any, logged_in: MainWindow):
    dialog = businesses.BusinessDialog(logged_in.ctx, None, logged_in)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(dialog.width(), 240)  # a form taller than the dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.status.setFocus()
    qtbot.waitUntil(lambda: _in_view(dialog.status))
    assert not _in_view(dialog.name)
    dialog.name.setFocus()
    qtbot.waitUntil(lambda: _in_view(dialog.name))
    dialog.reject()


# -- long messages, long names and emoji (issue 11 item 8) ---------------------------------------

LONG_MESSAGE = (
    "Nomor (0711) 354-120 adalah telepon rumah, bukan nomor HP: isi nomor HP pekerja yang "
    "diawali 08 atau +62 agar kode verifikasi dan pengingat iuran dapat dikirim. "
) * 3
LONG_NAME = "Warung Pempek & Model Cek Molek Sejahtera Abadi Jaya 🍜🐟✨ Cabang Plaju " * 3


def test_long_messages_and_names_with_emoji_never_widen_the_window(
    qtbot: Any, shell: fakes.FakeShell
):
    import dataclasses

    assert len(LONG_MESSAGE) >= 300
    shell.keystore.create_first_account("PLG-009", LONG_NAME, "Palembang", "agent", "rahasia123")
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.workspace is not None
    size = client_area("1366x768")
    business = next(iter(window.ctx.backend.businesses.values()))
    business = dataclasses.replace(business, name=LONG_NAME)
    page = window.workspace.show_page("enrollments")
    form = page.form  # type: ignore[attr-defined]
    form.set_business(business)
    for label in (form.phone_status, form.nik_status, form.birth_warning, form.message):
        label.setText(LONG_MESSAGE)
        label.setVisible(True)
    assert_fits(window, size, "enrollment form with long texts")
    assert LONG_NAME[:20] in window.user_label.text()
    assert window.user_label.toolTip() == LONG_NAME
    assert form.business_banner.toolTip() == LONG_NAME
    for dialog in (
        businesses.BusinessDialog(window.ctx, business, window),
        businesses.VisitDialog(window.ctx, business, window),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.error.setText(LONG_MESSAGE)  # type: ignore[attr-defined]
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.minimumSizeHint().width() <= size.width(), dialog.windowTitle()
        hint = dialog.sizeHint().expandedTo(dialog.minimumSize()).boundedTo(size)
        assert hint.width() < size.width(), "the dialog grew to the screen's width"
        assert_fits(dialog, hint, "dialog with long texts")
        dialog.reject()


def test_the_screenshots_in_docs_show_the_1366x768_window_in_both_languages():
    """docs/screenshots (Bahasa Indonesia) and docs/screenshots/en are taken at 1366x768 by
    `python -m devtools.screenshots`; a dialog's shot is the dialog alone."""
    from pathlib import Path

    from PySide6.QtGui import QImage

    from devtools import screenshots

    assert screenshots.SIZE == (1366, 768)
    folder = Path(screenshots.ROOT) / "docs" / "screenshots"
    dialogs = {"06-catat-kunjungan", "07-ubah-usaha", "13b-sinkronisasi-konflik"}
    for language in (folder, folder / "en"):
        pages = sorted(p for p in language.glob("[01]*.png") if p.stem not in dialogs)
        assert len(pages) >= 13, language
        for page in pages:
            image = QImage(str(page))
            assert (image.width(), image.height()) == (1366, 768), page.name
