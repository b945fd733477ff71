"""Issue 11 item 13: any of my enrollments' receipts printed again from "Pendaftaran saya"
(with the membership number once accepted), PDF files that never overwrite an earlier one,
and receipts whose dates are true (the branch's wall time; the demo's consent before its
submission)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from agent_app import paths
from agent_app.domain import clock, keys
from agent_app.domain.keys import Role
from agent_app.security import keyslots
from agent_app.services import receipts
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.engine import open_engine
from agent_app.ui import backend as backend_mod
from agent_app.ui import folders, i18n, messages, ops, printing
from agent_app.ui.context import Context
from agent_app.ui.pages.enrollments import EnrollmentsPage

from .conftest import PASSWORD, World
from .pdf import pdf_text

DAY = dt.date(2027, 1, 11)

MEMBERSHIP = "26110071234"


@pytest.fixture(autouse=True)
def immediate(qapp: Any) -> Iterator[list[messages.Message]]:
    """Ops run at once, in Indonesian; messages are collected instead of shown."""
    ops.set_runner(ops.ImmediateRunner())
    i18n.install(qapp, "id")
    shown: list[messages.Message] = []
    messages.set_sink(lambda _parent, message: shown.append(message))
    yield shown
    messages.set_sink(None)
    ops.set_runner(None)


def make_enrollments_page(qtbot: Any, world: World, actor: Actor) -> EnrollmentsPage:
    settings = SimpleNamespace(current_event_id=None, save=lambda: None)
    shell = SimpleNamespace(keystore=None, settings=settings, log_location="")
    backend = backend_mod.ServicesBackend(world.uow, actor)
    ctx = Context(shell, backend, SimpleNamespace(agent_code=actor.agent_code), lambda: DAY)
    page = EnrollmentsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activate()
    return page


def mine_row(page: EnrollmentsPage, enrollment_id: str) -> int:
    ids = [str(getattr(r, "id", None) or r["id"]) for r in page.mine.records]
    return ids.index(enrollment_id)


def choose(qtbot: Any, page: EnrollmentsPage, enrollment_id: str) -> None:
    page.tabs.setCurrentIndex(3)
    page.mine_table.setFocus()
    page.mine_table.selectRow(mine_row(page, enrollment_id))


def accept(world: World, enrollment_id: str) -> None:
    """What a pull of the branch's acceptance writes on the laptop."""
    with world.uow() as u:
        old = u.enrollments.get(enrollment_id)
        assert old is not None
        u.enrollments.update(
            dataclasses.replace(
                old,
                status=keys.EnrollmentStatus.ACCEPTED,
                membership_number=MEMBERSHIP,
                version=2,
            ),
            sync_state="synced",
        )
        u.commit()


def on_next_dialog(seen: list[str], act: Callable[[QFileDialog], None]) -> None:
    """Runs `act` on the file dialog that the next click opens (modal: from a timer), after
    noting the file it proposes in `seen`."""

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, handle)
            return
        seen.append(dialog.selectedFiles()[0])
        act(dialog)

    QTimer.singleShot(0, handle)


def test_any_of_my_receipts_again_from_my_enrollments_with_the_membership_number(
    qtbot: Any, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, immediate: list
):
    page = make_enrollments_page(qtbot, world, world.agent)
    assert not page.mine_pdf_button.isEnabled()  # nothing chosen yet
    choose(qtbot, page, world.ids["e4"])  # a draft has no receipt
    assert not page.mine_pdf_button.isEnabled() and not page.mine_print_button.isEnabled()
    choose(qtbot, page, world.ids["e2"])  # not the last submit: an earlier one
    assert page.mine_pdf_button.isEnabled()
    page.save_selected_receipt(tmp_path / "submitted.pdf")
    text = pdf_text(tmp_path / "submitted.pdf")
    assert "Rina Wati" in text and "Diajukan" in text and "Nomor kepesertaan" not in text
    printed: list[str] = []
    monkeypatch.setattr(
        printing, "print_html", lambda _p, html, _i, _t: printed.append(html) or True
    )
    qtbot.mouseClick(page.mine_print_button, Qt.MouseButton.LeftButton)
    assert len(printed) == 1 and "Rina Wati" in printed[0]
    # accepted at the branch: the receipt printed again carries the membership number
    accept(world, world.ids["e1"])
    page.refresh()
    choose(qtbot, page, world.ids["e1"])
    qtbot.mouseClick(page.mine_print_button, Qt.MouseButton.LeftButton)
    assert MEMBERSHIP in printed[-1] and "Diterima" in printed[-1]
    page.save_selected_receipt(tmp_path / "accepted.pdf")
    text = pdf_text(tmp_path / "accepted.pdf")
    assert f"Nomor kepesertaan {MEMBERSHIP}" in text and "Status Diterima" in text


