"""Field-level validation of business, visit and enrollment records in their wire form.

The same functions judge a form on the laptop and an op on the server (SYNC_PROTOCOL.md,
"Entities"): each returns a list of `Problem`s, one per bad field, with a stable code and a
message in Bahasa Indonesia and English. An empty list means the record is acceptable.

Server-set fields (`registered_by`, `agent_code`) are accepted and ignored. The enrollment's
`monthly_contribution` is checked for type here; whether it matches the quote depends on the
date, which the caller knows (`check_contribution`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agent_app.domain import clock, contributions, identity, keys
from agent_app.domain.messages import DomainError, Text


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang.startswith("en") else self.message_id


Check = Callable[[Any], Text | None]

_REQUIRED = Text("Wajib diisi.", "Required.")

#: Dates and times outside these years are refused: no person, visit or op is dated there,
#: and at the edges of Python's range a time zone conversion overflows.
MIN_YEAR, MAX_YEAR = 1900, 2199
_LINE_BREAKS = frozenset("\n\r\t")
# Bidirectional embedding, override and isolate marks: they make a shown text lie about
# its own order (Trojan Source, CVE-2021-42574).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL = Text("Berisi karakter kendali yang tidak boleh ada.", "Contains a control character.")


def _bad_character(value: str, multiline: bool) -> bool:
    """A control character (Unicode Cc: NUL, ESC, DEL...), a lone surrogate, a line or
    paragraph separator, or a bidi override; newline, CR and tab only in multi-line text."""
    if value.isprintable():  # the common case, in C: no Cc, Cs, Zl, Zp, Cf, Co or Cn at all
        return False
    for char in value:
        if multiline and char in _LINE_BREAKS:
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI_CONTROLS:
            return True
    return False


def _text(max_len: int = 200, *, multiline: bool = False) -> Check:
    """Text of at most `max_len` characters; newline, CR and tab only when `multiline`."""

    def check(value: Any) -> Text | None:
        if not isinstance(value, str):
            return Text("Harus berupa teks.", "Must be text.")
        if len(value) > max_len:
            return Text(f"Paling banyak {max_len} karakter.", f"At most {max_len} characters.")
        if _bad_character(value, multiline):
            return _CONTROL
        return None

    return check


def _nonempty_text(max_len: int = 200) -> Check:
    base = _text(max_len)

    def check(value: Any) -> Text | None:
        problem = base(value)
        if problem is None and not value.strip():
            return _REQUIRED
        return problem

    return check


def _optional(check: Check) -> Check:
    def wrapped(value: Any) -> Text | None:
        return None if value is None else check(value)

    return wrapped


def _choice(options: tuple[str, ...] | list[str]) -> Check:
    def check(value: Any) -> Text | None:
        # Same type and value: 1.0 and true are not the choice 1, nor "1" the choice 1.
        if not any(type(value) is type(option) and value == option for option in options):
            return Text("Pilihan tidak dikenal.", "Unknown choice.")
        return None

    return check


def _int(minimum: int | None = None, maximum: int | None = None) -> Check:
    def check(value: Any) -> Text | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return Text("Harus bilangan bulat.", "Must be a whole number.")
        if minimum is not None and value < minimum:
            return Text(f"Paling sedikit {minimum}.", f"At least {minimum}.")
        if maximum is not None and value > maximum:
            return Text(f"Paling banyak {maximum}.", f"At most {maximum}.")
        return None

    return check


def _number(low: float, high: float) -> Check:
    def check(value: Any) -> Text | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Text("Harus berupa angka.", "Must be a number.")
        if not low <= value <= high:
            return Text(f"Harus antara {low} dan {high}.", f"Must be between {low} and {high}.")
        return None

    return check


def _bool(value: Any) -> Text | None:
    return None if isinstance(value, bool) else Text("Harus ya atau tidak.", "Must be true/false.")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_OUT_OF_RANGE = Text(
    f"Tahun harus antara {MIN_YEAR} dan {MAX_YEAR}.",
    f"The year must be between {MIN_YEAR} and {MAX_YEAR}.",
)


def _date(value: Any) -> Text | None:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None if MIN_YEAR <= parsed.year <= MAX_YEAR else _OUT_OF_RANGE
    return Text("Tanggal tidak valid (TTTT-BB-HH).", "Invalid date (YYYY-MM-DD).")


def datetime_in_range(moment: dt.datetime) -> bool:
    """Whether an aware time's year, as written and in UTC, is within MIN_YEAR..MAX_YEAR
    (far enough from Python's limits that no time zone conversion of it can overflow)."""
    try:
        utc = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return False
    return MIN_YEAR <= moment.year <= MAX_YEAR and MIN_YEAR <= utc.year <= MAX_YEAR


def _datetime(value: Any) -> Text | None:
    if isinstance(value, str) and value.isascii() and _ISO_DATE.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None and parsed.utcoffset() is not None:
                return None if datetime_in_range(parsed) else _OUT_OF_RANGE
    return Text(
        "Waktu tidak valid (ISO 8601 dengan zona waktu).",
        "Invalid time (ISO 8601 with an offset).",
    )


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)


