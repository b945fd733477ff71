"""The employer registration form, assembled from its layers (one job each): `fields` (the
widgets), `live` (the checks and the quote as the person types), `values` (in and out: wire
form, draft, stored record), `actions` (autosave, submit, status, summary). This module lays
them out and connects the signals, the keys and the Tab order.

Keys: Tab goes field by field and through the worker table's cells; Enter in the table adds
a worker line; Ctrl+Delete removes the current line; Ctrl+Enter submits; Ctrl+P prints the
summary; Esc goes back to the business (what was typed stays as the draft)."""

from __future__ import annotations

import itertools
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.pages.employers.actions import FormActions

log = logging.getLogger("ui")


class EmployerForm(FormActions):
    """One business's registration as an employer, with its workers."""

    back = Signal()
    enroll_owner = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._lay_out()
        self._connect()
        self._set_tab_order()

    def _business_form(self, rows: list[tuple[str, Any, list[QWidget]]]) -> QFormLayout:
        """A column of the business's fields, each with its notes and error under it."""
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        caption = self.captions()
        for name, field, notes in rows:
            form.addRow(caption[name], field)
            for note in [*notes, self.errors[name]]:
                form.addRow("", note)
        return form

    def _business_columns(self) -> QHBoxLayout:
        """Two columns of the business's fields and, beside them, the programs and the
        quote: the top of the page stays short, the worker table gets the room."""
        risk = QHBoxLayout()
        risk.addWidget(self.risk_group)
        risk.addWidget(self.risk_assigned, 1)
        size = QHBoxLayout()
        size.addWidget(self.size_class)
        size.addWidget(self.size_basis, 1)
        owner = self._business_form(
            [
                ("owner_nik", self.owner_nik, [self.owner_nik_status]),
                ("owner_name", self.owner_name, []),
                ("owner_phone", self.owner_phone, []),
                ("nib", self.nib, []),
                ("npwp", self.npwp, []),
            ]
        )
        business = self._business_form(
            [
                ("size_class", size, [self.errors["size_basis"]]),
                ("sector", self.sector, []),
                ("region_code", self.region_label, []),
                ("risk_group", risk, [self.risk_note]),
                ("start_date", self.start_date, []),
            ]
        )
        programs = QVBoxLayout(self.programs_box)
        programs.setContentsMargins(0, 0, 0, 0)
        programs.addWidget(widgets.heading(self.captions()["programs"], 2))
        row = QHBoxLayout()
        for box in self.program_boxes.values():
            row.addWidget(box)
        programs.addLayout(row)
        programs.addWidget(self.errors["programs"])
        columns = QHBoxLayout(self.business_box)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(owner, 1)
        columns.addLayout(business, 1)
        side = QVBoxLayout()
        side.addWidget(self.programs_box)
        side.addWidget(self.quote_panel, 1)
        top = QHBoxLayout()
        top.addWidget(self.business_box, 1)
        top.addLayout(side)
        return top

    def _lay_out(self) -> None:
        for part in (self.programs_box, self.quote_panel):
            part.setFixedWidth(380)
        for field in (self.owner_nik, self.owner_name, self.owner_phone, self.nib, self.npwp):
            field.setMinimumWidth(190)
        lines = QHBoxLayout()
        lines.addWidget(widgets.heading(self.captions()["workers"], 2), 1)
        lines.addWidget(self.owner_button)
        lines.addWidget(self.add_button)
        lines.addWidget(self.remove_button)
        inner = QVBoxLayout()
        inner.addLayout(self._business_columns())
        inner.addLayout(lines)
        self.table.setMinimumHeight(300)
        for part in (self.table, self.errors["workers"], self.cell_problem, self.consent_box):
            inner.addWidget(part)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.print_button, self.pdf_button, self.submit_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status_banner)
        layout.addWidget(self.restored)
        layout.addWidget(widgets.form_scroll(inner), 1)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.back_button.clicked.connect(self.go_back)
        self.owner_button.clicked.connect(self._enroll_owner)
        self.add_button.clicked.connect(self.table.add_line)
        self.remove_button.clicked.connect(self.table.remove_current)
        self.submit_button.clicked.connect(self.submit)
        self.print_button.clicked.connect(self.print_summary)
        self.pdf_button.clicked.connect(lambda: self.save_summary())
        self.autosave_timer.timeout.connect(self.save_now)
        self.conflict_timer.timeout.connect(self.check_conflicts)
        self.workers.reason_needed = self.reason_needed
        self.owner_nik.textChanged.connect(lambda _t: self.check_owner_nik())
        self.sector.currentIndexChanged.connect(lambda _i: self.propose_risk_group())
        self.risk_group.currentIndexChanged.connect(lambda _i: self._risk_chosen())
        self.risk_assigned.toggled.connect(lambda _c: self.propose_risk_group())
        for combo in (self.size_class, self.sector, self.risk_group):
            combo.currentIndexChanged.connect(lambda _i: self.context_changed())
        for box in self.program_boxes.values():
            box.toggled.connect(lambda _c: self.context_changed())
            box.toggled.connect(lambda _c: self._form_changed())
        self.workers.dataChanged.connect(self._lines_changed)
        self.workers.rowsInserted.connect(self._lines_changed)
        self.workers.rowsRemoved.connect(self._lines_changed)
        self.workers.modelReset.connect(self._lines_changed)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._show_cell_problem())
        widgets.on_any_change(self.business_box, self._form_changed)
        self.consent.toggled.connect(lambda _c: self._form_changed())
        for sequence, slot in (
            ("Ctrl+Return", self.submit),
            ("Ctrl+Enter", self.submit),
            ("Ctrl+P", self.print_summary),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.go_back)

    def _lines_changed(self, *args: Any) -> None:
        if self.workers.rechecking:  # a repaint of checks or shares: nothing typed changed
            self._show_cell_problem()
            return
        if not self._quiet:
            self._form_changed()
            self.conflict_timer.start()
        self.update_quote()
        self._show_cell_problem()

    def _show_cell_problem(self) -> None:
        found = self.table.problem_here()
        text = None
        if found is not None:
            text = f"{found[0]}: {found[1]}"
        self._show(self.cell_problem, text)

    def _set_tab_order(self) -> None:
        order = [
            self.owner_nik,
            self.owner_name,
            self.owner_phone,
            self.nib,
            self.npwp,
            self.size_class,
            self.size_basis,
            self.sector,
            self.risk_group,
            self.risk_assigned,
            self.start_date,
            *self.program_boxes.values(),
            self.table,
            self.owner_button,
            self.add_button,
            self.remove_button,
            self.consent,
            self.submit_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    # -- opening and leaving -----------------------------------------------------------------

    def open_for(self, business: Any) -> None:
        """The registration of `business`: the stored one with its status, else the draft
        left unfinished, else a new one prefilled from the business."""
        if self.business is not None and self.autosave_timer.isActive():
            self.save_now()  # the previous business's last changes
        self.registration, self.registration_id, self.dirty = None, None, False
        self._status(self.status_banner, "ok", "")
        self._show(self.restored, None)
        self.clear_problems()
        self._status(self.message, "hint", "")
        for part in (self.business_box, self.programs_box, self.table):
            part.setEnabled(True)
        self.submit_button.setVisible(True)
        for button in (self.print_button, self.pdf_button):
            button.setVisible(False)
        self.set_business(business)
        self.title.setText(
            self.tr("Register {name} as an employer").format(name=value(business, "name", ""))
        )
        self.context_changed()
        backend, business_id = self.ctx.backend, str(value(business, "id"))
        key = self.draft_key()

        def found(result: tuple[Any, Any]) -> None:
            registration, draft = result
            state = value(draft, "state") if draft is not None else None
            if registration is not None:
                self.show_registration(registration)
            if state and (registration is None or self.business_box.isEnabled()):
                self.restore(dict(state))
                self._show(self.restored, self.tr("What was typed before is back."))
            self.owner_nik.setFocus()

        Op(
            self,
            lambda: (backend.employer_registration(business_id), backend.form_draft(key)),
        ).success(found).run()
        self.warm_up()  # after the lookup: the database thread runs them in turn

    def go_back(self) -> None:
        """Esc: the draft is kept (saved now) and the business's page comes back."""
        self.save_now()
        self.back.emit()

    def _enroll_owner(self) -> None:
        self.enroll_owner.emit(
            {
                "business": self.business,
                "nik": self.owner_nik.text().strip(),
                "full_name": self.owner_name.text().strip(),
                "phone": self.owner_phone.text().strip(),
            }
        )
