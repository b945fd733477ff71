"""Plain records of the data model (ARCHITECTURE.md, "Data model").

These are what services hand to the UI and what crosses threads: frozen dataclasses of plain
values, never ORM objects. Ids are UUID strings made on the laptop; `version` is the entity
version the server last confirmed (None until the first sync).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agent_app.domain.keys import (
    AttachmentKind,
    BusinessStatus,
    ConsentMethod,
    EnrollmentStatus,
    Gender,
    Role,
    SizeClass,
    VisitChannel,
    VisitOutcome,
)


@dataclass(frozen=True, slots=True)
class Branch:
    code: str
    name: str
    region_code: str | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    code: str
    name: str
    branch: str
    role: Role = Role.AGENT


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    name: str
    branch: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    scope: str  # branch | event | agent
    scope_id: str
    metric: str  # enrollments | businesses | visits | employers
    goal: int
    period_start: dt.date
    period_end: dt.date


@dataclass(frozen=True, slots=True)
class Assignment:
    """A business a supervisor gave this agent to visit, follow up or enroll by `due_on`
    (pulled; the agent marks it done). `business_name` is None when this laptop does not
    have the business (yet)."""

    id: str
    business_id: str
    agent_code: str
    kind: str  # visit | follow_up | enroll
    due_on: dt.date
    note: str | None
    status: str  # open | done (a cancelled one is dropped)
    version: int | None = None
    business_name: str | None = None
    #: The business's partner list, if it came from one (see `Business.partner_source`).
    partner_source: str | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.status == "open" and self.due_on < today


@dataclass(frozen=True, slots=True)
class Business:
    id: str
    name: str
    owner_name: str | None = None
    phone: str | None = None  # E.164
    sector: str | None = None
    size_class: SizeClass | None = None
    workers_count: int | None = None
    address: str | None = None
    region_code: str | None = None
    nib: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    #: The position's accuracy in metres (with latitude and longitude, or None).
    accuracy_m: float | None = None
    status: BusinessStatus = BusinessStatus.PROSPECT
    event_id: str | None = None
    registered_by: str | None = None
    version: int | None = None
    attachments: tuple[Attachment, ...] = ()
    #: The partner whose prospect list it came from ("HIPMI Sumsel"): server-set, pulled.
    partner_source: str | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    id: str
    business_id: str
    visited_at: dt.datetime
    channel: VisitChannel = VisitChannel.DOOR_TO_DOOR
    outcome: VisitOutcome = VisitOutcome.INTERESTED
    reason: str | None = None
    notes: str | None = None
    next_follow_up: dt.date | None = None
    event_id: str | None = None
    agent_code: str | None = None
    version: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or signature a record references by the SHA-256 of its bytes (lowercase hex);
    the bytes themselves live apart (the laptop's `attachments` table, the server's blob
    store)."""

    kind: AttachmentKind
    sha256: str
    media_type: str
    size: int
    taken_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    """The worker's consent. `text_sha256` is the SHA-256 of the published text shown (None
    in a 1.0 laptop's consent); `signature_sha256` the `consent_signature` attachment's, when
    `method` is `signature`."""

    text_version: str
    given_at: dt.datetime
    text_sha256: str | None = None
    method: ConsentMethod = ConsentMethod.TICK
    signature_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentText:
    """A consent text the central office published (pulled): shown exactly as it is."""

    version: str
    language: str  # "id" or "en"
    text: str
    sha256: str
    effective_from: dt.date


@dataclass(frozen=True, slots=True)
class Enrollment:
    id: str
    nik: str
    full_name: str
    birth_date: dt.date
    gender: Gender
    phone: str
    occupation: str
    declared_income: int
    programs: tuple[str, ...] = ("JKK", "JKM")
    period_months: int = 1
    paid_by_state: bool = False
    monthly_contribution: int | None = None
    birth_place: str | None = None
    email: str | None = None
    address: str | None = None
    region_code: str | None = None
    consent: Consent | None = None
    business_id: str | None = None
    event_id: str | None = None
    status: EnrollmentStatus = EnrollmentStatus.DRAFT
    review_reason: str | None = None
    #: Why it was sent back, as a code (`keys.REVIEW_REASONS`): the laptop leads to the fix.
    review_reason_code: str | None = None
    membership_number: str | None = None
    birth_date_override_reason: str | None = None
    agent_code: str | None = None
    version: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class EmployerWorker:
    """One worker line of an employer registration (its `workers`, in the line's order)."""

    nik: str
    full_name: str
    birth_date: dt.date
    gender: Gender
    start_date: dt.date
    monthly_wage: int
    jkn: bool
    birth_place: str | None = None
    wage_below_minimum_reason: str | None = None


@dataclass(frozen=True, slots=True)
class EmployerRegistration:
    """A business registered as an employer (PU) with its workers (DOMAIN.md, "Registering an
    UMKM as an employer"). Its review (`status`, `review_reason`, `review_reason_code`) and the
    employer number BPJS issues (`npp`) come from the server; `recorded_at` is when it was
    submitted here (its contribution month); `sync_state` is this laptop's (pending, synced,
    rejected, conflict)."""

    id: str
    business_id: str
    owner_name: str
    owner_phone: str  # E.164
    size_class: SizeClass
    size_basis: str  # capital | sales
    sector: str
    risk_group: str
    risk_group_assigned: bool
    start_date: dt.date
    programs: tuple[str, ...]
    workers: tuple[EmployerWorker, ...]
    monthly_contribution: int
    consent: Consent | None = None
    nib: str | None = None
    npwp: str | None = None
    owner_nik: str | None = None
    region_code: str | None = None
    status: EnrollmentStatus = EnrollmentStatus.SUBMITTED
    review_reason: str | None = None
    review_reason_code: str | None = None
    npp: str | None = None
    agent_code: str | None = None
    recorded_at: dt.datetime | None = None
    version: int | None = None
    sync_state: str | None = None

    @property
    def editable(self) -> bool:
        """Sent back for correction, or its create refused by the server (rejected, or a
        conflict such as a worker already enrolled elsewhere: nothing exists there)."""
        if self.status is EnrollmentStatus.NEEDS_CORRECTION:
            return True
        return (
            self.status is EnrollmentStatus.SUBMITTED
            and self.version is None
            and self.sync_state in ("rejected", "conflict")
        )