def test_another_agent_neither_lists_nor_prints_mine_but_a_supervisor_does(
    qtbot: Any, world: World, tmp_path: Path, immediate: list
):
    other = make_enrollments_page(qtbot, world, world.other)
    ids = {str(getattr(r, "id", "")) for r in other.mine.records}
    assert world.ids["e1"] not in ids and world.ids["e3"] in ids
    with pytest.raises(receipts.NoReceipt):
        receipts.build_receipt(world.uow(), world.other, world.ids["e1"])
    supervisor = make_enrollments_page(qtbot, world, world.supervisor)
    choose(qtbot, supervisor, world.ids["e1"])
    supervisor.save_selected_receipt(tmp_path / "spv.pdf")
    assert "Siti Aminah" in pdf_text(tmp_path / "spv.pdf")


def test_receipts_saved_from_the_dialog_never_overwrite_an_earlier_one(
    qtbot: Any,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    immediate: list,
):
    """The real save dialog, accepted with the name it proposes, three times."""
    monkeypatch.setattr(folders, "documents_dir", lambda: tmp_path)
    page = make_enrollments_page(qtbot, world, world.agent)
    choose(qtbot, page, world.ids["e1"])
    saved: list[str] = []
    for _ in range(2):
        on_next_dialog(saved, lambda d: d.accept())
        qtbot.mouseClick(page.mine_pdf_button, Qt.MouseButton.LeftButton)
    accept(world, world.ids["e1"])
    page.refresh()
    choose(qtbot, page, world.ids["e1"])
    on_next_dialog(saved, lambda d: d.accept())
    qtbot.mouseClick(page.mine_pdf_button, Qt.MouseButton.LeftButton)
    names = [Path(p).name for p in saved]
    day = clock.today().isoformat()
    short = world.ids["e1"][:8]
    assert names == [
        f"bukti-pendaftaran-{short}-{day}.pdf",
        f"bukti-pendaftaran-{short}-{day}-2.pdf",
        f"bukti-pendaftaran-{short}-{day}-diterima.pdf",
    ]
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(names)
    assert "Nomor kepesertaan" not in pdf_text(tmp_path / names[0])
    assert MEMBERSHIP in pdf_text(tmp_path / names[2])


def test_receipt_times_are_the_branchs_wall_time(world: World, tmp_path: Path, qapp: Any):
    """A consent stamped in UTC (a laptop set to UTC) at 01:30 WIB on the day of submission
    was printed as the day before, 18.30; the printing time was the machine's zone."""
    with world.uow() as u:
        u.session.execute(
            sa.update(tables.Enrollment)
            .where(tables.Enrollment.id == world.ids["e1"])
            .values(consent={"text_version": "2026.1", "given_at": "2027-01-10T18:30:00+00:00"})
        )
        u.commit()
    r = receipts.build_receipt(world.uow(), world.agent, world.ids["e1"])
    assert r.submitted_on == dt.date(2027, 1, 11)
    assert r.consent_at is not None and r.consent_at.utcoffset() == dt.timedelta(hours=7)
    assert r.issued_at.utcoffset() == dt.timedelta(hours=7)
    assert r.issued_at.date() == clock.today(clock.WIB)
    text = pdf_text(printing.receipt_pdf(r, tmp_path / "r.pdf"))
    assert "Tanggal pengajuan 11 Januari 2027" in text
    assert "diberikan pada 11 Januari 2027 pukul 01.30" in text


def test_the_demos_receipts_are_dated_after_their_consent(keystore: keyslots.KeyStore, qapp: Any):
    from devtools import seed as demo

    unlocked = keystore.create_first_account(*demo.AGENT, PASSWORD)
    engine = open_engine(paths.database_path(), unlocked.key)
    try:
        demo.seed(engine, clock.today(), businesses_count=10)
        supervisor = Actor("SPV01", "Bu Supervisor", "PLG", Role.SUPERVISOR, "d")
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(tables.Enrollment.id, tables.Enrollment.submitted_at).where(
                    tables.Enrollment.status != "draft"
                )
            ).all()
        assert len(rows) > 40
        for enrollment_id, submitted_at in rows:
            r = receipts.build_receipt(_uow(engine), supervisor, enrollment_id)
            submitted = dt.datetime.fromisoformat(submitted_at)
            assert r.consent_at is not None and r.consent_at <= submitted, enrollment_id
            assert r.consent_at.date() <= r.submitted_on <= r.issued_at.date()
    finally:
        engine.dispose()


def _uow(engine: Any) -> Any:
    from agent_app.storage.uow import SqlUnitOfWork

    return SqlUnitOfWork(engine)
