"""Turns what a form hands over into wire-form fields, and writes changes with their op.

Forms may pass dates, datetimes, enums or text as typed: values are converted to the wire form
(SYNC_PROTOCOL.md), text is stripped, empty text becomes None, a mobile number becomes E.164 and
a NIK or NIB loses its spaces. Validation then judges the wire form with the same functions the
server uses (`agent_app.domain.validation`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from agent_app.domain import identity, validation
from agent_app.domain.messages import DomainError
from agent_app.services.errors import ValidationFailed
from agent_app.storage import wire
from agent_app.storage.uow import SqlUnitOfWork

_SEPARATORS = re.compile(r"[\s.\-]")
_INT_FIELDS = frozenset({"workers_count", "declared_income", "period_months"})
_FLOAT_FIELDS = frozenset({"latitude", "longitude"})
# "Rp1.500.000", "1,500,000", "1 500 000": thousands separators as typed in Indonesia.
_MONEY = re.compile(r"(?i)^\s*(rp\.?)?\s*(\d{1,3}([.,\s]\d{3})+|\d+)\s*$")


def _number(name: str, value: str) -> Any:
    """A number typed as text, as a number (left as text when it is not one)."""
    if name in _INT_FIELDS:
        match = _MONEY.match(value)
        if match:
            return int(re.sub(r"\D", "", match.group(2)))
    elif name in _FLOAT_FIELDS:
        try:
            return float(value.replace(",", "."))
        except ValueError:
            pass
    return value


def unknown_field(name: str) -> validation.Problem:
    return validation.Problem(name, "invalid_field", "Isian tidak dikenal.", "Unknown field.")


def required(name: str) -> validation.Problem:
    return validation.Problem(name, "required", "Wajib diisi.", "Required.")


def clean(
    fields: Mapping[str, Any], allowed: Iterable[str], *, lenient: bool = False
) -> tuple[dict[str, Any], list[validation.Problem]]:
    """Wire-form values of the allowed fields, and the problems found while converting.

    Args:
        fields: what the form holds.
        allowed: the field names the caller may set.
        lenient: keep a phone number that does not parse as typed (drafts) instead of
            reporting it.
    """
    allowed = set(allowed)
    out: dict[str, Any] = {}
    problems: list[validation.Problem] = []
    for name, raw in fields.items():
        if name not in allowed:
            problems.append(unknown_field(name))
            continue
        try:
            value = wire.value_to_wire(raw)
        except ValueError:
            problems.append(
                validation.Problem(
                    name,
                    "invalid_field",
                    "Waktu harus memakai zona waktu.",
                    "A time needs an offset.",
                )
            )
            continue
        if isinstance(value, str):
            value = value.strip() or None
        if isinstance(value, str) and name in _INT_FIELDS | _FLOAT_FIELDS:
            value = _number(name, value)
        if value is not None and name in ("nik", "nib"):
            value = _SEPARATORS.sub("", str(value))
        if value is not None and name == "phone":
            try:
                value = identity.normalize_phone(str(value))
            except DomainError as error:
                if not lenient:
                    problems.append(
                        validation.Problem("phone", error.code, error.text.id, error.text.en)
                    )
        out[name] = value
    return out, problems


def check(problems: list[validation.Problem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def write_change(
    uow: SqlUnitOfWork,
    *,
    actor_code: str,
    action: str,
    entity: str,
    entity_id: str,
    kind: str,
    base_version: int | None,
    fields: Mapping[str, Any],
    details: Mapping[str, Any] | None = None,
    record: Mapping[str, Any] | None = None,
) -> None:
    """Writes the outbox op and the audit entry of a change already made in this uow.

    An update of a record whose create op has not left the laptop amends that create op
    instead (an update needs a server version the record does not have yet). If the server
    refused the record's create, nothing of it exists there: the corrected record (`record`,
    its whole wire form) goes as a new create, so following the Sync page's "correct it and
    send it again" reaches the server. Without `record`, or while the create is still on its
    way, the update waits for the create's answer (`LocalStore.pending_ops`).
    """
    if kind == "update" and base_version is None:
        if uow.outbox.fold_into_pending_create(entity_id, fields):
            pass
        elif record is not None and not uow.outbox.entities_with_unsettled_create([entity_id]):
            uow.outbox.add(entity, entity_id, "create", None, dict(record))
        else:
            uow.outbox.add(entity, entity_id, kind, None, fields)
    else:
        uow.outbox.add(entity, entity_id, kind, base_version, fields)
    audit_details = {"fields": sorted(fields)}
    audit_details.update(details or {})
    uow.audit.add(actor_code, action, entity, entity_id, audit_details)
