"""The enrollment form's consent box: exactly the text in effect for the person's language
(the pulled one, or the app's own), consent by the tick (keyboard) or by a signature drawn on
the pad (driven here with mouse events), the signature kept as a trimmed white PNG and tied
to the consent, cleared with "Hapus tanda tangan", and kept by the autosaved form across a
crash (on the real composition root)."""

from __future__ import annotations

import hashlib
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from agent_app import app
from agent_app.domain import consent_texts, records
from agent_app.ui.signature_pad import MAX_WIDTH, SignaturePad
from agent_app.ui.window import MainWindow

from . import fakes
from .enrollment_form import fill, open_page
from .test_never_lose_work import _log_in, _shell, _window, real_shell  # noqa: F401

PUBLISHED = records.ConsentText(
    "2026.2",
    "id",
    "Saya setuju data saya dipakai.\nBaris kedua naskah.",
    consent_texts.sha256("Saya setuju data saya dipakai.\nBaris kedua naskah."),
    fakes.TODAY,
)


def sign(qtbot: Any, pad: SignaturePad, strokes: int = 2) -> None:
    """Draws `strokes` zigzag strokes on the pad with the mouse."""
    for n in range(strokes):
        start = QPoint(30 + 60 * n, 40)
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=start)
        for step in range(1, 8):
            qtbot.mouseMove(pad, QPoint(start.x() + 6 * step, 40 + (step % 2) * 30))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + 48, 70))


def test_the_form_shows_exactly_the_pulled_text_else_the_apps_own(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
) -> None:
    form = open_page(qtbot, logged_in).form
    box = form.consent_box
    assert box.text_view.toPlainText() == consent_texts.SHIPPED["id"].text
    assert consent_texts.SHIPPED_VERSION in box.version.text()
    shell.backend.consent_texts["id"] = PUBLISHED
    box.load_text()
    assert box.text_view.toPlainText() == PUBLISHED.text
    assert "2026.2" in box.version.text()


def test_consent_by_tick_records_the_hash_of_the_text_shown(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
) -> None:
    shell.backend.consent_texts["id"] = PUBLISHED
    form = open_page(qtbot, logged_in).form
    form.consent_box.load_text()
    fill(qtbot, form)
    form.consent.setFocus()
    qtbot.keyClick(form.consent, Qt.Key.Key_Space)  # a keyboard user ticks
    qtbot.keyClick(form.address, Qt.Key.Key_Return)
    saved = next(iter(shell.backend.enrollments.values()))
    consent = saved["consent"]
    assert consent["text_version"] == "2026.2"
    assert consent["text_sha256"] == hashlib.sha256(PUBLISHED.text.encode()).hexdigest()
    assert (consent["method"], consent["signature_sha256"]) == ("tick", None)
    assert not saved.get("attachments")
    assert "save_signature" not in shell.backend.calls


def test_consent_by_signature(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell) -> None:
    form = open_page(qtbot, logged_in).form
    box = form.consent_box
    assert box.clear_button.text() == "Hapus tanda tangan"
    assert not box.clear_button.isEnabled() and box.pad.is_empty()
    fill(qtbot, form)
    sign(qtbot, box.pad)
    assert form.consent.isChecked()  # signing ticks the box
    assert box.signature is not None and box.clear_button.isEnabled()
    png = shell.backend.signatures[box.signature["sha256"]]
    image = QImage.fromData(png)
    assert not image.isNull() and image.width() <= MAX_WIDTH
    # Trimmed: about the drawing (two strokes ~110 px wide at 2x), not the whole pad.
    assert image.width() < 2 * box.pad.width() and image.height() < 2 * box.pad.height()
    corner = QColor(image.pixel(0, 0))
    assert (corner.red(), corner.green(), corner.blue()) == (255, 255, 255)
    dark = [
        QColor(image.pixel(x, y)).red() < 100
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    ]
    assert any(dark)
    qtbot.keyClick(form.address, Qt.Key.Key_Return)
    saved = next(iter(shell.backend.enrollments.values()))
    assert saved["consent"]["method"] == "signature"
    assert saved["consent"]["signature_sha256"] == hashlib.sha256(png).hexdigest()
    assert saved["consent"]["text_sha256"] == consent_texts.SHIPPED["id"].sha256
    [attachment] = saved["attachments"]
    assert attachment["kind"] == "consent_signature"
    assert attachment["sha256"] == saved["consent"]["signature_sha256"]
    assert box.pad.is_empty() and box.signature is None  # ready for the next person


