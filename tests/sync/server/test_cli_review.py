"""`review-enrollment --reason-code`: the command line sends an enrollment back for a reason
as the console does (`review_reason_code`, which leads the laptop to the fix), on SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from srv_support import World, enrollment_fields, op

from sync.server.__main__ import main


def run(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    monkeypatch.setenv("PERISAI_ATTACHMENTS_DIR", world.settings.attachments_dir)
    try:
        return main(["review-enrollment", *args])
    except SystemExit as error:  # argparse refusing an argument
        return int(error.code or 0)


def test_a_send_back_with_a_reason_code(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a1, _, _ = world.standard()
    enr = str(uuid.uuid4())
    a1.push_one(op("enrollment", "create", enr, enrollment_fields(81)))
    sent_back = ("--status", "needs_correction", "--reason-code", "photo_unclear")
    assert run(world, monkeypatch, enr, *sent_back, "--reason", "Ulangi foto") == 0
    fields = {c["entity_id"]: c for c in a1.pull_all()[0]}[enr]["fields"]
    assert fields["status"] == "needs_correction"
    assert fields["review_reason_code"] == "photo_unclear"
    assert fields["review_reason"].endswith(" Ulangi foto")
    assert fields["review_reason"] != " Ulangi foto"  # the reason's Indonesian words first
    capsys.readouterr()
    assert run(world, monkeypatch, enr, "--status", "accepted", "--reason-code", "other") == 2
    assert "needs_correction" in capsys.readouterr().err
    back = ("--status", "needs_correction", "--reason-code")
    assert run(world, monkeypatch, enr, *back, "x") == 2
    assert run(world, monkeypatch, enr, *back, "other") == 2
    assert "note" in capsys.readouterr().err
    assert run(world, monkeypatch, enr, "--status", "accepted", "--membership-number", "BPU-1") == 0
    fields = {c["entity_id"]: c for c in a1.pull_all()[0]}[enr]["fields"]
    assert (fields["status"], fields["review_reason_code"]) == ("accepted", None)
