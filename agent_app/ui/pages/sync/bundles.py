"""The Sync page's offline bundles: "Export for USB" writes the changes waiting here to a file;
"Send a bundle file" uploads one from a laptop that had no internet. A mixin of `SyncPage`
(its buttons, its result line and the two path questions the tests replace); the texts keep
the page's translation context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from agent_app.ui import i18n, messages
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import NETWORK, Op


class BundleActions:
    """Export and upload of offline bundles, for a page that has these attributes."""

    ctx: Context
    export_button: QPushButton
    upload_button: QPushButton
    result: QLabel
    ask_export_path: Callable[[], str]
    ask_bundle_path: Callable[[], str]

    def _page(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def export_bundle(self) -> None:
        path = self.ask_export_path()
        if not path:
            return
        backend = self.ctx.backend
        self.export_button.setEnabled(False)
        export = Op(self._page(), lambda: backend.export_bundle(path))
        export.success(self._exported).failure(self._export_failed).run()

    def _exported(self, result: Any) -> None:
        self.export_button.setEnabled(True)
        paths = [str(p) for p in (value(result, "paths") or [])]
        self.result.setText(
            QCoreApplication.translate(
                "SyncPage",
                "{n} changes written to {files}. Take the file to the branch; the changes "
                "stay waiting here until the server answers.",
            ).format(n=i18n.number(value(result, "ops", 0) or 0), files=", ".join(paths))
        )

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.result.setText(QCoreApplication.translate("SyncPage", "Export failed."))
        messages.show_error(self._page(), exc)

    def upload_bundle(self) -> None:
        path = self.ask_bundle_path()
        if not path:
            return
        backend = self.ctx.backend
        self.upload_button.setEnabled(False)
        upload = Op(self._page(), lambda: backend.upload_bundle(path), kind=NETWORK)
        upload.success(self._uploaded).failure(self._upload_failed).run()

    def _uploaded(self, results: Any) -> None:
        self.upload_button.setEnabled(True)
        results = list(results or [])
        taken = sum(1 for r in results if str(value(r, "status", "")) in ("applied", "duplicate"))
        self.result.setText(
            QCoreApplication.translate(
                "SyncPage", "Bundle sent: the server took {taken} of {n} changes."
            ).format(taken=i18n.number(taken), n=i18n.number(len(results)))
        )

    def _upload_failed(self, exc: BaseException) -> None:
        self.upload_button.setEnabled(True)
        self.result.setText(QCoreApplication.translate("SyncPage", "The bundle could not be sent."))
        messages.show_error(self._page(), exc)