def test_clearing_the_signature(qtbot: Any, logged_in: MainWindow) -> None:
    box = open_page(qtbot, logged_in).form.consent_box
    sign(qtbot, box.pad, 1)
    assert box.signature is not None
    qtbot.mouseClick(box.clear_button, Qt.MouseButton.LeftButton)
    assert box.signature is None and box.pad.is_empty()
    assert not box.clear_button.isEnabled()
    consent, attachments = box.consent_fields()
    assert consent is not None and consent["method"] == "tick" and attachments == []


def test_a_big_drawing_is_scaled_to_at_most_800_pixels(qtbot: Any) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(1200, 140)
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(5, 20))
    qtbot.mouseMove(pad, QPoint(1190, 120))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(1190, 120))
    image = QImage.fromData(pad.png() or b"")
    assert 0 < image.width() <= MAX_WIDTH


def test_the_signature_survives_a_crash(
    qtbot: Any,
    real_shell: app.AppShell,  # noqa: F811
    shown_messages: list[Any],
) -> None:
    real_shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123")
    first = _window(qtbot, real_shell)
    form = _log_in(qtbot, first, "PLG-001", "rahasia123").form
    fill(qtbot, form)
    sign(qtbot, form.consent_box.pad)
    signed = dict(form.consent_box.signature or {})
    qtbot.waitUntil(lambda: not form.autosave_timer.isActive())  # the autosave ran
    restarted = _shell()  # the laptop crashed: the app starts again
    try:
        second = _window(qtbot, restarted)
        again = _log_in(qtbot, second, "PLG-001", "rahasia123").form
        assert again.resume_bar.isVisibleTo(again)
        qtbot.mouseClick(again.resume_button, Qt.MouseButton.LeftButton)
        assert again.consent_box.signature == signed
        assert not again.consent_box.pad.is_empty()  # the kept signature is shown
        assert again.consent.isChecked()
        qtbot.keyClick(again.full_name, Qt.Key.Key_Return)
        assert again.message.text().startswith("Diajukan"), again.message.text()
        backend = second.ctx.backend
        _, [row] = backend.my_enrollments("", 10)
        stored = backend.get_enrollment(str(row.id))
        assert stored.consent is not None
        assert stored.consent.signature_sha256 == signed["sha256"]
        assert [a.sha256 for a in stored.attachments] == [signed["sha256"]]
        assert backend.signature_png(signed["sha256"]) is not None
        second.close()
    finally:
        first.hide()
        restarted.close()
    assert not shown_messages


def test_a_saved_drafts_signature_comes_back(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
) -> None:
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    sign(qtbot, form.consent_box.pad)
    signed = dict(form.consent_box.signature or {})
    qtbot.mouseClick(form.draft_button, Qt.MouseButton.LeftButton)
    [draft] = shell.backend.enrollments.values()
    assert draft["consent"]["signature_sha256"] == signed["sha256"]
    form.clear()
    assert form.consent_box.signature is None and not form.consent.isChecked()
    form.load(draft)
    assert form.consent_box.signature is not None
    assert form.consent_box.signature["sha256"] == signed["sha256"]
    assert form.consent.isChecked() and not form.consent_box.pad.is_empty()


def test_the_pad_draws_with_a_finger_and_a_pen(qtbot: Any) -> None:
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QPointingDevice, QTabletEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(400, 140)
    pad.show()
    with qtbot.waitSignal(pad.signed):  # a finger on a touch screen
        touch = QTest.createTouchDevice()
        QTest.touchEvent(pad, touch).press(0, QPoint(20, 40)).commit()
        QTest.touchEvent(pad, touch).move(0, QPoint(80, 90)).commit()
        QTest.touchEvent(pad, touch).release(0, QPoint(120, 60)).commit()
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) >= 2
    pen = QPointingDevice.primaryPointingDevice()
    for kind, x, pressure in (
        (QEvent.Type.TabletPress, 200.0, 0.2),
        (QEvent.Type.TabletMove, 260.0, 1.0),
        (QEvent.Type.TabletRelease, 300.0, 0.0),
    ):
        where = QPointF(x, 70.0)
        event = QTabletEvent(
            kind,
            pen,
            where,
            pad.mapToGlobal(where),
            pressure,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
        )
        QApplication.sendEvent(pad, event)
    assert len(pad.strokes) == 2
    widths = [w for _, w in pad.strokes[1]]
    assert widths[1] > widths[0]  # the pen pressed harder: a thicker line
    assert pad.png() is not None