def _uuid(value: Any) -> Text | None:
    # The canonical lowercase form only (what str(uuid.UUID) gives): uuid.UUID() also takes
    # braces, "urn:uuid:", underscores and non-ASCII digits, stored as sent and matching nothing.
    if isinstance(value, str) and _UUID.fullmatch(value):
        return None
    return Text("Pengenal tidak valid.", "Invalid id.")


def _from_domain(fn: Callable[[str], Any]) -> Check:
    def check(value: Any) -> Text | None:
        if not isinstance(value, str):
            return Text("Harus berupa teks.", "Must be text.")
        try:
            fn(value)
        except DomainError as error:
            return error.text
        return None

    return check


def _e164_phone(value: Any) -> Text | None:
    problem = _from_domain(identity.normalize_phone)(value)
    if problem is None and identity.normalize_phone(value) != value:
        return Text("Nomor HP harus dalam bentuk +628....", "The mobile number must be +628....")
    return problem


_NIB_DIGITS = re.compile(r"[0-9]{13}", re.ASCII)


def _nib(value: Any) -> Text | None:
    problem = _from_domain(identity.check_nib)(value)
    if problem is None and not _NIB_DIGITS.fullmatch(value):  # as stored: no spaces
        return identity.InvalidNib().text
    return problem


def _region(value: Any) -> Text | None:
    if isinstance(value, str) and identity.is_region_code(value):
        return None
    return Text(
        "Kode wilayah tidak valid (contoh 16.71.03).", "Invalid region code (e.g. 16.71.03)."
    )


_PROGRAM_KEY = re.compile(r"[A-Z]{1,10}", re.ASCII)


def _programs(value: Any) -> Text | None:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        return Text("Daftar program tidak valid.", "Invalid list of programs.")
    if len(set(value)) != len(value):
        return Text("Program tercantum dua kali.", "A program is listed twice.")
    unknown = [p for p in value if p not in keys.PROGRAMS]
    if unknown:
        if not all(_PROGRAM_KEY.fullmatch(p) for p in unknown):  # never echo arbitrary text
            return Text("Daftar program tidak valid.", "Invalid list of programs.")
        return Text(
            f"Program {', '.join(unknown)} tidak tersedia untuk pekerja BPU.",
            f"Program {', '.join(unknown)} is not available to BPU workers.",
        )
    if "JKK" not in value or "JKM" not in value:
        return Text("JKK dan JKM wajib diikuti.", "JKK and JKM are mandatory.")
    return None


def _consent(value: Any) -> Text | None:
    if (
        isinstance(value, dict)
        and set(value) == {"text_version", "given_at"}
        and isinstance(value["text_version"], str)
        and value["text_version"].strip()
        and _text(100)(value["text_version"]) is None
        and _datetime(value["given_at"]) is None
    ):
        return None
    return Text(
        "Persetujuan pekerja belum tercatat (versi teks dan waktunya).",
        "The worker's consent is not recorded (text version and time).",
    )


_NIK_DIGITS = re.compile(r"[0-9]{16}", re.ASCII)


def _nik(value: Any) -> Text | None:
    # ASCII digits only: str.isdigit() also takes Arabic-Indic or full-width digits.
    if isinstance(value, str) and not _NIK_DIGITS.fullmatch(value):
        return Text("NIK harus 16 digit angka.", "A NIK must be 16 digits.")
    return _from_domain(identity.parse_nik)(value)


@dataclass(frozen=True, slots=True)
class _Spec:
    fields: Mapping[str, Check]
    required: frozenset[str]
    server_set: frozenset[str]


BUSINESS = _Spec(
    fields={
        "name": _nonempty_text(200),
        "owner_name": _optional(_text(200)),
        "phone": _optional(_e164_phone),
        "sector": _optional(_choice(keys.SECTORS)),
        "size_class": _optional(_choice([s.value for s in keys.SizeClass])),
        "workers_count": _optional(_int(0, 1_000_000)),
        "address": _optional(_text(500, multiline=True)),
        "region_code": _optional(_region),
        "nib": _optional(_nib),
        "latitude": _optional(_number(-90, 90)),
        "longitude": _optional(_number(-180, 180)),
        "status": _choice([s.value for s in keys.BusinessStatus]),
        "event_id": _optional(_uuid),
    },
    required=frozenset({"name"}),
    server_set=frozenset({"registered_by"}),
)

