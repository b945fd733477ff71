"""The laptop side of sync loads without the app or Qt, even transitively (ARCHITECTURE.md 1)."""

from __future__ import annotations

import subprocess
import sys

from sync_support import ROOT


def test_client_and_engine_load_nothing_of_the_app_nor_qt():
    code = (
        "import sys, sync.client, sync.engine\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('agent_app', 'PySide6', 'shiboken6', 'fastapi', 'sqlalchemy'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
