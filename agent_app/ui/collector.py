"""Python's cyclic garbage collector, run on the UI thread only (Anki's rule, aqt/main.py).

Python starts a collection in whichever thread happens to allocate when its counters pass the
thresholds: in this app, often a worker (the database thread of search as you type, the sync
thread of a pull). A collection frees every unreachable cycle, and a cycle may hold a PySide6
widget (a dialog or menu without a parent, a lambda connected to its own signal): its C++
object is then destroyed on that worker, while the UI thread may be painting it or
dispatching an event into it. Qt allows widgets to be destroyed on the UI thread only; the
result is a crash at a random moment (the test suite saw one, in a dialog's constructor).

So automatic collection is turned off once the window exists, and this timer on the UI thread
does what the automatic collector would have done (the same thresholds and generations), at
most `INTERVAL_MS` late: cycles made meanwhile wait that long. What exists at start-up (the
modules and their tables) is frozen out of the scans first, as the server does.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the UI thread checks the collector's counters (an allocation burst on a worker
#: waits at most this long for its cycles to be freed).
INTERVAL_MS = 1000


class MainThreadCollector(QObject):
    """Turns automatic garbage collection off and runs it from a timer on this (the UI)
    thread; `stop` gives it back to Python."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self.collections = 0

    def start(self) -> None:
        gc.collect()
        gc.freeze()
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()

    def tick(self) -> None:
        """One generation collected when the automatic collector would have collected it:
        the youngest when its allocations passed the first threshold, an older one when
        enough collections of the one below it happened since (CPython's `gc_collect_main`
        rule, without its extra check of the oldest's size, which only ever defers)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if thresholds[0] == 0 or counts[0] < thresholds[0]:
            return
        generation = 0
        for older in (1, 2):
            if counts[older] >= thresholds[older]:
                generation = older
        gc.collect(generation)
        self.collections += 1
