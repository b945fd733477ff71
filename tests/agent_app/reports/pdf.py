"""Reading the PDFs the reports write: their text and their QR codes."""

from __future__ import annotations

from pathlib import Path

import pypdf
import zxingcpp


def pdf_text(path: Path) -> str:
    """The text of every page, whitespace collapsed (Qt spaces words with tabs)."""
    reader = pypdf.PdfReader(str(path))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_qr_codes(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    found = []
    for page in reader.pages:
        for image in page.images:
            found += [b.text for b in zxingcpp.read_barcodes(image.image.convert("L"))]
    return found
