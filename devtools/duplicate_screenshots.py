"""The business form's possible duplicates (issue 18), a step of `devtools.screenshots`: two
businesses of district 16.71.03 (one from a partner's list) beside the demo's, then a new
business typed as "Pempek Molek, Cek" in the same district and saved: the form shows what it
may duplicate before saving, at the budget laptop's 1366x768, in the tour's language."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

DISTRICT = "16.71.03"


def candidates(shots: Any) -> None:
    """`shots` is the tour (`devtools.screenshots._Shots`)."""
    from agent_app.storage import tables

    backend = shots.workspace.ctx.backend
    first = backend.register_business(
        {
            "name": "Pempek Cek Molek",
            "owner_name": "Hj. Molek Sari",
            "phone": "+6281277001122",
            "address": "Jl. Merdeka No. 12",
            "region_code": DISTRICT,
        },
        None,
    )
    backend.register_business(
        {"name": "Pempek Cek Molek 2", "owner_name": "Rahmat", "region_code": DISTRICT}, None
    )
    with shots.shell._engine.begin() as conn:  # server-set: as a pull would write it
        conn.execute(
            sa.update(tables.Business)
            .where(tables.Business.id == first.id)
            .values(partner_source="HIPMI Sumsel")
        )
    page: Any = shots.workspace.show_page("businesses")
    shots.settle()
    page.new_business()
    dialog = page.dialog
    dialog.name.setText("Pempek Molek, Cek")
    dialog.owner.setText("Molek")
    dialog.region.set_code(DISTRICT)
    dialog.save()
    shots.settle(600)
    shots.shot("07b-usaha-mungkin-sama", dialog)
    dialog.discard()
    shots.settle()
