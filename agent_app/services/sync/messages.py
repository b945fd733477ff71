"""What the sync service says, in Indonesian and English: why a sync call failed (by the
engine's kind or the server's refusal code), and what is wrong with an op the server refused
or found in conflict, with what to do about it (`explain`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent_app.domain import keys, validation
from agent_app.domain.messages import Text
from sync import protocol

#: Why a sync call failed, by the engine's kind (`sync.client.SyncError.kind`).
KIND_TEXT: Mapping[str, Text] = {
    "auth": Text.of(
        "The server session ended or the password was refused. Log in to the server again."
    ),
    "network": Text.of(
        "The server cannot be reached. Your data stays on this laptop; try again later."
    ),
    "server": Text.of("The server has a problem or is busy. Try again in a while."),
    "protocol": Text.of(
        "The laptop and the server do not understand each other "
        "(another version?). Contact support."
    ),
    "too_large": Text.of("What was sent is too large for the server. Contact support."),
    "cursor_expired": Text.of("The server asks to sync again from the start. Try again."),
    "conflict": Text.of("A conflict with the server."),
    "not_connected": Text.of(
        "This laptop has not logged in to the server for this "
        "account. Log in to the server with your password first."
    ),
}


#: Refusals that logging in again does not cure (the server's error code).
CODE_TEXT: Mapping[str, Text] = {
    protocol.APP_TOO_OLD: Text.of(
        "This version of Perisai Agent is too old for the server: "
        "sync is refused. Update the app (ask your branch office), "
        "then sync again. Your data stays on this laptop."
    ),
    "device_other_branch": Text.of(
        "This laptop is registered with the server for another "
        "branch. Contact the server administrator."
    ),
    "password_change_required": Text.of(
        "Your password was reset: choose your own new password to log in to the server."
    ),
    "device_revoked": Text.of(
        "This laptop was cut off by the server. Contact the server administrator to reset it."
    ),
    "device_key_mismatch": Text.of(
        "The server holds another signing key for your account on "
        "this laptop. Contact the server administrator to reset it "
        "(reset-device)."
    ),
}


#: What a cycle's warning means for the person, by the engine's code (only those to tell).
WARNING_NOTICES: Mapping[str, Text] = {
    "attachments_unsupported": Text.of(
        "The server does not take photos yet: the changes with photos wait on this laptop. "
        "Ask your branch office to update the server."
    ),
    "entity_unsupported": Text.of(
        "The server does not take employer registrations yet: they wait on this laptop. "
        "Ask your branch office to update the server."
    ),
}

#: What is wrong, by the server's error code, in the person's language. The server's own
#: message is English and stays available as a detail (`SyncProblem.server_message`).
PROBLEM: Mapping[str, Text] = {
    "invalid_field": Text.of("The server refused the field {field}."),
    "forbidden": Text.of("Your account may not make this change."),
    "unknown_reference": Text.of("A record it refers to ({field}) is not on the server."),
    "deleted": Text.of("This record was deleted on the server."),
    "key_reuse": Text.of("A change was sent again with other contents."),
    "nik_already_enrolled": Text.of(
        "This NIK is already enrolled (branch {branch}, since {enrolled_on})."
    ),
    "field_changed": Text.of("Someone else changed {field} on the server since you last synced."),
    "enrollment_accepted": Text.of("This enrollment was already accepted on the server."),
    "invalid_op": Text.of("This change is damaged and cannot be sent."),
    "too_large": Text.of("This change is too large for the server."),
    "attachment_too_large": Text.of("A photo of this record is too large to send."),
    "attachment_invalid": Text.of("The server could not read a photo of this record."),
    "attachment_unavailable": Text.of("A photo of this record is no longer on this laptop."),
}
_DEFAULT_PROBLEM = Text.of("The server did not take this change (code {code}).")
#: Rules only the server can judge, by the field it names (`invalid_field`).
_SERVER_FIELD_PROBLEM: Mapping[str, Text] = {
    "monthly_contribution": Text.of(
        "The monthly contribution differs from the server's current rates (they may have changed)."
    ),
    "base_version": Text.of("The record's version does not match the server's."),
    "entity_id": Text.of("This record's id belongs to another record on the server."),
}

_UNKNOWN_RECORD = Text.of(
    "The server does not have this record (its creation was refused or not sent)."
)
#: `invalid_field` naming no field: the record as a whole.
_WHOLE_RECORD_REFUSED = Text.of("The server refused this record.")
_WHOLE_RECORD_ADVICE = Text.of("Open the record, check every field, then save or submit it again.")

_SUPPORT = Text.of("Send the log file to support.")
_RETAKE = Text.of("Open the record, take the photo again, then save or submit it again.")
#: What to do about it.
ADVICE: Mapping[str, Text] = {
    "invalid_field": Text.of("Open the record, correct {field}, then save or submit it again."),
    "forbidden": Text.of("Ask the branch supervisor to make this change."),
    "unknown_reference": Text.of("Check the business/event chosen, then save again."),
    "deleted": Text.of(
        "Your change cannot be applied. If the record is still needed, ask the branch supervisor."
    ),
    "key_reuse": _SUPPORT,
    "nik_already_enrolled": Text.of(
        "Do not enroll the person twice; check the NIK with them. If "
        "it was mistyped, correct it and submit again."
    ),
    "field_changed": Text.of("Compare, then choose: keep yours, or take the server's."),
    "enrollment_accepted": Text.of("Changes can no longer be sent. Take the server's data."),
    "invalid_op": _SUPPORT,
    "too_large": _SUPPORT,
    "attachment_too_large": _RETAKE,
    "attachment_invalid": _RETAKE,
    "attachment_unavailable": _RETAKE,
}
_SERVER_FIELD_ADVICE: Mapping[str, Text] = {
    "monthly_contribution": Text.of(
        "Open this enrollment and submit it again: the contribution "
        "is worked out anew with the current rates."
    ),
    "base_version": _SUPPORT,
    "entity_id": _SUPPORT,
}
_DEFAULT_ADVICE = Text.of(
    "Ask the branch supervisor or support; the server's own message is in the details."
)
#: Conflicts the person settles by choosing a side (`resolve_conflict`).
RESOLVABLE = frozenset({"field_changed", "enrollment_accepted"})


def explain(
    code: str,
    field_name: str | None,
    current: Any,
    entity: str = "",
    fields: Mapping[str, Any] | None = None,
) -> tuple[Text, Text]:
    """What is wrong with a refused or conflicting op, and what to do, in both languages.

    The server's message is English; where the laptop can judge the same field itself (the
    domain rules are shared), the person reads the domain's own message in their language,
    and the rules only the server knows have their own texts here.
    """
    problem = PROBLEM.get(code, _DEFAULT_PROBLEM)
    advice = ADVICE.get(code, _DEFAULT_ADVICE)
    local = None
    if code == "invalid_field":
        local = _local_problem(entity, field_name, fields or {})
        if local is None and field_name is not None and field_name in _SERVER_FIELD_PROBLEM:
            problem = _SERVER_FIELD_PROBLEM[field_name]
            advice = _SERVER_FIELD_ADVICE[field_name]
        elif not field_name:
            problem = _WHOLE_RECORD_REFUSED
            advice = _WHOLE_RECORD_ADVICE
    elif code == "unknown_reference" and field_name not in ("business_id", "event_id"):
        problem = _UNKNOWN_RECORD  # the record itself (or its refused create), not a reference
    texts: dict[str, tuple[str, str]] = {}
    for lang in ("id", "en"):
        label = _label(field_name, lang) if field_name else "-"
        values = {"field": label, "code": code, "branch": "-", "enrolled_on": "-"}
        if isinstance(current, Mapping):
            values["branch"] = str(current.get("branch") or "-")
            values["enrolled_on"] = str(current.get("enrolled_on") or "-")
        said = (
            f"{label}: {local.message(lang)}"
            if local
            else problem.in_language(lang).format(**values)
        )
        texts[lang] = (said, advice.in_language(lang).format(**values))
    return Text(texts["id"][0], texts["en"][0]), Text(texts["id"][1], texts["en"][1])


#: A field of one worker line of an employer registration (`workers[3].nik`).
_WORKER_FIELD = re.compile(r"workers\[([0-9]+)\]\.([a-z_]+)")


def _label(field_name: str, lang: str) -> str:
    """The field's name as the person knows it; a worker's as "Worker 4: NIK"."""
    line = _WORKER_FIELD.fullmatch(field_name)
    if line is None:
        return keys.label("fields", field_name, lang)
    worker = Text.of("Worker {number}", number=int(line.group(1)) + 1).in_language(lang)
    return f"{worker}: {keys.label('fields', line.group(2), lang)}"


def _local_problem(
    entity: str, field_name: str | None, fields: Mapping[str, Any]
) -> validation.Problem | None:
    validate = validation.VALIDATORS.get(entity)
    if validate is not None and field_name and _WORKER_FIELD.fullmatch(field_name):
        field_name, fields = field_name, {"workers": fields.get("workers")}
        if not isinstance(fields["workers"], list):
            return None
        return next((p for p in validate(fields, partial=True) if p.field == field_name), None)
    if validate is None or not field_name or field_name not in fields:
        return None
    for problem in validate({field_name: fields[field_name]}, partial=True):
        if problem.field == field_name:
            return problem
    return None
