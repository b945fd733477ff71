"""One business's page: its data and its visit history, newest first; Esc goes back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, labels, regions, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel


class BusinessDetailPage(QWidget):
    """One business: its data and its visit history, newest first."""

    back = Signal()
    edit = Signal(object)
    visit = Signal(object)
    enroll = Signal(object)
    register_employer = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.business: Any = None
        self.title = widgets.heading("")
        #: "From partner list: HIPMI Sumsel" for a business a partner's list brought (issue 18)
        self.partner_mark = QLabel()
        self.partner_mark.setObjectName("partnerMark")
        self.partner_mark.setVisible(False)
        top = self._top()
        form = self._fields_form()
        self._visits_table()
        self.visits_title = widgets.heading(self.tr("Visit history"), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.partner_mark)
        layout.addLayout(form)
        layout.addWidget(self.visits_title)
        layout.addWidget(self.visits_table, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back.emit)

    def _visits_table(self) -> None:
        self.visits = ListModel(
            [
                self.tr("Date"),
                self.tr("Channel"),
                self.tr("Outcome"),
                self.tr("Reason"),
                self.tr("Notes"),
                self.tr("Next follow-up"),
                self.tr("Agent"),
            ],
            [
                lambda v: i18n.date_time(value(v, "visited_at")),
                lambda v: labels.of(labels.channels(), value(v, "channel")),
                lambda v: labels.of(labels.outcomes(), value(v, "outcome")),
                lambda v: value(v, "reason") or "",
                lambda v: value(v, "notes") or "",
                lambda v: (
                    i18n.date(value(v, "next_follow_up")) if value(v, "next_follow_up") else ""
                ),
                lambda v: value(v, "agent_code") or "",
            ],
            self,
        )
        self.visits_table = QTableView()
        self.visits_table.setModel(self.visits)
        self.visits_table.verticalHeader().setVisible(False)
        self.visits_table.horizontalHeader().setStretchLastSection(True)
        self.visits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.visits_table.horizontalHeader()
        for column, width in enumerate((140, 150, 150, 190, 230, 150)):
            # never narrower than the column's name in the person's language
            self.visits_table.setColumnWidth(column, max(width, header.sectionSizeHint(column)))

    def _fields_form(self) -> QFormLayout:
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, caption in (
            ("owner_name", self.tr("Owner")),
            ("phone", self.tr("Mobile number")),
            ("sector", self.tr("Sector")),
            ("size_class", self.tr("Size")),
            ("workers_count", self.tr("Number of workers")),
            ("address", self.tr("Address")),
            ("region_code", self.tr("Region")),
            ("nib", self.tr("NIB")),
            ("status", self.tr("Status")),
            ("sync_state", self.tr("Sync state")),
        ):
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.fields[key] = label
            form.addRow(caption, label)
        return form

    def _top(self) -> QHBoxLayout:
        self.back_button = QPushButton(self.tr("Back to the list"))
        self.back_button.setToolTip(self.tr("Esc"))
        self.back_button.clicked.connect(self.back.emit)
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.clicked.connect(lambda: self.edit.emit(self.business))
        self.visit_button = QPushButton(self.tr("Record a visit"))
        self.visit_button.setShortcut(QKeySequence("Ctrl+K"))
        self.visit_button.clicked.connect(lambda: self.visit.emit(self.business))
        self.enroll_button = QPushButton(self.tr("Enroll a worker"))
        self.enroll_button.setToolTip(
            self.tr("Open the enrollment form for a worker of this business")
        )
        self.enroll_button.clicked.connect(lambda: self.enroll.emit(self.business))
        self.employer_button = QPushButton(self.tr("Register as employer"))
        self.employer_button.setToolTip(
            self.tr("Register this business as an employer (PU) with its workers")
        )
        self.employer_button.clicked.connect(lambda: self.register_employer.emit(self.business))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.enroll_button)
        top.addWidget(self.employer_button)
        top.addWidget(self.visit_button)
        return top

    def show_detail(self, detail: Any) -> None:
        business = value(detail, "business", detail)
        self.business = business
        self.title.setText(str(value(business, "name", "")))
        mark = labels.partner_mark(value(business, "partner_source"))
        self.partner_mark.setText(mark)
        self.partner_mark.setVisible(bool(mark))
        for key, label in self.fields.items():
            raw = value(business, key)
            if key == "sector":
                text = labels.sector(raw)
            elif key == "size_class":
                text = labels.of(labels.size_classes(), raw)
            elif key == "status":
                text = labels.of(labels.business_statuses(), raw)
            elif key == "region_code":
                text = regions.path(raw)
            elif key == "phone":
                text = i18n.phone(raw)
            elif key == "sync_state":
                sync = value(detail, "sync")
                text = labels.of(labels.sync_states(), value(sync, "sync_state"))
                if value(sync, "sync_state") in ("rejected", "conflict"):
                    # The server's words are English: the Sync page explains it in theirs.
                    text = self.tr("{state}: see the Sync page for what to do").format(state=text)
            else:
                text = "" if raw is None else str(raw)
            label.setText(text or "-")
        visits = sorted(
            value(detail, "visits", []) or [],
            key=lambda v: value(v, "visited_at") or dt.datetime.min,
            reverse=True,
        )
        self.visits.set_records(visits)
        self.visits_title.setText(self.tr("Visit history ({n})").format(n=i18n.number(len(visits))))
