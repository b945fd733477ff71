"""Memory the app does not spend, checked in a fresh process (sys.modules, linecache)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        check=True,
    )
    return result.stdout.strip()


def test_modules_imported_after_pyside_leave_no_source_in_linecache(tmp_path: Path):
    """PySide6 reads each newly imported module's source to look for "PySide6"; its own way
    (inspect.getsource) kept every file in linecache, about 30 MB. The answer is the same."""
    (tmp_path / "uses_qt.py").write_text("from PySide6 import QtCore  # noqa\n")
    out = run(
        """
        import linecache, sys
        import agent_app.ui, PySide6.QtCore
        import sqlalchemy.orm, uses_qt
        from shibokensupport import feature
        kept = [name for name in linecache.cache if "sqlalchemy" in name]
        print(len(kept), feature.pyside_feature_dict.get("sqlalchemy.orm"),
              feature.pyside_feature_dict.get("uses_qt"))
        """,
        PYTHONPATH=str(tmp_path),
    )
    assert out == "0 -1 0"
