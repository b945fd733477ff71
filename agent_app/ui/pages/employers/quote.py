"""The live quote beside the employer registration (domain.employer_contributions): the
employer's and the workers' shares per program and in total for this month, JKP for
information when the workers qualify (never part of the bill), and the due date. Each
worker's own share shows on their line of the table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from agent_app.domain import employer_contributions as ec
from agent_app.ui import i18n, widgets


class QuotePanel(QFrame):
    """What the employer pays each month, and by when."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.quote: ec.EmployerQuote | None = None
        self.title = widgets.heading(self.tr("Monthly contribution"), 2)
        self.lines = QLabel()
        self.employer_total = QLabel("-")
        self.worker_total = QLabel("-")
        self.total = QLabel("-")
        self.total.setObjectName("total")
        self.due = QLabel()
        self.due.setWordWrap(True)
        self.jkp = widgets.hint()
        self.jkp.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.coverage = widgets.hint(
            self.tr(
                "Coverage starts only after the first payment and once BPJS Ketenagakerjaan "
                "issues the employer's membership number (NPP)."
            )
        )
        self.coverage.setWordWrap(True)
        grid = QGridLayout()
        for row, (caption, label) in enumerate(
            (
                (self.tr("Employer pays"), self.employer_total),
                (self.tr("Workers pay"), self.worker_total),
                (self.tr("Total per month"), self.total),
            )
        ):
            grid.addWidget(QLabel(caption), row, 0)
            grid.addWidget(label, row, 1)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.lines):
            layout.addWidget(widget)
        layout.addLayout(grid)
        for widget in (self.due, self.jkp, self.error, self.coverage):
            layout.addWidget(widget)

    def waiting(self) -> None:
        """The holiday calendar is still loading (the due date needs it)."""
        self.show_error(self.tr("Calculating…"), kind="hint")

    def show_error(self, text: str, kind: str = "error") -> None:
        self.quote = None
        for label in (self.employer_total, self.worker_total, self.total):
            label.setText("-")
        self.lines.setText("")
        self.due.setText("")
        self.jkp.setText("")
        self.error.setObjectName(kind)
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.error.style().unpolish(self.error)
        self.error.style().polish(self.error)

    def show_quote(self, quote: ec.EmployerQuote, jkp_wages: Sequence[int]) -> None:
        """`quote`, and JKP for the `jkp_wages` of the workers who qualify."""
        self.quote = quote
        self.error.setText("")
        self.error.setVisible(False)
        rows = []
        for program in quote.programs:
            employer = sum(w.employer[program] for w in quote.workers)
            worker = sum(w.worker[program] for w in quote.workers)
            rows.append(
                self.tr("{program}: employer {employer}, workers {worker}").format(
                    program=program, employer=i18n.rupiah(employer), worker=i18n.rupiah(worker)
                )
            )
        self.lines.setText("\n".join(rows))
        self.employer_total.setText(i18n.rupiah(quote.employer_total))
        self.worker_total.setText(i18n.rupiah(quote.worker_total))
        self.total.setText(
            self.tr("{amount} for {n} workers").format(
                amount=i18n.rupiah(quote.total), n=i18n.number(len(quote.workers))
            )
        )
        self.due.setText(
            self.tr("Due by {date} (the contribution of {month}).").format(
                date=i18n.date(quote.due_on), month=_month(quote.month)
            )
        )
        self.jkp.setText(self._jkp_text(quote, jkp_wages))
        self.jkp.setVisible(bool(self.jkp.text()))

    def _jkp_text(self, quote: ec.EmployerQuote, wages: Sequence[int]) -> str:
        if not wages or not {"JKK", "JKM", "JHT"} <= set(quote.programs):
            return ""
        shares = [ec.jkp_for(wage, quote.month) for wage in wages]
        total = sum(share.total for share in shares if share is not None)
        if not total:
            return ""
        return self.tr(
            "For information: JKP (job-loss cover) of {n} workers in JKN, {amount} a month, "
            "paid by the government and out of JKK: not added to the bill."
        ).format(n=i18n.number(len(wages)), amount=i18n.rupiah(total))


def _month(first: dt.date) -> str:
    """`Des 2026`: the month as the dates show it."""
    return i18n.date(first).split(" ", 1)[1]
