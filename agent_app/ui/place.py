"""Where a visit or a new business is recorded (issue 14, item 7), with the person's knowledge.

When a form opens, `PlaceFinder` asks the operating system for one position (QtPositioning's
default source: Windows location, macOS Core Location, GeoClue on Linux). The form shows what
it knows in its indicator: "Lokasi dicatat ±12 m" once a position came, "Lokasi tidak
tersedia" when none is offered (no source, switched off, no fix in time): a quiet line, never
a dialog. The setting "record_place" (Settings page) turns it off: then nothing is asked and
the indicator says so. The form adds `fields()` (latitude, longitude, accuracy_m, or nothing)
to the record it saves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QLabel, QWidget

from agent_app.ui import ops, qt_addons

log = logging.getLogger("ui")

#: How long a form waits for a position (the form may be saved before: then without one).
TIMEOUT_MS = 30_000

SourceFactory = Callable[[QWidget], Any]


def default_source(parent: QWidget) -> Any:
    """The operating system's position source, or None (no QtPositioning, no source)."""
    try:
        positioning = qt_addons.positioning()
    except ImportError:
        return None
    return positioning.QGeoPositionInfoSource.createDefaultSource(parent)


#: What a new form asks for its position; tests put a simulated NMEA source here.
source_factory: SourceFactory = default_source


class PlaceFinder(QLabel):
    """The indicator of a form's place, which also asks for it (see the module)."""

    def __init__(self, parent: QWidget | None = None, enabled: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("hint")
        self.setWordWrap(True)
        self.position: dict[str, float] = {}
        self.source: Any = None
        if not enabled:
            self.setText(self.tr("Location off (Settings)"))
            return
        self.setText(self.tr("Finding the location…"))
        ops.when_idle(self._ask)  # QtPositioning's plugins never load beside an import (ops.py)

    def _ask(self) -> None:
        if not shiboken6.isValid(self):
            return
        self.source = source_factory(self)
        if self.source is None:
            self._unavailable()
            return
        self.source.positionUpdated.connect(self._found)
        self.source.errorOccurred.connect(lambda _error: self._unavailable())
        self.source.requestUpdate(TIMEOUT_MS)

    def fields(self) -> dict[str, float]:
        """latitude, longitude and accuracy_m (metres) of the position found, or {}."""
        return dict(self.position)

    def _found(self, info: Any) -> None:
        coordinate = info.coordinate()
        if not coordinate.isValid():
            self._unavailable()
            return
        self.position = {
            "latitude": round(coordinate.latitude(), 6),
            "longitude": round(coordinate.longitude(), 6),
        }
        accuracy = _accuracy(info)
        if accuracy is not None:
            self.position["accuracy_m"] = accuracy
            self.setText(self.tr("Location recorded ±{metres} m").format(metres=round(accuracy)))
        else:
            self.setText(self.tr("Location recorded"))
        self.source.stopUpdates()

    def _unavailable(self) -> None:
        if self.position:
            return
        log.info("no position for the form")
        self.setText(self.tr("Location not available"))


def _accuracy(info: Any) -> float | None:
    attribute = type(info).Attribute.HorizontalAccuracy
    if not info.hasAttribute(attribute):
        return None
    value = float(info.attribute(attribute))
    return round(value, 1) if math.isfinite(value) and 0 <= value <= 100_000 else None
