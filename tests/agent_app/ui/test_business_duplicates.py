"""One record per business in the form (issue 18): a new business like one the laptop holds
shows it before saving, with why; "use this business" opens it and creates nothing, "save as
new anyway" creates one, Esc goes back to the form and the draft is kept; an edit never asks.
A business from a partner's list is marked so, in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent_app.domain import records
from agent_app.ui import i18n, models, regions
from agent_app.ui.pages.assignments import AssignmentsView
from agent_app.ui.pages.businesses.detail_page import BusinessDetailPage
from agent_app.ui.window import MainWindow

from . import fakes

MOLEK = records.Business(
    id="00000000-0000-4000-8000-00000000a001",
    name="Pempek Cek Molek",
    owner_name="Cek Molek",
    phone="+6281211112222",
    address="Jl. Merdeka 1",
    region_code="16.71.03",
    nib="1234567890123",
    partner_source="HIPMI Sumsel",
)


@pytest.fixture
def shell() -> fakes.FakeShell:
    backend = fakes.FakeBackend.with_businesses(20)
    backend.businesses[MOLEK.id] = MOLEK
    return fakes.FakeShell(backend=backend)


def new_business(qtbot: Any, window: MainWindow, name: str, **typed: str) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.workspace.pages["businesses"]
    page.list_page.new_button.click()
    dialog = page.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, name)
    if "phone" in typed:
        qtbot.keyClicks(dialog.phone, typed["phone"])
    if "nib" in typed:
        qtbot.keyClicks(dialog.nib, typed["nib"])
    dialog.region.set_code(typed.get("region"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return page, dialog


def test_the_existing_business_is_shown_with_why_and_used_instead(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
) -> None:
    before = len(shell.backend.businesses)
    page, dialog = new_business(qtbot, logged_in, "Pempek Molek, Cek", region="16.71.03")
    assert dialog.candidates.isVisible() and page.dialog is dialog  # nothing saved yet
    assert "register_business" not in shell.backend.calls
    shown = dialog.candidates.list.item(0).text().splitlines()
    assert shown == [
        "Pempek Cek Molek · Cek Molek",
        f"Jl. Merdeka 1 · {regions.name('16.71.03')} · Nama mirip di kecamatan yang sama",
        "Dari daftar mitra: HIPMI Sumsel",
    ]
    assert dialog.candidates.use_button.text() == "Pakai usaha ini"
    assert dialog.candidates.new_button.text() == "Tetap simpan sebagai usaha baru"
    qtbot.mouseClick(dialog.candidates.use_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None and dialog.used_existing
    assert len(shell.backend.businesses) == before  # nothing new
    assert "register_business" not in shell.backend.calls
    assert page.stack.currentWidget() is page.detail_page  # the existing one, opened
    assert page.detail_page.title.text() == "Pempek Cek Molek"
    assert page.detail_page.partner_mark.text() == "Dari daftar mitra: HIPMI Sumsel"
    assert shell.backend.form_drafts == {}  # the typed form went nowhere wrong


def test_save_as_new_anyway_creates_one(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
) -> None:
    before = len(shell.backend.businesses)
    page, dialog = new_business(qtbot, logged_in, "Toko Baru", phone="0812-1111-2222")
    assert dialog.candidates.list.item(0).text().splitlines()[1].endswith("Nomor HP sama")
    qtbot.mouseClick(dialog.candidates.new_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None and not dialog.used_existing
    assert len(shell.backend.businesses) == before + 1
    assert page.detail_page.title.text() == "Toko Baru"
    assert not page.detail_page.partner_mark.isVisibleTo(page.detail_page)


def test_esc_goes_back_to_the_form_and_the_draft_is_kept(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
) -> None:
    page, dialog = new_business(qtbot, logged_in, "Usaha Lain", nib="1234567890123")
    assert dialog.candidates.list.item(0).text().splitlines()[1].endswith("NIB sama")
    qtbot.keyClick(dialog.candidates.list, Qt.Key.Key_Escape)
    assert not dialog.candidates.isVisible() and confirmations == []
    assert page.dialog is dialog and dialog.isVisible() and dialog.name.text() == "Usaha Lain"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # shown again
    assert dialog.candidates.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # Batal asks, as ever
    assert len(confirmations) == 1 and dialog.isVisible()  # "keep typing"
    dialog.set_aside()  # what a lock or a switch of user does
    draft = shell.backend.form_drafts[("PLG-001", "business:new")]
    assert "Usaha Lain" in draft["state"]["fields"]
    assert "register_business" not in shell.backend.calls


def test_an_edit_does_not_ask(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell) -> None:
    qtbot.keyClick(logged_in, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["businesses"]
    other = next(b for b in shell.backend.businesses.values() if b.id != MOLEK.id)
    page.edit_business(other)
    dialog = page.dialog
    qtbot.addWidget(dialog)
    dialog.name.setText("Pempek Cek Molek")
    dialog.phone.setText("0812-1111-2222")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None
    assert "duplicate_candidates" not in shell.backend.calls
    assert shell.backend.businesses[other.id].name == "Pempek Cek Molek"


@pytest.mark.parametrize(
    ("lang", "mark"),
    [("id", "Dari daftar mitra: HIPMI Sumsel"), ("en", "From partner list: HIPMI Sumsel")],
)
def test_the_partner_mark_in_both_languages(
    qtbot: Any, qapp: QApplication, lang: str, mark: str
) -> None:
    i18n.install(qapp, lang)
    view = AssignmentsView(lambda: fakes.TODAY)
    qtbot.addWidget(view)
    assigned = records.Assignment(
        "a1",
        MOLEK.id,
        "PLG-001",
        "visit",
        fakes.TODAY + dt.timedelta(days=2),
        None,
        "open",
        1,
        business_name=MOLEK.name,
        partner_source="HIPMI Sumsel",
    )
    plain = records.Assignment(
        "a2",
        "b2",
        "PLG-001",
        "visit",
        fakes.TODAY + dt.timedelta(days=3),
        None,
        "open",
        1,
        business_name="Warung Bu Tini",
    )
    view.set_assignments([assigned, plain])
    model = view.model
    assert model.data(model.index(0, 1)) == f"Pempek Cek Molek · {mark}"
    assert model.data(model.index(1, 1)) == "Warung Bu Tini"
    listed = models.BusinessTableModel(lambda: fakes.FakeBackend())
    small = {"id": MOLEK.id, "name": MOLEK.name, "partner_source": "HIPMI Sumsel"}
    assert listed._display(small, "name") == "Pempek Cek Molek · " + (
        "daftar mitra" if lang == "id" else "partner list"
    )
    assert listed._display({**small, "partner_source": None}, "name") == "Pempek Cek Molek"
    detail = BusinessDetailPage(ctx=None)  # type: ignore[arg-type]
    qtbot.addWidget(detail)
    detail.show_detail({"business": MOLEK, "visits": []})
    assert detail.partner_mark.text() == mark
