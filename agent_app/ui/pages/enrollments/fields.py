"""The enrollment form's person fields: the widgets, their labels and error lines, and the
form layout that puts each field above its own notes (the first layer of `EnrollmentForm`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import contributions, identity, validation
from agent_app.ui import datefields, labels, regions, widgets
from agent_app.ui.context import Context
from agent_app.ui.pages.enrollments.common import AUTOSAVE_MS, DEFAULT_INCOME


class FormFields(QWidget):
    """The person's fields and the form's state; later layers add the panels and behaviour."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.enrollment_id: str | None = None
        self.loaded_status: str | None = None
        self.nik_info: identity.NikInfo | None = None
        self.birth_date_touched = False
        self.quote: contributions.Quote | None = None
        self.duplicate: Any = None
        self.business: Any = None
        self.last_submitted: str | None = None
        #: the values the NIK filled in (not the person): a new NIK may replace them
        self.auto_filled: dict[str, Any] = {}
        self.confirmed_warnings: set[str] = set()
        # an autosaved form offered to resume, until the person answers
        self.offered: dict[str, Any] | None = None
        self.booth = False
        # a submit is on its way (it forgets the autosaved form in its own transaction)
        self.submitting = False
        self._quiet = False  # filling the form by program: not a change to autosave
        self.dup_timer = QTimer(self)
        self.dup_timer.setSingleShot(True)
        self.dup_timer.setInterval(250)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)

    def _months(self, months: int) -> str:
        if months == 1:
            return self.tr("1 month")
        return self.tr("{n} months").format(n=months)

    def _build_identity(self) -> None:
        self.nik = QLineEdit()
        self.nik.setPlaceholderText(self.tr("16 digits from the KTP"))
        self.nik_status = QLabel()
        self.nik_status.setWordWrap(True)
        self.full_name = QLineEdit()
        self.birth_place = QLineEdit()
        # one tab stop that takes 05081990 or 5/8/1990, F4 for a calendar (issue 11, item 3)
        self.birth_date = datefields.DateField()
        self.birth_date.today = self.ctx.today
        self.birth_date.setMinimumDate(QDate(validation.MIN_YEAR, 1, 1))
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
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("optional"))
        self.address = QLineEdit()
        self.region = regions.RegionPicker()
        self.occupation = widgets.key_combo("occupations", blank=self.tr("(choose)"))
        self._build_money_fields()
        self.consent = QCheckBox(self.tr("The worker has heard this and agrees"))

    def _build_money_fields(self) -> None:
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
        for months in validation.PERIOD_MONTHS:
            self.period.addItem(self._months(months), months)
        self.paid_by_state = QCheckBox(self.tr("Paid by the state or regional budget (APBN/APBD)"))

    def _build_notes(self) -> None:
        """The lines under the fields: what the NIK says against the form, plausibility, and
        each field's error (issue 11, item 6)."""
        self.gender_warning = self._note("warning")
        self.region_note = self._note("hint")
        self.age_warning = self._note("warning")
        self.income_warning = self._note("warning")
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

    def _form_layout(self) -> QFormLayout:
        """Each field with its label, and its notes and error in the rows under it."""
        form = QFormLayout()
        # a narrow window puts a long label above its field instead of cutting the field
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        label = self.field_labels
        self.override_label = QLabel(label["birth_date_override_reason"])
        notes: dict[str, list[QWidget]] = {
            "nik": [self.nik_status],
            "birth_date": [self.birth_warning, self.age_warning],
            "gender": [self.gender_warning],
            "phone": [self.phone_status],
            "region_code": [self.region_note],
            "declared_income": [self.income_warning],
        }
        rows: list[tuple[str, QWidget]] = [
            ("nik", self.nik),
            ("full_name", self.full_name),
            ("birth_place", self.birth_place),
            ("birth_date", self.birth_date),
            ("birth_date_override_reason", self.override_reason),
            ("gender", self.gender),
            ("phone", self.phone),
            ("email", self.email),
            ("address", self.address),
            ("region_code", self.region),
            ("occupation", self.occupation),
            ("declared_income", self.income),
        ]
        for name, field in rows:
            if name == "birth_date_override_reason":
                form.addRow(self.override_label, field)
            else:
                form.addRow(label[name], field)
            for note in notes.get(name, []):
                form.addRow("", note)
            form.addRow("", self.errors[name])
        programs = QVBoxLayout()
        for box in (self.jkk, self.jkm, self.jht):
            programs.addWidget(box)
        form.addRow(label["programs"], programs)
        form.addRow("", self.errors["programs"])
        form.addRow(label["period_months"], self.period)
        form.addRow("", self.errors["period_months"])
        form.addRow("", self.paid_by_state)
        return form

    _note = staticmethod(widgets.note)
    _show = staticmethod(widgets.show_note)

    @staticmethod
    def _status(label: QLabel, kind: str, text: str) -> None:
        label.setObjectName(kind)
        label.setText(text)
        label.style().unpolish(label)
        label.style().polish(label)
