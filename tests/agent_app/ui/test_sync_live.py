"""The Sync page over the real services against the real central server (its own process,
the `server` fixture of tests/helpers/live_server.py): log in, sync with the progress bar, a
supervisor's review decision arriving, a real conflict settled in the conflict dialog, the NIK
asked of the server, and a USB bundle."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers.enrollments import enrollment_fields
from helpers.live_server import PASSWORD
from helpers.niks import fresh_nik
from PySide6.QtCore import Qt

pytest.importorskip("sqlcipher3")

from agent_app.ui.context import Context
from agent_app.ui.pages.sync import SyncPage
from sync import client as sync_client
from sync import protocol

from .live_laptop import Laptop


@pytest.fixture
def laptops(tmp_path: Path, server: Any) -> Any:
    made: list[Laptop] = []

    def make(agent_code: str = "AG002") -> Laptop:
        laptop = Laptop(tmp_path / f"laptop-{len(made)}.db", agent_code, server.base_url)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.engine.dispose()


def log_in_and_sync(qtbot: Any, page: SyncPage) -> None:
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.connect_box.isVisibleTo(page), page.result.text()
    qtbot.keyClicks(page.password, PASSWORD)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert page.result.text().startswith("Sinkronisasi selesai"), page.result.text()


def test_sync_page_against_the_real_server(
    qtbot: Any, laptops: Any, shown_messages: list[Any], tmp_path: Path
):
    a = laptops()
    a.register("Pempek Live 1")
    a.register("Pempek Live 2")
    page = a.page(qtbot)
    assert page.pending.text() == "2"
    phases: list[tuple[str, int, int]] = []
    page.controller.progress.connect(lambda *args: phases.append(args))
    log_in_and_sync(qtbot, page)
    assert page.result.text().startswith("Sinkronisasi selesai: 2 terkirim"), page.result.text()
    assert ("push", 2, 2) in phases, phases
    assert page.pending.text() == "0"
    assert page.state.text() == "Online"
    assert page.last.text() != "Tidak pernah"
    assert not shown_messages

    # the server is asked about a NIK (nobody enrolled it): the submit may go on
    check = a.backend.check_participant("1671055203859999")
    assert check.state == "not_enrolled"

    # a USB bundle of what is waiting
    a.register("Pempek Live 3")
    target = tmp_path / "usb" / "perisai.bundle"
    target.parent.mkdir()
    page.ask_export_path = lambda: str(target)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.result.text().startswith("1 perubahan ditulis ke"), (
        page.result.text(),
        shown_messages,
    )
    assert any(target.parent.iterdir())


WIB = dt.timezone(dt.timedelta(hours=7))


def supervisor_update(
    server: Any, enrollment_id: str, base_version: int, fields: dict[str, Any]
) -> str:
    """A supervisor's review decision, pushed through the real client to the real server."""
    client = sync_client.SyncClient(server.base_url, uuid.uuid4(), "Laptop supervisor")
    client.login("SV001", PASSWORD)
    op = protocol.Op(
        op_id=uuid.uuid4(),
        op_seq=1,
        entity="enrollment",
        entity_id=uuid.UUID(enrollment_id),
        kind="update",
        base_version=base_version,
        fields=fields,
        recorded_at=dt.datetime.now(WIB),
    )
    answer = client.push(
        protocol.PushRequest(
            protocol_version=protocol.PROTOCOL_VERSION,
            device_id=uuid.UUID(client.device_id),
            batch_id=uuid.uuid4(),
            ops=[op],
        )
    )
    client.session.close()
    [result] = answer.results
    return str(result.status)


def test_review_decision_then_a_real_conflict_settled_in_the_dialog(
    qtbot: Any, laptops: Any, server: Any, shown_messages: list[Any]
):
    a = laptops("AG002")
    page = a.page(qtbot)
    draft = a.backend.save_draft(enrollment_fields(fresh_nik()), None)
    enrollment_id = str(draft.id)
    a.backend.submit_enrollment(enrollment_id)
    log_in_and_sync(qtbot, page)
    # the supervisor sends it back: the decision arrives with the next sync
    status = supervisor_update(
        server, enrollment_id, 1, {"status": "needs_correction", "review_reason": "HP?"}
    )
    assert status == "applied"
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    # (The session's live server is shared: other tests' records of AG002 may be listed too.)
    assert enrollment_id in [str(e.id) for e in a.backend.needing_correction()]
    # the agent corrects the phone while the supervisor does too: a conflict
    a.backend.save_draft({"phone": "0813-1111-2222"}, enrollment_id)
    a.backend.submit_enrollment(enrollment_id)
    assert supervisor_update(server, enrollment_id, 2, {"phone": "+6281399998888"}) == "applied"
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.problems.rowCount() == 1, (page.result.text(), shown_messages)
    assert page.problems.data(page.problems.index(0, 0)) == "Pendaftaran: Siti Aminah"
    assert page.problems.data(page.problems.index(0, 1)) == "Konflik"
    assert page.problems.data(page.problems.index(0, 2)) == (
        "Nomor HP diubah orang lain di server sejak Anda terakhir sinkron."
    )
    page.problems_table.selectRow(0)
    page.compare()
    dialog = page.dialog
    rows = {dialog.values(r)[0]: dialog.values(r)[1:] for r in range(dialog.table.rowCount())}
    assert rows["Nomor HP"] == ("0813-1111-2222", "0813-9999-8888"), rows
    assert "phone" in dialog.changed
    qtbot.mouseClick(dialog.take_server, Qt.MouseButton.LeftButton)
    assert page.problems.rowCount() == 0
    assert a.backend.get_enrollment(enrollment_id).phone == "+6281399998888"
    assert not shown_messages


def test_a_nik_enrolled_on_another_laptop_blocks_the_submit(
    qtbot: Any, laptops: Any, shown_messages: list[Any]
):
    from agent_app.ui.pages.enrollments import EnrollmentsPage

    from .enrollment_form import fill

    nik = fresh_nik()
    a, b = laptops("AG002"), laptops("AG003")
    draft = a.backend.save_draft(enrollment_fields(nik), None)
    a.backend.submit_enrollment(str(draft.id))
    log_in_and_sync(qtbot, a.page(qtbot))
    log_in_and_sync(qtbot, b.page(qtbot))  # b is logged in to the server
    shell = SimpleNamespace(settings=b.settings, keystore=None, log_location="")
    ctx = Context(shell, b.backend, b.actor)  # the branch's day
    page = EnrollmentsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    form = page.form
    fill(qtbot, form, nik=nik, name="Siti Aminah")
    form.consent.setChecked(True)
    # b's own enrollments so far: the ones its sync pulled (the worker's live server is shared
    # by the session, and other tests push as AG003 too)
    before = b.backend.my_enrollments("", 10)[0]
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert "sudah terdaftar (cabang PLG, sejak" in form.message.text(), form.message.text()
    assert "Tidak ada yang diajukan" in form.message.text()
    assert b.backend.my_enrollments("", 10)[0] == before  # nothing submitted on b
    # the server cannot be reached: the same person is submitted (offline work goes on)
    b.settings.server_url = "http://127.0.0.1:9"
    b.backend.server_url = lambda: "http://127.0.0.1:9"
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.message.text().startswith("Diajukan: Siti Aminah"), form.message.text()
    assert not shown_messages
