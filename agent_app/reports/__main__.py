"""`python -m agent_app.reports`: reports from the command line.

    python -m agent_app.reports export --agent A001 --kind enrollments \
        --from 2026-11-01 --to 2026-11-30 [--event ID] --format xlsx --out FILE [--unmasked]

The database is unlocked like at the login screen: the agent code (`--agent` or
`PERISAI_AGENT`) and the password (`PERISAI_PASSWORD`, or the first line of standard input)
unwrap the database key from that account's key slot. `--unmasked` is for supervisors only.
Prints what it wrote; exits 1 with a message on a known failure (wrong password, bad range...),
2 on bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from agent_app import errors, paths
from agent_app.reports import exports


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m agent_app.reports", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    ex = commands.add_parser("export", help="export businesses, visits or enrollments")
    ex.add_argument("--kind", required=True, choices=[k.value for k in exports.Kind])
    ex.add_argument("--from", dest="start", type=_day, help="first day (YYYY-MM-DD)")
    ex.add_argument("--to", dest="end", type=_day, help="last day (YYYY-MM-DD)")
    ex.add_argument("--event", dest="event_id", help="only records of this event (id)")
    ex.add_argument("--format", choices=[f.value for f in exports.Format])
    ex.add_argument("--out", required=True, type=Path, help="the file to write")
    ex.add_argument("--unmasked", action="store_true", help="full personal data (supervisors)")
    ex.add_argument("--agent", default=os.environ.get("PERISAI_AGENT"), help="agent code")
    ex.add_argument("--db", type=Path, help="database file (default: the app's)")
    ex.add_argument("--keys", type=Path, help="key slot file (default: the app's)")
    return top


def _password() -> str:
    password = os.environ.get("PERISAI_PASSWORD")
    if password:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass("Kata sandi: ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def run_export(args: argparse.Namespace) -> int:
    from agent_app.security import keyslots
    from agent_app.services import database
    from agent_app.services.actor import Actor

    if not args.agent:
        print("error: give the agent code with --agent or PERISAI_AGENT", file=sys.stderr)
        return 2
    fmt = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "xlsx")
    request = exports.ExportRequest(
        kind=exports.Kind(args.kind),
        start=args.start,
        end=args.end,
        event_id=args.event_id,
        format=exports.Format(fmt),
        unmasked=args.unmasked,
    )
    request.check()
    if not args.out.parent.is_dir():
        print(f"error: folder does not exist: {args.out.parent}", file=sys.stderr)
        return 2
    from agent_app.settings import Settings

    settings = Settings.load(paths.settings_path())
    keystore = keyslots.KeyStore(
        args.keys or paths.keystore_path(), server_set=lambda: bool(settings.server_url)
    )
    if not keystore.has_accounts():
        print("error: no account on this laptop yet (open the app first)", file=sys.stderr)
        return 1
    unlocked = keystore.unlock(args.agent, _password())
    with database.opened(args.db or paths.database_path(), unlocked.key) as new_uow:
        here = database.laptop(new_uow())
        account = unlocked.account
        # The role the server confirmed, never the slot's claim (SYNC_PROTOCOL.md 1.1).
        server_set = here.server_known or keystore.server_set()
        role = keyslots.acting_role(account, server_set=server_set)
        actor = Actor(account.agent_code, account.name, account.branch, role, here.device_id)
        result = exports.export(new_uow(), actor, request, args.out)
    span = f"{request.start or '...'} .. {request.end or '...'}"
    if request.event_id:
        span += f", event {request.event_id}"
    print(
        f"exported {result.rows} {result.kind.value} ({span}; "
        f"{'masked' if result.masked else 'UNMASKED'}) to {result.path} as {result.format.value}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "export":
            return run_export(args)
    except errors.KnownError as error:
        print(f"error: {error.message('en')} ({error.message('id')})", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
