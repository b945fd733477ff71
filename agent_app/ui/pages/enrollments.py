"""Pendaftaran: the BPU enrollment form and the list of enrollments sent back for correction.

The form reads the NIK as it is typed and shows the birth date, gender and region it encodes
(or why it is invalid); a declared birth date that disagrees with the NIK is a warning that
needs a reason. The contribution quote (domain.contributions) updates live with any discount.
Before submitting, the form checks this laptop for an active enrollment with the same NIK.

Booth mode (Settings, or the booth bar above the form) makes the form a queue tool: the event
of the day is chosen on the bar from the pulled events (offline), what the queue shares (the
event, the business the workers come from, the region when "keep" is ticked) is carried to the
next worker, the optional fields leave the Tab chain (a click still reaches them), and so do the
birth date and gender while they are what the NIK says. After a submit the form clears the
person's fields and the NIK field takes the focus. Enter submits (from any single-line field),
Ctrl+P prints the receipt of the last submit, Ctrl+N or F2 starts the next worker (clears the
person's fields, after a confirmation when anything is typed), Ctrl+S saves a draft, Esc (or
Batal) clears the form, after a confirmation when anything is typed.

Nothing typed is lost: the form is autosaved as the account's own draft
(`services.form_drafts`) within 2 s of a change, and when the window is locked, switched or
closed; the next time that account opens the form, it is offered to resume it. A submit is one
call to one use case (`services.enrollments.submit_form`): all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import contributions, identity, keys, plausibility, validation
from agent_app.domain.messages import DomainError
from agent_app.ui import datefields, i18n, labels, messages, regions, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel
from agent_app.ui.ops import NETWORK, Op

log = logging.getLogger("ui")

# The autosaved form's key (services.form_drafts.ENROLLMENT).
FORM_KEY = "enrollment"
# How long after the last change the form is autosaved (the issue asks within 2 s).
AUTOSAVE_MS = 1500

#: The version of the consent text shown on this form (UU PDP 27/2022: proof of which text).
CONSENT_VERSION = "persetujuan-bpu-2026.1"
DEFAULT_INCOME = 1_000_000
MINE_LIMIT = 500


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _when(raw: Any) -> str:
    if not raw:
        return ""
    try:
        return i18n.date_time(dt.datetime.fromisoformat(str(raw)))
    except ValueError:
        return ""


class EnrollmentForm(QWidget):
    """One worker's enrollment."""

    submitted = Signal(object)
    saved = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.enrollment_id: str | None = None
        self.loaded_status: str | None = None
        self.nik_info: identity.NikInfo | None = None
        self.birth_date_touched = False
        self.quote: contributions.Quote | None = None
        self.duplicate: Any = None

        # -- identity --
        self.nik = QLineEdit()
        self.nik.setPlaceholderText(self.tr("16 digits from the KTP"))
        self.nik_status = QLabel()
        self.nik_status.setWordWrap(True)
        self.full_name = QLineEdit()
        self.birth_place = QLineEdit()
        # one tab stop that takes 05081990 or 5/8/1990, F4 for a calendar (issue 11, item 3)
        self.birth_date = datefields.DateField()
        self.birth_date.today = ctx.today
        self.birth_date.setMinimumDate(QDate(1900, 1, 1))
        self.birth_warning = QLabel()
        self.birth_warning.setObjectName("warning")
        self.birth_warning.setWordWrap(True)
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText(
            self.tr("Reason to keep this birth date, e.g. the KTP was issued with an error")
        )
        self.gender = QComboBox()
        self.gender.addItem(self.tr("(choose)"), None)
        for key, text in labels.genders().items():
            self.gender.addItem(text, key)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("08…"))
        self.phone_status = QLabel()
        self.phone_status.setObjectName("error")
        self.phone_status.setWordWrap(True)
        self.phone_status.setVisible(False)
        self.phone.editingFinished.connect(self._check_phone)
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("optional"))
        self.address = QLineEdit()
        self.region = regions.RegionPicker()
        self.occupation = widgets.key_combo("occupations", blank=self.tr("(choose)"))
        # digits typed are never dropped (a spin box silently refused the tenth digit)
        self.income = widgets.MoneyEdit()
        self.income.setValue(DEFAULT_INCOME)
        self.jkk = QCheckBox(labels.program_names()["JKK"])
        self.jkm = QCheckBox(labels.program_names()["JKM"])
        for box in (self.jkk, self.jkm):
            box.setChecked(True)
            box.setEnabled(False)
            box.setToolTip(self.tr("Mandatory for every BPU worker"))
        self.jht = QCheckBox(labels.program_names()["JHT"])
        self.jht.setToolTip(self.tr("Optional"))
        self.period = QComboBox()
        for months in (1, 3, 6, 12):
            self.period.addItem(self._months(months), months)
        self.paid_by_state = QCheckBox(self.tr("Paid by the state or regional budget (APBN/APBD)"))

        # -- quote --
        self.quote_lines = QLabel()
        self.quote_lines.setTextFormat(Qt.TextFormat.RichText)
        self.quote_total = QLabel()
        self.quote_total.setObjectName("quoteTotal")
        self.quote_period = QLabel()
        self.quote_discount = QLabel()
        self.quote_discount.setObjectName("ok")
        self.quote_discount.setWordWrap(True)
        self.quote_error = QLabel()
        self.quote_error.setObjectName("error")
        self.quote_error.setWordWrap(True)
        quote_box = QFrame()
        quote_box.setObjectName("quote")
        quote_layout = QVBoxLayout(quote_box)
        quote_layout.addWidget(widgets.heading(self.tr("Contribution (monthly)"), 2))
        quote_layout.addWidget(self.quote_lines)
        quote_layout.addWidget(self.quote_total)
        quote_layout.addWidget(self.quote_period)
        quote_layout.addWidget(self.quote_discount)
        quote_layout.addWidget(self.quote_error)

        # -- consent --
        self.consent_text = widgets.hint(
            self.tr(
                "Read or explain to the worker: BPJS Ketenagakerjaan keeps the data on this "
                "form (identity, contact, occupation and declared income) to register and "
                "serve the participant, for as long as the membership lasts and as the law "
                "requires. The worker may see, correct or ask to delete their data."
            )
        )
        self.consent_version = widgets.hint(
            self.tr("Consent text version: {version}").format(version=CONSENT_VERSION)
        )
        self.consent = QCheckBox(self.tr("The worker has heard this and agrees"))
        consent_box = QFrame()
        consent_box.setObjectName("card")
        consent_layout = QVBoxLayout(consent_box)
        consent_layout.addWidget(widgets.heading(self.tr("Consent"), 2))
        consent_layout.addWidget(self.consent_text)
        consent_layout.addWidget(self.consent_version)
        consent_layout.addWidget(self.consent)

        # -- buttons --
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setDefault(True)
        self.submit_button.setMinimumWidth(120)
        self.submit_button.setToolTip(self.tr("Enter"))
        self.draft_button = QPushButton(self.tr("Save draft"))
        self.draft_button.setToolTip(self.tr("Ctrl+S"))
        self.clear_button = QPushButton(self.tr("Cancel"))
        self.clear_button.setToolTip(self.tr("Esc: clear the form"))
        self.last_submitted: str | None = None
        self.print_button = QPushButton(self.tr("Print receipt"))
        self.print_button.setToolTip(self.tr("Print the enrollment receipt of the last submit"))
        self.pdf_button = QPushButton(self.tr("Receipt as PDF"))
        self.pdf_button.setToolTip(self.tr("Save the enrollment receipt of the last submit"))
        for button in (self.print_button, self.pdf_button):
            button.setVisible(False)
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(lambda: self.save_receipt())
        self.submit_button.clicked.connect(self.submit)
        self.draft_button.clicked.connect(self.save_draft)
        self.clear_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.submit_button)

        self.business: Any = None
        self.business_banner = QLabel()
        self.business_banner.setObjectName("ok")
        self.business_banner.setWordWrap(True)
        self.business_banner.setVisible(False)
        self.correction_banner = QLabel()
        self.correction_banner.setObjectName("warning")
        self.correction_banner.setWordWrap(True)
        self.correction_banner.setVisible(False)

        # -- what the NIK says against what the form says, and plausibility --
        self.gender_warning = self._note("warning")
        self.region_note = self._note("hint")
        self.age_warning = self._note("warning")
        self.income_warning = self._note("warning")
        #: the values the NIK filled in (not the person): a new NIK may replace them
        self.auto_filled: dict[str, Any] = {}
        #: the field labels, for messages that name a field
        self.field_labels: dict[str, str] = {
            "nik": self.tr("NIK"),
            "full_name": self.tr("Full name"),
            "birth_place": self.tr("Place of birth"),
            "birth_date": self.tr("Date of birth"),
            "birth_date_override_reason": self.tr("Reason"),
            "gender": self.tr("Gender"),
            "phone": self.tr("Mobile number"),
            "email": self.tr("Email"),
            "address": self.tr("Address"),
            "region_code": self.tr("Region"),
            "occupation": self.tr("Occupation"),
            "declared_income": self.tr("Declared income"),
            "programs": self.tr("Programs"),
            "period_months": self.tr("Payment period"),
            "consent": self.tr("Consent"),
        }
        #: each field's error, shown under it (issue 11, item 6)
        self.errors: dict[str, QLabel] = {name: self._note("error") for name in self.field_labels}
        consent_layout.addWidget(self.errors["consent"])
        self.field_widgets: dict[str, QWidget] = {
            "nik": self.nik,
            "full_name": self.full_name,
            "birth_place": self.birth_place,
            "birth_date": self.birth_date,
            "birth_date_override_reason": self.override_reason,
            "gender": self.gender,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "region_code": self.region.search,
            "occupation": self.occupation,
            "declared_income": self.income,
            "programs": self.jht,
            "period_months": self.period,
            "consent": self.consent,
        }
        self.confirmed_warnings: set[str] = set()

        form = QFormLayout()
        # a narrow window puts a long label above its field instead of cutting the field
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        label = self.field_labels
        form.addRow(label["nik"], self.nik)
        form.addRow("", self.nik_status)
        form.addRow("", self.errors["nik"])
        form.addRow(label["full_name"], self.full_name)
        form.addRow("", self.errors["full_name"])
        form.addRow(label["birth_place"], self.birth_place)
        form.addRow("", self.errors["birth_place"])
        form.addRow(label["birth_date"], self.birth_date)
        form.addRow("", self.birth_warning)
        form.addRow("", self.age_warning)
        form.addRow("", self.errors["birth_date"])
        self.override_label = QLabel(label["birth_date_override_reason"])
        form.addRow(self.override_label, self.override_reason)
        form.addRow("", self.errors["birth_date_override_reason"])
        form.addRow(label["gender"], self.gender)
        form.addRow("", self.gender_warning)
        form.addRow("", self.errors["gender"])
        form.addRow(label["phone"], self.phone)
        form.addRow("", self.phone_status)
        form.addRow("", self.errors["phone"])
        form.addRow(label["email"], self.email)
        form.addRow("", self.errors["email"])
        form.addRow(label["address"], self.address)
        form.addRow("", self.errors["address"])
        form.addRow(label["region_code"], self.region)
        form.addRow("", self.region_note)
        form.addRow("", self.errors["region_code"])
        form.addRow(label["occupation"], self.occupation)
        form.addRow("", self.errors["occupation"])
        form.addRow(label["declared_income"], self.income)
        form.addRow("", self.income_warning)
        form.addRow("", self.errors["declared_income"])
        programs = QVBoxLayout()
        for box in (self.jkk, self.jkm, self.jht):
            programs.addWidget(box)
        form.addRow(label["programs"], programs)
        form.addRow("", self.errors["programs"])
        form.addRow(label["period_months"], self.period)
        form.addRow("", self.errors["period_months"])
        form.addRow("", self.paid_by_state)

        left = QWidget()
        # -- resume an autosaved form --
        self.offered: dict[str, Any] | None = None
        self.resume_label = QLabel()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(self.resume)
        self.forget_button = QPushButton(self.tr("Discard"))
        self.forget_button.clicked.connect(self.forget_offer)
        self.resume_bar = QFrame()
        self.resume_bar.setObjectName("card")
        resume_layout = QHBoxLayout(self.resume_bar)
        resume_layout.addWidget(self.resume_label, 1)
        resume_layout.addWidget(self.resume_button)
        resume_layout.addWidget(self.forget_button)
        self.resume_bar.setVisible(False)

        # -- booth mode: the queue's shared values and keys (issue 11, item 11) --
        self.booth_event = QComboBox()
        self.booth_event.setMinimumContentsLength(24)
        self.booth_event.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.booth_event.activated.connect(self._booth_event_chosen)
        self.keep_region = QCheckBox(self.tr("Keep the region for the next worker"))
        self.drop_business = QPushButton(self.tr("End the business link"))
        self.drop_business.clicked.connect(lambda: self.set_business(None))
        self.drop_business.setVisible(False)
        self.booth_keys = widgets.hint(
            self.tr("Enter: submit · Ctrl+P: print the receipt · Ctrl+N or F2: next worker")
        )
        self.booth_bar = QFrame()
        self.booth_bar.setObjectName("card")
        booth_layout = QGridLayout(self.booth_bar)
        booth_layout.addWidget(QLabel(self.tr("Booth: event")), 0, 0)
        booth_layout.addWidget(self.booth_event, 0, 1)
        booth_layout.addWidget(self.drop_business, 0, 2)
        booth_layout.addWidget(self.keep_region, 1, 0, 1, 2)
        booth_layout.addWidget(self.booth_keys, 2, 0, 1, 3)
        booth_layout.setColumnStretch(1, 1)
        self.booth_bar.setVisible(False)
        self.booth_bar.setProperty(widgets.NOT_FORM_STATE, True)  # the queue's, not the person's
        self.booth = False
        ctx.event_changed.connect(self._fill_booth_events)
        ctx.events_loaded.connect(self._fill_booth_events)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.booth_bar)
        left_layout.addWidget(self.resume_bar)
        left_layout.addWidget(self.business_banner)
        left_layout.addWidget(self.correction_banner)
        left_layout.addLayout(form)
        left_layout.addStretch(1)
        scroll = widgets.FormScroll(left)
        # The quote and the consent scroll too on a short screen; the message and the
        # buttons stay below, always in view (a 768-pixel screen, issue 11 item 4).
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(quote_box)
        side_layout.addWidget(consent_box)
        side_layout.addStretch(1)
        self.side_scroll = widgets.FormScroll(side)
        right = QVBoxLayout()
        right.addWidget(self.side_scroll, 1)
        right.addWidget(self.message)
        receipt_row = QHBoxLayout()
        receipt_row.addStretch(1)
        receipt_row.addWidget(self.print_button)
        receipt_row.addWidget(self.pdf_button)
        right.addLayout(receipt_row)
        right.addLayout(buttons)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(scroll, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnMinimumWidth(1, 320)

        # -- behaviour --
        self.dup_timer = QTimer(self)
        self.dup_timer.setSingleShot(True)
        self.dup_timer.setInterval(250)
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
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        for sequence, slot in (
            ("Ctrl+P", self.print_receipt),
            ("Ctrl+N", self.next_worker),
            ("F2", self.next_worker),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel)
        self._quiet = False  # filling the form by program: not a change to autosave
        self._autosaved = False
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_now)
        widgets.on_any_change(self, self._form_changed)
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
            self.consent,
            self.submit_button,
            self.draft_button,
            self.clear_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self._nik_changed("")
        self.update_quote()

    def _months(self, months: int) -> str:
        if months == 1:
            return self.tr("1 month")
        return self.tr("{n} months").format(n=months)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter from any field (a line, a list, a number, a tick box) submits."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)

    # -- booth mode -----------------------------------------------------------------------

    def optional_fields(self) -> list[QWidget]:
        """Fields a booth worker rarely needs: out of the Tab chain in booth mode."""
        return [
            self.birth_place,
            self.email,
            self.address,
            self.region.search,
            *self.region.combos,
            self.income,
            self.jht,
            self.period,
            self.paid_by_state,
            self.draft_button,
            self.clear_button,
        ]

    def set_booth_mode(self, on: bool) -> None:
        """Shows the booth bar and takes the optional fields out of the Tab chain (a click
        still reaches them), or puts everything back."""
        self.booth = on
        self.booth_bar.setVisible(on)
        policy = Qt.FocusPolicy.ClickFocus if on else Qt.FocusPolicy.StrongFocus
        for widget in self.optional_fields():
            widget.setFocusPolicy(policy)
        self._fill_booth_events()
        self._booth_focus()

    def _booth_focus(self) -> None:
        """In booth mode the birth date and gender the NIK filled in are skipped by Tab; one
        to check or fill (no valid NIK, a changed value, a warning) is in the chain."""
        info = self.nik_info
        skip = (
            self.booth
            and info is not None
            and not self.birth_date_touched
            and self.gender.currentData() == str(info.gender.value)
        )
        policy = Qt.FocusPolicy.ClickFocus if skip else Qt.FocusPolicy.StrongFocus
        self.birth_date.setFocusPolicy(policy)
        self.gender.setFocusPolicy(policy)

    def _fill_booth_events(self) -> None:
        from agent_app.ui.pages.settings import fill_event_combo

        fill_event_combo(self.booth_event, self.ctx)

    def _booth_event_chosen(self, _index: int) -> None:
        event_id = self.booth_event.currentData()
        if event_id != self.ctx.event_id:
            self.ctx.set_event(event_id)

    def next_worker(self) -> None:
        """Ctrl+N / F2: the person's fields are cleared (after a confirmation when anything
        is typed), what the queue shares stays, and the NIK field takes the focus."""
        if self.touched() and not messages.confirm(
            self,
            self.tr("Start the next worker? What was typed for this one is lost."),
            self.tr("Next worker"),
            self.tr("Keep typing"),
        ):
            return
        if self.touched():
            self.forget_draft()
        self.clear(keep_shared=True)
        self.message.setText("")

    # -- NIK and birth date ---------------------------------------------------------------

    def _nik_changed(self, text: str) -> None:
        self.duplicate = None
        self.nik_info = None
        digits = "".join(ch for ch in text if ch.isdigit())
        if not text.strip():
            self._status(self.nik_status, "hint", self.tr("Type the 16 digits of the NIK."))
        else:
            try:
                self.nik_info = identity.parse_nik(text, today=self.ctx.today())
            except DomainError as exc:
                if len(digits) < 16 and exc.code == "format":
                    self._status(
                        self.nik_status,
                        "hint",
                        self.tr("{n} of 16 digits").format(n=len(digits)),
                    )
                else:
                    self._status(self.nik_status, "error", exc.message(i18n.current_language()))
        if self.nik_info is not None:
            info = self.nik_info
            gender = labels.genders()[str(info.gender.value)]
            self._status(
                self.nik_status,
                "ok",
                self.tr("Born {date} · {gender} · {region}").format(
                    date=i18n.date(info.birth_date),
                    gender=gender,
                    region=regions.path(info.district_code) or info.province_name,
                ),
            )
            if not self.birth_date_touched:
                self.birth_date.blockSignals(True)
                self.birth_date.setDate(_qdate(info.birth_date))
                self.birth_date.blockSignals(False)
            # a value the NIK filled (or none) follows the NIK; one the person chose stays,
            # and a disagreement shows under it
            gender = str(info.gender.value)
            if self.gender.currentData() in (None, self.auto_filled.get("gender")):
                widgets.select_data(self.gender, gender)
                self.auto_filled["gender"] = gender
            if self.region.code() in (None, self.auto_filled.get("region")):
                self.region.set_code(info.district_code)  # where the KTP was issued
                self.auto_filled["region"] = self.region.code()
            self.dup_timer.start()
        self._check_birth_date()
        self._check_nik_agreement()
        self._booth_focus()

    def _birth_date_changed(self) -> None:
        self.birth_date_touched = True
        self._booth_focus()
        self._show(self.errors["birth_date"], self.birth_date.problem())  # kept, and marked
        self._check_birth_date()

    @staticmethod
    def _note(kind: str) -> QLabel:
        label = QLabel()
        label.setObjectName(kind)
        label.setWordWrap(True)
        label.setVisible(False)
        return label

    @staticmethod
    def _show(label: QLabel, text: str | None) -> None:
        label.setText(text or "")
        label.setVisible(bool(text))

    def _check_nik_agreement(self) -> None:
        """The gender and region the form says against the NIK's: never silently apart."""
        info = self.nik_info
        gender_text = region_text = None
        if info is not None:
            nik_gender = str(info.gender.value)
            chosen = self.gender.currentData()
            if chosen is not None and chosen != nik_gender:
                gender_text = self.tr(
                    "The NIK is of a {gender} person: check the gender, or the NIK."
                ).format(gender=labels.genders()[nik_gender].lower())
            code = self.region.code()
            if code and not (
                code.startswith(info.district_code) or info.district_code.startswith(code)
            ):
                region_text = self.tr(
                    "The NIK was issued in {region}; the address may differ (people move)."
                ).format(region=regions.path(info.district_code) or info.province_name)
        self._show(self.gender_warning, gender_text)
        self._show(self.region_note, region_text)

    def _check_income(self) -> None:
        """An income out of range shows under the field; an unlikely one warns."""
        lang = i18n.current_language()
        error = None
        if self.income.has_junk():
            error = self.tr("Type the income in digits only, e.g. 2500000.")
        else:
            found = validation.validate_enrollment(
                {"declared_income": self.income.value()}, partial=True
            )
            error = next((p.message(lang) for p in found if p.field == "declared_income"), None)
        self._show(self.errors["declared_income"], error)
        warning = plausibility.income_warning(self.income.value())
        self._show(self.income_warning, warning.text.in_language(lang) if warning else None)

    def _check_age(self) -> None:
        birth = self._birth_date_value()
        warning = plausibility.age_warning(birth, self.ctx.today()) if birth else None
        lang = i18n.current_language()
        self._show(self.age_warning, warning.text.in_language(lang) if warning else None)

    def _birth_date_value(self) -> dt.date | None:
        if self.birth_date_touched or self.nik_info is not None:
            return self.birth_date.value()
        return None

    def _check_birth_date(self) -> None:
        warning = None
        if self.nik_info is not None:
            declared = self.birth_date.value()
            text = identity.birth_date_mismatch(self.nik_info, declared) if declared else None
            warning = text.in_language(i18n.current_language()) if text else None
        self.birth_warning.setText(warning or "")
        self.birth_warning.setVisible(bool(warning))
        self.override_reason.setVisible(bool(warning))
        self.override_label.setVisible(bool(warning))
        self._check_age()

    def _check_phone(self) -> None:
        text = self.phone.text().strip()
        problem = ""
        if text:
            try:
                identity.normalize_phone(text)
            except DomainError as exc:
                problem = exc.message(i18n.current_language())
        self.phone_status.setText(problem)
        self.phone_status.setVisible(bool(problem))

    @property
    def birth_date_mismatch(self) -> bool:
        return bool(self.birth_warning.text())

    def check_duplicate(self) -> None:
        """Asks this laptop's database for an active enrollment with the NIK."""
        if self.nik_info is None:
            return
        nik = self.nik_info.nik
        backend = self.ctx.backend
        Op(self, lambda: backend.find_active_by_nik(nik)).success(
            lambda found: self._show_duplicate(nik, found)
        ).run()

    def _show_duplicate(self, nik: str, found: Any) -> None:
        if self.nik_info is None or self.nik_info.nik != nik:
            return
        if found is not None and str(value(found, "id")) == self.enrollment_id:
            found = None
        self.duplicate = found
        if found is not None:
            self._status(self.nik_status, "error", self._duplicate_text(found))

    def _duplicate_text(self, found: Any) -> str:
        return self.tr("This NIK is already enrolled on this laptop: {name} ({status}).").format(
            name=value(found, "full_name", ""),
            status=labels.of(labels.enrollment_statuses(), value(found, "status")),
        )

    @staticmethod
    def _status(label: QLabel, kind: str, text: str) -> None:
        label.setObjectName(kind)
        label.setText(text)
        label.style().unpolish(label)
        label.style().polish(label)

    # -- quote ----------------------------------------------------------------------------

    def programs(self) -> list[str]:
        return ["JKK", "JKM", *(["JHT"] if self.jht.isChecked() else [])]

    def update_quote(self) -> None:
        lang = i18n.current_language()
        try:
            quote = contributions.quote(
                self.income.value(),
                self.programs(),
                int(self.period.currentData()),
                self.ctx.today(),
                occupation=self.occupation.currentData(),
                paid_by_state=self.paid_by_state.isChecked(),
            )
        except DomainError as exc:
            self.quote = None
            self.quote_lines.setText("")
            self.quote_total.setText("-")
            self.quote_period.setText("")
            self.quote_discount.setText("")
            self.quote_error.setText(exc.message(lang))
            return
        self.quote = quote
        self.quote_error.setText("")
        lines = []
        for program, amount in quote.per_program.items():
            full = quote.full_per_program.get(program, amount)
            shown = i18n.rupiah(amount)
            if full != amount:
                shown = f"<s>{i18n.rupiah(full)}</s> {shown}"
            lines.append(f"{program}: {shown}")
        self.quote_lines.setText("<br>".join(lines))
        self.quote_total.setText(
            self.tr("{amount} per month").format(amount=i18n.rupiah(quote.monthly_total))
        )
        self.quote_period.setText(
            self.tr("To pay now for {months}: {amount}").format(
                months=self._months(quote.period_months),
                amount=i18n.rupiah(quote.period_total),
            )
        )
        if quote.discount is not None:
            label = quote.discount.label.in_language(lang)
            if quote.discount.regulation not in label:
                label = f"{label} ({quote.discount.regulation})"
            self.quote_discount.setText(self.tr("Discount: {label}").format(label=label))
        else:
            self.quote_discount.setText("")

    # -- fields ---------------------------------------------------------------------------

    def fields(self, for_submit: bool) -> dict[str, Any]:
        """The form in wire form (SYNC_PROTOCOL.md, enrollment). For a draft, a bad phone is
        kept as typed; for a submit it raises DomainError."""
        phone = self.phone.text().strip()
        if phone:
            try:
                phone = identity.normalize_phone(phone)
            except DomainError:
                if for_submit:
                    raise
        nik = self.nik_info.nik if self.nik_info else "".join(self.nik.text().split())
        fields: dict[str, Any] = {
            "nik": nik,
            "full_name": self.full_name.text().strip(),
            "birth_place": self.birth_place.text().strip() or None,
            "birth_date": birth.isoformat() if (birth := self.birth_date.value()) else None,
            "gender": self.gender.currentData(),
            "phone": phone or None,
            "email": self.email.text().strip() or None,
            "address": self.address.text().strip() or None,
            "region_code": self.region.code(),
            "occupation": self.occupation.currentData(),
            "declared_income": self.income.value(),
            "programs": self.programs(),
            "period_months": int(self.period.currentData()),
            "paid_by_state": self.paid_by_state.isChecked(),
            "event_id": self.ctx.event_id,
        }
        if self.business is not None:
            fields["business_id"] = str(value(self.business, "id"))
        if self.birth_date_mismatch:
            fields["birth_date_override_reason"] = self.override_reason.text().strip() or None
        if self.consent.isChecked():
            fields["consent"] = {
                "text_version": CONSENT_VERSION,
                "given_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            }
        return fields

    def problems(self) -> list[tuple[str, str]]:
        """What must be fixed before a submit: (field, message in the person's words)."""
        found: list[tuple[str, str]] = []
        if self.nik_info is None:
            found.append(("nik", self.tr("The NIK is not valid.")))
        elif self.duplicate is not None:
            found.append(("nik", self._duplicate_text(self.duplicate)))
        if not self.full_name.text().strip():
            found.append(("full_name", self.tr("Fill in the full name.")))
        if self.birth_date.value() is None:
            found.append(
                ("birth_date", self.birth_date.problem() or self.tr("Fill in the date of birth."))
            )
        if self.birth_date_mismatch and not self.override_reason.text().strip():
            found.append(
                (
                    "birth_date_override_reason",
                    self.tr("The birth date differs from the NIK: give a reason."),
                )
            )
        if self.gender.currentData() is None:
            found.append(("gender", self.tr("Choose the gender.")))
        phone = self.phone.text().strip()
        if not phone:
            found.append(("phone", self.tr("Fill in the mobile number.")))
        else:
            try:
                identity.normalize_phone(phone)
            except DomainError as exc:
                found.append(("phone", exc.message(i18n.current_language())))
        if self.occupation.currentData() is None:
            found.append(("occupation", self.tr("Choose the occupation.")))
        if self.errors["declared_income"].text():
            found.append(("declared_income", self.errors["declared_income"].text()))
        elif self.quote is None:
            found.append(("declared_income", self.quote_error.text()))
        if not self.consent.isChecked():
            found.append(("consent", self.tr("The worker's consent is needed.")))
        return found

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each problem under its own field (a field the form has no place for: by its label
        in the message area); the focus goes to the first field in error."""
        self.clear_problems()
        general = []
        first: QWidget | None = None
        for name, text in problems:
            label = self.errors.get(name)
            if label is None:
                caption = self.field_labels.get(name)
                general.append(f"{caption}: {text}" if caption else text)
                continue
            self._show(label, "\n".join(filter(None, [label.text(), text])))
            if first is None:
                first = self.field_widgets[name]
        summary = self.tr("Check the fields marked in red.") if first is not None else ""
        self._status(self.message, "error", "\n".join(filter(None, [summary, *general])))
        if first is not None:
            first.setFocus()
            scroll = self.findChild(QScrollArea)
            inner = scroll.widget() if scroll is not None else None
            if scroll is not None and inner is not None and inner.isAncestorOf(first):
                scroll.ensureWidgetVisible(first)

    def clear_problems(self) -> None:
        for name, label in self.errors.items():
            if name == "declared_income":
                continue  # kept live by _check_income
            self._show(label, None)

    def _plausible_or_confirmed(self) -> bool:
        """Unlikely values (an income, an age) need the person's confirmation."""
        lang = i18n.current_language()
        warnings = plausibility.warnings(
            self.income.value(), self._birth_date_value(), self.ctx.today()
        )
        pending = [w for w in warnings if f"{w.field}:{w.text.en}" not in self.confirmed_warnings]
        if not pending:
            return True
        text = "\n".join(w.text.in_language(lang) for w in pending)
        if not messages.confirm(
            self,
            self.tr("{warnings}\n\nIs this right?").format(warnings=text),
            self.tr("Yes, it is right"),
            self.tr("Check again"),
        ):
            self.field_widgets[pending[0].field].setFocus()
            return False
        self.confirmed_warnings.update(f"{w.field}:{w.text.en}" for w in pending)
        return True

    # -- actions --------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        for button in (self.submit_button, self.draft_button, self.clear_button):
            button.setEnabled(not busy)

    def save_draft(self) -> None:
        fields = self.fields(for_submit=False)
        backend = self.ctx.backend
        enrollment_id = self.enrollment_id
        self._busy(True)
        Op(self, lambda: backend.save_draft(fields, enrollment_id)).success(
            self._draft_saved
        ).failure(self._failed).run()

    def _draft_saved(self, saved: Any) -> None:
        self._busy(False)
        self.enrollment_id = str(value(saved, "id"))
        self._status(self.message, "ok", self.tr("Draft saved."))
        self.ctx.enrollments_changed.emit()
        self.saved.emit(saved)

    def submit(self) -> None:
        problems = self.problems()
        if problems:
            self.show_problems(problems)
            return
        self.clear_problems()
        if not self._plausible_or_confirmed():
            return
        lang = i18n.current_language()
        try:
            fields = self.fields(for_submit=True)
        except DomainError as exc:
            self.show_problems([(exc.field or "phone", exc.message(lang))])
            return
        backend = self.ctx.backend
        enrollment_id = self.enrollment_id
        nik = fields["nik"]

        def work() -> Any:  # one use case, one transaction: all of it or nothing
            return backend.submit_form(fields, enrollment_id)

        self._busy(True)
        if not self._ask_server_first():
            Op(self, work).success(self._submitted).failure(self._failed).run()
            return

        def checked(check: Any) -> None:
            if str(value(check, "state", "")) == "enrolled":
                self._busy(False)
                self._enrolled_at_server(check)
                return
            Op(self, work).success(self._submitted).failure(self._failed).run()

        # Online: the server knows every branch's enrollments. Offline or no answer: the
        # submit goes on (offline work is never blocked); the server checks again on push.
        Op(self, lambda: backend.check_participant(nik), kind=NETWORK).success(checked).failure(
            lambda _exc: checked(None)
        ).run()

    def _ask_server_first(self) -> bool:
        """A new person (or a draft): ask the server about the NIK when a server is set. A
        correction is skipped: the server already holds that very enrollment."""
        if not (getattr(self.ctx.settings, "server_url", "") or ""):
            return False
        if not callable(getattr(self.ctx.backend, "check_participant", None)):
            return False
        return self.loaded_status in (None, "draft")

    def _enrolled_at_server(self, check: Any) -> None:
        when = value(check, "enrolled_on")
        if isinstance(when, str):
            when = dt.date.fromisoformat(when[:10])
        text = self.tr(
            "This NIK is already enrolled (branch {branch}, since {date}), according to the "
            "server. Do not enroll the person twice: check the NIK with them. Nothing was "
            "submitted."
        ).format(
            branch=value(check, "branch") or "-",
            date=i18n.date(when) if isinstance(when, dt.date) else "-",
        )
        self._status(self.nik_status, "error", text)
        self._status(self.message, "error", text)

    def _submitted(self, enrollment: Any) -> None:
        self._busy(False)
        name = self.full_name.text().strip()
        amount = value(enrollment, "monthly_contribution")
        self.clear(keep_shared=self.booth)  # the queue's business and region stay
        self._status(
            self.message,
            "ok",
            self.tr("Submitted: {name}, {amount} per month. Ready for the next person.").format(
                name=name, amount=i18n.rupiah(amount) if amount else "-"
            ),
        )
        self.forget_draft()
        self.last_submitted = str(value(enrollment, "id"))
        for button in (self.print_button, self.pdf_button):
            button.setVisible(True)
        self.ctx.enrollments_changed.emit()
        self.ctx.sync_wanted.emit()  # sent soon when online
        self.submitted.emit(enrollment)

    def print_receipt(self) -> None:
        """The receipt (Bukti pendaftaran) of the last submitted enrollment, to a printer."""
        if self.last_submitted:
            from agent_app.ui import printing

            printing.print_receipt(self, self.ctx.backend, self.last_submitted)

    def save_receipt(self, path: Path | None = None) -> None:
        if self.last_submitted:
            from agent_app.ui import printing

            printing.save_receipt_pdf(self, self.ctx.backend, self.last_submitted, path)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if getattr(exc, "code", None) == "duplicate_nik" and self.nik_info is not None:
            nik = self.nik_info.nik
            backend = self.ctx.backend
            Op(self, lambda: backend.find_active_by_nik(nik)).success(
                lambda found: self._duplicate_at_submit(found, exc)
            ).run()
            return
        problems = getattr(exc, "problems", None)
        if problems:
            lang = i18n.current_language()
            self.show_problems(
                [
                    (str(getattr(p, "field", "") or ""), p.message(lang))
                    for p in problems
                    if hasattr(p, "message")
                ]
            )
            return
        if messages.is_known(exc):
            self._status(self.message, "error", messages.describe(exc).text)
            return
        messages.show_error(self, exc)

    def _duplicate_at_submit(self, found: Any, exc: BaseException) -> None:
        self.duplicate = found
        text = messages.describe(exc).text if found is None else self._duplicate_text(found)
        self._status(self.nik_status, "error", text)
        self._status(self.message, "error", text)

    # -- never lose typed work -------------------------------------------------------------

    def _form_changed(self) -> None:
        if not self._quiet:
            self.autosave_timer.start()

    def draft_state(self) -> dict[str, Any]:
        """The form as plain values, for the autosaved draft."""
        business = None
        if self.business is not None:
            business = {
                "id": str(value(self.business, "id")),
                "name": value(self.business, "name", ""),
            }
        return {
            "fields": widgets.form_state(self),
            "enrollment_id": self.enrollment_id,
            "loaded_status": self.loaded_status,
            "birth_date_touched": self.birth_date_touched,
            "business": business,
        }

    def save_now(self) -> None:
        """Autosaves the form as the account's draft (nothing when it holds nothing typed, or
        while an older draft waits for the person's answer to the offer to resume it)."""
        self.autosave_timer.stop()
        if self.offered is not None or not self.touched():
            return
        state = self.draft_state()
        backend = self.ctx.backend
        self._autosaved = True
        Op(self, lambda: backend.save_form_draft(FORM_KEY, state)).failure(
            lambda exc: log.info("form not autosaved: %s", type(exc).__name__)
        ).run()

    def forget_draft(self) -> None:
        """The autosaved draft is not needed any more (submitted, or cleared on purpose)."""
        self.autosave_timer.stop()
        self._autosaved = False
        backend = self.ctx.backend
        Op(self, lambda: backend.discard_form_draft(FORM_KEY)).failure(
            lambda exc: log.info("autosaved form not discarded: %s", type(exc).__name__)
        ).run()

    def offer_resume(self) -> None:
        """Asks for this account's autosaved form and, if there is one, offers to resume it."""
        backend = self.ctx.backend
        Op(self, lambda: backend.form_draft(FORM_KEY)).success(self._offer).failure(
            lambda exc: log.info("autosaved form unavailable: %s", type(exc).__name__)
        ).run()

    def _offer(self, draft: Any) -> None:
        state = value(draft, "state")
        if not state or not state.get("fields"):
            return
        self.offered = dict(state)
        fields = list(state["fields"])
        name = fields[1] if len(fields) > 1 and isinstance(fields[1], str) else ""
        self.resume_label.setText(
            self.tr("An enrollment was left unfinished ({name}, saved {when}). Resume it?").format(
                name=name.strip() or self.tr("no name yet"),
                when=_when(value(draft, "updated_at")) or "-",
            )
        )
        self.resume_bar.setVisible(True)
        self.resume_button.setFocus()

    def resume(self) -> None:
        """Puts the offered autosaved form back, every field as it was typed."""
        state, self.offered = self.offered, None
        self.resume_bar.setVisible(False)
        if state is None:
            return
        self.restore(state)

    def forget_offer(self) -> None:
        if not messages.confirm(
            self,
            self.tr("Discard the unfinished enrollment? What was typed in it is lost."),
            self.tr("Discard"),
            self.tr("Keep it"),
        ):
            return
        self.offered = None
        self.resume_bar.setVisible(False)
        self.forget_draft()
        self.nik.setFocus()

    def restore(self, state: dict[str, Any]) -> None:
        """Fills the form from `draft_state()`."""
        self._quiet = True
        try:
            self.clear()
            self._quiet = True
            self.enrollment_id = state.get("enrollment_id")
            self.loaded_status = state.get("loaded_status")
            if state.get("business"):
                self.set_business(state["business"])
            widgets.restore_form_state(self, list(state.get("fields") or []))
            self.birth_date_touched = bool(state.get("birth_date_touched"))
            self._check_birth_date()
            self._check_phone()
            self.update_quote()
        finally:
            self._quiet = False
        self._autosaved = True
        self.nik.setFocus()

    def cancel(self) -> None:
        """Esc or Batal: empties the form, after a confirmation when anything is typed."""
        if self.touched() and not messages.confirm(
            self,
            self.tr("Clear the form? What was typed is lost."),
            self.tr("Clear"),
            self.tr("Keep typing"),
        ):
            return
        self.clear()
        self.forget_draft()

    def clear(self, keep_shared: bool = False) -> None:
        """Empties the form for the next person (the autosaved draft is left alone); with
        `keep_shared`, the business and (when "keep" is ticked) the region stay."""
        business = self.business if keep_shared else None
        region = self.region.code() if keep_shared and self.keep_region.isChecked() else None
        quiet, self._quiet = self._quiet, True
        try:
            self._clear()
            if business is not None:
                self.set_business(business)
            if region:
                self.region.set_code(region)
        finally:
            self._quiet = quiet
        self.autosave_timer.stop()

    def _clear(self) -> None:
        self.auto_filled = {}
        self.confirmed_warnings = set()
        for label in (*self.errors.values(), self.gender_warning, self.region_note):
            self._show(label, None)
        self.enrollment_id = None
        self.loaded_status = None
        self.duplicate = None
        self.correction_banner.setVisible(False)
        self.set_business(None)
        for edit in (
            self.nik,
            self.full_name,
            self.birth_place,
            self.override_reason,
            self.phone,
            self.email,
            self.address,
        ):
            edit.clear()
        self.birth_date.blockSignals(True)
        self.birth_date.clear()
        self.birth_date.blockSignals(False)
        self.birth_date_touched = False
        self.gender.setCurrentIndex(0)
        self.phone_status.setVisible(False)
        self.region.set_code(None)
        self.occupation.setCurrentIndex(0)
        self.income.setValue(DEFAULT_INCOME)
        self.jht.setChecked(False)
        self.period.setCurrentIndex(0)
        self.paid_by_state.setChecked(False)
        self.consent.setChecked(False)
        self.message.setText("")
        self._nik_changed("")
        self.update_quote()
        self.nik.setFocus()

    def touched(self) -> bool:
        """Whether the form holds anything of a person: a loaded draft or correction, or text
        typed in any field."""
        if self.enrollment_id is not None:
            return True
        edits = (
            self.nik,
            self.full_name,
            self.birth_place,
            self.override_reason,
            self.phone,
            self.email,
            self.address,
        )
        return any(edit.text().strip() for edit in edits)

    def set_business(self, business: Any) -> None:
        """Ties the enrollment to a business (a worker of an UMKM the agent visited)."""
        self.business = business
        self.business_banner.setVisible(business is not None)
        self.drop_business.setVisible(business is not None)
        if business is not None:
            name = widgets.elided(self.business_banner, str(value(business, "name", "")), 360)
            self.business_banner.setText(self.tr("Worker of: {name}").format(name=name))

    def load(self, enrollment: Any) -> None:
        """Fills the form with a draft or an enrollment sent back for correction."""
        self.clear()
        self.enrollment_id = str(value(enrollment, "id"))
        status = value(enrollment, "status")
        self.loaded_status = str(getattr(status, "value", status)) if status else None
        birth = value(enrollment, "birth_date")
        self.nik.setText(value(enrollment, "nik") or "")
        self.full_name.setText(value(enrollment, "full_name") or "")
        self.birth_place.setText(value(enrollment, "birth_place") or "")
        if isinstance(birth, str):
            birth = dt.date.fromisoformat(birth)
        if isinstance(birth, dt.date):
            self.birth_date.setDate(_qdate(birth))
        self.override_reason.setText(value(enrollment, "birth_date_override_reason") or "")
        gender = value(enrollment, "gender")
        widgets.select_data(self.gender, getattr(gender, "value", gender))
        self.phone.setText(i18n.phone(value(enrollment, "phone")))
        self.email.setText(value(enrollment, "email") or "")
        self.address.setText(value(enrollment, "address") or "")
        self.region.set_code(value(enrollment, "region_code"))
        widgets.select_data(self.occupation, value(enrollment, "occupation"))
        self.income.setValue(int(value(enrollment, "declared_income") or DEFAULT_INCOME))
        self.jht.setChecked("JHT" in (value(enrollment, "programs") or ()))
        widgets.select_data(self.period, int(value(enrollment, "period_months") or 1))
        self.paid_by_state.setChecked(bool(value(enrollment, "paid_by_state")))
        reason = value(enrollment, "review_reason")
        status = str(getattr(value(enrollment, "status"), "value", value(enrollment, "status")))
        if status == keys.EnrollmentStatus.NEEDS_CORRECTION.value:
            self.correction_banner.setText(
                self.tr("Sent back for correction: {reason}").format(reason=reason or "-")
            )
            self.correction_banner.setVisible(True)
        self.update_quote()
        self.nik.setFocus()


class EnrollmentsPage(QWidget):
    """The form and the corrections list, in two tabs."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = EnrollmentForm(ctx)
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
        self.corrections_table = QTableView()
        self.corrections_table.setModel(self.corrections)
        self.corrections_table.verticalHeader().setVisible(False)
        self.corrections_table.horizontalHeader().setStretchLastSection(True)
        self.corrections_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column, width in enumerate((220, 170, 140)):
            self.corrections_table.setColumnWidth(column, width)
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
        self.drafts = ListModel(
            [self.tr("Name"), self.tr("NIK"), self.tr("Last saved")],
            [
                lambda e: value(e, "full_name") or self.tr("(no name yet)"),
                lambda e: value(e, "nik") or "",
                lambda e: _when(value(e, "updated_at")),
            ],
            self,
        )
        self.drafts_table = QTableView()
        self.drafts_table.setModel(self.drafts)
        self.drafts_table.verticalHeader().setVisible(False)
        self.drafts_table.horizontalHeader().setStretchLastSection(True)
        self.drafts_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.drafts_table.setColumnWidth(0, 260)
        self.drafts_table.setColumnWidth(1, 180)
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
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, self.tr("Enrollment form"))
        self.tabs.addTab(corrections_page, self.tr("Needs correction"))
        self.tabs.addTab(drafts_page, self.tr("Drafts"))
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
                lambda e: _when(value(e, "submitted_at")),
                labels.record_sync_state,
            ],
            self,
        )
        self.mine_search = QLineEdit()
        self.mine_search.setPlaceholderText(self.tr("Search name or NIK"))
        self.mine_search.setClearButtonEnabled(True)
        self.mine_count = widgets.hint()
        self.mine_table = QTableView()
        self.mine_table.setModel(self.mine)
        self.mine_table.verticalHeader().setVisible(False)
        self.mine_table.horizontalHeader().setStretchLastSection(True)
        self.mine_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column, width in enumerate((240, 170, 130, 150, 150)):
            self.mine_table.setColumnWidth(column, width)
        self.mine_timer = QTimer(self)
        self.mine_timer.setSingleShot(True)
        self.mine_timer.setInterval(150)
        self.mine_timer.timeout.connect(self.refresh_mine)
        self.mine_search.textChanged.connect(lambda _t: self.mine_timer.start())
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
        self.tabs.addTab(mine_page, self.tr("My enrollments"))
        self.title = widgets.heading(self.tr("Enrollment of BPU workers"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs)
        ctx.enrollments_changed.connect(self.refresh)
        ctx.account_changed.connect(self.refresh)
        self.form.offer_resume()

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

    def open_enrollment(self, enrollment_id: str) -> None:
        """Opens a draft (or correction) in the form by its id."""
        backend = self.ctx.backend
        Op(self, lambda: backend.get_enrollment(enrollment_id)).success(self._load).run()

    def _load(self, enrollment: Any) -> None:
        self.tabs.setCurrentWidget(self.form)
        self.form.load(enrollment)
