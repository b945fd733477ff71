"""The employer registration's own fields (the business's data, prefilled from the business),
the programs, the workers' table, the quote panel and the consent: the widgets and their
labels and error lines (the first layer of `EmployerForm`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QWidget

from agent_app.domain import _resources, keys
from agent_app.ui import datefields, labels, widgets
from agent_app.ui.context import Context
from agent_app.ui.pages.employers.quote import QuotePanel
from agent_app.ui.pages.employers.table import WorkersTable
from agent_app.ui.pages.employers.workers import WorkersModel
from agent_app.ui.pages.enrollments.common import AUTOSAVE_MS
from agent_app.ui.pages.enrollments.consent import ConsentBox


def programs_by_size() -> dict[str, list[str]]:
    """The programs each size must take at least (the quote's table)."""
    table: dict[str, Any] = _resources.load_json("employer_contributions.json")
    return {size: list(programs) for size, programs in table["programs_by_size"].items()}


class EmployerFields(QWidget):
    """The widgets and the form's state; later layers add the behaviour."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.business: Any = None
        self.registration: Any = None
        self.registration_id: str | None = None
        self.submitting = False
        self._quiet = False  # filling the form by program: not a change to autosave
        self.warm = False  # the holiday calendar (the due date) is loaded
        self.dirty = False  # something was typed or chosen since the form was filled
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.conflict_timer = QTimer(self)
        self.conflict_timer.setSingleShot(True)
        self.conflict_timer.setInterval(300)
        self._build_business()
        self._build_programs()
        self.workers = WorkersModel(ctx.today, self)
        self.table = WorkersTable(self.workers)
        self.quote_panel = QuotePanel()
        self.consent = QCheckBox(self.tr("The owner has heard this and agrees"))
        self.errors: dict[str, QLabel] = {name: self._note("error") for name in self.captions()}
        self.consent_box = ConsentBox(ctx, self.consent, self.errors["consent"])
        # the registration carries no attachments: the owner agrees by the tick
        for part in (self.consent_box.pad, self.consent_box.signature_note):
            part.setVisible(False)
        self.consent_box.clear_button.setVisible(False)
        self.cell_problem = self._note("error")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.business_box = QWidget()
        self.programs_box = QWidget()
        self._build_buttons()

    def _build_buttons(self) -> None:
        self.title = widgets.heading("")
        self.status_banner = self._note("ok")
        self.restored = self._note("hint")
        self.back_button = QPushButton(self.tr("Back to the business"))
        self.back_button.setToolTip(self.tr("Esc: what was typed stays as a draft"))
        self.owner_button = QPushButton(self.tr("Enroll the owner as a BPU participant"))
        self.add_button = QPushButton(self.tr("Add a worker (Enter)"))
        self.remove_button = QPushButton(self.tr("Remove the line (Ctrl+Delete)"))
        self.submit_button = QPushButton(self.tr("Submit the registration"))
        self.submit_button.setToolTip(self.tr("Ctrl+Enter"))
        self.print_button = QPushButton(self.tr("Print the summary"))
        self.print_button.setToolTip(self.tr("Ctrl+P"))
        self.pdf_button = QPushButton(self.tr("Summary as PDF"))
        for button in (self.print_button, self.pdf_button):
            button.setVisible(False)

    def _build_business(self) -> None:
        self.nib = QLineEdit()
        self.nib.setPlaceholderText(self.tr("13 digits, or empty"))
        self.npwp = QLineEdit()
        self.npwp.setPlaceholderText(self.tr("16 digits, or empty: then the owner's NIK"))
        self.owner_nik = QLineEdit()
        self.owner_nik.setPlaceholderText(self.tr("16 digits from the KTP"))
        self.owner_nik_status = self._note("hint")
        self.owner_name = QLineEdit()
        self.owner_phone = QLineEdit()
        self.owner_phone.setPlaceholderText(self.tr("08…"))
        self.size_class = QComboBox()
        self.size_class.addItem(self.tr("(choose)"), None)
        for key, text in labels.size_classes().items():
            self.size_class.addItem(text, key)
        self.size_basis = QComboBox()
        self.size_basis.addItem(self.tr("Business capital"), "capital")
        self.size_basis.addItem(self.tr("Annual sales"), "sales")
        self.sector = widgets.key_combo("sectors", blank=self.tr("(choose)"))
        self.risk_group = QComboBox()
        self.risk_group.addItem(self.tr("(not yet assigned)"), None)
        for group in keys.RISK_GROUPS:
            self.risk_group.addItem(self.tr("Group {group}").format(group=group), group)
        self.risk_assigned = QCheckBox(self.tr("Assigned by BPJS Ketenagakerjaan"))
        self.risk_note = widgets.hint()
        self.risk_note.setWordWrap(True)
        self.start_date = datefields.DateField()
        self.start_date.today = self.ctx.today
        self.region_code: str | None = None
        self.region_label = QLabel("-")
        self.region_label.setWordWrap(True)

    def _build_programs(self) -> None:
        # the short names agents and owners use, the full name on hover and for screen readers
        names = labels.program_names()
        self.program_boxes: dict[str, QCheckBox] = {}
        for program in keys.EMPLOYER_PROGRAMS:
            box = QCheckBox(program)
            box.setAccessibleName(names.get(program, program))
            box.setStatusTip(names.get(program, program))
            self.program_boxes[program] = box

    def captions(self) -> dict[str, str]:
        """The fields' labels, for the layout and for messages that name a field."""
        return {
            "nib": self.tr("NIB"),
            "npwp": self.tr("NPWP"),
            "owner_nik": self.tr("Owner's NIK"),
            "owner_name": self.tr("Owner's name"),
            "owner_phone": self.tr("Owner's mobile number"),
            "size_class": self.tr("Size"),
            "size_basis": self.tr("Size by"),
            "sector": self.tr("Sector"),
            "region_code": self.tr("Region"),
            "risk_group": self.tr("Risk group (JKK)"),
            "start_date": self.tr("Start date"),
            "programs": self.tr("Programs"),
            "workers": self.tr("Workers"),
            "consent": self.tr("Consent"),
        }

    def field_widgets(self) -> dict[str, QWidget]:
        return {
            "nib": self.nib,
            "npwp": self.npwp,
            "owner_nik": self.owner_nik,
            "owner_name": self.owner_name,
            "owner_phone": self.owner_phone,
            "size_class": self.size_class,
            "size_basis": self.size_basis,
            "sector": self.sector,
            "region_code": self.sector,
            "risk_group": self.risk_group,
            "start_date": self.start_date,
            "programs": self.program_boxes["JHT"],
            "workers": self.table,
            "consent": self.consent,
        }

    _note = staticmethod(widgets.note)
    _show = staticmethod(widgets.show_note)

    @staticmethod
    def _status(label: QLabel, kind: str, text: str) -> None:
        label.setObjectName(kind)
        label.setText(text)
        label.setVisible(bool(text))
        label.style().unpolish(label)
        label.style().polish(label)
