"""Tentang Perisai Agent: the version, the server the app syncs with, and the licences of
what it bundles (read from the installed distributions: `agent_app.licences`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_app import APP_NAME, __version__, licences
from agent_app.ui import widgets


class AboutDialog(QDialog):
    def __init__(
        self,
        server_url: str | None,
        parent: QWidget | None = None,
        bundled: list[licences.Bundled] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About {app}").format(app=APP_NAME))
        self.setMinimumSize(560, 460)
        self.title = widgets.heading(APP_NAME)
        self.version = QLabel(self.tr("Version {version}").format(version=__version__))
        self.server = QLabel(
            self.tr("Syncs with: {url}").format(url=server_url)
            if server_url
            else self.tr("No server set: everything stays on this laptop.")
        )
        self.server.setWordWrap(True)
        items = licences.bundled() if bundled is None else bundled
        self.licences_title = widgets.heading(self.tr("Software it bundles, and its licences"), 2)
        self.table = QTableWidget(len(items), 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, item in enumerate(items):
            cells = (item.name, item.version, item.licence or self.tr("not declared"))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.missing = widgets.hint(
            self.tr("The list of bundled software is not available in this build.")
        )
        self.missing.setVisible(not items)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.version)
        layout.addWidget(self.server)
        layout.addWidget(self.licences_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, ...]]:
        """The licence table's rows as shown (name, version, licence)."""
        shown = []
        for row in range(self.table.rowCount()):
            cells = (self.table.item(row, column) for column in range(3))
            shown.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        return shown