VISIT = _Spec(
    fields={
        "business_id": _uuid,
        "visited_at": _datetime,
        "channel": _optional(_choice([c.value for c in keys.VisitChannel])),
        "outcome": _optional(_choice([o.value for o in keys.VisitOutcome])),
        "reason": _optional(_text(500, multiline=True)),
        "notes": _optional(_text(4000, multiline=True)),
        "next_follow_up": _optional(_date),
        "event_id": _optional(_uuid),
    },
    required=frozenset({"business_id", "visited_at"}),
    server_set=frozenset({"agent_code"}),
)

ENROLLMENT = _Spec(
    fields={
        "nik": _nik,
        "full_name": _nonempty_text(200),
        "birth_place": _optional(_text(100)),
        "birth_date": _date,
        "gender": _choice([g.value for g in keys.Gender]),
        "phone": _e164_phone,
        "email": _optional(_text(254)),
        "address": _optional(_text(500, multiline=True)),
        "region_code": _optional(_region),
        "occupation": _choice(keys.OCCUPATIONS),
        "declared_income": _int(0, 10_000_000_000),
        "programs": _programs,
        "period_months": _choice([1, 3, 6, 12]),  # type: ignore[list-item]
        "paid_by_state": _bool,
        "monthly_contribution": _int(0, 10_000_000_000),
        "consent": _consent,
        "business_id": _optional(_uuid),
        "event_id": _optional(_uuid),
        "status": _choice(
            [s.value for s in keys.EnrollmentStatus if s is not keys.EnrollmentStatus.DRAFT]
        ),
        "review_reason": _optional(_text(1000, multiline=True)),
        "membership_number": _optional(_text(40)),
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

#: The protected enrollment fields only a supervisor (or the central system) may change.
ENROLLMENT_PROTECTED = frozenset({"status", "review_reason", "membership_number"})


def _validate(spec: _Spec, fields: Mapping[str, Any], partial: bool) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(fields, Mapping):
        return [Problem("", "invalid_field", "Data tidak valid.", "Invalid data.")]
    for name, value in fields.items():
        if name in spec.server_set:
            continue
        check = spec.fields.get(name)
        if check is None:
            problems.append(
                Problem(name, "invalid_field", "Isian tidak dikenal.", "Unknown field.")
            )
            continue
        text = check(value)
        if text is not None:
            problems.append(Problem(name, "invalid_field", text.id, text.en))
    if not partial:
        for name in sorted(spec.required - set(fields)):
            problems.append(Problem(name, "required", _REQUIRED.id, _REQUIRED.en))
    return problems


def validate_business(fields: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """Checks a business record (whole on create, `partial=True` for the changed fields)."""
    return _validate(BUSINESS, fields, partial)


def validate_visit(fields: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """Checks a visit record (whole on create, `partial=True` for the changed fields)."""
    return _validate(VISIT, fields, partial)


def validate_enrollment(
    fields: Mapping[str, Any], *, partial: bool = False, today: dt.date | None = None
) -> list[Problem]:
    """Checks an enrollment record, and on a whole record that its quote can be computed for
    `today` (the branch's day, docs/time.md; by default today in WIB)."""
    problems = _validate(ENROLLMENT, fields, partial)
    if not partial and not problems:
        quoted = _quote_for(fields, today or clock.today())
        if isinstance(quoted, Problem):
            problems.append(quoted)
    return problems


def check_contribution(fields: Mapping[str, Any], on: dt.date) -> Problem | None:
    """Whether `monthly_contribution` is the quote for the worker on the day `on`."""
    quoted = _quote_for(fields, on)
    if isinstance(quoted, Problem):
        return quoted
    expected = quoted.monthly_total
    if fields.get("monthly_contribution") != expected:
        return Problem(
            "monthly_contribution",
            "invalid_field",
            f"Iuran per bulan seharusnya Rp{expected:,}.".replace(",", "."),
            f"The monthly contribution should be Rp{expected:,}.",
        )
    return None


def _quote_for(fields: Mapping[str, Any], on: dt.date) -> contributions.Quote | Problem:
    """The worker's quote on the day `on`, or the problem that prevents one."""
    try:
        return contributions.quote(
            fields["declared_income"],
            fields["programs"],
            fields["period_months"],
            on,
            fields.get("occupation"),
            bool(fields.get("paid_by_state", False)),
        )
    except contributions.QuoteError as error:
        return Problem(error.field or "", error.code, error.text.id, error.text.en)


VALIDATORS: Mapping[str, Callable[..., list[Problem]]] = {
    keys.Entity.BUSINESS: validate_business,
    keys.Entity.VISIT: validate_visit,
    keys.Entity.ENROLLMENT: validate_enrollment,
}
