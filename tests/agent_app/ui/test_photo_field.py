"""The photo field: a file, a paste, a drop, the camera's capture handler; retake, remove; a
refused file's reason under the field; the camera button where no camera exists."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage
from PySide6.QtMultimedia import QVideoFrame

from agent_app.ui import camera, i18n
from agent_app.ui.context import Context
from agent_app.ui.photo_field import PhotoField

from . import fakes


def _photo(path: Path, size: tuple[int, int] = (2400, 1800)) -> Path:
    Image.new("RGB", size, (200, 30, 30)).save(path, "JPEG")
    return path


@pytest.fixture
def field(qtbot: Any) -> PhotoField:
    shell = fakes.FakeShell(backend=fakes.FakeBackend())
    ctx = Context(shell, shell.backend, None, today=lambda: fakes.TODAY)
    widget = PhotoField(ctx, "ktp_photo")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _kept(field: PhotoField) -> bytes:
    found = field.attachment()
    assert found is not None
    data = field.ctx.backend.photo_bytes(found["sha256"])  # type: ignore[attr-defined]
    assert data is not None
    return bytes(data)


def test_a_chosen_file_is_kept_shrunk_and_previewed(
    field: PhotoField, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _photo(tmp_path / "ktp.jpg")
    monkeypatch.setattr(
        "agent_app.ui.photo_field.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), "")
    )
    changes: list[None] = []
    field.changed.connect(lambda: changes.append(None))
    assert field.camera_button.isVisible() and not field.retake_button.isVisible()
    field.file_button.click()
    found = field.attachment()
    assert found is not None and found["kind"] == "ktp_photo"
    assert found["media_type"] == "image/jpeg"
    assert Image.open(io.BytesIO(_kept(field))).size == (1600, 1200)
    assert field.preview.pixmap() is not None and not field.preview.pixmap().isNull()
    assert field.retake_button.isVisible() and field.remove_button.isVisible()
    assert not field.file_button.isVisible()
    assert changes
    assert field.retake_button.hasFocus()


def test_a_file_that_is_not_a_photo_says_why_beside_the_field(
    field: PhotoField, tmp_path: Path, qapp: Any
) -> None:
    path = _photo(tmp_path / "first.jpg", (300, 200))
    field.keep_file(path)
    first = field.attachment()
    bad = tmp_path / "surat.pdf"
    bad.write_bytes(b"%PDF-1.7\n")
    field.keep_file(bad)
    assert field.error.isVisibleTo(field)
    assert field.error.text() == "Berkas ini bukan foto (JPEG, PNG atau WebP)."
    assert field.attachment() == first  # the photo before is kept
    i18n.install(qapp, "en")
    field.keep_file(bad)
    assert field.error.text() == "This file is not a photo (JPEG, PNG or WebP)."
    field.keep_file(path)
    assert not field.error.isVisibleTo(field)


def test_retake_replaces_and_remove_empties(
    field: PhotoField, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    field.set_camera(False)
    field.keep_file(_photo(tmp_path / "a.jpg", (300, 200)))
    first = field.attachment()
    second_path = tmp_path / "b.jpg"
    Image.new("RGB", (300, 200), (10, 200, 10)).save(second_path, "JPEG")
    monkeypatch.setattr(
        "agent_app.ui.photo_field.QFileDialog.getOpenFileName",
        lambda *a, **k: (str(second_path), ""),
    )
    field.retake_button.click()  # no camera: a file
    second = field.attachment()
    assert second is not None and first is not None and second["sha256"] != first["sha256"]
    field.remove_button.click()
    assert field.attachment() is None
    assert field.ref.text() == ""
    assert field.file_button.isVisible() and not field.remove_button.isVisible()
    assert field.preview.text() == "Belum ada foto"


def test_paste_of_an_image(field: PhotoField) -> None:
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    QGuiApplication.clipboard().setImage(image)
    field.file_button.setFocus()
    field.paste()
    assert Image.open(io.BytesIO(_kept(field))).size == (640, 480)


def test_drop_of_an_image_file(field: PhotoField, tmp_path: Path) -> None:
    path = _photo(tmp_path / "toko.png", (500, 400))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    field.dropEvent(event)
    assert Image.open(io.BytesIO(_kept(field))).size == (500, 400)
    text = QMimeData()
    text.setText("hello")
    assert not field.take_mime(text)
    assert "Tempel atau letakkan foto" in field.error.text()


def test_without_a_camera_the_button_is_disabled_and_says_why(field: PhotoField) -> None:
    # this machine (CI, offscreen) has no camera: QtMultimedia says so
    assert camera.has_camera() is False
    assert not field.camera_button.isEnabled()
    assert "Tidak ada kamera" in field.camera_button.toolTip()
    assert field.file_button.isEnabled()


@pytest.mark.parametrize("as_frame", [False, True], ids=["qimage", "qvideoframe"])
def test_the_camera_capture_handler_keeps_the_frame(
    field: PhotoField, monkeypatch: pytest.MonkeyPatch, as_frame: bool, qt_warnings_fail: list[str]
) -> None:
    image = QImage(1920, 1080, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.yellow)

    def exec_(dialog: camera.CameraDialog) -> int:
        assert dialog.camera is None  # not started: no camera here
        dialog.show_frame(image)
        assert dialog.take_button.isEnabled()
        dialog.capture(QVideoFrame(image) if as_frame else image)
        return int(dialog.result())

    monkeypatch.setattr(camera.CameraDialog, "__init__", _unstarted(camera.CameraDialog.__init__))
    monkeypatch.setattr(camera.CameraDialog, "exec", exec_)
    field.set_camera(True)
    field.camera_button.click()
    assert Image.open(io.BytesIO(_kept(field))).size == (1600, 900)
    # offscreen there is no GPU: converting a video frame says it uses the CPU (expected)
    qt_warnings_fail[:] = [w for w in qt_warnings_fail if "No RHI backend" not in w]


def _unstarted(init: Any) -> Any:
    def wrapped(self: Any, parent: Any = None, start: bool = True) -> None:
        init(self, parent, start=False)

    return wrapped
