"""The enrollment form's photos: kept across a crash for their account only (real services and
encrypted database), asked about on Esc, submitted as the record's attachments, and a send-back
for an unclear KTP photo leads straight to retaking it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import Qt

from agent_app import app
from agent_app.ui.window import MainWindow

from . import fakes
from .enrollment_form import fill, open_page
from .test_never_lose_work import _log_in, _shell, _type_everything, _window, real_shell

__all__ = ["real_shell"]  # the fixture, used by name


def _photo(path: Path, colour: tuple[int, int, int] = (180, 40, 40)) -> Path:
    Image.new("RGB", (2000, 1500), colour).save(path, "JPEG")
    return path


def test_the_photos_survive_a_crash_for_their_account_only_and_are_submitted(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any], tmp_path: Path
) -> None:
    unlocked = real_shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123"
    )
    real_shell.keystore.add_account(unlocked, "PLG-002", "Budi Santoso", "PLG", "agent", "budi1234")
    first = _window(qtbot, real_shell)
    form = _log_in(qtbot, first, "PLG-001", "rahasia123").form
    _type_everything(qtbot, form)
    form.photos.ktp.keep_file(_photo(tmp_path / "ktp.jpg"))
    ktp = form.photos.ktp.attachment()
    assert ktp is not None and ktp["kind"] == "ktp_photo"
    qtbot.waitUntil(lambda: not form.autosave_timer.isActive())  # debounced autosave ran

    restarted = _shell()  # the laptop crashed; the app starts again
    try:
        second = _window(qtbot, restarted)
        budi = _log_in(qtbot, second, "PLG-002", "budi1234").form
        assert budi.photos.ktp.attachment() is None and not budi.resume_bar.isVisibleTo(budi)
        second.log_out()
        siti = _log_in(qtbot, second, "PLG-001", "rahasia123").form
        qtbot.mouseClick(siti.resume_button, Qt.MouseButton.LeftButton)
        assert siti.photos.ktp.attachment() == ktp
        assert siti.photos.storefront.attachment() is None
        pixmap = siti.photos.ktp.preview.pixmap()
        assert pixmap is not None and not pixmap.isNull()  # the bytes are in the database
        qtbot.keyClick(siti.full_name, Qt.Key.Key_Return)
        assert siti.message.text().startswith("Diajukan: Rina Marlina"), siti.message.text()
        backend = second.workspace.ctx.backend  # type: ignore[union-attr]
        (row,) = backend.my_enrollments("", 10)[1]
        submitted = backend.get_enrollment(str(row.id))
        assert [(a.kind, a.sha256) for a in submitted.attachments] == [("ktp_photo", ktp["sha256"])]
        assert backend.photo_bytes(ktp["sha256"])[:2] == b"\xff\xd8"  # a JPEG
        second.close()
    finally:
        first.hide()
        restarted.close()
    assert not shown_messages


def test_esc_with_only_a_photo_asks_first(
    qtbot: Any, logged_in: MainWindow, confirmations: Any, tmp_path: Path
) -> None:
    form = open_page(qtbot, logged_in).form
    form.photos.storefront.keep_file(_photo(tmp_path / "toko.jpg"))
    qtbot.keyClick(form.nik, Qt.Key.Key_Escape)
    assert len(confirmations) == 1  # kept (the answer is "keep")
    assert form.photos.storefront.attachment() is not None


def test_a_send_back_for_an_unclear_ktp_photo_leads_to_retaking_it(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, tmp_path: Path
) -> None:
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.photos.ktp.keep_file(_photo(tmp_path / "blurry.jpg"))
    blurry = form.photos.ktp.attachment()
    form.save_draft()
    (enrollment_id,) = shell.backend.enrollments
    sent_back = shell.backend.enrollments[enrollment_id]
    sent_back.update(
        status="needs_correction",
        review_reason="Foto KTP buram",
        review_reason_code="photo_unclear",
    )
    form.clear()
    form.load(sent_back)
    assert form.photos.banner.isVisibleTo(form)
    assert "foto KTP yang lebih jelas" in form.photos.banner.text()
    assert form.photos.ktp.retake_button.hasFocus()
    form.photos.ktp.keep_file(_photo(tmp_path / "clear.jpg", (20, 20, 160)))  # the retake
    retaken = form.photos.ktp.attachment()
    assert retaken is not None and blurry is not None
    assert retaken["sha256"] != blurry["sha256"]
    kinds = [(a["kind"], a["sha256"]) for a in form.fields(for_submit=False)["attachments"]]
    assert kinds == [("ktp_photo", retaken["sha256"])]


def test_another_reason_does_not_point_at_the_photo(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
) -> None:
    form = open_page(qtbot, logged_in).form
    form.load(
        {
            "id": "e1",
            "nik": "1671055203850001",
            "full_name": "Rina Marlina",
            "status": "needs_correction",
            "review_reason": "Data tidak sesuai",
            "review_reason_code": "data_mismatch",
        }
    )
    assert not form.photos.banner.isVisibleTo(form)
    assert form.nik.hasFocus()


def test_the_photos_are_reached_with_the_keyboard(qtbot: Any, logged_in: MainWindow) -> None:
    form = open_page(qtbot, logged_in).form
    form.paid_by_state.setFocus()
    qtbot.keyClick(form.paid_by_state, Qt.Key.Key_Tab)
    # no camera here: its button is disabled, so Tab goes to "Pilih berkas"
    assert form.photos.ktp.file_button.hasFocus()
    qtbot.keyClick(form.photos.ktp.file_button, Qt.Key.Key_Tab)
    assert form.photos.storefront.file_button.hasFocus()
    qtbot.keyClick(form.photos.storefront.file_button, Qt.Key.Key_Tab)
    assert form.consent.hasFocus()
