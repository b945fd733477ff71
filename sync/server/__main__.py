"""`python -m sync.server` (and `perisai-server`): run the central server and administer it.

    --version
    serve --host 127.0.0.1 --port 8765 [--workers N]
    migrate
    create-branch CODE --name NAME [--region CODE] [--time-zone ZONE]
    set-branch-time-zone CODE ZONE
        (ZONE: Asia/Jakarta (WIB, the default), Asia/Makassar (WITA) or Asia/Jayapura (WIT))
    create-agent CODE --name NAME --branch CODE --role agent|supervisor
        (password from PERISAI_PASSWORD, else the first line of standard input)
    create-event --name NAME --venue VENUE --branch CODE --starts-on DATE --ends-on DATE
    set-target --scope branch|event|agent --scope-id ID --metric METRIC --goal N
        --period-start DATE --period-end DATE
    unlock-agent CODE | disable-agent CODE | enable-agent CODE
    revoke-device DEVICE_ID
    reset-device DEVICE_ID [--agent CODE]
    review-enrollment ID --status accepted|needs_correction [--reason R]
        [--membership-number N]
    erase-enrollment ID   (at the worker's request: fields dropped, laptops drop their copy)
    publish-rate-table FILE --version V --effective-from DATE
    compact --older-than-days N
    audit-events [--device ID] [--gaps] [--limit N]   (the laptops' pushed audit trails;
        --gaps: only events that break their device's hash chain)
    check-log [--nik NIK] [--agent CODE] [--limit N]   (who checked which NIK; the audit
        keeps a keyed hash of the NIK, never the NIK)
    admin-log [--limit N]   (every command above is recorded with who ran it; PERISAI_OPERATOR
        names the operator, else the system account)

The database is `DATABASE_URL` (a SQLite file in PERISAI_SERVER_HOME by default). Each command
prints what it did; bad input exits with status 2 and a clear message on standard error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from agent_app.domain import clock
from sync import protocol
from sync.server import admin, config, db, migrate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perisai-server", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--version", action="version", version=f"perisai-server {protocol.installed_app_version()}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not bring the schema up to date first"
    )
    serve.add_argument("--log-level", default="info")

    sub.add_parser("migrate", help="bring the database schema up to date")

    branch = sub.add_parser("create-branch", help="add a branch office")
    branch.add_argument("code")
    branch.add_argument("--name", required=True)
    branch.add_argument("--region")
    branch.add_argument(
        "--time-zone",
        default=clock.DEFAULT_ZONE,
        choices=clock.ZONES,
        help="whose days the branch's work belongs to: WIB, WITA or WIT (default Asia/Jakarta)",
    )

    zone = sub.add_parser("set-branch-time-zone", help="change a branch's time zone")
    zone.add_argument("code")
    zone.add_argument("time_zone", choices=clock.ZONES)

    agent = sub.add_parser("create-agent", help="add an agent or supervisor")
    agent.add_argument("code")
    agent.add_argument("--name", required=True)
    agent.add_argument("--branch", required=True)
    agent.add_argument("--role", required=True, choices=admin.ROLES)

    unlock = sub.add_parser("unlock-agent", help="lift a lockout after wrong passwords")
    unlock.add_argument("code")

    disable = sub.add_parser("disable-agent", help="disable an account (tokens stop at once)")
    disable.add_argument("code")
    enable = sub.add_parser("enable-agent", help="enable a disabled account again")
    enable.add_argument("code")

    revoke = sub.add_parser("revoke-device", help="cut off a lost or stolen laptop")
    revoke.add_argument("device_id")
    reset = sub.add_parser(
        "reset-device",
        help="let a device bind again (after revoke-device) or register a new signing key",
    )
    reset.add_argument("device_id")
    reset.add_argument("--agent", help="forget only this agent's signing key on the device")

    event = sub.add_parser("create-event", help="add an outreach event")
    event.add_argument("--name", required=True)
    event.add_argument("--venue", default="")
    event.add_argument("--branch", required=True)
    event.add_argument("--starts-on", required=True)
    event.add_argument("--ends-on", required=True)
    event.add_argument("--id", help="the event's UUID (default: a new one)")

    target = sub.add_parser("set-target", help="set a target for a branch, event or agent")
    target.add_argument("--scope", required=True, choices=admin.SCOPES)
    target.add_argument("--scope-id", required=True)
    target.add_argument("--metric", required=True, choices=admin.METRICS)
    target.add_argument("--goal", required=True, type=int)
    target.add_argument("--period-start", required=True)
    target.add_argument("--period-end", required=True)

    review = sub.add_parser("review-enrollment", help="accept an enrollment or send it back")
    review.add_argument("entity_id")
    review.add_argument("--status", required=True, choices=admin.REVIEW_STATUSES)
    review.add_argument("--reason")
    review.add_argument("--membership-number")

    erase = sub.add_parser(
        "erase-enrollment", help="erase an enrollment at the worker's request (UU PDP)"
    )
    erase.add_argument("entity_id")

    rates = sub.add_parser("publish-rate-table", help="publish a contribution rate table")
    rates.add_argument("file", help="a JSON file (the table), or - for standard input")
    rates.add_argument("--version", required=True)
    rates.add_argument("--effective-from", required=True)

    compact = sub.add_parser("compact", help="forget old tombstones (old cursors get 410)")
    compact.add_argument("--older-than-days", type=int, default=90)

    laptop = sub.add_parser("audit-events", help="the laptops' audit trails, newest first")
    laptop.add_argument("--device", default=None, help="only this device id")
    laptop.add_argument("--gaps", action="store_true", help="only breaks of a hash chain")
    laptop.add_argument("--limit", type=int, default=200)
    checks = sub.add_parser(
        "check-log", help="who checked which NIK (/v1/participants/check), newest first"
    )
    checks.add_argument("--nik", help="only the checks of this NIK")
    checks.add_argument("--agent", help="only the checks by this agent")
    checks.add_argument("--limit", type=int, default=50)

    trail = sub.add_parser("admin-log", help="who ran which administration command, newest first")
    trail.add_argument("--limit", type=int, default=50)
    return parser


def _password() -> str:
    password = os.environ.get("PERISAI_PASSWORD")
    if password is None:
        if sys.stdin.isatty():
            import getpass

            password = getpass.getpass("Password: ")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    return password


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


def _serve(args: argparse.Namespace, settings: config.Settings) -> int:
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
            first_line = str(error.orig).strip().splitlines()[0] if error.orig else type(error)
            print(f"error: the database cannot be used: {first_line}", file=sys.stderr)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = config.Settings.from_env()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(args, settings)
    engine = db.make_engine(settings)
    try:
        if args.command == "migrate":
            migrate.upgrade(engine)
            print(f"database at revision {migrate.current_revision(engine)}")
            return 0
        migrate.upgrade(engine)
        if args.command == "create-branch":
            print(admin.create_branch(engine, args.code, args.name, args.region, args.time_zone))
        elif args.command == "set-branch-time-zone":
            print(admin.set_branch_time_zone(engine, args.code, args.time_zone))
        elif args.command == "create-agent":
            print(
                admin.create_agent(
                    engine, settings, args.code, args.name, args.branch, args.role, _password()
                )
            )
        elif args.command == "unlock-agent":
            print(admin.unlock_agent(engine, args.code))
        elif args.command in ("disable-agent", "enable-agent"):
            print(admin.set_agent_active(engine, args.code, args.command == "enable-agent"))
        elif args.command == "revoke-device":
            print(admin.revoke_device(engine, args.device_id))
        elif args.command == "reset-device":
            print(admin.reset_device(engine, args.device_id, args.agent))
        elif args.command == "create-event":
            print(
                admin.create_event(
                    engine,
                    args.name,
                    args.venue,
                    args.branch,
                    args.starts_on,
                    args.ends_on,
                    args.id,
                )
            )
        elif args.command == "set-target":
            print(
                admin.set_target(
                    engine,
                    args.scope,
                    args.scope_id,
                    args.metric,
                    args.goal,
                    args.period_start,
                    args.period_end,
                )
            )
        elif args.command == "review-enrollment":
            print(
                admin.review_enrollment(
                    engine, args.entity_id, args.status, args.reason, args.membership_number
                )
            )
        elif args.command == "erase-enrollment":
            print(admin.erase_enrollment(engine, args.entity_id))
        elif args.command == "publish-rate-table":
            try:
                text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
            except OSError as error:
                raise admin.AdminError(f"cannot read {args.file}: {error.strerror}") from error
            print(admin.publish_rate_table(engine, args.version, args.effective_from, text))
        elif args.command == "compact":
            print(admin.compact(engine, args.older_than_days))
        elif args.command == "audit-events":
            lines = admin.laptop_audit(engine, args.device, args.gaps, args.limit)
            print("\n".join(lines) or "no audit events")
        elif args.command == "check-log":
            lines = admin.check_log(engine, args.nik, args.agent, args.limit)
            print("\n".join(lines) or "no participant checks")
        elif args.command == "admin-log":
            print("\n".join(admin.trail(engine, args.limit)) or "no administration yet")
        return 0
    except admin.AdminError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.DBAPIError as error:
        first_line = str(error.orig).strip().splitlines()[0] if error.orig else type(error)
        print(f"error: the database cannot be used: {first_line}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
