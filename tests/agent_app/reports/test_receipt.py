"""The enrollment receipt: due-date rule, the PDF's text and its QR code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from helpers.niks import fixture_nik

from agent_app.services import receipts
from agent_app.ui import printing

from .conftest import World
from .pdf import pdf_qr_codes, pdf_text


@pytest.mark.parametrize(
    ("year", "month", "due"),
    [
        (2027, 2, dt.date(2027, 2, 15)),  # a Monday, a working day
        (2026, 12, dt.date(2026, 12, 15)),  # a Tuesday
        (2026, 2, dt.date(2026, 2, 18)),  # Sunday 15th, cuti bersama 16th, Imlek 17th
        (2027, 3, dt.date(2027, 3, 16)),  # Monday 15th is Idulfitri 1448 H
        (2026, 8, dt.date(2026, 8, 18)),  # Saturday 15th, Monday 17th Independence Day
        (2026, 5, dt.date(2026, 5, 18)),  # Friday 15th: Kenaikan Yesus Kristus
        (2026, 11, dt.date(2026, 11, 16)),  # Sunday 15th
    ],
)
def test_due_date_is_the_15th_or_the_next_working_day(year: int, month: int, due: dt.date):
    assert receipts.due_date(year, month) == due


def test_first_due_date_rolls_into_the_next_month_after_the_due_date():
    assert receipts.first_due_date(dt.date(2027, 2, 1)) == dt.date(2027, 2, 15)
    assert receipts.first_due_date(dt.date(2027, 2, 15)) == dt.date(2027, 2, 15)
    assert receipts.first_due_date(dt.date(2027, 2, 16)) == dt.date(2027, 3, 16)  # Idulfitri
    assert receipts.first_due_date(dt.date(2026, 8, 17)) == dt.date(2026, 8, 18)
    assert receipts.first_due_date(dt.date(2026, 12, 20)) == dt.date(2027, 1, 15)


def test_receipt_pdf_text_amounts_words_and_masked_nik(world: World, tmp_path: Path, qapp):
    r = receipts.build_receipt(world.uow(), world.agent, world.ids["e1"])
    assert r.monthly_total == 16_800 and r.period_total == 16_800
    assert r.due_on == dt.date(2027, 1, 15)  # submitted Monday 11 Jan 2027
    path = printing.receipt_pdf(r, tmp_path / "bukti.pdf")
    text = pdf_text(path)
    assert "Bukti pendaftaran" in text
    assert "Siti Aminah" in text
    assert "1671********0001" in text
    assert fixture_nik(1) not in text and fixture_nik(1)[4:12] not in text
    assert "Jaminan Kecelakaan Kerja (JKK) Rp10.000" in text
    assert "Jaminan Kematian (JKM) Rp6.800" in text
    assert "Rp16.800 (Enam belas ribu delapan ratus rupiah)" in text
    assert "Jatuh tempo pembayaran pertama Jumat, 15 Januari 2027" in text
    assert "versi 2026.1 , diberikan pada 11 Januari 2027 pukul 09.00" in text.replace(
        "2026.1,", "2026.1 ,"
    )
    assert "Agen Satu (AG001)" in text
    assert "Sumsel Marketing, Palembang Indah Mall" in text
    assert world.ids["e1"] in text
    assert pdf_qr_codes(path) == [world.ids["e1"]]


def test_registration_number_is_copied_back_exactly_even_with_ff(world: World, tmp_path, qapp):
    """Hex ids contain "ff", which a proportional font draws as one ligature glyph: the PDF
    then reads "\ufb00" and a person copying the number gets a wrong one (CI caught this
    for 1 id in ~16)."""
    r = receipts.build_receipt(world.uow(), world.agent, world.ids["e1"])
    number = "70117025-1105-40b9-9bc6-c574ffc93682"
    r = dataclasses.replace(r, enrollment_id=number, membership_number="26110ff1")
    text = pdf_text(printing.receipt_pdf(r, tmp_path / "ff.pdf"))
    assert f"Nomor pendaftaran: {number}" in text
    assert "Nomor kepesertaan 26110ff1" in text
    assert "\ufb00" not in text


def test_receipt_for_a_period_with_jht(world: World, tmp_path: Path, qapp):
    r = receipts.build_receipt(world.uow(), world.agent, world.ids["e2"])
    assert (r.monthly_total, r.period_months, r.period_total) == (36_800, 3, 110_400)
    assert r.due_on == dt.date(2027, 2, 15)  # submitted 25 Jan, after January's due date
    text = pdf_text(printing.receipt_pdf(r, tmp_path / "b.pdf"))
    assert "Jaminan Hari Tua (JHT) Rp20.000" in text
    assert "Rp36.800 (Tiga puluh enam ribu delapan ratus rupiah)" in text
    assert "Jumlah untuk 3 bulan Rp110.400 (Seratus sepuluh ribu empat ratus rupiah)" in text
    assert "Senin, 15 Februari 2027" in text
    assert "Acara -" in text


def test_a_draft_has_no_receipt(world: World):
    with pytest.raises(receipts.NoReceipt):
        receipts.build_receipt(world.uow(), world.agent, world.ids["e4"])
    with pytest.raises(receipts.NoReceipt):
        receipts.build_receipt(world.uow(), world.agent, "no-such-id")


def test_only_its_agent_or_a_supervisor_gets_a_receipt(world: World):
    """The next agent on a shared laptop cannot print or save the last one's receipt."""
    with pytest.raises(receipts.NoReceipt) as refused:
        receipts.build_receipt(world.uow(), world.other, world.ids["e1"])
    assert refused.value.code == "not_yours"
    assert receipts.build_receipt(world.uow(), world.agent, world.ids["e1"]).full_name
    assert receipts.build_receipt(world.uow(), world.supervisor, world.ids["e1"]).full_name


