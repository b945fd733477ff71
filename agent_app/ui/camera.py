"""The laptop's camera, for a photo field's "Ambil foto" (issue 14, item 5).

QtMultimedia (from PySide6-Addons, docs/dependencies.md; `qt_addons`) is imported only when a
photo field is first shown (is there a camera?) or the camera dialog opens: the app starts
without it.

`CameraDialog` shows the camera's frames and, on "Ambil", keeps the last frame as JPEG bytes
(`data`); the photo field hands them to `services.attachments`, which shrinks them and removes
the metadata. `capture(frame)` is the capture handler: tests feed it a QImage or QVideoFrame.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from agent_app.ui import qt_addons, widgets

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QVideoFrame


@cache
def has_camera() -> bool:
    """Whether the operating system offers a camera (asked once; False without QtMultimedia)."""
    try:
        multimedia = qt_addons.multimedia()
    except ImportError:
        return False
    return bool(multimedia.QMediaDevices.videoInputs())


def no_camera_reason() -> str:
    return QCoreApplication.translate(
        "Camera", "No camera found on this laptop. Choose a file, paste or drop a photo."
    )


def jpeg_bytes(image: QImage) -> bytes:
    """`image` as a high-quality JPEG (the service shrinks and re-encodes it)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG", 95)  # type: ignore[call-overload]
    return bytes(QByteArray(buffer.data()).data())


class CameraDialog(widgets.FittingDialog):
    """The camera's picture, live; "Ambil" keeps the current frame."""

    def __init__(self, parent: QWidget | None = None, start: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Take a photo"))
        self.data: bytes | None = None
        self.last_frame: QImage | None = None
        self.view = QLabel(self.tr("Starting the camera…"))
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setMinimumSize(480, 360)
        self.error = widgets.hint()
        self.error.setObjectName("error")
        buttons = QDialogButtonBox()
        self.take_button = buttons.addButton(
            self.tr("Take"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.take_button.setDefault(True)
        self.take_button.setEnabled(False)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.take)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.camera: Any = None
        if start:
            self._start()

    def _start(self) -> None:
        multimedia = qt_addons.multimedia()
        device = multimedia.QMediaDevices.defaultVideoInput()
        self.camera = multimedia.QCamera(device, self)
        self.session = multimedia.QMediaCaptureSession(self)
        self.sink = multimedia.QVideoSink(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.sink.videoFrameChanged.connect(self.show_frame)
        self.camera.errorOccurred.connect(self._camera_failed)
        self.camera.start()

    def _camera_failed(self, _error: Any, _text: str) -> None:
        self.error.setText(self.tr("The camera cannot be used now. Choose a file instead."))

    def show_frame(self, frame: QVideoFrame | QImage) -> None:
        """A new frame from the camera: shown, and kept as the one "Ambil" takes."""
        image = frame if isinstance(frame, QImage) else frame.toImage()
        if image.isNull():
            return
        self.last_frame = image
        self.take_button.setEnabled(True)
        self.view.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.view.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def capture(self, frame: QVideoFrame | QImage) -> None:
        """Keeps `frame` as the photo and closes the dialog."""
        image = frame if isinstance(frame, QImage) else frame.toImage()
        if image.isNull():
            self.error.setText(self.tr("The camera gave no picture. Try again."))
            return
        self.data = jpeg_bytes(image)
        if self.camera is not None:
            self.camera.stop()
        self.accept()

    def take(self) -> None:
        if self.last_frame is not None:
            self.capture(self.last_frame)

    def reject(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        super().reject()
