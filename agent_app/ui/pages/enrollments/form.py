"""The BPU enrollment form, assembled from its layers (each module holds one job):

- `fields`: the person's fields, their labels, notes and errors; `panels`: the quote, the
  consent, the buttons, the banners, the resume and booth bars, and the layout;
- `quote`: the live contribution quote; `checks`: the live checks as the person types (the
  NIK against the form, the birth date, the phone, the income, a duplicate NIK);
- `values`: the form in wire form, filled from a record, or emptied; `problems`: what must be
  fixed before a submit (the required fields are domain.validation's), under each field;
- `autosave`: nothing typed is lost; `booth`: booth mode; `actions`: save, submit, clear,
  print.

This module connects them: the signals, the keys and the Tab order.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from agent_app.ui import widgets
from agent_app.ui.context import Context
from agent_app.ui.pages.enrollments.actions import FormActions


class EnrollmentForm(FormActions):
    """One worker's enrollment."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._connect_buttons()
        self._connect_checks()
        self._connect_keys()
        self.autosave_timer.timeout.connect(self.save_now)
        widgets.on_any_change(self, self._form_changed)
        self.consent_box.changed.connect(self._form_changed)
        self._set_tab_order()
        self._nik_changed("")
        self.update_quote()

    def _connect_buttons(self) -> None:
        self.phone.editingFinished.connect(self._check_phone)
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(lambda: self.save_receipt())
        self.submit_button.clicked.connect(self.submit)
        self.draft_button.clicked.connect(self.save_draft)
        self.clear_button.clicked.connect(self.cancel)
        self.resume_button.clicked.connect(self.resume)
        self.forget_button.clicked.connect(self.forget_offer)
        self.booth_event.activated.connect(self._booth_event_chosen)
        self.drop_business.clicked.connect(lambda: self.set_business(None))
        self.ctx.event_changed.connect(self._fill_booth_events)
        self.ctx.events_loaded.connect(self._fill_booth_events)

    def _connect_checks(self) -> None:
        self.dup_timer.timeout.connect(self.check_duplicate)
        self.nik.textChanged.connect(self._nik_changed)
        self.gender.currentIndexChanged.connect(lambda _i: self._booth_focus())
        self.birth_date.dateChanged.connect(self._birth_date_changed)
        self.gender.currentIndexChanged.connect(lambda _i: self._check_nik_agreement())
        self.region.changed.connect(lambda _code: self._check_nik_agreement())
        self.income.valueChanged.connect(lambda _v: self._check_income())
        for signal in (
            self.income.valueChanged,
            self.jht.toggled,
            self.period.currentIndexChanged,
            self.occupation.currentIndexChanged,
            self.paid_by_state.toggled,
        ):
            signal.connect(self.update_quote)

    def _connect_keys(self) -> None:
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        for sequence, slot in (
            ("Ctrl+P", self.print_receipt),
            ("Ctrl+N", self.next_worker),
            ("F2", self.next_worker),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel)

    def _set_tab_order(self) -> None:
        order = [
            self.nik,
            self.full_name,
            self.birth_place,
            self.birth_date,
            self.override_reason,
            self.gender,
            self.phone,
            self.email,
            self.address,
            self.region.search,
            *self.region.combos,
            self.occupation,
            self.income,
            self.jht,
            self.period,
            self.paid_by_state,
            *self.photos.keyboard_chain(),
            self.consent,
            self.submit_button,
            self.draft_button,
            self.clear_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter from any field (a line, a list, a number, a tick box) submits."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)
