"""Prints reports and saves them as PDF: the enrollment receipt and the daily summary.

`agent_app.reports` builds each document as HTML (Qt-free); here a QTextDocument lays it out,
with images (the receipt's QR code) registered as resources, and QPdfWriter or a printer from
QPrintDialog paginates it. The same HTML gives the PNG previews (`render_png`).

The page-facing helpers (`print_receipt`, `save_receipt_pdf`, `print_summary`,
`save_summary_pdf`) ask the backend for the receipt in an Op, show the dialog, and audit the
print through it. `write_pdf` and `ensure_gui` also work without a window (tests,
`--self-test`): they make an offscreen QGuiApplication when there is none.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QUrl
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from agent_app import APP_NAME
from agent_app.reports import daily, employer_summary, receipt
from agent_app.services import receipts
from agent_app.services.daily_summary import DailySummary
from agent_app.services.employer_summary import EmployerSummary
from agent_app.ui import folders
from agent_app.ui.backend import Backend

log = logging.getLogger("ui")

MARGIN_MM = 15.0
PDF_DPI = 300
_gui: QGuiApplication | None = None


def ensure_gui() -> QCoreApplication:
    """The running Qt application, or a new offscreen QGuiApplication when there is none."""
    global _gui
    app = QCoreApplication.instance()
    if app is not None:
        return app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _gui = QGuiApplication([APP_NAME])
    return _gui


Images = Mapping[str, "bytes | QImage"]


def document(html: str, images: Images | None = None) -> QTextDocument:
    """A QTextDocument of `html`, with `images` (name -> PNG bytes or QImage) available to
    <img src>."""
    ensure_gui()
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    for name, data in (images or {}).items():
        image = data if isinstance(data, QImage) else QImage.fromData(data)
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.setHtml(html)
    return doc


def _layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )


def write_pdf(html: str, path: Path, images: Images | None = None, title: str = "") -> Path:
    """Lays `html` out on A4 pages and writes them to a PDF file at `path`."""
    doc = document(html, images)
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setPageLayout(_layout())
    writer.setResolution(PDF_DPI)
    writer.setCreator(f"{APP_NAME}")
    writer.setTitle(title or doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    doc.print_(writer)
    del writer  # flushes and closes the file
    log.info("pdf written (%s)", path.suffix)
    return path


def render_image(html: str, images: Images | None = None, width: int = 900) -> QImage:
    """The whole document drawn on one white image `width` pixels wide (previews)."""
    doc = document(html, images)
    margin = 40
    doc.setTextWidth(width - 2 * margin)
    height = int(doc.size().height()) + 2 * margin
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    painter.translate(margin, margin)
    doc.drawContents(painter)
    painter.end()
    return image


def render_png(html: str, path: Path, images: Images | None = None) -> Path:
    render_image(html, images).save(str(path))
    return Path(path)


def print_html(parent: QWidget | None, html: str, images: Images | None, title: str) -> bool:
    """Asks for a printer (QPrintDialog) and prints; False when the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_layout())
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("printing", "Print"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document(html, images).print_(printer)
    return True


def _ask_pdf_path(parent: QWidget | None, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("printing", "Save as PDF"),
        folders.proposed_new(suggested),
        QCoreApplication.translate("printing", "PDF files (*.pdf)"),
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


# -- the receipt -------------------------------------------------------------------------


def receipt_images(r: receipts.Receipt) -> dict[str, bytes | QImage]:
    """The QR code as a 1-bit image: the PDF keeps it lossless (Qt writes colour images as
    JPEG, which blurs the modules)."""
    qr = QImage.fromData(r.qr_png).convertToFormat(QImage.Format.Format_Mono)
    return {receipt.QR_RESOURCE: qr}


def receipt_pdf(r: receipts.Receipt, path: Path) -> Path:
    return write_pdf(receipt.receipt_html(r), path, receipt_images(r), "Bukti pendaftaran")


def receipt_file_name(r: receipts.Receipt) -> str:
    """bukti-pendaftaran-<short id>-<day printed>[-diterima].pdf: one enrollment's receipts
    of different days or states get different names (and `folders.proposed_new` adds -2,
    -3... for a second one the same day)."""
    accepted = "-diterima" if r.membership_number else ""
    return f"bukti-pendaftaran-{r.enrollment_id[:8]}-{r.issued_at:%Y-%m-%d}{accepted}.pdf"


def _with_receipt(
    parent: QWidget, backend: Backend, enrollment_id: str, then: Callable[[receipts.Receipt], None]
) -> None:
    from agent_app.ui.ops import Op

    Op(parent, lambda: backend.receipt(enrollment_id)).success(then).run()


def _audit(parent: QWidget, backend: Backend, r: receipts.Receipt, how: str) -> None:
    from agent_app.ui.ops import Op

    Op(parent, lambda: backend.record_receipt_printed(r, how)).run()


def print_receipt(parent: QWidget, backend: Backend, enrollment_id: str) -> None:
    """The enrollment page's "Print receipt": builds the receipt in an Op, then the print
    dialog; a print is audited."""

    def show(r: receipts.Receipt) -> None:
        if print_html(parent, receipt.receipt_html(r), receipt_images(r), "Bukti pendaftaran"):
            _audit(parent, backend, r, "print")

    _with_receipt(parent, backend, enrollment_id, show)


def save_receipt_pdf(
    parent: QWidget, backend: Backend, enrollment_id: str, path: Path | None = None
) -> None:
    """The enrollment page's "Save receipt as PDF": asks where (unless `path`), writes it,
    audits it, and says where it went."""

    def save(r: receipts.Receipt) -> None:
        target = path or _ask_pdf_path(parent, receipt_file_name(r))
        if target is None:
            return
        receipt_pdf(r, target)
        _audit(parent, backend, r, "pdf")
        _saved(parent, target)

    _with_receipt(parent, backend, enrollment_id, save)


def _saved(parent: QWidget, path: Path) -> None:
    from agent_app.ui import messages

    messages.info(parent, QCoreApplication.translate("printing", "Saved: {path}").format(path=path))


# -- the employer's registration summary ------------------------------------------------


def employer_images(s: EmployerSummary) -> dict[str, bytes | QImage]:
    qr = QImage.fromData(s.qr_png).convertToFormat(QImage.Format.Format_Mono)
    return {employer_summary.QR_RESOURCE: qr}


def employer_summary_pdf(s: EmployerSummary, path: Path) -> Path:
    html = employer_summary.summary_html(s)
    return write_pdf(html, path, employer_images(s), employer_summary.TITLE)


def employer_file_name(s: EmployerSummary) -> str:
    accepted = "-diterima" if s.npp else ""
    return f"ringkasan-pemberi-kerja-{s.registration_id[:8]}-{s.issued_at:%Y-%m-%d}{accepted}.pdf"


def _with_employer_summary(
    parent: QWidget, backend: Backend, registration_id: str, then: Callable[[EmployerSummary], None]
) -> None:
    from agent_app.ui.ops import Op

    Op(parent, lambda: backend.employer_summary(registration_id)).success(then).run()


def print_employer_summary(parent: QWidget, backend: Backend, registration_id: str) -> None:
    """The employer form's "Print the summary"; a print is audited like a receipt's."""
    from agent_app.ui.ops import Op

    def show(s: EmployerSummary) -> None:
        html = employer_summary.summary_html(s)
        if print_html(parent, html, employer_images(s), employer_summary.TITLE):
            Op(parent, lambda: backend.record_employer_summary_printed(s, "print")).run()

    _with_employer_summary(parent, backend, registration_id, show)


def save_employer_summary_pdf(
    parent: QWidget, backend: Backend, registration_id: str, path: Path | None = None
) -> None:
    """The employer form's "Summary as PDF": asks where (unless `path`), writes, audits."""
    from agent_app.ui.ops import Op

    def save(s: EmployerSummary) -> None:
        target = path or _ask_pdf_path(parent, employer_file_name(s))
        if target is None:
            return
        employer_summary_pdf(s, target)
        Op(parent, lambda: backend.record_employer_summary_printed(s, "pdf")).run()
        _saved(parent, target)

    _with_employer_summary(parent, backend, registration_id, save)


# -- the daily summary -------------------------------------------------------------------


def summary_pdf(s: DailySummary, path: Path) -> Path:
    return write_pdf(daily.summary_html(s), path, None, "Ringkasan harian")


def summary_file_name(s: DailySummary) -> str:
    scope = s.agent_code if s.scope == "agent" else "acara"
    return f"ringkasan-harian-{s.on.isoformat()}-{scope}.pdf"


def print_summary(parent: QWidget, s: DailySummary) -> bool:
    return print_html(parent, daily.summary_html(s), None, "Ringkasan harian")


def save_summary_pdf(parent: QWidget, s: DailySummary, path: Path | None = None) -> Path | None:
    target = path or _ask_pdf_path(parent, summary_file_name(s))
    if target is None:
        return None
    summary_pdf(s, target)
    _saved(parent, target)
    return target


# -- the self-test ------------------------------------------------------------------------


def self_check(folder: Path | None = None) -> str:
    """Renders a sample receipt to PDF offscreen (the build's Qt, fonts and PDF writer work);
    returns a line saying what it did. Used by `--self-test`."""
    from agent_app.domain import clock, keys, records

    ensure_gui()
    sample = records.Enrollment(
        id="00000000-0000-4000-8000-00000000cafe",
        nik="1671034509990001",
        full_name="Contoh Peserta",
        birth_date=dt.date(1999, 9, 5),
        gender=keys.Gender.FEMALE,
        phone="+6281234567890",
        occupation="penjual_makanan",
        declared_income=1_000_000,
        consent=records.Consent("self-test", dt.datetime.now().astimezone()),
        status=keys.EnrollmentStatus.SUBMITTED,
        agent_code="SELFTEST",
    )
    r = receipts.from_enrollment(sample, clock.today(), "Self-test", None)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = receipt_pdf(r, Path(tmp) / "receipt.pdf")
        size = path.stat().st_size
        head = path.read_bytes()[:5]
    if head != b"%PDF-" or size < 1000:
        raise RuntimeError(f"the receipt PDF is not valid ({size} bytes)")
    platform = QGuiApplication.platformName() if isinstance(ensure_gui(), QGuiApplication) else ""
    return f"receipt PDF rendered ({size} bytes, Qt platform {platform or 'none'})"


__all__ = [
    "document",
    "ensure_gui",
    "print_receipt",
    "print_summary",
    "receipt_pdf",
    "render_png",
    "save_receipt_pdf",
    "save_summary_pdf",
    "self_check",
    "summary_pdf",
    "write_pdf",
]
