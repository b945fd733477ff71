"""Renders the app icon (resources/icons/perisai-agent.svg) to the files the app and the
Windows build use, and writes them beside it:

    perisai-agent.png   256 px, the window icon's largest size and the Linux desktop icon
    perisai-agent.ico   16, 24, 32, 48, 64, 128 and 256 px, each rendered from the SVG at its
                        own size (sharper than one image scaled down): the .exe, the
                        installer, the Start menu entry and the window icon

Qt (QtSvg, part of PySide6-Essentials) draws the SVG; Pillow (a dev dependency) writes the
.ico. The generated files are committed, so neither runs at build time:

    .venv/bin/python installer/make_icon.py
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "perisai-agent.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    """The SVG drawn at `size` x `size` on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise ValueError(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    images = {size: Image.open(io.BytesIO(render(size))).convert("RGBA") for size in ICO_SIZES}
    largest = images[max(ICO_SIZES)]
    largest.save(ICONS / "perisai-agent.png", optimize=True)
    others = [images[size] for size in ICO_SIZES if size != max(ICO_SIZES)]
    largest.save(
        ICONS / "perisai-agent.ico",
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=others,
    )
    print(f"wrote {ICONS / 'perisai-agent.png'} and perisai-agent.ico ({ICO_SIZES} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
