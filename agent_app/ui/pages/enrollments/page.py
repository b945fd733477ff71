"""Pendaftaran: the enrollment form and its lists, in tabs: the enrollments the branch sent
back for correction, the drafts on this laptop, and the agent's own enrollments (with their
receipts, again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, labels, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel
from agent_app.ui.ops import Op
from agent_app.ui.pages.enrollments.common import MINE_LIMIT, when
from agent_app.ui.pages.enrollments.form import EnrollmentForm


def _list_table(model: ListModel, widths: tuple[int, ...]) -> QTableView:
    """A read-only list of records, chosen by row."""
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


class EnrollmentsPage(QWidget):
    """The form and the corrections list, in two tabs."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = EnrollmentForm(ctx)
        corrections_page = self._build_corrections()
        drafts_page = self._build_drafts()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, self.tr("Enrollment form"))
        self.tabs.addTab(corrections_page, self.tr("Needs correction"))
        self.tabs.addTab(drafts_page, self.tr("Drafts"))
        self.tabs.addTab(self._build_mine(), self.tr("My enrollments"))
        self.title = widgets.heading(self.tr("Enrollment of BPU workers"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs)
        ctx.enrollments_changed.connect(self.refresh)
        ctx.account_changed.connect(self.refresh)
        self.form.offer_resume()

    def _build_corrections(self) -> QWidget:
        self.corrections = ListModel(
            [
                self.tr("Name"),
                self.tr("NIK"),
                self.tr("Status"),
                self.tr("Reason"),
            ],
            [
                lambda e: value(e, "full_name") or "",
                lambda e: value(e, "nik") or "",
                lambda e: labels.of(labels.enrollment_statuses(), value(e, "status")),
                lambda e: value(e, "review_reason") or "",
            ],
            self,
        )
        self.corrections_table = _list_table(self.corrections, (220, 170, 140))
        self.corrections_table.activated.connect(lambda index: self.open_correction(index.row()))
        self.corrections_table.doubleClicked.connect(
            lambda index: self.open_correction(index.row())
        )
        corrections_page = QWidget()
        corrections_layout = QVBoxLayout(corrections_page)
        corrections_layout.addWidget(
            widgets.hint(
                self.tr(
                    "Enrollments the branch sent back, with the reason. Open one (Enter or "
                    "double click), correct it and submit it again."
                )
            )
        )
        corrections_layout.addWidget(self.corrections_table)
        return corrections_page

    def _build_drafts(self) -> QWidget:
        self.drafts = ListModel(
            [self.tr("Name"), self.tr("NIK"), self.tr("Last saved")],
            [
                lambda e: value(e, "full_name") or self.tr("(no name yet)"),
                lambda e: value(e, "nik") or "",
                lambda e: when(value(e, "updated_at")),
            ],
            self,
        )
        self.drafts_table = _list_table(self.drafts, (260, 180))
        self.drafts_table.activated.connect(lambda index: self.open_draft(index.row()))
        self.drafts_table.doubleClicked.connect(lambda index: self.open_draft(index.row()))
        self.discard_button = QPushButton(self.tr("Discard draft"))
        self.discard_button.clicked.connect(self.discard_selected)
        drafts_page = QWidget()
        drafts_layout = QVBoxLayout(drafts_page)
        drafts_layout.addWidget(
            widgets.hint(
                self.tr(
                    "Drafts stay on this laptop until they are submitted. Open one (Enter or "
                    "double click) to finish it."
                )
            )
        )
        drafts_layout.addWidget(self.drafts_table)
        discard_row = QHBoxLayout()
        discard_row.addStretch(1)
        discard_row.addWidget(self.discard_button)
        drafts_layout.addLayout(discard_row)
        return drafts_page

    def _build_mine(self) -> QWidget:
        self.mine = ListModel(
            [
                self.tr("Name"),
                self.tr("NIK"),
                self.tr("Status"),
                self.tr("Contribution (monthly)"),
                self.tr("Submitted"),
                self.tr("Sync state"),
            ],
            [
                lambda e: value(e, "full_name") or "",
                lambda e: value(e, "nik") or "",
                lambda e: labels.of(labels.enrollment_statuses(), value(e, "status")),
                lambda e: (
                    i18n.rupiah(value(e, "monthly_contribution"))
                    if value(e, "monthly_contribution")
                    else ""
                ),
                lambda e: when(value(e, "submitted_at")),
                labels.record_sync_state,
            ],
            self,
        )
        self.mine_search = QLineEdit()
        self.mine_search.setPlaceholderText(self.tr("Search name or NIK"))
        self.mine_search.setClearButtonEnabled(True)
        self.mine_count = widgets.hint()
        self.mine_table = _list_table(self.mine, (240, 170, 130, 150, 150))
        self.mine_timer = QTimer(self)
        self.mine_timer.setSingleShot(True)
        self.mine_timer.setInterval(150)
        self.mine_timer.timeout.connect(self.refresh_mine)
        self.mine_search.textChanged.connect(lambda _t: self.mine_timer.start())
        return self._build_mine_page()

    def _build_mine_page(self) -> QWidget:
        # any of my submitted enrollments' receipts, again (with the membership number once
        # accepted); build_receipt refuses another agent's
        self.mine_print_button = QPushButton(self.tr("Print receipt"))
        self.mine_print_button.setToolTip(self.tr("Print the receipt of the chosen enrollment"))
        self.mine_pdf_button = QPushButton(self.tr("Receipt as PDF"))
        self.mine_pdf_button.setToolTip(self.tr("Save the receipt of the chosen enrollment"))
        self.mine_print_button.clicked.connect(self.print_selected_receipt)
        self.mine_pdf_button.clicked.connect(lambda: self.save_selected_receipt())
        self.mine_table.selectionModel().selectionChanged.connect(self._mine_selection)
        self._mine_selection()
        mine_page = QWidget()
        mine_layout = QVBoxLayout(mine_page)
        mine_layout.addWidget(self.mine_search)
        mine_layout.addWidget(self.mine_table)
        mine_row = QHBoxLayout()
        mine_row.addWidget(self.mine_count, 1)
        mine_row.addWidget(self.mine_print_button)
        mine_row.addWidget(self.mine_pdf_button)
        mine_layout.addLayout(mine_row)
        return mine_page

    def activate(self) -> None:
        self.form.set_booth_mode(bool(getattr(self.ctx.settings, "booth_mode", False)))
        self.refresh()
        if self.tabs.currentWidget() is self.form:
            self.form.nik.setFocus()

    def refresh(self) -> None:
        backend = self.ctx.backend
        Op(self, backend.needing_correction).success(self._show_corrections).run()
        Op(self, backend.drafts).success(self._show_drafts).run()
        self.refresh_mine()

    def refresh_mine(self) -> None:
        backend = self.ctx.backend
        text = self.mine_search.text().strip()
        Op(self, lambda: backend.my_enrollments(text, MINE_LIMIT)).success(self._show_mine).run()

    def _show_mine(self, result: tuple[int, list[Any]]) -> None:
        total, rows = result
        self.mine.set_records(rows)
        self._mine_selection()
        self.mine_count.setText(
            self.tr("{shown} of {total} enrollments").format(
                shown=i18n.number(len(rows)), total=i18n.number(total)
            )
        )

    def selected_mine(self) -> str | None:
        """The id of the chosen row of "My enrollments" when it has a receipt (not a draft)."""
        rows = self.mine_table.selectionModel().selectedRows()
        record = self.mine.record(rows[0].row()) if rows else None
        status = value(record, "status") if record is not None else None
        if record is None or str(getattr(status, "value", status)) == "draft":
            return None
        return str(value(record, "id"))

    def _mine_selection(self, *_args: Any) -> None:
        chosen = self.selected_mine() is not None
        for button in (self.mine_print_button, self.mine_pdf_button):
            button.setEnabled(chosen)

    def print_selected_receipt(self) -> None:
        enrollment_id = self.selected_mine()
        if enrollment_id:
            from agent_app.ui import printing

            printing.print_receipt(self, self.ctx.backend, enrollment_id)

    def save_selected_receipt(self, path: Path | None = None) -> None:
        enrollment_id = self.selected_mine()
        if enrollment_id:
            from agent_app.ui import printing

            printing.save_receipt_pdf(self, self.ctx.backend, enrollment_id, path)

    def _show_drafts(self, records: list[Any]) -> None:
        self.drafts.set_records(records)
        self.tabs.setTabText(2, self.tr("Drafts ({n})").format(n=i18n.number(len(records))))

    def open_draft(self, row: int) -> None:
        record = self.drafts.record(row)
        if record is None:
            return
        backend = self.ctx.backend
        enrollment_id = str(value(record, "id"))
        Op(self, lambda: backend.get_enrollment(enrollment_id)).success(self._load).run()

    def discard_selected(self) -> None:
        rows = self.drafts_table.selectionModel().selectedRows()
        record = self.drafts.record(rows[0].row()) if rows else None
        if record is None:
            return
        backend = self.ctx.backend
        enrollment_id = str(value(record, "id"))
        if self.form.enrollment_id == enrollment_id:
            self.form.clear()
        Op(self, lambda: backend.discard_draft(enrollment_id)).success(
            lambda _r: self.ctx.enrollments_changed.emit()
        ).run()

    def _show_corrections(self, records: list[Any]) -> None:
        self.corrections.set_records(records)
        self.tabs.setTabText(
            1, self.tr("Needs correction ({n})").format(n=i18n.number(len(records)))
        )

    def open_correction(self, row: int) -> None:
        record = self.corrections.record(row)
        if record is None:
            return
        backend = self.ctx.backend
        enrollment_id = str(value(record, "id"))
        Op(self, lambda: backend.get_enrollment(enrollment_id)).success(self._load).run()

    def start_for_business(self, business: Any) -> None:
        self.tabs.setCurrentWidget(self.form)
        self.form.clear()
        self.form.set_business(business)
        self.form.nik.setFocus()

    def start_for_owner(self, owner: Any) -> None:
        """An employer's owner as a BPU participant: their NIK, name, phone and business."""
        self.start_for_business(value(owner, "business"))
        self.form.nik.setText(value(owner, "nik") or "")
        self.form.full_name.setText(value(owner, "full_name") or "")
        self.form.phone.setText(value(owner, "phone") or "")
        self.form.nik.setFocus()

    def open_enrollment(self, enrollment_id: str) -> None:
        """Opens a draft (or correction) in the form by its id."""
        backend = self.ctx.backend
        Op(self, lambda: backend.get_enrollment(enrollment_id)).success(self._load).run()

    def _load(self, enrollment: Any) -> None:
        self.tabs.setCurrentWidget(self.form)
        self.form.load(enrollment)
