"""The business form: create or edit a business, each problem shown under its field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import identity, validation
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, labels, messages, photo_field, place, regions, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.pages.businesses.duplicates_panel import DuplicatesPanel
from agent_app.ui.pages.businesses.guarded_dialog import GuardedDialog
from agent_app.ui.photo_field import PhotoField

STOREFRONT = "storefront_photo"


class BusinessDialog(GuardedDialog):
    """Create or edit a business."""

    #: The dialog's width while it shows the businesses a new one may duplicate.
    CANDIDATES_WIDTH = 780

    def __init__(self, ctx: Context, business: Any = None, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.ctx = ctx
        self.business = business
        self.setWindowTitle(self.tr("Edit business") if business else self.tr("New business"))
        self.setMinimumWidth(560)
        self._inputs()
        form = self._form()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(
            self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._lay_out(form, self.error, self.buttons)
        # the businesses a new one may duplicate, above the error line (issue 18)
        self.candidates = DuplicatesPanel()
        self.candidates.use_existing.connect(self._use_existing)
        self.candidates.save_anyway.connect(self._save_anyway)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.error), self.candidates)
        self.saved_id: str | None = None
        #: True when the agent chose an existing business instead of saving a new one.
        self.used_existing = False
        self._fill(business)
        self._guard()

    def _fill(self, business: Any) -> None:
        if business is not None:
            self.name.setText(value(business, "name") or "")
            self.owner.setText(value(business, "owner_name") or "")
            self.phone.setText(i18n.phone(value(business, "phone")))
            widgets.select_data(self.sector, value(business, "sector"))
            widgets.select_data(self.size_class, str(value(business, "size_class") or "mikro"))
            self.workers.setValue(int(value(business, "workers_count") or 0))
            self.address.setText(value(business, "address") or "")
            self.region.set_code(value(business, "region_code"))
            self.nib.setText(value(business, "nib") or "")
            widgets.select_data(self.status, str(value(business, "status") or "prospect"))
            self.storefront.set_attachment(photo_field.first_of(business, STOREFRONT))

    def _form(self) -> QFormLayout:
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, (caption, widget) in self.field_rows.items():
            form.addRow(caption, widget)
            error = QLabel()
            error.setObjectName("error")
            error.setWordWrap(True)
            error.setVisible(False)
            self.errors[name] = error
            form.addRow("", error)
        return form

    def _inputs(self) -> None:
        self.name = QLineEdit()
        self.owner = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("08…"))
        self.sector = widgets.key_combo("sectors", blank=self.tr("(choose)"))
        self.size_class = QComboBox()
        for key, text in labels.size_classes().items():
            self.size_class.addItem(text, key)
        self.workers = widgets.NumberEdit()  # never drops a digit (a spin box did)
        self.address = QLineEdit()
        self.region = regions.RegionPicker()
        self.nib = QLineEdit()
        self.nib.setPlaceholderText(self.tr("13 digits, optional"))
        self.status = QComboBox()
        for key, text in labels.business_statuses().items():
            self.status.addItem(text, key)
        self.storefront = PhotoField(self.ctx, STOREFRONT)
        # a new business records where it is made (issue 14, item 7)
        self.place = (
            place.PlaceFinder(enabled=getattr(self.ctx.settings, "record_place", True) is not False)
            if self.business is None
            else None
        )
        self.error = widgets.hint()
        self.error.setObjectName("error")
        #: each field: its label, its widget, and its error shown under it (issue 11, item 6)
        self.field_rows: dict[str, tuple[str, QWidget]] = {
            "name": (self.tr("Business name"), self.name),
            "owner_name": (self.tr("Owner"), self.owner),
            "phone": (self.tr("Mobile number"), self.phone),
            "sector": (self.tr("Sector"), self.sector),
            "size_class": (self.tr("Size"), self.size_class),
            "workers_count": (self.tr("Number of workers"), self.workers),
            "address": (self.tr("Address"), self.address),
            "region_code": (self.tr("Region"), self.region),
            "nib": (self.tr("NIB"), self.nib),
            "status": (self.tr("Status"), self.status),
            "attachments": (self.tr("Storefront photo"), self.storefront),
        }
        if self.place is not None:
            self.field_rows["latitude"] = (self.tr("Location"), self.place)

    def form_key(self) -> str | None:
        if self.business is None:
            return "business:new"
        return f"business:{value(self.business, 'id')}"

    def fields(self) -> dict[str, Any]:
        """The form in wire form (SYNC_PROTOCOL.md, business); raises DomainError on a bad
        phone or NIB."""
        phone = self.phone.text().strip()
        nib = self.nib.text().strip()
        return {
            "name": self.name.text().strip(),
            "owner_name": self.owner.text().strip() or None,
            "phone": identity.normalize_phone(phone) if phone else None,
            "sector": self.sector.currentData(),
            "size_class": self.size_class.currentData(),
            "workers_count": self.workers.value(),
            "address": self.address.text().strip() or None,
            "region_code": self.region.code(),
            "nib": identity.check_nib(nib) if nib else None,
            "status": self.status.currentData(),
            "attachments": photo_field.replaced(
                self.business, {STOREFRONT: self.storefront.attachment()}
            ),
            **(self.place.fields() if self.place is not None else {}),
        }

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each problem under its own field (one the form has no place for: by its label in
        the message line); the focus goes to the first field in error."""
        for shown in self.errors.values():
            shown.setVisible(False)
            shown.setText("")
        general: list[str] = []
        first: QWidget | None = None
        for name, text in problems:
            label = self.errors.get(name)
            if label is None:
                general.append(text)
                continue
            label.setText("\n".join(filter(None, [label.text(), text])))
            label.setVisible(True)
            if first is None:
                widget = self.field_rows[name][1]
                first = widget.search if isinstance(widget, regions.RegionPicker) else widget
                if isinstance(widget, PhotoField):
                    first = widget.focus_target()
        self.error.setText("\n".join(general))
        if first is not None:
            first.setFocus()

    def _field_problems(self) -> list[tuple[str, str]]:
        """The phone and NIB as the form reads them (a bad one is a problem of its field), and
        a number of workers that is not a number."""
        lang = i18n.current_language()
        found = []
        if self.workers.has_junk():
            found.append(("workers_count", self.tr("Type the number of workers in digits.")))
        for name, edit, check in (
            ("phone", self.phone, identity.normalize_phone),
            ("nib", self.nib, identity.check_nib),
        ):
            if edit.text().strip():
                try:
                    check(edit.text().strip())
                except DomainError as exc:
                    found.append((name, exc.message(lang)))
        return found

    def save(self) -> None:
        lang = i18n.current_language()
        typed = self._field_problems()
        if typed:
            self.show_problems(typed)
            return
        fields = self.fields()
        fields = {k: v for k, v in fields.items() if v is not None or self.business is not None}
        problems = validation.validate_business(fields, partial=self.business is not None)
        if problems:
            self.show_problems([(p.field, p.message(lang)) for p in problems])
            return
        self.show_problems([])
        backend = self.ctx.backend
        self.save_button.setEnabled(False)
        if self.business is None:
            # a new business: first the ones it may duplicate (edits do not ask)
            Op(self, lambda: backend.duplicate_candidates(fields)).success(
                lambda found: self._checked(fields, found)
            ).failure(self._failed).run()
            return
        business_id = str(value(self.business, "id"))
        old = {k: value(self.business, k) for k in fields}
        old["attachments"] = photo_field.references(self.business)
        changes = {k: v for k, v in fields.items() if _plain(old[k]) != v}
        Op(self, lambda: backend.update_business(business_id, changes)).success(
            self._saved
        ).failure(self._failed).run()

    def _checked(self, fields: dict[str, Any], found: Any) -> None:
        """Saves the new business, or first shows the ones it may duplicate."""
        found = list(found or [])
        if found:
            self.save_button.setEnabled(True)
            grow = self.CANDIDATES_WIDTH - self.width()
            if grow > 0:  # room for each candidate's address, district and why on one line
                self.setGeometry(
                    self.x() - grow // 2, self.y(), self.CANDIDATES_WIDTH, self.height()
                )
                widgets.keep_on_screen(self)
            self.candidates.show_candidates(found)
            return
        self._register(fields)

    def _register(self, fields: dict[str, Any]) -> None:
        self.candidates.setVisible(False)
        self.save_button.setEnabled(False)
        backend, event_id = self.ctx.backend, self.ctx.event_id
        Op(self, lambda: backend.register_business(fields, event_id)).success(self._saved).failure(
            self._failed
        ).run()

    def _save_anyway(self) -> None:
        """ "Save as a new business anyway": the form as it is now, checked as Save does."""
        typed = self._field_problems()
        if typed:
            self.candidates.setVisible(False)
            self.show_problems(typed)
            return
        fields = {k: v for k, v in self.fields().items() if v is not None}
        problems = validation.validate_business(fields)
        if problems:
            self.candidates.setVisible(False)
            lang = i18n.current_language()
            self.show_problems([(p.field, p.message(lang)) for p in problems])
            return
        self._register(fields)

    def _use_existing(self, business_id: str) -> None:
        """The existing business is used where the new one would have been: nothing new is
        saved, the typed draft is forgotten, and the caller opens `saved_id`."""
        self.saved_id = business_id
        self.used_existing = True
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc while the possible duplicates show: back to the form, nothing lost (Batal and
        the close button still close the form, asking first)."""
        if event.key() == Qt.Key.Key_Escape and self.candidates.isVisible():
            self.candidates.setVisible(False)
            self.name.setFocus()
            event.accept()
            return
        super().keyPressEvent(event)

    def _saved(self, result: Any) -> None:
        self.saved_id = str(value(result, "id", result)) if result is not None else None
        self.ctx.businesses_changed.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        problems = getattr(exc, "problems", None)
        if problems:
            lang = i18n.current_language()
            self.show_problems([(p.field, p.message(lang)) for p in problems])
            return
        messages.show_error(self, exc)


def _plain(raw: Any) -> Any:
    return getattr(raw, "value", raw)
