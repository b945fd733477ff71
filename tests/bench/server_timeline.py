"""Where the server's push spends its wall time (issue 15): `bench_server_push.py --timeline`
starts the server through this module, which wraps the push's steps (the token check, the body
parsed, `prepare`, the locked transaction and its statements, the COPYs, the commit, the
pool's pre-ping, the device stamp) and the ASGI app, and writes every span (name, thread,
start, end, thread CPU) to a file when the server stops. `report` then gives, per push request
(the client's own spans), the median wall and CPU of each step: what the request's wall time
holds besides CPU (round trips, the database's work, the commit's fsync, waiting for a core).

    python -m tests.bench.server_timeline SPANS_FILE serve --port ... (what the bench runs)

Nothing of the server changes: the functions are wrapped by name in this process only.
"""

from __future__ import annotations

import atexit
import json
import signal
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.bench.push_timeline import Timeline

_TIMELINE = Timeline()  # the spans of this server process
_add = _TIMELINE.add


def _wrap(owner: Any, attr: str, name: str | None = None) -> None:
    setattr(owner, attr, _TIMELINE.wrap(name or attr, getattr(owner, attr)))


def _wrap_statements() -> None:
    """Every statement SQLAlchemy runs (its first words), the commits and the pre-pings."""
    from sqlalchemy.dialects.postgresql._psycopg_common import _PGDialect_common_psycopg
    from sqlalchemy.engine import default

    dialect = default.DefaultDialect
    _wrap(dialect, "do_commit", "COMMIT")
    _wrap(dialect, "do_rollback", "ROLLBACK (connection returned)")
    _wrap(dialect, "do_ping", "pre-ping")
    _wrap(_PGDialect_common_psycopg, "do_ping", "pre-ping")  # psycopg's own
    execute = dialect.do_execute

    def do_execute(self: Any, cursor: Any, statement: str, *args: Any) -> Any:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            return execute(self, cursor, statement, *args)
        finally:
            _add("SQL " + " ".join(statement.split()[:3])[:36], start, cpu)

    dialect.do_execute = do_execute  # type: ignore[method-assign]


def _wrap_app() -> None:
    """The push's ASGI call, and when its body had been received."""
    from sync.server import app as server_app

    create = server_app.create_app

    def create_app(settings: Any) -> Any:
        inner = create(settings)

        async def outer(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["path"] != "/v1/sync/push":
                return await inner(scope, receive, send)
            start = time.perf_counter()

            async def received() -> Any:
                message = await receive()
                if message.get("type") == "http.request" and not message.get("more_body"):
                    _add("body received", start, time.thread_time())
                return message

            await inner(scope, received, send)
            _add("asgi call", start, time.thread_time())

        return outer

    server_app.create_app = create_app


def install(path: Path) -> None:
    import sync.server.app  # noqa: F401  (first: the server's modules import in their order)
    from sync.server import accounts, branches, bulk, rates
    from sync.server.api.routes import sync as routes
    from sync.server.push import batch, ledger

    for owner, attr in (
        (accounts, "authenticate"),
        (routes, "parse_body"),
        (routes, "_push_batch"),
        (routes, "note_sync"),
        (ledger, "_apply_once"),
        (ledger, "prepare"),
        (rates, "refresh"),
        (branches, "time_zone"),
        (bulk, "insert_records"),
        (bulk, "update_records"),
        (bulk, "insert_niks"),
        (bulk, "insert_ledger"),
        (bulk, "select_by_keys"),
        (batch.Batch, "apply"),
        (batch.Batch, "flush"),
    ):
        _wrap(owner, attr)
    _wrap_statements()
    _wrap_app()

    def dump() -> None:
        with _TIMELINE.lock:
            path.write_text("".join(json.dumps(span) + "\n" for span in _TIMELINE.spans))

    atexit.register(dump)

    def stopped(signum: int, _frame: Any) -> None:
        # uvicorn raises the SIGTERM it caught again after its shutdown, with this handler.
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stopped)


def report(path: Path, requests: list[tuple[float, float]], skip: int = 2) -> str:
    """Per push request (the client's start and end), the median of each step's wall and CPU
    milliseconds and calls (the first `skip` requests left out: connections and caches warm)."""
    spans = [tuple(json.loads(line)) for line in path.read_text().splitlines()]
    per: list[dict[str, list[float]]] = []
    for begun, ended in requests[skip:]:
        steps: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        steps["client request"] = [ended - begun, 0.0, 1.0]
        for name, _, start, end, cpu in spans:
            if begun <= start and end <= ended + 0.001:
                step = steps[name]
                step[0], step[1], step[2] = step[0] + end - start, step[1] + cpu, step[2] + 1
        per.append(steps)
    names = list(dict.fromkeys(name for steps in per for name in steps))
    lines = []
    for name in names:
        wall, cpu, calls = (
            statistics.median(steps.get(name, [0.0, 0.0, 0.0])[k] for steps in per)
            for k in range(3)
        )
        lines.append(
            f"timeline step={name!r} wall_ms={wall * 1000:.2f} cpu_ms={cpu * 1000:.2f} "
            f"calls={calls:g}"
        )
    return "\n".join(lines)


def main() -> None:
    install(Path(sys.argv[1]))
    from sync.server.__main__ import main as server_main

    sys.exit(server_main(sys.argv[2:]))


if __name__ == "__main__":
    main()