def test_printing_a_receipt_is_audited(world: World):
    r = receipts.build_receipt(world.uow(), world.agent, world.ids["e1"])
    receipts.record_printed(world.uow(), world.agent, r, "pdf")
    with world.uow() as u:
        (entry,) = [a for a in u.audit.list(world.ids["e1"]) if a.action == "report.receipt"]
    assert entry.actor == "AG001" and entry.details == {"output": "pdf"}


def test_discount_is_named_on_the_receipt(qapp, tmp_path: Path):
    from agent_app.domain import keys, records

    enrollment = records.Enrollment(
        id="3f0c2a1e-1111-4222-8333-444455556666",
        nik=fixture_nik(9),
        full_name="Budi Santoso",
        birth_date=dt.date(1999, 9, 5),
        gender=keys.Gender.MALE,
        phone="+6281234567890",
        occupation="pengemudi",
        declared_income=2_000_000,
        consent=records.Consent("2026.1", dt.datetime(2026, 11, 2, 10, 30).astimezone()),
        status=keys.EnrollmentStatus.SUBMITTED,
        agent_code="AG001",
    )
    r = receipts.from_enrollment(enrollment, dt.date(2026, 11, 2), "Agen Satu", None)
    assert r.monthly_total == 10_000 + 3_400  # JKK 1% of 2.000.000 halved, JKM halved
    text = pdf_text(printing.receipt_pdf(r, tmp_path / "d.pdf"))
    assert "Diskon 50% JKK dan JKM untuk pekerja transportasi (PP 50/2025)" in text
    assert "Rp13.400 (Tiga belas ribu empat ratus rupiah)" in text
    assert "Senin, 16 November 2026" in text


@pytest.mark.parametrize(
    ("method", "signature", "said"),
    [
        ("signature", "a" * 64, "Persetujuan: tanda tangan, naskah 2026.1"),
        ("tick", None, "Persetujuan: centang, naskah 2026.1"),
    ],
)
def test_receipt_says_how_consent_was_given(
    qapp, tmp_path: Path, method: str, signature: str | None, said: str
):
    from agent_app.domain import keys, records

    enrollment = records.Enrollment(
        id="3f0c2a1e-1111-4222-8333-444455556677",
        nik=fixture_nik(9),
        full_name="Budi Santoso",
        birth_date=dt.date(1999, 9, 5),
        gender=keys.Gender.MALE,
        phone="+6281234567890",
        occupation="pedagang",
        declared_income=2_000_000,
        consent=records.Consent(
            "2026.1",
            dt.datetime(2026, 11, 2, 10, 30).astimezone(),
            "b" * 64,
            keys.ConsentMethod(method),
            signature,
        ),
        status=keys.EnrollmentStatus.SUBMITTED,
        agent_code="AG001",
    )
    r = receipts.from_enrollment(enrollment, dt.date(2026, 11, 2), "Agen Satu", None)
    assert r.consent_method == method
    text = " ".join(pdf_text(printing.receipt_pdf(r, tmp_path / "c.pdf")).split())
    assert said in text
