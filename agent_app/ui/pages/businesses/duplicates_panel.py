"""The businesses a new one may duplicate, shown in the business form before it is saved
(issue 18, "one record per business"): each with its name, owner, address, district and why it
was found, and the two choices: use the chosen existing business, or save as a new one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import identity
from agent_app.ui import i18n, labels, regions, widgets
from agent_app.ui.backend import value


class DuplicatesPanel(QFrame):
    """The candidates and the two choices; hidden until `show_candidates`."""

    #: The chosen existing business's id.
    use_existing = Signal(str)
    save_anyway = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # what the agent chooses here is not part of the typed form (its autosaved draft)
        self.setProperty(widgets.NOT_FORM_STATE, True)
        self.heading = QLabel()
        self.heading.setObjectName("warning")
        self.heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("duplicateCandidates")
        self.list.setAccessibleName(self.tr("Businesses that may be the same"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda _item: self._use())
        self.use_button = QPushButton(self.tr("Use this business"))
        self.use_button.setObjectName("useExisting")
        self.use_button.clicked.connect(self._use)
        self.new_button = QPushButton(self.tr("Save as a new business anyway"))
        self.new_button.setObjectName("saveAnyway")
        self.new_button.clicked.connect(self.save_anyway.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.setVisible(False)

    def describe(self, candidate: Any) -> str:
        """Two lines: the name and owner; the address, the district and why."""
        business = value(candidate, "business")
        reason = str(value(candidate, "reason"))
        district = identity.district_of(value(business, "region_code"))
        if reason == "name" and district is None:
            reason = "name_anywhere"
        first = " · ".join(
            filter(None, [str(value(business, "name") or ""), value(business, "owner_name")])
        )
        second = " · ".join(
            [
                value(business, "address") or self.tr("(no address)"),
                regions.name(district) if district else self.tr("(district unknown)"),
                labels.of(labels.duplicate_reasons(), reason),
            ]
        )
        mark = labels.partner_mark(value(business, "partner_source"))
        return "\n".join(filter(None, [first, second, mark]))

    def show_candidates(self, candidates: list[Any]) -> None:
        self.list.clear()
        for candidate in candidates:
            item = QListWidgetItem(self.describe(candidate))
            item.setData(Qt.ItemDataRole.UserRole, str(value(value(candidate, "business"), "id")))
            self.list.addItem(item)
        self.heading.setText(
            self.tr(
                "This business may already be on this laptop ({n} found). Check before "
                "saving: use the existing business if it is the same one."
            ).format(n=i18n.number(len(candidates)))
        )
        self.list.setMaximumHeight(min(3, len(candidates)) * 62 + 6)
        self.setVisible(bool(candidates))
        if candidates:
            self.list.setCurrentRow(0)
            self.list.setFocus()

    def _use(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.use_existing.emit(str(item.data(Qt.ItemDataRole.UserRole)))
