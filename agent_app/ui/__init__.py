"""The desktop user interface: the only package that imports PySide6 (ARCHITECTURE.md).

`window.MainWindow` holds the pages; `ops.Op` starts all background work; `messages` is the one
funnel through which errors and notices reach the person; `i18n` installs the translations and
formats rupiah and dates the Indonesian way.
"""
