"""The enrollment form's photos (issue 14, item 5): the KTP photo and the storefront photo, the
record's `attachments`. Each field keeps its photo's reference in the form's state, so the
autosaved form keeps the photos across Esc, a switch of user and a crash (the bytes are
already in the encrypted database). An enrollment sent back because its KTP photo is not clear
(`review_reason_code == "photo_unclear"`) opens with a banner over the photos and the focus on
the KTP photo; a retake replaces the reference.

The consent's signature (`consent_signature`) belongs to the consent panel, not here.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from agent_app.domain import keys
from agent_app.ui import widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.photo_field import PhotoField, references

KTP = keys.AttachmentKind.KTP_PHOTO.value
STOREFRONT = keys.AttachmentKind.STOREFRONT_PHOTO.value
#: The kinds this panel shows; the others of a loaded record are kept as they were, except
#: the consent's signature, which the consent panel gives.
SHOWN = (KTP, STOREFRONT)
_NOT_KEPT = (*SHOWN, keys.AttachmentKind.CONSENT_SIGNATURE.value)
PHOTO_UNCLEAR = "photo_unclear"


class PhotosPanel(QFrame):
    """The photos' box of the enrollment form (see the module)."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.ktp = PhotoField(ctx, KTP)
        self.storefront = PhotoField(ctx, STOREFRONT)
        # a loaded record's attachments this form does not show, kept as they were (JSON in a
        # hidden line edit: the autosaved form keeps them too)
        self.kept_ref = QLineEdit(self)
        self.kept_ref.setVisible(False)
        self.banner = QLabel()
        self.banner.setObjectName("warning")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        rows = QFormLayout()
        rows.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        rows.addRow(self.tr("KTP photo"), self.ktp)
        rows.addRow(self.tr("Storefront photo"), self.storefront)
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Photos"), 2))
        layout.addWidget(self.banner)
        layout.addLayout(rows)

    @property
    def kept(self) -> list[dict[str, Any]]:
        try:
            found = json.loads(self.kept_ref.text() or "[]")
        except ValueError:
            return []
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    @kept.setter
    def kept(self, attachments: list[dict[str, Any]]) -> None:
        self.kept_ref.setText(json.dumps(attachments, sort_keys=True) if attachments else "")

    def _fields(self) -> tuple[PhotoField, PhotoField]:
        return (self.ktp, self.storefront)

    def attachments(self) -> list[dict[str, Any]]:
        """The enrollment's `attachments` as the form holds them (wire form)."""
        shown = [field.attachment() for field in self._fields()]
        return [*self.kept, *(photo for photo in shown if photo is not None)]

    def load(self, enrollment: Any) -> None:
        """Fills the photos from a draft or a correction; a send-back for an unclear KTP
        photo shows why and puts the focus on that photo."""
        found = references(enrollment)
        self.kept = [r for r in found if r["kind"] not in _NOT_KEPT]
        for field in self._fields():
            field.set_attachment(next((r for r in found if r["kind"] == field.kind), None))
        status = value(enrollment, "status")
        status = str(getattr(status, "value", status))
        if (
            status == keys.EnrollmentStatus.NEEDS_CORRECTION.value
            and value(enrollment, "review_reason_code") == PHOTO_UNCLEAR
        ):
            self.banner.setText(
                self.tr(
                    "The reviewer asked for a clearer KTP photo. Take it again: hold the KTP "
                    "flat, in good light, and check that every letter can be read."
                )
            )
            self.banner.setVisible(True)
            self.ktp.focus()

    def clear(self) -> None:
        self.kept = []
        self.banner.setVisible(False)
        for field in self._fields():
            field.clear()

    def has_any(self) -> bool:
        return any(field.attachment() for field in self._fields())

    def keyboard_chain(self) -> list[QWidget]:
        return [*self.ktp.keyboard_chain(), *self.storefront.keyboard_chain()]
