"""`perisai-server serve`: the schema brought up to date, then uvicorn with one or more
worker processes (each counting its metrics in a shared directory)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from sync.server import config, db, migrate


def database_error(error: sa.exc.DBAPIError) -> str:
    """The message for a database that cannot be used: the first line of the driver's."""
    first_line = str(error.orig).strip().splitlines()[0] if error.orig else type(error)
    return f"error: the database cannot be used: {first_line}"


#: prometheus-client's multiprocess directory (sync/server/observe.py).
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _metrics_dir(workers: int) -> str | None:
    """Readies the metrics directory before prometheus-client is imported (it reads the
    variable then): one the operator set is emptied of a previous run's files; with several
    workers and none set, a fresh private one is made (returned, to be removed at exit)."""
    given = os.environ.get(METRICS_DIR_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for item in folder.glob("*.db"):
            item.unlink()
        return None
    if workers > 1:
        made = tempfile.mkdtemp(prefix="perisai-metrics-")
        os.environ[METRICS_DIR_ENV] = made
        return made
    return None


def serve(args: argparse.Namespace, settings: config.Settings) -> int:
    made = _metrics_dir(args.workers)
    try:
        return _run_server(args, settings)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)


def _run_server(args: argparse.Namespace, settings: config.Settings) -> int:
    import uvicorn

    from sync.server import app as server_app

    server_app.configure_logging(args.log_level, settings.access_log)
    os.environ["PERISAI_LOG_LEVEL"] = args.log_level
    if not args.no_migrate:
        engine = db.make_engine(settings)
        try:
            migrate.upgrade(engine)
        except sa.exc.DBAPIError as error:
            print(database_error(error), file=sys.stderr)
            return 1
        finally:
            engine.dispose()
    if args.workers > 1:
        # Each worker counts in its own files in METRICS_DIR_ENV, summed at each scrape.
        uvicorn.run(
            "sync.server.app:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,
            log_level="warning",
        )
    else:
        application = server_app.create_app(settings)
        server_app.freeze_gc()
        uvicorn.run(
            application,
            host=args.host,
            port=args.port,
            access_log=False,
            log_level="warning",
        )
    return 0
