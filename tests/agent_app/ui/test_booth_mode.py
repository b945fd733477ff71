"""Booth mode as a queue tool (issue 11, item 11), over the real database: the event of the
day chosen offline on the booth bar from the pulled events, the business and the region
carried to the next worker, the optional fields out of the Tab chain, Ctrl+P for the
receipt and Ctrl+N / F2 for the next worker; at most 8 keys that are not the person's data
from the first NIK digit to the printed receipt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from helpers import booth
from PySide6.QtCore import Qt

from agent_app import app, paths
from agent_app.domain import records
from agent_app.security import keyslots
from agent_app.settings import Settings
from agent_app.ui.window import MainWindow

from . import fakes

EVENT = records.Event(
    id="0b6c4d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e",
    name="Booth Pasar 16 Ilir",
    branch="PLG",
    starts_on=fakes.TODAY - dt.timedelta(days=1),
    ends_on=fakes.TODAY + dt.timedelta(days=1),
    venue="Pasar 16 Ilir",
)


@pytest.fixture
def real_shell(_home: Path) -> Any:
    shell = app.AppShell(
        Settings.load(paths.settings_path()),
        keyslots.KeyStore(
            paths.keystore_path(),
            kdf=keyslots.KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1),
        ),
        str(paths.log_dir()),
    )
    yield shell
    shell.close()


@pytest.fixture
def booth_window(qtbot: Any, real_shell: app.AppShell) -> MainWindow:
    real_shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123")
    real_shell.settings.booth_mode = True
    window = MainWindow(real_shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.workspace is not None
    return window


def pull_event(window: MainWindow) -> None:
    """An event arrives by a pull after the login (as the sync writes it)."""
    uow = window.ctx.backend.uow_factory()
    with uow:
        uow.events.upsert(EVENT, version=1)
        uow.commit()
    window.ctx.sync_changed.emit()


def test_two_workers_in_booth_mode(
    qtbot: Any, booth_window: MainWindow, tmp_path: Path, shown_messages: list[Any]
):
    window = booth_window
    backend = window.ctx.backend
    pull_event(window)
    business = backend.register_business(
        {
            "name": "Pempek Candy",
            "owner_name": "Candy Wijaya",
            "phone": "081277889900",
            "sector": "kuliner",
            "region_code": "16.71.05",
        },
        None,
    )
    page = window.workspace.pages["enrollments"]
    assert window.workspace.stack.currentWidget() is page  # booth mode opens the form
    form = page.form
    assert form.booth_bar.isVisible()
    # the event of the day, chosen once on the booth bar from the locally pulled list
    index = form.booth_event.findData(EVENT.id)
    assert index > 0, [form.booth_event.itemText(i) for i in range(form.booth_event.count())]
    form.booth_event.setFocus()
    form.booth_event.setCurrentIndex(index)
    form.booth_event.activated.emit(index)
    assert window.ctx.event_id == EVENT.id
    assert "Booth Pasar 16 Ilir" in window.event_label.text()
    # the workers come from one business, and live in one village
    page.start_for_business(business)
    form.keep_region.setChecked(True)
    form.region.set_code("16.71.03.1001")
    form.nik.setFocus()

    keys = booth.Keyboard()
    submitted = []
    for i in range(2):
        before = keys.other
        booth.enroll(keys, form, booth.worker(i), "pedagang", tmp_path / f"bukti-{i}.pdf")
        assert keys.other - before <= 8, keys.other - before
        submitted.append(form.last_submitted)
        # carried to the next worker: the event, the business, the region
        assert form.business is not None and form.business_banner.isVisible()
        assert form.region.code() == "16.71.03.1001"
        assert form.full_name.text() == "" and form.nik.text() == ""
        assert window.ctx.event_id == EVENT.id

    assert len(set(submitted)) == 2
    for n, enrollment_id in enumerate(submitted):
        record = backend.get_enrollment(enrollment_id)
        assert record.nik == booth.worker(n)["nik"]
        assert record.event_id == EVENT.id
        assert record.business_id == str(business.id)
        assert record.region_code == "16.71.03.1001"
    assert all(p.read_bytes().startswith(b"%PDF") for p in keys.printed)
    assert shown_messages == []


def test_optional_fields_are_out_of_the_tab_chain_only_in_booth_mode(
    qtbot: Any, booth_window: MainWindow
):
    form = booth_window.workspace.pages["enrollments"].form
    chain = []
    form.nik.setFocus()
    for _ in range(12):
        qtbot.keyClick(booth_window.focusWidget(), Qt.Key.Key_Tab)
        chain.append(booth_window.focusWidget())
    assert form.birth_place not in chain and form.email not in chain
    assert form.address not in chain and form.income not in chain
    assert form.birth_date in chain  # no NIK yet: the birth date is to be typed
    booth_window.shell.settings.booth_mode = False
    booth_window.workspace.show_page("enrollments")
    form.nik.setFocus()
    qtbot.keyClick(form.nik, Qt.Key.Key_Tab)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Tab)
    assert form.birth_place.hasFocus()


def test_next_worker_key_keeps_the_shared_fields(
    qtbot: Any, booth_window: MainWindow, confirmations: Any
):
    window = booth_window
    backend = window.ctx.backend
    business = backend.register_business(
        {
            "name": "Bengkel Jaya",
            "owner_name": "Jaya Putra",
            "phone": "081277889911",
            "sector": "kuliner",
            "region_code": "16.71.05",
        },
        None,
    )
    page = window.workspace.pages["enrollments"]
    page.start_for_business(business)
    form = page.form
    person = booth.worker(7)
    qtbot.keyClicks(form.nik, person["nik"])
    qtbot.keyClicks(form.full_name, person["name"])
    qtbot.keyClick(form.full_name, Qt.Key.Key_F2)  # typed: asks first, "keep typing"
    assert len(confirmations) == 1 and form.full_name.text() == person["name"]
    confirmations.answer = True
    qtbot.keyClick(form.full_name, Qt.Key.Key_F2)
    assert form.nik.text() == "" and form.full_name.text() == ""
    assert form.business is not None
    assert form.nik.hasFocus()
    qtbot.keyClicks(form.nik, person["nik"])
    qtbot.keyClick(form.nik, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form.nik.text() == ""
    assert form.business is not None


def test_settings_chooses_an_event_pulled_after_the_login(qtbot: Any, booth_window: MainWindow):
    window = booth_window
    settings = window.workspace.show_page("settings")
    assert settings.event_combo.findData(EVENT.id) == -1  # nothing pulled yet
    uow = window.ctx.backend.uow_factory()
    with uow:  # a sync pulls it while Settings is open... and offline afterwards
        uow.events.upsert(EVENT, version=1)
        uow.commit()
    window.workspace.show_page("settings")
    index = settings.event_combo.findData(EVENT.id)
    assert index > 0
    settings.event_combo.setCurrentIndex(index)
    settings.save()
    assert window.ctx.event_id == EVENT.id
    assert window.shell.settings.current_event_id == EVENT.id
