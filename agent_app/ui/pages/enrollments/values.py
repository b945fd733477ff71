"""The enrollment form's values in and out: the form in wire form (SYNC_PROTOCOL.md,
enrollment), filled from a draft or a correction, or emptied for the next person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QLineEdit

from agent_app.domain import identity, keys
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, widgets
from agent_app.ui.backend import value
from agent_app.ui.pages.enrollments.checks import LiveChecks
from agent_app.ui.pages.enrollments.common import DEFAULT_INCOME, qdate


class FormValues(LiveChecks):
    """Reads, fills and empties the form."""

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
        fields["attachments"] = self.photos.attachments()
        consent, attachments = self.consent_box.consent_fields()
        if consent is not None:
            fields["consent"] = consent
            fields["attachments"].extend(attachments)
        return fields

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
            self.birth_date.setDate(qdate(birth))
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
        if self.loaded_status == keys.EnrollmentStatus.DRAFT.value:
            self.consent_box.load(value(enrollment, "consent"), value(enrollment, "attachments"))
        reason = value(enrollment, "review_reason")
        status = str(getattr(value(enrollment, "status"), "value", value(enrollment, "status")))
        if status == keys.EnrollmentStatus.NEEDS_CORRECTION.value:
            self.correction_banner.setText(
                self.tr("Sent back for correction: {reason}").format(reason=reason or "-")
            )
            self.correction_banner.setVisible(True)
        self.update_quote()
        self.nik.setFocus()
        self.photos.load(enrollment)  # an unclear KTP photo takes the focus

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
        for edit in self._person_edits():
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
        self.consent_box.reset()
        self.photos.clear()
        self.message.setText("")
        self._nik_changed("")
        self.update_quote()
        self.nik.setFocus()

    def touched(self) -> bool:
        """Whether the form holds anything of a person: a loaded draft or correction, or text
        typed in any field."""
        if self.enrollment_id is not None or self.photos.has_any():
            return True
        return any(edit.text().strip() for edit in self._person_edits())

    def _person_edits(self) -> tuple[QLineEdit, ...]:
        """The person's typed text fields."""
        return (
            self.nik,
            self.full_name,
            self.birth_place,
            self.override_reason,
            self.phone,
            self.email,
            self.address,
        )
