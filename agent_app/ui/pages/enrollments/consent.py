"""The enrollment form's consent box (SYNC_PROTOCOL.md 1.1 "Consent texts"): exactly the
consent text in effect for the person's language (pulled from the server, or the one the app
ships with: `services.consent.current_text`), its version, the tick, and a signature pad.

The worker agrees by the tick, or by signing on the pad (which ticks it: a keyboard user
ticks with Space instead). A signature is kept at once as a PNG, the `consent_signature`
attachment inside the encrypted database, and the form holds its reference: the consent
then has `method` signature and the signature's hash, and the enrollment's `attachments`
the signature (the domain's rule needs both). The autosaved draft keeps the reference
(`state`/`restore`), so the signature survives Esc, a user switch and a crash."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import keys, records
from agent_app.ui import i18n, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.signature_pad import SignaturePad

log = logging.getLogger("ui")


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class ConsentBox(QFrame):
    """The consent text, the tick and the signature pad."""

    #: A signature drawn or cleared (the form autosaves).
    changed = Signal()

    def __init__(
        self, ctx: Context, tick: QCheckBox, error: QLabel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tick = tick
        self.shown: records.ConsentText | None = None
        #: The kept signature's attachment in wire form, or None.
        self.signature: dict[str, Any] | None = None
        self.setObjectName("card")
        self.text_view = QTextBrowser()
        self.text_view.setObjectName("consentText")
        self.text_view.setOpenLinks(False)
        self.text_view.setMinimumHeight(96)
        self.text_view.setMaximumHeight(150)
        self.text_view.setAccessibleName(self.tr("Consent text"))
        self.version = widgets.hint("")
        self.pad = SignaturePad()
        self.pad.placeholder = self.tr("The worker signs here")
        self.pad.setAccessibleName(self.tr("Signature pad"))
        self.pad.setAccessibleDescription(
            self.tr("Sign with the mouse, a finger or a pen; or tick the box above.")
        )
        self.clear_button = QPushButton(self.tr("Clear the signature"))
        self.clear_button.setEnabled(False)
        self.signature_note = widgets.hint(self.tr("Or the worker signs below:"))
        self._lay_out(tick, error)
        self.pad.signed.connect(self._signed)
        self.clear_button.clicked.connect(self.clear_signature)
        self.load_text()

    def _lay_out(self, tick: QCheckBox, error: QLabel) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Consent"), 2))
        layout.addWidget(self.text_view)
        layout.addWidget(self.version)
        layout.addWidget(tick)
        layout.addWidget(self.signature_note)
        layout.addWidget(self.pad)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        layout.addWidget(error)

    # --- the text ---------------------------------------------------------------------------

    def load_text(self) -> None:
        """Asks for the text in effect in the person's language and shows it."""
        backend, language = self.ctx.backend, i18n.current_language()
        Op(self, lambda: backend.consent_text(language)).success(self.show_text).failure(
            lambda exc: log.warning("consent text unavailable: %s", type(exc).__name__)
        ).run()

    def show_text(self, text: records.ConsentText) -> None:
        self.shown = text
        self.text_view.setPlainText(text.text)  # exactly the words, no markup
        self.version.setText(
            self.tr("Consent text version: {version}").format(version=text.version)
        )

    # --- the signature ----------------------------------------------------------------------

    def _signed(self) -> None:
        """A stroke ended: the drawing so far is the signature, kept at once."""
        png = self.pad.png()
        if png is None:
            return
        self.signature = {
            "kind": keys.AttachmentKind.CONSENT_SIGNATURE.value,
            "sha256": hashlib.sha256(png).hexdigest(),
            "media_type": "image/png",
            "size": len(png),
            "taken_at": now(),
        }
        self.tick.setChecked(True)
        self.clear_button.setEnabled(True)
        backend = self.ctx.backend
        Op(self, lambda: backend.save_signature(png)).failure(self._not_kept).run()
        self.changed.emit()

    def _not_kept(self, exc: BaseException) -> None:
        log.warning("signature not kept: %s", type(exc).__name__)
        self.clear_signature()
        self.show_problem(self.tr("The signature could not be kept; ask the worker to sign again."))

    def show_problem(self, message: str) -> None:
        self.signature_note.setText(message)
        self.signature_note.setObjectName("error")
        self.signature_note.style().polish(self.signature_note)

    def clear_signature(self) -> None:
        self.pad.clear()
        self.signature = None
        self.clear_button.setEnabled(False)
        self.changed.emit()

    # --- the form's values ------------------------------------------------------------------

    def consent_fields(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The consent in wire form (None unless ticked) and the attachments it needs."""
        if not self.tick.isChecked() or self.shown is None:
            return None, []
        signature = self.signature
        consent = {
            "text_version": self.shown.version,
            "text_sha256": self.shown.sha256,
            "given_at": now(),
            "method": (
                keys.ConsentMethod.SIGNATURE if signature else keys.ConsentMethod.TICK
            ).value,
            "signature_sha256": signature["sha256"] if signature else None,
        }
        return consent, [dict(signature)] if signature else []

    def reset(self) -> None:
        """Empty for the next person (the text stays)."""
        self.pad.clear()
        self.signature = None
        self.clear_button.setEnabled(False)
        self.signature_note.setText(self.tr("Or the worker signs below:"))

    def state(self) -> dict[str, Any]:
        return {"signature": self.signature}

    def restore(self, state: dict[str, Any]) -> None:
        """Puts a kept signature back (`state()` of an autosaved form)."""
        signature = state.get("signature")
        if not isinstance(signature, dict) or not signature.get("sha256"):
            return
        self.signature = dict(signature)
        self.clear_button.setEnabled(True)
        backend, sha256 = self.ctx.backend, str(signature["sha256"])
        Op(self, lambda: backend.signature_png(sha256)).success(self.pad.show_png).failure(
            lambda exc: log.info("kept signature unavailable: %s", type(exc).__name__)
        ).run()

    def load(self, consent: Any, attachments: Any) -> None:
        """A saved draft's signed consent back in the box: the tick, and its signature (one
        of the draft's attachments) on the pad."""
        sha256 = value(consent, "signature_sha256") if consent else None
        for item in attachments or ():
            if sha256 and value(item, "sha256") == sha256:
                taken = value(item, "taken_at")
                signature = {
                    "kind": keys.AttachmentKind.CONSENT_SIGNATURE.value,
                    "sha256": sha256,
                    "media_type": value(item, "media_type") or "image/png",
                    "size": value(item, "size"),
                    "taken_at": taken.isoformat() if isinstance(taken, dt.datetime) else taken,
                }
                self.restore({"signature": signature})
                self.tick.setChecked(True)
                return
