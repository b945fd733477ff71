"""A photo field of a form (issue 14, item 5): a preview, "Ambil foto" (the camera), "Pilih
berkas" (a file), Ctrl+V of an image and the drop of an image file; "Ulangi" takes another in
its place and "Hapus" removes it. A refused file's reason is shown under the field, in the
person's language.

The photo is kept by the services (`Backend.add_photo`: shrunk, without metadata, inside the
encrypted database) as soon as it is taken; the field holds only its reference, as JSON in a
hidden line edit: so the form's autosave (`widgets.form_state`) keeps the photo across Esc, a
switch of user and a crash, and restoring the form restores the photo.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import records
from agent_app.ui import camera, i18n, messages, ops, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op

PREVIEW = (160, 120)
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def reference(attachment: Any) -> dict[str, Any] | None:
    """A `records.Attachment` (or its wire dict) as the record's wire dict."""
    if attachment is None:
        return None
    if isinstance(attachment, dict):
        return dict(attachment)
    taken = attachment.taken_at
    return {
        "kind": str(getattr(attachment.kind, "value", attachment.kind)),
        "sha256": attachment.sha256,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "taken_at": taken.isoformat(timespec="seconds") if taken else None,
    }


def references(record: Any) -> list[dict[str, Any]]:
    """The `attachments` of a record (a record, a mapping or None) in wire form."""
    return [r for a in (value(record, "attachments") or ()) if (r := reference(a)) is not None]


def first_of(record: Any, kind: str) -> dict[str, Any] | None:
    """The record's first attachment of `kind`, or None."""
    return next((r for r in references(record) if r["kind"] == kind), None)


def replaced(record: Any, photos: dict[str, dict[str, Any] | None]) -> list[dict[str, Any]]:
    """The record's attachments with those of each kind in `photos` replaced by the form's
    photo of that kind (None: removed); the kinds the form does not show are kept."""
    kept = [r for r in references(record) if r["kind"] not in photos]
    return kept + [photo for photo in photos.values() if photo is not None]


