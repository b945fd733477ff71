"""The field rules of each entity's wire form (SYNC_PROTOCOL.md, "Entities"): which check
judges each field, which fields are required, which the server sets, and the enrollment fields
only a supervisor (or the central system) may change. The one home of these rules: the forms,
the services, storage and the server read them here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from agent_app.domain import keys
from agent_app.domain.validation import checks, phones
from agent_app.domain.validation.checks import Check

#: The payment periods an enrollment may choose, in months.
PERIOD_MONTHS = (1, 3, 6, 12)


@dataclass(frozen=True, slots=True)
class FieldRules:
    fields: Mapping[str, Check]
    required: frozenset[str]
    server_set: frozenset[str]
    #: The checks of the fields a caller sets (`fields` but the server-set ones).
    judged: Mapping[str, Check] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        judged = {n: c for n, c in self.fields.items() if n not in self.server_set}
        object.__setattr__(self, "judged", judged)


#: Who a person is, as an enrollment and an employer's worker both give it.
_PERSON: Mapping[str, Check] = {
    "nik": checks.nik,
    "full_name": checks.nonempty_text(200),
    "birth_place": checks.optional(checks.text(100)),
    "birth_date": checks.iso_date,
    "gender": checks.choice([g.value for g in keys.Gender]),
}
#: Where a business is or a visit happened (all optional: the place is recorded only where the
#: operating system offers one).
_PLACE: Mapping[str, Check] = {
    "latitude": checks.optional(checks.number(-90, 90)),
    "longitude": checks.optional(checks.number(-180, 180)),
    "accuracy_m": checks.optional(checks.number(0, 100_000)),
}

BUSINESS = FieldRules(
    fields={
        "name": checks.nonempty_text(200),
        "owner_name": checks.optional(checks.text(200)),
        "phone": checks.optional(phones.e164_phone),
        "sector": checks.optional(checks.choice(keys.SECTORS)),
        "size_class": checks.optional(checks.choice([s.value for s in keys.SizeClass])),
        "workers_count": checks.optional(checks.whole_number(0, 1_000_000)),
        "address": checks.optional(checks.text(500, multiline=True)),
        "region_code": checks.optional(checks.region_code),
        "nib": checks.optional(checks.nib),
        **_PLACE,
        "status": checks.choice([s.value for s in keys.BusinessStatus]),
        "event_id": checks.optional(checks.canonical_uuid),
        "attachments": checks.attachments("business"),
    },
    required=frozenset({"name"}),
    server_set=frozenset({"registered_by", "partner_source"}),
)

VISIT = FieldRules(
    fields={
        "business_id": checks.canonical_uuid,
        "visited_at": checks.iso_datetime,
        "channel": checks.optional(checks.choice([c.value for c in keys.VisitChannel])),
        "outcome": checks.optional(checks.choice([o.value for o in keys.VisitOutcome])),
        "reason": checks.optional(checks.text(500, multiline=True)),
        "notes": checks.optional(checks.text(4000, multiline=True)),
        "next_follow_up": checks.optional(checks.iso_date),
        "event_id": checks.optional(checks.canonical_uuid),
        **_PLACE,
        "attachments": checks.attachments("visit"),
    },
    required=frozenset({"business_id", "visited_at"}),
    server_set=frozenset({"agent_code"}),
)

ENROLLMENT = FieldRules(
    fields={
        **_PERSON,
        "phone": phones.e164_phone,
        "email": checks.optional(checks.text(254)),
        "address": checks.optional(checks.text(500, multiline=True)),
        "region_code": checks.optional(checks.region_code),
        "occupation": checks.choice(keys.OCCUPATIONS),
        "declared_income": checks.whole_number(0, 10_000_000_000),
        "programs": checks.programs,
        "period_months": checks.choice(PERIOD_MONTHS),  # type: ignore[arg-type]
        "paid_by_state": checks.boolean,
        "monthly_contribution": checks.whole_number(0, 10_000_000_000),
        "consent": checks.consent,
        "business_id": checks.optional(checks.canonical_uuid),
        "event_id": checks.optional(checks.canonical_uuid),
        "status": checks.choice(
            [s.value for s in keys.EnrollmentStatus if s is not keys.EnrollmentStatus.DRAFT]
        ),
        "review_reason": checks.optional(checks.text(1000, multiline=True)),
        "review_reason_code": checks.optional(checks.choice(keys.REVIEW_REASONS)),
        "membership_number": checks.optional(checks.text(40)),
        "attachments": checks.attachments("enrollment"),
    },
    required=frozenset(
        {
            "nik",
            "full_name",
            "birth_date",
            "gender",
            "phone",
            "occupation",
            "declared_income",
            "programs",
            "period_months",
            "monthly_contribution",
            "consent",
        }
    ),
    server_set=frozenset({"agent_code"}),
)

ASSIGNMENT = FieldRules(
    fields={
        "business_id": checks.canonical_uuid,
        "agent_code": checks.nonempty_text(64),
        "kind": checks.choice([k.value for k in keys.AssignmentKind]),
        "due_on": checks.iso_date,
        "note": checks.optional(checks.text(keys.ASSIGNMENT_NOTE_MAX, multiline=True)),
        "status": checks.choice([s.value for s in keys.AssignmentStatus]),
    },
    required=frozenset({"business_id", "agent_code", "kind", "due_on", "status"}),
    server_set=frozenset(),
)

#: The protected enrollment fields only a supervisor (or the central system) may change.
ENROLLMENT_PROTECTED = frozenset(
    {"status", "review_reason", "review_reason_code", "membership_number"}
)

#: The most workers one employer registration lists (a larger employer registers at the branch).
MAX_WORKERS = 500
#: Why a wage may be below the regional minimum: at most this many characters.
WAGE_REASON_MAX = 500

#: One worker of an employer registration (the items of its `workers`).
EMPLOYER_WORKER = FieldRules(
    fields={
        **_PERSON,
        "start_date": checks.iso_date,
        "monthly_wage": checks.whole_number(1, 10_000_000_000),
        "jkn": checks.boolean,
        "wage_below_minimum_reason": checks.optional(checks.text(WAGE_REASON_MAX, multiline=True)),
    },
    required=frozenset(
        {"nik", "full_name", "birth_date", "gender", "start_date", "monthly_wage", "jkn"}
    ),
    server_set=frozenset(),
)

EMPLOYER_REGISTRATION = FieldRules(
    fields={
        "business_id": checks.canonical_uuid,
        "nib": checks.optional(checks.nib),
        "npwp": checks.optional(checks.npwp),
        "owner_nik": checks.optional(checks.nik),
        "owner_name": checks.nonempty_text(200),
        "owner_phone": phones.e164_phone,
        "size_class": checks.choice([s.value for s in keys.SizeClass]),
        "size_basis": checks.choice(list(keys.SIZE_BASES)),
        "sector": checks.choice(keys.SECTORS),
        "region_code": checks.optional(checks.region_code),
        "risk_group": checks.choice(list(keys.RISK_GROUPS)),
        "risk_group_assigned": checks.boolean,
        "start_date": checks.iso_date,
        "programs": checks.employer_programs(keys.EMPLOYER_PROGRAMS),
        "workers": checks.worker_list(MAX_WORKERS),
        "monthly_contribution": checks.whole_number(0, 10_000_000_000_000),
        "status": checks.choice(
            [s.value for s in keys.EnrollmentStatus if s is not keys.EnrollmentStatus.DRAFT]
        ),
        "review_reason": checks.optional(checks.text(1000, multiline=True)),
        "review_reason_code": checks.optional(checks.choice(keys.REVIEW_REASONS)),
        "npp": checks.optional(checks.text(40)),
        "consent": checks.consent_1_1,
    },
    required=frozenset(
        {
            "business_id",
            "owner_name",
            "owner_phone",
            "size_class",
            "size_basis",
            "sector",
            "risk_group",
            "risk_group_assigned",
            "start_date",
            "programs",
            "workers",
            "monthly_contribution",
            "consent",
        }
    ),
    server_set=frozenset({"agent_code"}),
)

#: The protected employer registration fields only a supervisor (or the central system) may
#: change: its review and the employer number BPJS issues (`npp`).
EMPLOYER_PROTECTED = frozenset({"status", "review_reason", "review_reason_code", "npp"})
