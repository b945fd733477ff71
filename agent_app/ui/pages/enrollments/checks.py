"""The enrollment form's live checks as the person types: what the NIK encodes (birth date,
gender, region) against what the form says, the birth date and age, the phone, the income,
and an active enrollment with the same NIK on this laptop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt

from agent_app.domain import identity, plausibility, validation
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, labels, nik_check, regions, widgets
from agent_app.ui.backend import value
from agent_app.ui.ops import Op
from agent_app.ui.pages.enrollments.common import qdate
from agent_app.ui.pages.enrollments.quote import QuoteView


class LiveChecks(QuoteView):
    """Checks each field as it changes and shows the result under it."""

    def _nik_changed(self, text: str) -> None:
        self.duplicate = None
        found = nik_check.check(text, self.ctx.today())
        self.nik_info = found.info
        self._status(self.nik_status, found.kind, found.text)
        if self.nik_info is not None:
            info = self.nik_info
            if not self.birth_date_touched:
                self.birth_date.blockSignals(True)
                self.birth_date.setDate(qdate(info.birth_date))
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
