"""The self-test's checks of Qt's optional parts (`agent_app/selftest.py`, `--self-test`): the
camera's libraries and ICU's text data, which a build can lose without a word (build.spec
leaves out what the app does not load; docs/benchmarks.md, "Issue 15: the folder, again")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCollator, QLocale, QTimeZone

from agent_app.ui import printing, qt_addons


def camera() -> str:
    """The camera's path loads (issue 14's photos): QtMultimedia and its FFmpeg backend with
    every library it links (FFmpeg, Qt Quick and QML...), which a build that left one out
    would lose without a word. No camera in the test machine is fine."""
    printing.ensure_gui()
    multimedia = qt_addons.multimedia()
    cameras = multimedia.QMediaDevices.videoInputs()
    decode = multimedia.QMediaFormat.ConversionMode.Decode
    formats = multimedia.QMediaFormat().supportedFileFormats(decode)
    if not formats:
        raise AssertionError("QtMultimedia has no backend (its FFmpeg plugin did not load)")
    return f"QtMultimedia's backend decodes {len(formats)} file formats; {len(cameras)} camera(s)"


#: Indonesian time-zone names and a sort order only ICU gives (the build ships ICU's data for
#: English and Indonesian only, build.spec).
ICU_CHECKS = {"Asia/Jakarta": "Waktu Indonesia Barat", "Asia/Makassar": "Waktu Indonesia Tengah"}


def text() -> str:
    """Qt's text services that use ICU on Linux: collation and time-zone names (elsewhere Qt
    asks the operating system, which names zones in its own language: only reported)."""
    indonesian = QLocale("id_ID")
    collator = QCollator(indonesian)
    words = ["Zebra", "ayam", "Ábaco", "apel"]
    order = sorted(words, key=collator.sortKey)
    names = {
        zone: QTimeZone(zone.encode()).displayName(
            QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, indonesian
        )
        for zone in ICU_CHECKS
    }
    if sys.platform.startswith("linux"):
        if order != ["Ábaco", "apel", "ayam", "Zebra"]:
            raise AssertionError(f"collation without ICU: {order}")
        if names != ICU_CHECKS:
            raise AssertionError(f"time-zone names without ICU's Indonesian data: {names}")
    return f"collation ({', '.join(order)}), time zones ({', '.join(names.values())})"
