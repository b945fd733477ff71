"""The review page of an employer registration (PU): the business, its owner (NIK masked),
size, sector, risk group and programs, the quote, the consent and evidence, then the workers,
each on one line with the NIK masked (200 of them stay one compact, numbered table, below the
decision so a reviewer never scrolls past them to accept). The page is `review_employer.html`;
the routes are the queue's (`pages.review`), the decisions `admin.review`'s."""

from __future__ import annotations

from typing import Any

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server.console import render

#: Shown in the queue and on the page: which kind of record a line is.
KIND_LABELS = {
    "enrollment": Text.of("BPU worker"),
    "employer": Text.of("Employer"),
}
SIZE_LABELS = {
    "mikro": Text.of("Micro"),
    "kecil": Text.of("Small"),
    "menengah": Text.of("Medium"),
    "besar": Text.of("Large"),
}
BASIS_LABELS = {
    "capital": Text.of("by business capital"),
    "sales": Text.of("by annual sales"),
}
YES_NO = {True: Text.of("Yes"), False: Text.of("No")}
GENDERS = {"F": Text.of("Female"), "M": Text.of("Male")}


def _money(value: Any, lang: str) -> str:
    return f"Rp {render.number(value, lang)}" if isinstance(value, int) else "-"


def _month(value: Any, lang: str) -> str:
    return f"{render.MONTHS[lang][value.month - 1]} {value.year}"


def _risk(fields: dict[str, Any], lang: str) -> str:
    group = fields.get("risk_group") or "-"
    if fields.get("risk_group_assigned"):
        return Text.of("{group} (assigned by BPJS)", group=group).in_language(lang)
    return Text.of("{group} (proposed from the sector)", group=group).in_language(lang)


def _size(fields: dict[str, Any], lang: str) -> str:
    size = SIZE_LABELS.get(fields.get("size_class") or "")
    basis = BASIS_LABELS.get(fields.get("size_basis") or "")
    shown = size.in_language(lang) if size else str(fields.get("size_class") or "-")
    return f"{shown}, {basis.in_language(lang)}" if basis else shown


def _programs(fields: dict[str, Any], lang: str) -> str:
    names = [
        f"{code} ({keys.label('programs', code, lang)})" for code in fields.get("programs") or []
    ]
    return ", ".join(names) or "-"


def business_rows(record: dict[str, Any], lang: str) -> list[tuple[str, Any]]:
    """(label, value) of the business and its registration, in reading order; empty values
    left out."""
    fields: dict[str, Any] = record["fields"]
    business = record.get("business") or {}
    owner = record["owner"]
    rows: list[tuple[Text, Any]] = [
        (Text.of("Business"), business.get("name")),
        (Text.of("Address"), business.get("address")),
        (Text.of("NIB"), fields.get("nib")),
        (Text.of("NPWP"), fields.get("npwp")),
        (Text.of("Owner"), owner.get("name")),
        (Text.of("Owner's NIK"), owner.get("nik_masked")),
        (Text.of("Owner's phone"), owner.get("phone_masked")),
        (Text.of("Size class"), _size(fields, lang)),
        (Text.of("Sector"), keys.label("sectors", str(fields.get("sector")), lang)),
        (Text.of("Risk group"), _risk(fields, lang)),
        (Text.of("Programs"), _programs(fields, lang)),
        (Text.of("Start date"), render.day(fields.get("start_date"), lang)),
        (Text.of("Employer number (NPP)"), fields.get("npp")),
        (Text.of("Reason sent back"), fields.get("review_reason")),
    ]
    return [(label.in_language(lang), value) for label, value in rows if value not in (None, "")]


def quote_rows(record: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The month's contribution: the employer's and the workers' shares and the total (the
    domain's quote; the amount the laptop sent when it cannot be quoted here)."""
    found = record.get("quote")
    if found is None:
        sent = record["fields"].get("monthly_contribution")
        return [(Text.of("Monthly contribution").in_language(lang), _money(sent, lang))]
    rows = [
        (Text.of("Contribution month"), _month(found["month"], lang)),
        (Text.of("Employer pays"), _money(found["employer_total"], lang)),
        (Text.of("Workers pay"), _money(found["worker_total"], lang)),
        (Text.of("Total a month"), _money(found["total"], lang)),
        (Text.of("Due by"), render.day(found["due_on"], lang)),
    ]
    return [(label.in_language(lang), value) for label, value in rows]


def consent_rows(record: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    consent = record["fields"].get("consent") or {}
    if not isinstance(consent, dict) or not consent:
        return [(Text.of("Consent").in_language(lang), Text.of("None").in_language(lang))]
    rows = [
        (Text.of("Consent text version"), str(consent.get("text_version") or "-")),
        (Text.of("Given at"), render.when(consent.get("given_at"), lang, "Asia/Jakarta")),
    ]
    if consent.get("signature_sha256"):
        rows.append((Text.of("Signed"), YES_NO[True].in_language(lang)))
    return [(label.in_language(lang), value) for label, value in rows]


def worker_lines(record: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The workers as the table shows them: number, masked NIK, name, birth date, gender,
    start date, wage, JKN and the month's contribution."""
    found = record.get("quote") or {}
    per_worker = found.get("per_worker") or []
    lines = []
    for index, worker in enumerate(record["workers"]):
        gender = GENDERS.get(worker.get("gender") or "")
        lines.append(
            {
                "number": index + 1,
                "nik_masked": worker["nik_masked"],
                "full_name": worker.get("full_name") or "-",
                "birth_date": render.day(worker.get("birth_date"), lang),
                "gender": gender.in_language(lang) if gender else "-",
                "start_date": render.day(worker.get("start_date"), lang),
                "wage": render.number(worker.get("monthly_wage"), lang),
                "jkn": YES_NO.get(worker.get("jkn") is True, YES_NO[False]).in_language(lang),
                "contribution": (
                    render.number(per_worker[index], lang) if index < len(per_worker) else "-"
                ),
                "reason": worker.get("wage_below_minimum_reason"),
            }
        )
    return lines


def context(record: dict[str, Any], lang: str) -> dict[str, Any]:
    """What `review_employer.html` shows besides the common parts of a review page."""
    return {
        "business_rows": business_rows(record, lang),
        "quote_rows": quote_rows(record, lang),
        "consent_rows": consent_rows(record, lang),
        "workers": worker_lines(record, lang),
        "kind_label": KIND_LABELS["employer"].in_language(lang),
    }
