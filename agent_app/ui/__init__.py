"""The desktop user interface: the only package that imports PySide6 (ARCHITECTURE.md).

`window.MainWindow` holds the pages; `ops.Op` starts all background work; `messages` is the one
funnel through which errors and notices reach the person; `i18n` installs the translations and
formats rupiah and dates the Indonesian way.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _read_sources_lightly() -> None:
    """PySide6 looks at every module imported after it for the text "PySide6" (its
    `__feature__` switch, shibokensupport.feature._mod_uses_pyside) with `inspect.getsource`,
    which keeps each module's source in `linecache` for good: about 30 MB for the modules this
    app imports. The same question is answered here by reading the file, keeping nothing.
    Anything unexpected (another PySide6 version) leaves PySide6's own check in place."""
    import PySide6  # noqa: F401  (loads shibokensupport)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or getattr(original, "light", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(original(module))

    uses_pyside.light = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


_read_sources_lightly()
