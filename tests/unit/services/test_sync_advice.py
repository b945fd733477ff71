"""The Sync page's advice speaks the person's language: field names by their labels, and a
refused field explained by the shared domain rules rather than the server's English text."""

from __future__ import annotations

from agent_app.domain import keys
from agent_app.services import sync as sync_service


def test_a_refused_field_is_explained_in_indonesian_by_the_domain_rules():
    advice = sync_service._advice(
        "invalid_field",
        "phone",
        "A mobile number starts with 08 (server text)",
        None,
        "business",
        {"name": "Pempek Cek Molek", "phone": "+62711123456"},
    )
    assert "Nomor HP" in advice.id and "phone" not in advice.id
    assert "server text" not in advice.id
    assert "Mobile number" in advice.en


def test_the_servers_message_is_kept_when_the_laptop_cannot_judge_the_field():
    advice = sync_service._advice(
        "invalid_field", "event_id", "unknown event", None, "business", {"name": "X"}
    )
    assert "unknown event" in advice.id
    assert "Acara" in advice.id


def test_a_changed_field_is_named_by_its_label():
    advice = sync_service._advice("field_changed", "declared_income", "", None)
    assert "Penghasilan yang dilaporkan" in advice.id
    assert "Declared income" in advice.en


def test_every_wire_field_has_a_label_in_both_languages():
    from agent_app.domain import validation

    for spec in (validation.BUSINESS, validation.VISIT, validation.ENROLLMENT):
        for name in spec.fields:
            assert keys.label("fields", name, "id") != name, name
            assert keys.label("fields", name, "en") != name, name
