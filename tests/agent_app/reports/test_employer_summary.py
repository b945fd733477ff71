"""The printable summary of an employer's registration (issue 17 item 3): masked NIKs, the
amounts in figures and words, the due date, and plainly that coverage starts only after the
first payment and the NPP, in both languages; its PDF (text and QR code) and who may print."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from helpers.niks import synthetic_nik

from agent_app.reports import employer_summary as report
from agent_app.services import employer_summary
from agent_app.services.actor import Actor
from agent_app.ui import printing

from .pdf import pdf_qr_codes, pdf_text

ROOT = Path(__file__).resolve().parents[3]
REGISTRATION_ID = "5f0c7d4e-9a3b-4c1d-8e2f-0a1b2c3d4e5f"
WAGES = (2_500_000, 3_000_000, 3_600_000)


def registration(**changes: Any) -> dict[str, Any]:
    """The worked example of DOMAIN.md, recorded in December 2026 (WIB)."""
    fields: dict[str, Any] = {
        "id": REGISTRATION_ID,
        "business_id": "00000000-0000-0000-0000-000000000001",
        "owner_name": "Candy Wijaya",
        "owner_nik": synthetic_nik(900),
        "npwp": None,
        "nib": "1234567890123",
        "size_class": "mikro",
        "sector": "kuliner",
        "risk_group": "I",
        "risk_group_assigned": False,
        "programs": ["JKK", "JKM", "JHT", "JP"],
        "workers": [
            {"nik": synthetic_nik(901 + i), "full_name": f"Pekerja {i}", "monthly_wage": wage}
            for i, wage in enumerate(WAGES)
        ],
        "monthly_contribution": 840_840,
        "status": "submitted",
        "npp": None,
        "agent_code": "PLG-001",
        "consent": {"text_version": "persetujuan-2026.1"},
        "recorded_at": dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC).isoformat(),
    }
    return {**fields, **changes}


def summary(**changes: Any) -> employer_summary.EmployerSummary:
    return employer_summary.from_registration(
        registration(**changes),
        "Pempek Candy",
        "Siti Aminah",
        dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        "Asia/Jakarta",
    )


def test_the_amounts_are_the_quote_of_the_month_recorded() -> None:
    s = summary()
    assert (s.employer_total, s.worker_total, s.total) == (567_840, 273_000, 840_840)
    assert s.month == dt.date(2026, 12, 1)
    assert s.due_on == dt.date(2027, 1, 15)
    assert [w.total for w in s.workers] == [231_000, 277_200, 332_640]
    assert sum(w.total for w in s.workers) == s.total


def test_the_page_masks_niks_and_says_amounts_in_words_and_when_coverage_starts() -> None:
    html = report.summary_html(summary())
    for number in (900, 901, 902, 903):
        nik = synthetic_nik(number)
        assert nik not in html
        assert f"{nik[:4]}********{nik[-4:]}" in html
    assert "Rp840.840" in html and "Rp567.840" in html and "Rp273.000" in html
    assert "Delapan ratus empat puluh ribu delapan ratus empat puluh rupiah" in html
    assert "Jumat, 15 Januari 2027" in html
    assert "setelah iuran pertama dibayar" in html and "(NPP)" in html
    assert "Coverage starts only after the first contribution is paid" in html
    assert "not proof of membership" in html
    assert "Total per month" in html and "Jumlah per bulan" in html


def test_the_npp_shows_once_accepted_and_a_reason_when_sent_back() -> None:
    assert "NPP-16-000123" in report.summary_html(summary(status="accepted", npp="NPP-16-000123"))
    sent_back = summary(status="needs_correction", review_reason="Upah tidak sesuai")
    assert "Upah tidak sesuai" in report.summary_html(sent_back)


def test_the_pdf_and_its_image(tmp_path: Path, qapp: Any) -> None:
    s = summary()
    path = printing.employer_summary_pdf(s, tmp_path / "ringkasan.pdf")
    text = " ".join(pdf_text(path).split())
    assert "Ringkasan pendaftaran pemberi kerja" in text
    assert "Rp840.840" in text
    assert synthetic_nik(901) not in text
    assert pdf_qr_codes(path) == [REGISTRATION_ID]
    # into docs/screenshots when asked (PERISAI_SCREENSHOTS=1), as the receipt's
    folder = ROOT / "docs" / "screenshots" if os.environ.get("PERISAI_SCREENSHOTS") else tmp_path
    png = printing.render_png(
        report.summary_html(s), folder / "employer_summary.png", printing.employer_images(s)
    )
    assert png.stat().st_size > 10_000
    assert printing.employer_file_name(s) == "ringkasan-pemberi-kerja-5f0c7d4e-2026-12-03.pdf"


@pytest.mark.parametrize(
    ("changes", "agent", "code"),
    [
        ({"agent_code": "PLG-002"}, "agent", "not_yours"),
        ({"status": "draft"}, "agent", "draft"),
    ],
)
def test_who_may_print(changes: dict[str, Any], agent: str, code: str) -> None:
    actor = Actor("PLG-001", "Siti Aminah", "PLG", agent)
    with pytest.raises(employer_summary.NoSummary) as refused:
        employer_summary._check_printable(registration(**changes), actor)
    assert refused.value.code == code
    supervisor = Actor("SPV-001", "Budi", "PLG", "supervisor")
    if code == "not_yours":
        assert employer_summary._check_printable(registration(**changes), supervisor)
