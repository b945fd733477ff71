"""Conversions between domain records, table rows and the wire form of SYNC_PROTOCOL.md.

The wire form is what an op's `fields` hold: dates `YYYY-MM-DD`, times ISO 8601 with offset,
money whole rupiah, enums as their keys, programs a list, consent an object (two keys in 1.0,
five in 1.1), attachments a list of references (SYNC_PROTOCOL.md 1.1). Server-set
fields (`registered_by`, `agent_code`) are never sent. The table columns have the wire names,
so a row turns into a record (and back) field by field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any

from agent_app.domain import keys, records, validation

#: The fields a laptop sends, per entity, in wire order.
BUSINESS_FIELDS = (
    "name",
    "owner_name",
    "phone",
    "sector",
    "size_class",
    "workers_count",
    "address",
    "region_code",
    "nib",
    "latitude",
    "longitude",
    "accuracy_m",
    "status",
    "event_id",
    "attachments",
)
VISIT_FIELDS = (
    "business_id",
    "visited_at",
    "channel",
    "outcome",
    "reason",
    "notes",
    "next_follow_up",
    "event_id",
    "latitude",
    "longitude",
    "accuracy_m",
    "attachments",
)
ENROLLMENT_FIELDS = (
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "gender",
    "phone",
    "email",
    "address",
    "region_code",
    "occupation",
    "declared_income",
    "programs",
    "period_months",
    "paid_by_state",
    "monthly_contribution",
    "consent",
    "business_id",
    "event_id",
    "status",
    "review_reason",
    "review_reason_code",
    "membership_number",
    "attachments",
)
EMPLOYER_REGISTRATION_FIELDS = (
    "business_id",
    "nib",
    "npwp",
    "owner_nik",
    "owner_name",
    "owner_phone",
    "size_class",
    "size_basis",
    "sector",
    "region_code",
    "risk_group",
    "risk_group_assigned",
    "start_date",
    "programs",
    "workers",
    "monthly_contribution",
    "consent",
    "status",
    "review_reason",
    "review_reason_code",
    "npp",
)
#: One worker line of an employer registration, in wire order.
EMPLOYER_WORKER_FIELDS = (
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "gender",
    "start_date",
    "monthly_wage",
    "jkn",
    "wage_below_minimum_reason",
)
FIELDS: Mapping[str, tuple[str, ...]] = {
    keys.Entity.BUSINESS: BUSINESS_FIELDS,
    keys.Entity.VISIT: VISIT_FIELDS,
    keys.Entity.ENROLLMENT: ENROLLMENT_FIELDS,
    keys.EMPLOYER_REGISTRATION: EMPLOYER_REGISTRATION_FIELDS,
}
#: The owner fields the server sets, per entity: the domain's (`validation`'s `server_set`).
SERVER_SET: Mapping[str, frozenset[str]] = {
    keys.Entity.BUSINESS: validation.BUSINESS.server_set,
    keys.Entity.VISIT: validation.VISIT.server_set,
    keys.Entity.ENROLLMENT: validation.ENROLLMENT.server_set,
    keys.EMPLOYER_REGISTRATION: validation.EMPLOYER_REGISTRATION.server_set,
}


_PLAIN = frozenset({str, int, float, bool, type(None)})


def value_to_wire(value: Any) -> Any:
    """One value in its wire form."""
    if type(value) in _PLAIN:  # the most common case first (an enum's type is its own)
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a time on the wire needs an offset")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, records.Consent):
        return consent_to_wire(value)
    if isinstance(value, records.Attachment):
        return {
            "kind": value.kind.value,
            "sha256": value.sha256,
            "media_type": value.media_type,
            "size": value.size,
            "taken_at": value_to_wire(value.taken_at),
        }
    if isinstance(value, records.EmployerWorker):
        return {name: value_to_wire(getattr(value, name)) for name in EMPLOYER_WORKER_FIELDS}
    if isinstance(value, tuple | list):
        return [value_to_wire(v) for v in value]
    return value


def consent_to_wire(consent: records.Consent) -> dict[str, Any]:
    """A 1.1 consent (with the shown text's hash) in its five keys; one recorded before 1.1
    (no hash) in the two keys of 1.0, so that it stays the payload it was."""
    given = value_to_wire(consent.given_at)
    if consent.text_sha256 is None:
        return {"text_version": consent.text_version, "given_at": given}
    return {
        "text_version": consent.text_version,
        "text_sha256": consent.text_sha256,
        "given_at": given,
        "method": consent.method.value,
        "signature_sha256": consent.signature_sha256,
    }


def value_to_db(value: Any) -> Any:
    """One record value as its column holds it (dates stay dates for `Date` columns)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return value_to_wire(value)


def to_wire(record: Any, entity: str) -> dict[str, Any]:
    """The whole record in wire form (the `fields` of a create op)."""
    return {name: value_to_wire(getattr(record, name)) for name in FIELDS[entity]}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The wire fields of `new` that differ from `old` (the `fields` of an update op).

    A field missing from `old` counts as null there.
    """
    return {name: value for name, value in new.items() if old.get(name) != value}


def parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def parse_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def _enum(kind: type[Enum], value: Any) -> Any:
    return None if value is None else kind(value)


def _consent(value: Any) -> records.Consent | None:
    if not value:
        return None
    given = parse_datetime(value.get("given_at"))
    assert given is not None
    return records.Consent(
        text_version=value["text_version"],
        given_at=given,
        text_sha256=value.get("text_sha256"),
        method=keys.ConsentMethod(value.get("method") or keys.ConsentMethod.TICK),
        signature_sha256=value.get("signature_sha256"),
    )


def attachments_from_wire(value: Any) -> tuple[records.Attachment, ...]:
    """The wire (or column) list of attachments as records; None is none."""
    return tuple(
        records.Attachment(
            kind=keys.AttachmentKind(item["kind"]),
            sha256=item["sha256"],
            media_type=item["media_type"],
            size=item["size"],
            taken_at=parse_datetime(item.get("taken_at")),
        )
        for item in value or ()
    )


def _columns(row: Any, record_type: type) -> dict[str, Any]:
    return {
        f.name: getattr(row, f.name)
        for f in dataclasses.fields(record_type)
        if hasattr(row, f.name)
    }


def business_from_row(row: Any) -> records.Business:
    values = _columns(row, records.Business)
    values["size_class"] = _enum(keys.SizeClass, values["size_class"])
    values["status"] = keys.BusinessStatus(values["status"])
    values["attachments"] = attachments_from_wire(values.get("attachments"))
    return records.Business(**values)


def visit_from_row(row: Any) -> records.Visit:
    values = _columns(row, records.Visit)
    values["visited_at"] = parse_datetime(values["visited_at"])
    values["channel"] = keys.VisitChannel(values["channel"])
    values["outcome"] = keys.VisitOutcome(values["outcome"])
    values["next_follow_up"] = parse_date(values["next_follow_up"])
    values["attachments"] = attachments_from_wire(values.get("attachments"))
    return records.Visit(**values)


def enrollment_from_row(row: Any) -> records.Enrollment:
    values = _columns(row, records.Enrollment)
    values["gender"] = _enum(keys.Gender, values["gender"])
    values["status"] = keys.EnrollmentStatus(values["status"])
    values["programs"] = tuple(values["programs"] or ())
    values["consent"] = _consent(values["consent"])
    values["extra"] = dict(values.get("extra") or {})
    values["attachments"] = attachments_from_wire(values.get("attachments"))
    return records.Enrollment(**values)


def _worker(value: Mapping[str, Any]) -> records.EmployerWorker:
    return records.EmployerWorker(
        nik=value["nik"],
        full_name=value["full_name"],
        birth_date=parse_date(value["birth_date"]),  # type: ignore[arg-type]
        gender=keys.Gender(value["gender"]),
        start_date=parse_date(value["start_date"]),  # type: ignore[arg-type]
        monthly_wage=value["monthly_wage"],
        jkn=bool(value["jkn"]),
        birth_place=value.get("birth_place"),
        wage_below_minimum_reason=value.get("wage_below_minimum_reason"),
    )


def employer_registration_from_row(row: Any) -> records.EmployerRegistration:
    values = _columns(row, records.EmployerRegistration)
    values["size_class"] = keys.SizeClass(values["size_class"])
    values["status"] = keys.EnrollmentStatus(values["status"])
    values["start_date"] = parse_date(values["start_date"])
    values["programs"] = tuple(values["programs"] or ())
    values["workers"] = tuple(_worker(w) for w in values["workers"] or ())
    values["consent"] = _consent(values["consent"])
    values["recorded_at"] = parse_datetime(values["recorded_at"])
    return records.EmployerRegistration(**values)


def record_values(record: Any) -> dict[str, Any]:
    """A record's fields as column values (for an insert or update)."""
    return {f.name: value_to_db(getattr(record, f.name)) for f in dataclasses.fields(record)}


def from_wire(entity: str, entity_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Pulled wire fields as column values (dates parsed; unknown fields dropped)."""
    allowed = (*FIELDS[entity], *sorted(SERVER_SET[entity]))
    values = {name: fields[name] for name in allowed if name in fields}
    for name in ("birth_date", "next_follow_up", "start_date"):
        if name in values:
            values[name] = parse_date(values[name])
    values["id"] = entity_id
    return values


_RECORD_ENUMS: Mapping[str, Mapping[str, type[Enum]]] = {
    keys.Entity.BUSINESS: {"size_class": keys.SizeClass, "status": keys.BusinessStatus},
    keys.Entity.VISIT: {"channel": keys.VisitChannel, "outcome": keys.VisitOutcome},
    keys.Entity.ENROLLMENT: {"gender": keys.Gender, "status": keys.EnrollmentStatus},
    keys.EMPLOYER_REGISTRATION: {
        "size_class": keys.SizeClass,
        "status": keys.EnrollmentStatus,
    },
}


def record_changes(entity: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Wire values turned into record values (enums, dates, tuples), for `dataclasses.replace`.

    A value that does not convert (a bad date, an unknown key) is kept as it is: validation of
    the wire form reports it.
    """
    enums = _RECORD_ENUMS[entity]
    out: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            if value is None:
                out[name] = () if name == "attachments" else None
            elif name in enums:
                out[name] = enums[name](value)
            elif name in ("birth_date", "next_follow_up"):
                out[name] = parse_date(value)
            elif name == "visited_at":
                out[name] = parse_datetime(value)
            elif name == "programs":
                out[name] = tuple(value)
            elif name == "consent":
                out[name] = _consent(value)
            elif name == "attachments":
                out[name] = attachments_from_wire(value)
            else:
                out[name] = value
        except (ValueError, TypeError, AttributeError, KeyError, AssertionError):
            out[name] = value
    return out
