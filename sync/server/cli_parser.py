"""The command line of `perisai-server` (`python -m sync.server`): its subcommands and their
arguments (the usage is `sync/server/__main__.py`'s docstring)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from agent_app.domain import clock
from sync import protocol
from sync.server import admin

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perisai-server", description=description)
    parser.add_argument(
        "--version", action="version", version=f"perisai-server {protocol.installed_app_version()}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    _serve_and_schema(sub)
    _branches_agents_devices(sub)
    _records(sub)
    _review_employer(sub)
    _logs(sub)
    return parser


def _serve_and_schema(sub: Subparsers) -> None:
    """Serving, and bringing the schema up to date."""
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not bring the schema up to date first"
    )
    serve.add_argument("--log-level", default="info")

    sub.add_parser("migrate", help="bring the database schema up to date")


def _branches_agents_devices(sub: Subparsers) -> None:
    """Branches, agents and devices."""
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

    reset = sub.add_parser(
        "reset-password", help="replace a password by a one-time code (printed once)"
    )
    reset.add_argument("code")

    disable = sub.add_parser("disable-agent", help="disable an account (tokens stop at once)")
    disable.add_argument("code")
    enable = sub.add_parser("enable-agent", help="enable a disabled account again")
    enable.add_argument("code")

    listed = sub.add_parser("list-agents", help="the accounts, their state and last sign-in")
    listed.add_argument("--branch", help="only this branch's")
    laptops = sub.add_parser(
        "list-devices", help="the laptops: last sync, app version, agents bound"
    )
    laptops.add_argument("--branch", help="only this branch's")

    revoke = sub.add_parser("revoke-device", help="cut off a lost or stolen laptop")
    revoke.add_argument("device_id")
    reset = sub.add_parser(
        "reset-device",
        help="let a device bind again (after revoke-device) or register a new signing key",
    )
    reset.add_argument("device_id")
    reset.add_argument("--agent", help="forget only this agent's signing key on the device")


def _review_employer(sub: Subparsers) -> None:
    """The review of an employer registration (PU), as `review-enrollment`'s."""
    employer = sub.add_parser(
        "review-employer", help="accept an employer registration (with --npp) or send it back"
    )
    employer.add_argument("entity_id")
    employer.add_argument("--status", required=True, choices=admin.REVIEW_STATUSES)
    employer.add_argument("--npp", help="the employer number BPJS issued (accepted only)")
    employer.add_argument("--reason", help="why it is sent back, or with --reason-code its note")
    employer.add_argument(
        "--reason-code",
        choices=tuple(admin.SEND_BACK_REASONS),
        help="why it is sent back (needs_correction only; other by default, with --reason)",
    )


def _records(sub: Subparsers) -> None:
    """Events, targets, enrollment reviews and erasure, rate tables and compaction."""
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
    review.add_argument("--reason", help="the reason, or with --reason-code its note")
    review.add_argument(
        "--reason-code",
        choices=tuple(admin.SEND_BACK_REASONS),
        help="why it is sent back (needs_correction only), as the console's choices",
    )
    review.add_argument("--membership-number")

    erase = sub.add_parser(
        "erase-enrollment", help="erase an enrollment at the worker's request (UU PDP)"
    )
    erase.add_argument("entity_id")

    rates = sub.add_parser("publish-rate-table", help="publish a contribution rate table")
    rates.add_argument("file", help="a JSON file (the table), or - for standard input")
    rates.add_argument("--version", required=True)
    rates.add_argument("--effective-from", required=True)

    consent = sub.add_parser(
        "publish-consent-text", help="publish the consent text the laptops show (immutable)"
    )
    consent.add_argument("--version", required=True)
    consent.add_argument("--language", required=True, choices=("id", "en"))
    consent.add_argument("--file", required=True, help="a UTF-8 text file, or - for standard input")
    consent.add_argument("--effective-from", required=True)

    compact = sub.add_parser("compact", help="forget old tombstones (old cursors get 410)")
    compact.add_argument("--older-than-days", type=int, default=90)
    sub.add_parser(
        "purge-attachments",
        help="delete the attachments no record has referenced for 7 days (run it daily)",
    )

    sub.add_parser(
        "seed-demo", help="fill a new, empty database with the demo example (synthetic people)"
    )


def _logs(sub: Subparsers) -> None:
    """The audit trails: the laptops', the participant checks' and the administrators'."""
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
