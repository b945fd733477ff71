"""The employer registration's values: prefilled from the business, in wire form for the
submit (validation.EMPLOYER_REGISTRATION without `monthly_contribution`, which the service
computes), as plain values for the autosaved draft (key `employer:<business id>`), and filled
back from a draft or from a stored registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from agent_app.domain import identity
from agent_app.domain.messages import DomainError
from agent_app.services.form_drafts import EMPLOYER_PREFIX
from agent_app.ui import i18n, regions, widgets
from agent_app.ui.backend import value
from agent_app.ui.pages.employers.live import LiveForm


def _text(raw: Any) -> str:
    return "" if raw is None else str(getattr(raw, "value", raw))


def _plain_date(raw: Any) -> str:
    """A stored date as the table shows it to be edited (05/08/1990)."""
    if isinstance(raw, str) and raw:
        raw = dt.date.fromisoformat(raw[:10])
    return raw.strftime("%d/%m/%Y") if isinstance(raw, dt.date) else ""


class FormValues(LiveForm):
    """The form's values in and out."""

    def draft_key(self) -> str:
        return f"{EMPLOYER_PREFIX}{value(self.business, 'id', '')}"

    def set_business(self, business: Any) -> None:
        """A new registration of `business`, prefilled from its data."""
        self.business = business
        self._quiet = True
        try:
            self.nib.setText(_text(value(business, "nib")))
            self.npwp.setText("")
            self.owner_nik.setText("")
            self.owner_name.setText(_text(value(business, "owner_name")))
            phone = value(business, "phone")
            self.owner_phone.setText(i18n.phone(phone) if phone else "")
            widgets.select_data(self.size_class, _text(value(business, "size_class")) or None)
            widgets.select_data(self.sector, value(business, "sector"))
            self.set_region(value(business, "region_code"))
            self.risk_assigned.setChecked(False)
            self.start_date.setDate(self.ctx.today())
            self.workers.set_lines([])
            self.consent.setChecked(False)
            self.propose_risk_group()
            self.lock_programs()
        finally:
            self._quiet = False

    def set_region(self, code: str | None) -> None:
        self.region_code = code
        self.region_label.setText(regions.path(code) if code else "-")

    def fields(self) -> dict[str, Any]:
        """The registration in wire form (what does not read is None: the checks name it)."""
        owner_nik = None
        if self.owner_nik.text().strip():
            try:
                owner_nik = identity.parse_nik(self.owner_nik.text(), today=self.ctx.today()).nik
            except DomainError:
                owner_nik = self.owner_nik.text().strip()
        phone = self.owner_phone.text().strip()
        try:
            e164 = identity.normalize_phone(phone) if phone else None
        except DomainError:
            e164 = phone
        consent, _attachments = self.consent_box.consent_fields()
        start = self.start_date.value()
        return {
            "business_id": str(value(self.business, "id")),
            "nib": "".join(self.nib.text().split()) or None,
            "npwp": "".join(ch for ch in self.npwp.text() if ch.isdigit()) or None,
            "owner_nik": owner_nik,
            "owner_name": self.owner_name.text().strip(),
            "owner_phone": e164,
            "size_class": self.size_class.currentData(),
            "size_basis": self.size_basis.currentData(),
            "sector": self.sector.currentData(),
            "region_code": self.region_code,
            "risk_group": self.risk_group.currentData(),
            "risk_group_assigned": self.risk_assigned.isChecked(),
            "start_date": start.isoformat() if start else None,
            "programs": self.programs(),
            "workers": self.workers.wire_lines(),
            "consent": consent,
        }

    def touched(self) -> bool:
        return self.dirty or bool(self.workers.rowCount()) or self.consent.isChecked()

    def draft_state(self) -> dict[str, Any]:
        """The form as plain values, for the autosaved draft."""
        return {
            "business": {
                "id": str(value(self.business, "id")),
                "name": value(self.business, "name", ""),
                "region_code": self.region_code,
            },
            "registration_id": self.registration_id,
            "fields": widgets.form_state(self.business_box),
            "programs": self.programs(),
            "lines": [dict(line) for line in self.workers.lines],
            "consent": self.consent.isChecked(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Fills the form from `draft_state()`, every cell as it was typed."""
        self._quiet = True
        try:
            self.registration_id = state.get("registration_id")
            widgets.restore_form_state(self.business_box, list(state.get("fields") or []))
            self.set_region((state.get("business") or {}).get("region_code"))
            self.lock_programs()
            for name in state.get("programs") or []:
                if name in self.program_boxes:
                    self.program_boxes[name].setChecked(True)
            self.lock_programs()
            self.workers.set_lines(list(state.get("lines") or []))
            self.consent.setChecked(bool(state.get("consent")))
            self.check_owner_nik()
        finally:
            self._quiet = False
        self.context_changed()

    def load(self, registration: Any) -> None:
        """A stored registration in the form (its status shows above it)."""
        self._quiet = True
        try:
            self.registration_id = str(value(registration, "id"))
            self.nib.setText(_text(value(registration, "nib")))
            self.npwp.setText(_text(value(registration, "npwp")))
            self.owner_nik.setText(_text(value(registration, "owner_nik")))
            self.owner_name.setText(_text(value(registration, "owner_name")))
            phone = value(registration, "owner_phone")
            self.owner_phone.setText(i18n.phone(phone) if phone else "")
            for combo, name in (
                (self.size_class, "size_class"),
                (self.size_basis, "size_basis"),
                (self.sector, "sector"),
                (self.risk_group, "risk_group"),
            ):
                widgets.select_data(combo, _text(value(registration, name)) or None)
            self.risk_assigned.setChecked(bool(value(registration, "risk_group_assigned")))
            self.set_region(value(registration, "region_code"))
            start = value(registration, "start_date")
            if start:
                self.start_date.setDate(dt.date.fromisoformat(str(start)[:10]))
            self.lock_programs()
            for name in value(registration, "programs") or ():
                self.program_boxes[str(name)].setChecked(True)
            self.lock_programs()
            self.workers.set_lines([self._line(w) for w in value(registration, "workers") or ()])
            self.consent.setChecked(value(registration, "consent") is not None)
            self.check_owner_nik()
        finally:
            self._quiet = False
        self.context_changed()

    @staticmethod
    def _line(worker: Any) -> dict[str, Any]:
        wage = value(worker, "monthly_wage")
        return {
            "nik": _text(value(worker, "nik")),
            "full_name": _text(value(worker, "full_name")),
            "birth_place": _text(value(worker, "birth_place")),
            "birth_date": _plain_date(value(worker, "birth_date")),
            "gender": _text(value(worker, "gender")) or None,
            "start_date": _plain_date(value(worker, "start_date")),
            "monthly_wage": str(wage) if wage is not None else "",
            "jkn": bool(value(worker, "jkn")),
            "wage_below_minimum_reason": _text(value(worker, "wage_below_minimum_reason")),
            "auto": [],
        }
