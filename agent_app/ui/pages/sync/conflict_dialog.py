"""The conflict dialog: this laptop's values beside the server's, field by field, the fields
that differ highlighted and first; the agent keeps theirs or takes the server's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, widgets
from agent_app.ui.backend import value
from agent_app.ui.pages.sync import problems

HIGHLIGHT = QColor("#fff3c4")
#: Fields the conflict dialog does not compare (bookkeeping, not the person's data).
_HIDDEN_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "agent_code"})


class ConflictDialog(widgets.FittingDialog):
    """This laptop's values beside the server's, field by field; changed fields highlighted."""

    chosen = Signal(str)  # "mine" or "server"

    def __init__(self, problem: Any, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conflict: {record}").format(record=title))
        self.problem = problem
        mine = dict(value(problem, "mine") or {})
        server = dict(value(problem, "current") or {})
        names = [n for n in {**mine, **server} if n not in _HIDDEN_FIELDS]
        self.changed = [
            n
            for n in names
            if n in mine
            and n in server
            and problems.shown(n, mine[n]) != problems.shown(n, server[n])
        ]
        names = self.changed + [n for n in names if n not in self.changed]  # what differs first
        self.table = self._table(names, mine, server)
        lang = i18n.current_language()
        said = problems.text(value(problem, "problem"), lang)
        advice = problems.text(value(problem, "advice"), lang)
        self.explain = widgets.hint(f"{said} {advice}".strip())
        self.explain.setWordWrap(True)
        self.keep_mine = QPushButton(self.tr("Keep my data"))
        self.take_server = QPushButton(self.tr("Take the server's data"))
        self.cancel = QPushButton(self.tr("Decide later"))
        self.keep_mine.setEnabled(str(value(problem, "code", "")) != "enrollment_accepted")
        self.keep_mine.clicked.connect(lambda: self._choose("mine"))
        self.take_server.clicked.connect(lambda: self._choose("server"))
        self.cancel.clicked.connect(self.reject)
        for button in (self.keep_mine, self.take_server):
            button.setAutoDefault(False)  # Enter decides nothing: the person chooses
        self.cancel.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.take_server)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(widgets.hint(self.tr("Fields that differ are highlighted.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(720, 460)

    def _table(
        self, names: list[str], mine: dict[str, Any], server: dict[str, Any]
    ) -> QTableWidget:
        table = QTableWidget(len(names), 3)
        table.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("On this laptop"), self.tr("On the server")]
        )
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        bold = QFont()
        bold.setBold(True)
        for row, name in enumerate(names):
            differs = name in self.changed
            cells = [
                self._field_label(name),
                problems.shown(name, mine.get(name)) if name in mine else "—",
                problems.shown(name, server.get(name)),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if differs:
                    item.setBackground(QBrush(HIGHLIGHT))
                    item.setFont(bold)
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        return table

    def _field_label(self, name: str) -> str:
        return {
            "name": self.tr("Business name"),
            "owner_name": self.tr("Owner"),
            "phone": self.tr("Mobile number"),
            "sector": self.tr("Sector"),
            "size_class": self.tr("Size"),
            "workers_count": self.tr("Number of workers"),
            "address": self.tr("Address"),
            "region_code": self.tr("Region"),
            "nib": self.tr("NIB"),
            "status": self.tr("Status"),
            "full_name": self.tr("Full name"),
            "birth_place": self.tr("Birth place"),
            "gender": self.tr("Gender"),
            "email": self.tr("Email"),
            "period_months": self.tr("Period (months)"),
            "paid_by_state": self.tr("Paid by the state"),
            "monthly_contribution": self.tr("Contribution (monthly)"),
            "consent": self.tr("Consent"),
            "review_reason": self.tr("Review note"),
            "business_id": self.tr("Business"),
            "event_id": self.tr("Event"),
            "channel": self.tr("Channel"),
            "reason": self.tr("Reason"),
            "visited_at": self.tr("Visit date"),
            "nik": self.tr("NIK"),
            "birth_date": self.tr("Birth date"),
            "occupation": self.tr("Occupation"),
            "declared_income": self.tr("Declared income"),
            "programs": self.tr("Programs"),
            "notes": self.tr("Notes"),
            "outcome": self.tr("Outcome"),
            "next_follow_up": self.tr("Next follow-up"),
        }.get(name, name)

    def values(self, row: int) -> tuple[str, str, str]:
        texts = []
        for column in range(3):
            item = self.table.item(row, column)
            texts.append(item.text() if item is not None else "")
        return (texts[0], texts[1], texts[2])

    def _choose(self, choice: str) -> None:
        self.chosen.emit(choice)
        self.accept()
