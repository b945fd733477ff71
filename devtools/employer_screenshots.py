"""The employer registration form's screenshots (issue 17), a step of `devtools.screenshots`:
a business's registration with 3 workers, then with 200 (how the form looks and stays usable
with a large employer), at the budget laptop's 1366x768, in the tour's language."""

from __future__ import annotations

import random
from typing import Any

from devtools import seed

NAMES = ("Rudi Hartono", "Dewi Lestari", "Agus Salim", "Nur Aini", "Bayu Pratama", "Sri Wahyuni")


def _lines(count: int) -> list[dict[str, Any]]:
    """`count` worker lines as an agent types them (synthetic NIKs of Palembang)."""
    import datetime as dt

    rng = random.Random(17)
    lines = []
    for i in range(count):
        female = i % 2 == 1
        born = dt.date(1975 + i % 25, 1 + i % 12, 1 + i % 28)
        nik = seed.synthetic_nik(rng, born, female, "16.71.05")
        lines.append(
            {
                "nik": nik,
                "full_name": f"{NAMES[i % len(NAMES)]} {i + 1}" if count > 6 else NAMES[i],
                "birth_place": "Palembang",
                "birth_date": born.strftime("%d/%m/%Y"),
                "gender": "F" if female else "M",
                "start_date": "01/07/2026",
                "monthly_wage": str(2_500_000 + 250_000 * (i % 7)),
                "jkn": i % 3 != 0,
            }
        )
    return lines


def employer(shots: Any, business_id: str) -> None:
    """`shots` is the tour (`devtools.screenshots._Shots`)."""
    page: Any = shots.workspace.show_page("businesses")
    page.open_business(business_id)
    shots.settle(600)
    page.register_employer(page.detail_page.business)
    shots.settle(800)
    form = page.employer_form
    form.size_class.setCurrentIndex(form.size_class.findData("kecil"))
    form.owner_nik.setText(seed.synthetic_nik(random.Random(5), _born(), False, "16.71.05"))
    form.risk_group.setCurrentIndex(form.risk_group.findData("II"))  # chosen with the owner
    form.workers.set_lines(_lines(3))
    form.update_quote()
    form.consent.setChecked(True)
    form.table.go_to(2, "monthly_wage")
    shots.shot("16-pemberi-kerja")
    form.workers.set_lines(_lines(200))
    form.update_quote()
    form.table.go_to(199, "monthly_wage")
    shots.shot("16b-pemberi-kerja-200")
    form.forget_draft()  # made by this script: nothing for the person to resume
    form.workers.set_lines([])
    page.show_list()


def _born() -> Any:
    import datetime as dt

    return dt.date(1979, 6, 14)
