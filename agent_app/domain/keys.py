"""The stable keys shared by the app and the server (DOMAIN.md, "Keys shared by the app and the
server") and the closed enumerations of the data model.

Open lists (sectors, occupations, programs) are read from `resources/keys.json`, so a new one
needs no code change; closed ones (statuses, channels) are enums because code branches on them.
keys.json names each key in English; its Indonesian name is in the message catalogue, under the
section's name as context (`resources/i18n/id.po`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from agent_app.domain import _resources, catalogue


class SizeClass(StrEnum):
    MIKRO = "mikro"
    KECIL = "kecil"
    MENENGAH = "menengah"
    BESAR = "besar"


class BusinessStatus(StrEnum):
    PROSPECT = "prospect"
    CONTACTED = "contacted"
    ENROLLED = "enrolled"
    DECLINED = "declined"


class VisitChannel(StrEnum):
    DOOR_TO_DOOR = "door_to_door"
    BOOTH = "booth"
    PHONE = "phone"


class VisitOutcome(StrEnum):
    INTERESTED = "interested"
    FOLLOW_UP = "follow_up"
    ENROLLED = "enrolled"
    DECLINED = "declined"


class EnrollmentStatus(StrEnum):
    DRAFT = "draft"  # never leaves the laptop
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NEEDS_CORRECTION = "needs_correction"


class Gender(StrEnum):
    MALE = "M"
    FEMALE = "F"


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    #: National office, all branches: the administration API sees every branch; on a laptop
    #: (and in the sync API) an admin acts as a supervisor of their own branch.
    ADMIN = "admin"


#: The roles that supervise a branch (the sync API and the laptop treat them alike).
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})


class Entity(StrEnum):
    BUSINESS = "business"
    VISIT = "visit"
    ENROLLMENT = "enrollment"


#: The entity of an employer's (PU) registration with its workers (pushed; DOMAIN.md
#: "Registering an UMKM as an employer"). Not yet in the sync protocol's entity list.
EMPLOYER_REGISTRATION = "employer_registration"
#: What an employer's size class is judged by: its capital or its annual sales.
SIZE_BASES: tuple[str, ...] = ("capital", "sales")
#: The work-accident risk groups BPJS assigns to an employer (JKK's rate by group).
RISK_GROUPS: tuple[str, ...] = ("I", "II", "III", "IV", "V")
#: The programs an employer registers its workers in (the size's minimum in the quote's table).
EMPLOYER_PROGRAMS: tuple[str, ...] = ("JKK", "JKM", "JHT", "JP")


#: The entity of a supervisor's assignment on the wire (pulled; an agent pushes only an
#: `update` of its `status`, SYNC_PROTOCOL.md 1.1).
ASSIGNMENT = "assignment"


class AssignmentKind(StrEnum):
    VISIT = "visit"
    FOLLOW_UP = "follow_up"
    ENROLL = "enroll"


class AssignmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


#: The longest note a supervisor writes on an assignment.
ASSIGNMENT_NOTE_MAX = 500


class AttachmentKind(StrEnum):
    """What an attachment shows (SYNC_PROTOCOL.md 1.1 "Attachments")."""

    KTP_PHOTO = "ktp_photo"
    STOREFRONT_PHOTO = "storefront_photo"
    CONSENT_SIGNATURE = "consent_signature"
    DOCUMENT = "document"


#: The attachment kinds each entity's `attachments` may hold.
ATTACHMENT_KINDS: dict[str, frozenset[str]] = {
    "enrollment": frozenset(k.value for k in AttachmentKind),
    "business": frozenset(k.value for k in AttachmentKind),
    "visit": frozenset({AttachmentKind.STOREFRONT_PHOTO.value, AttachmentKind.DOCUMENT.value}),
}
#: The media types an attachment may have (the server checks the bytes are one of them).
ATTACHMENT_MEDIA_TYPES: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp")
#: The most attachments one record references.
MAX_ATTACHMENTS = 12
#: The largest attachment a record may reference, in bytes (the server's
#: `max_attachment_bytes` may be lower; the laptop's photos are about 300 KB).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class ConsentMethod(StrEnum):
    """How a person gave consent: a tick on the screen, or a signature on the pad."""

    TICK = "tick"
    SIGNATURE = "signature"


#: The entity of a published consent text on the wire (pulled only; SYNC_PROTOCOL.md 1.1).
CONSENT_TEXT = "consent_text"


#: Why a reviewer sends an enrollment back (the enrollment's `review_reason_code`, set by the
#: server with the reason's words in `review_reason`). `photo_unclear` leads the agent on the
#: laptop straight to retaking the KTP photo.
REVIEW_REASONS: tuple[str, ...] = (
    "nik_unreadable",
    "data_mismatch",
    "incomplete",
    "wrong_program",
    "photo_unclear",
    "other",
)


class OpKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


def _keys(section: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = _resources.load_json("keys.json")[section]
    return data


SECTORS: tuple[str, ...] = tuple(item["key"] for item in _keys("sectors"))
OCCUPATIONS: tuple[str, ...] = tuple(item["key"] for item in _keys("occupations"))
TRANSPORT_OCCUPATIONS: frozenset[str] = frozenset(
    item["key"] for item in _keys("occupations") if item.get("transport")
)
#: Every program of BPJS Ketenagakerjaan; BPU workers may join only some (see contributions).
ALL_PROGRAMS: tuple[str, ...] = tuple(item["key"] for item in _keys("programs"))
#: The programs a BPU enrollment may carry on the wire.
PROGRAMS: tuple[str, ...] = ("JKK", "JKM", "JHT")


def label(section: str, key: str, lang: str = "id") -> str:
    """The display name of a key (`section` is sectors, occupations or programs)."""
    for item in _keys(section):
        if item["key"] == key:
            return catalogue.translate(str(item["en"]), lang, context=section)
    return key
