"""Laporan (reports): the daily summary of the agent or of the current event, shown, printed
or saved as PDF; and exports of businesses, visits and enrollments to Excel or CSV.

The work runs in Ops on the database thread: one backend call each (`daily_summary`,
`export`), as the logged-in actor.
Printed documents are in Bahasa Indonesia whatever the screen language: they are handed to
workers and branch staff. The day and the period are `datefields.DateField`s, one tab stop each
that take typed digits (issue 11, item 3): a value that does not parse is kept and marked, and
no report or export runs on another date in its place. Personal data in exports is masked
unless a supervisor ticks "unmasked"; the box is disabled for agents, and the service refuses
them anyway.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from agent_app.reports import daily, exports
from agent_app.services.daily_summary import DailySummary
from agent_app.ui import datefields, folders, i18n, messages, printing, widgets
from agent_app.ui.context import Context
from agent_app.ui.ops import Op


def _date_field(ctx: Context, day: dt.date) -> datefields.DateField:
    field = datefields.DateField()
    field.today = ctx.today
    field.setDate(day)
    field.setMaximumWidth(140)
    return field


def _error() -> QLabel:
    label = widgets.hint()
    label.setObjectName("error")
    label.setVisible(False)
    return label


class ReportsPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: DailySummary | None = None

        bar = self._summary_bar()
        form, export_row = self._export_form()
        self._lay_out(bar, form, export_row)
        ctx.event_changed.connect(self._update_controls)
        ctx.account_changed.connect(self._update_controls)
        ctx.enrollments_changed.connect(self.refresh)
        ctx.businesses_changed.connect(self.refresh)
        self._update_controls()

    def _summary_bar(self) -> QHBoxLayout:
        """The daily summary's day, scope and agent, and its show, print and PDF buttons."""
        self.day = _date_field(self.ctx, self.ctx.today())
        self.day_error = _error()
        self.scope = QComboBox()
        self.scope.addItem(self.tr("My day"), "agent")
        self.scope.addItem(self.tr("Current event"), "event")
        self.agent_code = QLineEdit()
        self.agent_code.setPlaceholderText(self.tr("Agent code"))
        self.agent_code.setMaximumWidth(120)
        self.refresh_button = QPushButton(self.tr("Show"))
        self.print_button = QPushButton(self.tr("Print…"))
        self.pdf_button = QPushButton(self.tr("Save as PDF…"))
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.refresh_button.clicked.connect(self.refresh)
        # typed: the report runs when the field is left; picked in the calendar: at once
        self.day.dateChanged.connect(lambda _d: self._day_changed())
        self.day.editingFinished.connect(self.refresh)
        self.scope.currentIndexChanged.connect(lambda _i: self._scope_changed())
        self.agent_code.editingFinished.connect(self.refresh)
        self.print_button.clicked.connect(self.print_summary)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        bar = QHBoxLayout()
        bar.addWidget(self.day)
        bar.addWidget(self.scope)
        bar.addWidget(self.agent_code)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.pdf_button)
        return bar

    def _export_form(self) -> tuple[QFormLayout, QHBoxLayout]:
        """What to export (data, period, event, format, masking) and the export button."""
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Enrollments"), exports.Kind.ENROLLMENTS.value)
        self.kind.addItem(self.tr("Visits"), exports.Kind.VISITS.value)
        self.kind.addItem(self.tr("Businesses (UMKM)"), exports.Kind.BUSINESSES.value)
        today = self.ctx.today()
        self.start = _date_field(self.ctx, today.replace(day=1))
        self.end = _date_field(self.ctx, today)
        self.period_error = _error()
        for field in (self.start, self.end):
            field.editingFinished.connect(self._mark_period)
        self.only_event = QCheckBox(self.tr("Only the current event"))
        self.format = QComboBox()
        self.format.addItem(self.tr("Excel (.xlsx)"), exports.Format.XLSX.value)
        self.format.addItem(self.tr("CSV (.csv)"), exports.Format.CSV.value)
        self.unmasked = QCheckBox(self.tr("Personal data unmasked (supervisors only)"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(lambda: self.export())
        self.export_hint = widgets.hint(
            self.tr(
                "NIK, names, phone numbers and incomes are masked. Every export is recorded "
                "in the audit trail."
            )
        )
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(widgets.hint("–"))
        dates.addWidget(self.end)
        dates.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Data"), self.kind)
        form.addRow(self.tr("From / to"), dates)
        form.addRow("", self.period_error)
        form.addRow("", self.only_event)
        form.addRow(self.tr("Format"), self.format)
        form.addRow("", self.unmasked)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_hint, 1)
        export_row.addWidget(self.export_button)
        return form, export_row

    def _lay_out(self, bar: QHBoxLayout, form: QFormLayout, export_row: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Daily summary")))
        layout.addLayout(bar)
        layout.addWidget(self.day_error)
        layout.addWidget(self.view, 1)
        layout.addWidget(widgets.heading(self.tr("Export"), 2))
        layout.addLayout(form)
        layout.addLayout(export_row)

    # -- state --------------------------------------------------------------------------
    def _update_controls(self) -> None:
        actor = self.ctx.backend.actor
        supervisor = actor.is_supervisor
        has_event = bool(self.ctx.event_id)
        self.scope.model().item(1).setEnabled(has_event)  # type: ignore[attr-defined]
        if not has_event and self.scope.currentData() == "event":
            self.scope.setCurrentIndex(0)
        self.only_event.setEnabled(has_event)
        if not has_event:
            self.only_event.setChecked(False)
        self.unmasked.setEnabled(supervisor)
        if not supervisor:
            self.unmasked.setChecked(False)
            self.unmasked.setToolTip(self.tr("Only a supervisor may export unmasked data."))
        self.agent_code.setVisible(supervisor)
        if not self.agent_code.text():
            self.agent_code.setText(actor.agent_code)
        self._scope_changed(refresh=False)

    def _scope_changed(self, refresh: bool = True) -> None:
        self.agent_code.setEnabled(self.scope.currentData() == "agent")
        if refresh:
            self.refresh()

    def activate(self) -> None:
        self._update_controls()
        self.refresh()

    # -- daily summary ------------------------------------------------------------------
    def _date_problem(self, field: datefields.DateField) -> str | None:
        """Why the date typed in `field` cannot be used (it stays as typed), or None."""
        problem = field.problem()
        if problem is None and field.value() is None:
            problem = self.tr("Fill in the date, e.g. 01112026.")
        return problem

    @staticmethod
    def _mark(label: QLabel, problem: str | None) -> None:
        label.setText(problem or "")
        label.setVisible(bool(problem))

    def _day_changed(self) -> None:
        if not self.day.hasFocus():  # set, or picked in the calendar
            self.refresh()
        elif self._date_problem(self.day) is None:
            self._mark(self.day_error, None)  # mended while typing

    def period_problem(self) -> str | None:
        """Why the export period cannot be used, or None; shown under the fields."""
        problem = self._date_problem(self.start) or self._date_problem(self.end)
        self._mark(self.period_error, problem)
        return problem

    def _mark_period(self) -> None:
        self.period_problem()

    def refresh(self) -> None:
        problem = self._date_problem(self.day)
        self._mark(self.day_error, problem)
        on = self.day.value()
        if problem is not None or on is None:
            return  # kept as typed and marked: no summary of another day
        event_id = self.ctx.event_id if self.scope.currentData() == "event" else None
        agent_code = None
        if event_id is None and self.ctx.backend.actor.is_supervisor:
            agent_code = self.agent_code.text().strip() or None
        backend = self.ctx.backend
        Op(self, lambda: backend.daily_summary(on, event_id, agent_code)).success(self._show).run()

    def _show(self, summary: DailySummary) -> None:
        self.summary = summary
        self.view.setHtml(daily.summary_html(summary))
        self.print_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    def print_summary(self) -> None:
        if self.summary is not None:
            printing.print_summary(self, self.summary)

    def save_pdf(self, path: Path | None = None) -> Path | None:
        if self.summary is None:
            return None
        return printing.save_summary_pdf(self, self.summary, path)

    # -- export -------------------------------------------------------------------------
    def export_request(self) -> exports.ExportRequest:
        """The export the page describes; ValueError when the period is not usable."""
        event_id = self.ctx.event_id if self.only_event.isChecked() else None
        problem = self.period_problem()
        start, end = self.start.value(), self.end.value()
        if problem is not None or start is None or end is None:
            raise ValueError(problem)
        return exports.ExportRequest(
            kind=exports.Kind(self.kind.currentData()),
            start=start,
            end=end,
            event_id=event_id,
            format=exports.Format(self.format.currentData()),
            unmasked=self.unmasked.isChecked(),
        )

    def _ask_path(self, request: exports.ExportRequest) -> Path | None:
        suffix = request.format.value
        name = f"{exports.SHEET_TITLES[request.kind].lower()}-{request.start}-{request.end}"
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export"),
            folders.proposed(f"{name}.{suffix}"),
            self.tr("Excel files (*.xlsx)") if suffix == "xlsx" else self.tr("CSV files (*.csv)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == f".{suffix}" else path.with_suffix(f".{suffix}")

    def export(self, path: Path | None = None) -> None:
        if self.period_problem() is not None:
            return  # the period stays as typed, marked under the fields
        request = self.export_request()
        target = path or self._ask_path(request)
        if target is None:
            return
        backend = self.ctx.backend
        self.export_button.setEnabled(False)
        Op(self, lambda: backend.export(request, target)).success(self._exported).failure(
            self._export_failed
        ).run()

    def _exported(self, result: exports.ExportResult) -> None:
        self.export_button.setEnabled(True)
        text = self.tr("{n} rows exported to {path}.").format(
            n=i18n.number(result.rows), path=result.path
        )
        if not result.masked:
            text += " " + self.tr("Personal data is NOT masked: keep the file safe.")
        messages.info(self, text)

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        messages.show_error(self, error)