class PhotoField(QFrame):
    """One photo of a record (`kind`: ktp_photo, storefront_photo, document)."""

    changed = Signal()

    def __init__(
        self,
        ctx: Context,
        kind: str,
        parent: QWidget | None = None,
        kinds: dict[str, str] | None = None,
    ) -> None:
        """`kinds` (kind: label): the person chooses what the photo shows (a visit's
        storefront or document); without it the field holds one `kind`."""
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.kind_combo: QComboBox | None = None
        if kinds:
            self.kind_combo = QComboBox(self)
            for key, label in kinds.items():
                self.kind_combo.addItem(label, key)
            widgets.select_data(self.kind_combo, kind)
            self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.setObjectName("photoField")
        self.setAcceptDrops(True)
        # the reference, kept by the form's state (autosave) though never shown
        self.ref = QLineEdit(self)
        self.ref.setVisible(False)
        self.ref.textChanged.connect(self._ref_changed)
        self.preview = QLabel(self.tr("No photo yet"))
        self.preview.setObjectName("photoPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(*PREVIEW)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.camera_button = QPushButton(self.tr("Take photo"))
        self.file_button = QPushButton(self.tr("Choose file"))
        self.retake_button = QPushButton(self.tr("Retake"))
        self.remove_button = QPushButton(self.tr("Remove"))
        for button in self._buttons():
            button.setAutoDefault(False)  # Enter in the form still saves it
        self.hint = QLabel(self.tr("or paste (Ctrl+V) or drop a photo here"))
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self._lay_out()
        self.camera_button.clicked.connect(self.take_photo)
        self.file_button.clicked.connect(self.choose_file)
        self.retake_button.clicked.connect(self.retake)
        self.remove_button.clicked.connect(self.remove)
        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self, self.paste)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._camera_checked = False
        self._show_buttons()

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (self.camera_button, self.file_button, self.retake_button, self.remove_button)

    def _lay_out(self) -> None:
        buttons = QVBoxLayout()
        for button in (self.camera_button, self.file_button, self.retake_button):
            buttons.addWidget(button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview)
        row.addLayout(buttons)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if self.kind_combo is not None:
            layout.addWidget(self.kind_combo)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)

    # -- the value ---------------------------------------------------------------------------
    def attachment(self) -> dict[str, Any] | None:
        """The photo's reference (wire form), or None."""
        text = self.ref.text()
        if not text:
            return None
        try:
            found = json.loads(text)
        except ValueError:
            return None
        return found if isinstance(found, dict) else None

    def set_attachment(self, attachment: records.Attachment | dict[str, Any] | None) -> None:
        wire = reference(attachment)
        self.ref.setText(json.dumps(wire, sort_keys=True) if wire else "")

    def _kind_changed(self) -> None:
        assert self.kind_combo is not None
        self.kind = str(self.kind_combo.currentData())
        found = self.attachment()
        if found is not None:
            self.set_attachment({**found, "kind": self.kind})

    def clear(self) -> None:
        self.set_attachment(None)
        self.show_error(None)

    def show_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))

    def focus_target(self) -> QWidget:
        """The button the keyboard starts from: Ulangi with a photo, else the camera's (or,
        without a camera, Pilih berkas)."""
        if self.attachment():
            return self.retake_button
        return self.camera_button if self.camera_button.isEnabled() else self.file_button

    def keyboard_chain(self) -> list[QWidget]:
        """The field's widgets in Tab order (for a form's own Tab order)."""
        chain: list[QWidget] = [self.kind_combo] if self.kind_combo is not None else []
        return [
            *chain,
            self.camera_button,
            self.file_button,
            self.retake_button,
            self.remove_button,
        ]

    def focus(self) -> None:
        self.focus_target().setFocus()

    # -- what the person does ----------------------------------------------------------------
    def take_photo(self) -> None:
        dialog = camera.CameraDialog(self)
        if dialog.exec() and dialog.data:
            self.keep_bytes(dialog.data)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a photo"),
            "",
            self.tr("Photos (*.jpg *.jpeg *.png *.webp);;All files (*)"),
        )
        if path:
            self.keep_file(Path(path))

    def retake(self) -> None:
        if self.camera_button.isEnabled():
            self.take_photo()
        else:
            self.choose_file()

    def remove(self) -> None:
        self.clear()
        self.focus()

    def paste(self) -> None:
        self.take_mime(QGuiApplication.clipboard().mimeData())

    def take_mime(self, mime: QMimeData | None) -> bool:
        """Keeps the image or image file of a paste or a drop; False when it holds neither."""
        if mime is None:
            return False
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if files:
            self.keep_file(Path(files[0]))
            return True
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.keep_bytes(_png(image))
                return True
        self.show_error(self.tr("Paste or drop a photo (JPEG, PNG or WebP)."))
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        files = [u.toLocalFile().lower() for u in mime.urls() if u.isLocalFile()]
        if mime.hasImage() or any(f.endswith(_IMAGE_SUFFIXES) for f in files):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.take_mime(event.mimeData()):
            event.acceptProposedAction()

    # -- keeping it --------------------------------------------------------------------------
    def keep_bytes(self, data: bytes) -> None:
        backend, kind = self.ctx.backend, self.kind
        self._keep(Op(self, lambda: backend.add_photo(kind, data)))

    def keep_file(self, path: Path) -> None:
        backend, kind = self.ctx.backend, self.kind
        self._keep(Op(self, lambda: backend.add_photo_file(kind, path)))

    def _keep(self, op: Op[records.Attachment]) -> None:
        self.show_error(None)
        op.success(self._kept).failure(self._refused).run()

    def _kept(self, attachment: records.Attachment) -> None:
        self.set_attachment(attachment)
        self.focus()

    def _refused(self, exc: BaseException) -> None:
        message = getattr(exc, "message", None)
        if callable(message):
            self.show_error(message(i18n.current_language()))
            return
        messages.show_error(self, exc)

    def _ref_changed(self) -> None:
        self._show_buttons()
        self._load_preview()
        self.changed.emit()

    def _show_buttons(self) -> None:
        has = self.attachment() is not None
        self.camera_button.setVisible(not has)
        self.file_button.setVisible(not has)
        self.retake_button.setVisible(has)
        self.remove_button.setVisible(has)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._camera_checked:  # QtMultimedia loads when a photo field is first shown
            self._camera_checked = True
            ops.when_idle(self._check_camera)  # never beside a background import (ops.py)

    def _check_camera(self) -> None:
        if shiboken6.isValid(self):
            self.set_camera(camera.has_camera())

    def set_camera(self, available: bool) -> None:
        self.camera_button.setEnabled(available)
        self.camera_button.setToolTip("" if available else camera.no_camera_reason())

    def _load_preview(self) -> None:
        found = self.attachment()
        if found is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("No photo yet"))
            return
        backend, sha256 = self.ctx.backend, str(found.get("sha256"))
        Op(self, lambda: backend.photo_bytes(sha256)).success(self._show_preview).failure(
            lambda _exc: self.preview.setText(self.tr("Photo not on this laptop"))
        ).run()

    def _show_preview(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if not data or not pixmap.loadFromData(data):
            self.preview.setText(self.tr("Photo not on this laptop"))
            return
        self.preview.setPixmap(
            pixmap.scaled(
                *PREVIEW,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


def _png(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(QByteArray(buffer.data()).data())
