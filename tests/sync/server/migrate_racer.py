"""`python migrate_racer.py BARRIER_DIR N`: `python -m sync.server migrate`, started only once N
racers have imported everything (a file barrier), so they reach the migration together
(tests/sync/server/test_migrate_race.py). Tests only."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sync.server.__main__ import main

if __name__ == "__main__":
    barrier, count = Path(sys.argv[1]), int(sys.argv[2])
    (barrier / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.glob("ready-*"))) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    raise SystemExit(main(["migrate"]))
