"""The Sync page speaks the person's language: field names by their labels, a refused field
explained by the shared domain rules, and the rules only the server judges by their own texts,
never by the server's English message."""

from __future__ import annotations

import pytest

from agent_app.domain import keys
from agent_app.services.sync import messages


def test_a_refused_field_is_explained_in_indonesian_by_the_domain_rules():
    problem, advice = messages.explain(
        "invalid_field",
        "phone",
        None,
        "business",
        {"name": "Pempek Cek Molek", "phone": "+62711123456"},
    )
    assert problem.id.startswith("Nomor HP: ") and "phone" not in problem.id
    assert problem.en.startswith("Mobile number: ")
    assert "perbaiki Nomor HP" in advice.id


def test_a_rule_only_the_server_knows_has_its_own_text():
    problem, advice = messages.explain(
        "invalid_field", "monthly_contribution", None, "enrollment", {"declared_income": 1}
    )
    assert "tarif yang berlaku di server" in problem.id
    assert "ajukan lagi" in advice.id and "submit it again" in advice.en


def test_a_field_the_laptop_cannot_judge_is_named_by_its_label():
    problem, _ = messages.explain("invalid_field", "event_id", None, "business", {"name": "X"})
    assert problem.id == "Server menolak isian Acara."
    assert problem.en == "The server refused the field Event."


def test_a_refusal_naming_no_field_speaks_of_the_whole_record():
    problem, advice = messages.explain("invalid_field", None, None, "business", {})
    assert problem.id == "Server menolak data ini."
    assert "periksa semua isian" in advice.id and "-" not in problem.id


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("event_id", "Data yang dirujuk (Acara) tidak ada di server."),
        ("entity_id", "Data ini belum ada di server"),
        (None, "Data ini belum ada di server"),
    ],
)
def test_an_unknown_reference_names_the_reference_or_the_record(field, expected):
    problem, _ = messages.explain("unknown_reference", field, None, "visit", {})
    assert problem.id.startswith(expected)


def test_a_changed_field_is_named_by_its_label():
    problem, advice = messages.explain("field_changed", "declared_income", None)
    assert problem.id.startswith("Penghasilan yang dilaporkan diubah orang lain")
    assert "Declared income" in problem.en
    assert "pakai data server" in advice.id


def test_nik_conflict_names_only_the_branch_and_date():
    problem, _ = messages.explain(
        "nik_already_enrolled", "nik", {"branch": "PLG", "enrolled_on": "2026-05-02"}
    )
    assert problem.id == "NIK ini sudah terdaftar sebagai peserta (cabang PLG, sejak 2026-05-02)."


@pytest.mark.parametrize(
    "code",
    [*messages.PROBLEM, "something_new"],
)
def test_every_code_has_a_problem_and_advice_in_both_languages(code: str):
    problem, advice = messages.explain(code, "name", {}, "business", {})
    for text in (problem, advice):
        assert text.id and text.en and text.id != text.en
        assert "{" not in text.id + text.en


def test_every_wire_field_has_a_label_in_both_languages():
    from agent_app.domain import validation

    for spec in (validation.BUSINESS, validation.VISIT, validation.ENROLLMENT):
        for name in spec.fields:
            assert keys.label("fields", name, "id") != name, name
            assert keys.label("fields", name, "en") != name, name


def test_a_server_without_photos_is_told_after_the_cycle(engine) -> None:
    """A 1.0 server (the engine's `attachments_unsupported`): the report says it plainly;
    warnings the person need not read give no notice."""
    from agent_app.services.sync import cycle
    from agent_app.storage.uow import SqlUnitOfWork
    from sync import engine as sync_engine

    done = sync_engine.CycleReport(warnings=["ops_unanswered", "attachments_unsupported"])
    report = cycle.report(lambda: SqlUnitOfWork(engine), done)
    [notice] = report.notices
    assert notice.id.startswith("Server belum menerima foto")
    assert "perbarui server" in notice.id
    assert notice.en.startswith("The server does not take photos yet")
    assert cycle.report(lambda: SqlUnitOfWork(engine), sync_engine.CycleReport()).notices == []


def test_a_server_without_employer_registrations_is_told_after_the_cycle(engine) -> None:
    from agent_app.services.sync import cycle
    from agent_app.storage.uow import SqlUnitOfWork
    from sync import engine as sync_engine

    done = sync_engine.CycleReport(warnings=[sync_engine.WARNING_ENTITY_UNSUPPORTED])
    [notice] = cycle.report(lambda: SqlUnitOfWork(engine), done).notices
    assert notice.id.startswith("Server belum menerima pendaftaran pemberi kerja")
    assert notice.en.startswith("The server does not take employer registrations yet")
