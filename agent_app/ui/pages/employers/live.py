"""What the employer registration does as it is typed: the size's minimum programs ticked and
locked (JP only with JHT), the risk group proposed from the sector until BPJS assigns one, the
owner's NIK checked like a BPU NIK, a reason asked for a wage below the regional minimum
(medium and large), the NIKs already active on this laptop flagged on their lines, and the
quote recomputed (in well under 50 ms for 200 workers: tests/bench/bench_employer_form.py)."""

from __future__ import annotations

import datetime as dt

from agent_app.domain import employer_contributions as ec
from agent_app.domain.messages import DomainError, Text
from agent_app.ui import i18n, nik_check
from agent_app.ui.backend import value
from agent_app.ui.ops import Op
from agent_app.ui.pages.employers.fields import EmployerFields, programs_by_size


def warm_due_dates(month: dt.date) -> dt.date:
    """The first due date loads lokal-id's holidays (about 1.8 s): done off the UI thread."""
    return ec.due_date(month)


#: A worker qualifies for JKP when registered before this age (DOMAIN.md).
JKP_MAX_AGE = 54


class LiveForm(EmployerFields):
    """The checks and the quote as the person types."""

    def month(self) -> dt.date:
        return self.ctx.today().replace(day=1)

    def warm_up(self) -> None:
        """Loads the holiday calendar in the background; the quote waits for it."""
        if self.warm:
            return
        month = self.month()
        Op(self, lambda: warm_due_dates(month)).success(self._warmed).run()

    def _warmed(self, _due: dt.date) -> None:
        self.warm = True
        self.update_quote()

    def programs(self) -> list[str]:
        return [name for name, box in self.program_boxes.items() if box.isChecked()]

    def lock_programs(self) -> None:
        """The size's minimum ticked and locked; JP only with JHT."""
        minimum = programs_by_size().get(self.size_class.currentData() or "mikro", [])
        for name, box in self.program_boxes.items():
            locked = name in minimum
            box.blockSignals(True)
            if locked:
                box.setChecked(True)
            box.setEnabled(not locked)
            name = box.accessibleName()
            if locked:
                name += "\n" + self.tr("Required for a business of this size")
            box.setToolTip(name)
            box.blockSignals(False)
        jp, jht = self.program_boxes["JP"], self.program_boxes["JHT"]
        if not jht.isChecked():
            jp.setChecked(False)
            jp.setEnabled(False)
            jp.setToolTip(jp.accessibleName() + "\n" + self.tr("JP only with JHT"))
        elif "JP" not in minimum:
            jp.setEnabled(True)

    def propose_risk_group(self) -> None:
        """Until BPJS assigns a group, the sector's is proposed (or none: the quote asks)."""
        if self.risk_assigned.isChecked():
            self.risk_note.setText(self.tr("The group BPJS Ketenagakerjaan assigned."))
            return
        proposed = ec.proposed_risk_group(self.sector.currentData())
        index = self.risk_group.findData(proposed)
        self.risk_group.blockSignals(True)
        self.risk_group.setCurrentIndex(max(index, 0))
        self.risk_group.blockSignals(False)
        if proposed is None:
            self.risk_note.setText(
                self.tr("No group is proposed for this sector: choose one with the owner.")
            )
        else:
            self.risk_note.setText(self.tr("Proposed from the sector; BPJS confirms it."))

    def _risk_chosen(self) -> None:
        """Choosing a group by hand is what BPJS told the owner."""
        if self.risk_group.currentData() is not None and not self._quiet:
            self.risk_assigned.setChecked(True)

    def reason_needed(self, wage: int) -> str | None:
        size = self.size_class.currentData()
        if size is None or not ec.below_minimum_needs_reason(
            size, wage, self.region_code, self.ctx.today()
        ):
            return None
        floor = ec.minimum_wage(self.region_code, self.ctx.today())
        assert floor is not None
        return self.tr("Below the minimum wage of {region} ({amount}): write why.").format(
            region=floor[1], amount=i18n.rupiah(floor[0])
        )

    def check_owner_nik(self) -> None:
        text = self.owner_nik.text()
        if not text.strip():
            self._show(self.owner_nik_status, None)
            return
        found = nik_check.check(text, self.ctx.today())
        self._status(self.owner_nik_status, found.kind, found.text)

    def context_changed(self) -> None:
        """The size, sector, region or risk group changed: programs, reasons, quote."""
        self.lock_programs()
        self.workers.recheck()
        self.update_quote()

    def update_quote(self) -> None:
        """The quote of the lines whose wage reads, or why there is none."""
        if not self.warm:
            self.quote_panel.waiting()
            return
        model = self.workers
        rows = range(model.rowCount())
        wages = [model.wage(row) for row in rows]
        if not wages:
            self._no_quote(Text.of("Add at least one worker."))
            return
        if any(w is None or w <= 0 for w in wages):
            self._no_quote(Text.of("A wage must be a whole number of rupiah above 0."))
            return
        valid = [int(w or 0) for w in wages]
        try:
            quote = ec.quote_employer(
                valid,
                self.size_class.currentData() or "",
                self.risk_group.currentData(),
                self.programs(),
                self.month(),
            )
        except DomainError as exc:
            self._no_quote(exc.text)
            return
        model.set_shares(quote.workers)
        jkp = [valid[row] for row in rows if self._jkp_qualifies(row)]
        self.quote_panel.show_quote(quote, jkp)

    def _jkp_qualifies(self, row: int) -> bool:
        """In JKN and under 54 (DOMAIN.md; the programs are the panel's to check)."""
        model = self.workers
        if not model.lines[row]["jkn"]:
            return False
        info = model.nik(row).info
        born = model.date(row, "birth_date") or (info.birth_date if info else None)
        if born is None:
            return True  # not known yet: said for information only
        today = self.ctx.today()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return age < JKP_MAX_AGE

    def _no_quote(self, text: Text) -> None:
        self.workers.set_shares(None)
        self.quote_panel.show_error(text.in_language(i18n.current_language()))

    # -- NIKs already active elsewhere -------------------------------------------------------

    def check_conflicts(self) -> None:
        """Asks this laptop which of the lines' NIKs are already active."""
        model = self.workers
        niks = [
            info.nik for row in range(model.rowCount()) if (info := model.nik(row).info) is not None
        ]
        if not niks:
            self.show_conflicts({})
            return
        backend, registration_id = self.ctx.backend, self.registration_id
        Op(self, lambda: backend.employer_nik_conflicts(niks, registration_id)).success(
            self.show_conflicts
        ).run()

    def show_conflicts(self, found: object) -> None:
        language = i18n.current_language()
        conflicts: dict[str, str] = {}
        for nik, where in dict(found or {}).items():  # type: ignore[call-overload]
            said = where.in_language(language) if isinstance(where, Text) else str(where)
            conflicts[str(nik)] = self.tr("Already enrolled: {where}.").format(where=said)
        self.workers.conflicts = conflicts
        self.workers.recheck()

    def server_conflicts(self, checks: object) -> dict[str, str]:
        """The server's answer for many NIKs: those enrolled, with the branch and date."""
        found: dict[str, str] = {}
        for nik, check in dict(checks or {}).items():  # type: ignore[call-overload]
            if str(value(check, "state", "")) == "enrolled":
                found[str(nik)] = self.tr(
                    "Already enrolled (branch {branch}), according to the server."
                ).format(branch=value(check, "branch") or "-")
        return found
