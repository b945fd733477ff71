"""Where a laptop push's time goes (issue 15): every store call of the cycle and every push
request timed (wall, and CPU of the calling thread), and how long the server sat without a
request while the laptop worked (`bench_sync.py --timeline`).

The store's methods and `SyncClient.push` are wrapped at class level for the length of a run;
nothing of the app changes.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

STORE_CALLS = ("pending_ops", "mark_results", "pending_count", "attachments_to_upload")


@dataclass
class Timeline:
    """Spans (name, thread, start, end, thread CPU) of one push."""

    spans: list[tuple[str, str, float, float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, start: float, cpu: float) -> None:
        """A span of the calling thread from `start` (perf_counter) and `cpu` (its
        thread_time then) until now."""
        thread = threading.current_thread().name
        span = (name, thread, start, time.perf_counter(), time.thread_time() - cpu)
        with self.lock:
            self.spans.append(span)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, start, cpu)

        return timed

    @contextlib.contextmanager
    def recording(self, targets: list[tuple[Any, str]]) -> Iterator[None]:
        """Wraps `getattr(owner, name)` for each target while the block runs."""
        originals = [(owner, name, owner.__dict__[name]) for owner, name in targets]
        for owner, name, fn in originals:
            setattr(owner, name, self.wrap(name, fn))
        try:
            yield
        finally:
            for owner, name, fn in originals:
                setattr(owner, name, fn)

    def report(self, started: float, ended: float) -> str:
        """Per name: calls, wall and CPU seconds; and the server's idle time between push
        requests (from the first request's start to the last one's end)."""
        lines = []
        names = sorted({span[0] for span in self.spans})
        for name in names:
            mine = [s for s in self.spans if s[0] == name and started <= s[2] <= ended]
            wall = sum(s[3] - s[2] for s in mine)
            cpu = sum(s[4] for s in mine)
            lines.append(f"    {name:<22} calls={len(mine):>4} wall_s={wall:6.2f} cpu_s={cpu:6.2f}")
        pushes = sorted((s[2], s[3]) for s in self.spans if s[0] == "push")
        if pushes:
            idle = sum(max(0.0, b[0] - a[1]) for a, b in itertools.pairwise(pushes))
            lines.append(
                f"    before the first request {pushes[0][0] - started:5.2f} s; between requests "
                f"(the server idle) {idle:5.2f} s; after the last {ended - pushes[-1][1]:5.2f} s"
            )
        return "\n".join(lines)
