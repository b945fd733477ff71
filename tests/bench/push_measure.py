"""What the push benchmarks measure besides the wall clock (issue 15): CPU seconds of a
process and of the PostgreSQL backends serving a database, and py-spy profiles of the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Backends:
    """The CPU seconds of the PostgreSQL backends serving database `name` (on this machine):
    their pids are read from pg_stat_activity at each mark, so a connection the server's pool
    opens during the push is counted from its start."""

    def __init__(self, admin_url: str | None, name: str | None) -> None:
        self.name = name
        self.admin = None
        self.seen: dict[int, float] = {}
        if admin_url and name:
            import sqlalchemy as sa

            self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def pids(self) -> list[int]:
        if self.admin is None:
            return []
        with self.admin.connect() as conn:
            return list(
                conn.exec_driver_sql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.name,)
                ).scalars()
            )

    def mark(self) -> float:
        """The backends' CPU seconds so far (a backend gone since keeps its last reading)."""
        for pid in self.pids():
            self.seen[pid] = cpu_seconds(pid)
        for pid in self.seen:
            self.seen[pid] = max(self.seen[pid], cpu_seconds(pid))
        return sum(self.seen.values())

    def close(self) -> None:
        if self.admin is not None:
            self.admin.dispose()


class Profile:
    """py-spy recording the server process while the push runs (`--profile DIR`)."""

    def __init__(self, folder: str | None, pid: int, label: str) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.path = Path(folder) / f"{label}-{uuid.uuid4().hex[:6]}.txt"
        py_spy = Path(sys.executable).with_name("py-spy")
        self.process = subprocess.Popen(
            [
                *(str(py_spy), "record", "--pid", str(pid), "--format", "raw"),
                *("--rate", "250", "--output", str(self.path), "--nonblocking"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)  # py-spy attaches

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(2)  # SIGINT: py-spy writes its file
        self.process.wait(timeout=60)
        print_hottest(self.path)


def print_hottest(path: Path, top: int = 25) -> None:
    """The functions with the most samples in a py-spy raw file: own, and with callees."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        samples += count
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + count
    print(f"py-spy {path}: {samples} samples")
    for title, table in (("own", own), ("with callees", total)):
        print(f"  -- {title}")
        for frame, count in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {100 * count / samples:5.1f}%  {frame[:150]}")
