"""Shared helpers of the reliability tests: a restartable real server, laptops on the app's
encrypted store, synthetic people, the end-of-scenario invariants and the figures.

Nothing of the server or the app is mocked. A `ServerProc` is `python -m sync.server serve` on a
copy of a template SQLite database (migrated, branches and agents made through
`sync.server.admin`), on a fixed loopback port so it can be killed and restarted behind the same
`FaultProxy`. A `Laptop` is the app's SQLCipher database (`open_engine`), its `LocalStore`, the
services that write records and ops, and a real `SyncClient` + `SyncEngine`.

`verify(server, laptops)` is the final check of every scenario:

- no op is left unsettled in an outbox (nothing pending or sent after the drain);
- an op the laptop holds as `applied`/`duplicate` has a ledger row on the server, and the ledger
  holds no op of these devices that the laptops do not know;
- an op held as `rejected`/`conflict` carries its error code, and agrees with the ledger;
- no op took effect twice: a record's server version equals the number of `applied` ledger rows
  of its ops (create = version 1, every applied update or delete + 1);
- after a pull the laptops and the server agree on every record of theirs (version, deleted,
  fields).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import servers
from helpers.laptops import LaptopBase
from helpers.niks import nik_birth_date, synthetic_nik

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kata-sandi-uji-panjang-7"
KEY = bytes(range(32))
#: (code, branch, role): agents of the template database.
AGENTS = (
    ("RA001", "PLG", "agent"),
    ("RA002", "PLG", "agent"),
    ("RA003", "PLG", "agent"),
    ("RA004", "PLG", "agent"),
    ("RA005", "PLG", "agent"),
    ("RA006", "PLG", "agent"),
    ("RA900", "JKT", "agent"),
    ("RS001", "PLG", "supervisor"),
    ("RLOCK1", "PLG", "agent"),
)
MAX_OPS_PER_BATCH = 100
MAX_BODY_BYTES = 256 * 1024
LOCAL_ERROR_CODES = frozenset(
    {
        "invalid_op",
        "too_large",
        "unknown_reference",
        "attachment_too_large",
        "attachment_invalid",
        "attachment_unavailable",
    }
)
WIB = dt.timezone(dt.timedelta(hours=7))

log = logging.getLogger("reliability")

# --- synthetic people (every value registered for the log scan) ------------------------------

#: Every NIK, name and phone number the reliability tests put into records.
PII: set[str] = set()


def person(i: int) -> dict[str, Any]:
    """Synthetic identity fields of person `i` (registered in PII)."""
    female = i % 2 == 1
    nik = synthetic_nik(i, female)
    values = {
        "nik": nik,
        "full_name": f"Sitirel Uji {i:05d}",
        "phone": f"+62813{(700000 + i) % 10_000_000:07d}",
        "birth_date": nik_birth_date(nik),
        "gender": "F" if female else "M",
    }
    PII.update({values["nik"], values["full_name"], values["phone"]})
    return values


def enrollment_fields(i: int, **changes: Any) -> dict[str, Any]:
    """A whole enrollment of synthetic person `i` (`changes` added or replacing fields)."""
    return {
        **person(i),
        "birth_place": "Palembang",
        "address": "Jl. Uji Peserta 1",
        "region_code": "16.71.03",
        "occupation": "pedagang",
        "declared_income": 2_000_000,
        "programs": ["JKK", "JKM"],
        "period_months": 1,
        "consent": {
            "text_version": "2026-01",
            "given_at": dt.datetime.now(WIB).replace(microsecond=0).isoformat(),
        },
        **changes,
    }


def owner(i: int) -> dict[str, str]:
    values = {"owner_name": f"Pemilikrel Nomor {i:05d}", "phone": f"+62814{(500000 + i):07d}"}
    PII.update(values.values())
    return values


def business_fields(i: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": f"Warung Uji {i}",
        "sector": "kuliner",
        "size_class": "mikro",
        "workers_count": i % 7,
        "address": f"Jl. Uji {i}",
        "region_code": "16.71.03",
        **owner(i),
    }
    fields.update(overrides)
    return fields


# --- the server ----------------------------------------------------------------------------


def make_template(path: Path) -> Path:
    """A migrated server database with branches PLG, JKT and the agents of AGENTS."""
    prepare_database(f"sqlite:///{path}")
    return path


def prepare_database(url: str) -> None:
    """Migrates the database at `url` and adds the branches and agents of AGENTS."""
    from sync.server import admin, config, db, migrate

    settings = config.Settings(
        database_url=url,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
    )
    engine = db.make_engine(settings)
    migrate.upgrade(engine)
    admin.create_branch(engine, "PLG", "Cabang Palembang", "16.71")
    admin.create_branch(engine, "JKT", "Cabang Jakarta", "31.71")
    for code, branch, role in AGENTS:
        admin.create_agent(engine, settings, code, f"Agen {code}", branch, role, PASSWORD)
    engine.dispose()


class Row(dict):  # type: ignore[type-arg]
    """A result row readable by column name or position (sqlite3.Row-like)."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, slice)):
            return list(self.values())[key]
        return super().__getitem__(key)


class ServerProc(servers.ServerProcess):
    """The real server process on its own copy of the template database, restartable."""

    def __init__(
        self, home: Path, template: Path | None, *, database_url: str | None = None, **settings: Any
    ) -> None:
        """On a copy of `template` (SQLite), or on `database_url` (PostgreSQL, prepared)."""
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.database = home / "server.sqlite3"
        self.pg_url = database_url
        if database_url is None:
            assert template is not None
            shutil.copy(template, self.database)
        env = servers.server_env(
            database_url or f"sqlite:///{self.database}",
            home,
            **{
                "max_ops_per_batch": MAX_OPS_PER_BATCH,
                "max_body_bytes": MAX_BODY_BYTES,
                "sqlite_synchronous": "FULL",
                **settings,
            },
        )
        super().__init__(env, home / "server.log", serve_args=["--no-migrate"])

    def start(self) -> ServerProc:
        super().start()
        return self

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """The administration command, its output added to the server's log (the log scan
        reads it)."""
        result = super().cli(*args, stdin=stdin, check=check)
        with self.log_path.open("a") as log_file:
            log_file.write(result.stdout + result.stderr)
        return result

    # --- reading the server's database directly -------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Runs `sql` (`?` placeholders) on the server's database, read only."""
        if self.pg_url is not None:
            import psycopg
            from psycopg.rows import dict_row

            url = self.pg_url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(url, row_factory=dict_row) as conn:
                rows = conn.execute(sql.replace("?", "%s"), tuple(params)).fetchall()
            return [Row(row) for row in rows]
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            return [Row(dict(row)) for row in conn.execute(sql, tuple(params)).fetchall()]
        finally:
            conn.close()

    def ledger(self, op_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(op_ids)
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in self.query(f"SELECT * FROM ledger WHERE op_id IN ({marks})", part):
                found[row["op_id"]] = dict(row)
        return found

    def ledger_of_devices(self, devices: Iterable[str]) -> list[dict[str, Any]]:
        ids = list(devices)
        marks = ",".join("?" * len(ids))
        return [
            dict(row)
            for row in self.query(f"SELECT * FROM ledger WHERE device_id IN ({marks})", ids)
        ]

    def records(self, entity_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(entity_ids)
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in self.query(f"SELECT * FROM record WHERE entity_id IN ({marks})", part):
                item = dict(row)
                raw = item["fields"]
                item["fields"] = (json.loads(raw) if isinstance(raw, str) else raw) or {}
                found[row["entity_id"]] = item
        return found


# --- a laptop ------------------------------------------------------------------------------


class Laptop(LaptopBase):
    """The app's encrypted database, its services and a real sync engine against `url`."""

    def __init__(self, path: Path, agent_code: str, url: str, *, branch: str = "PLG", **client):
        super().__init__(
            path,
            agent_code,
            branch=branch,
            key=KEY,
            account_key=hashlib.sha256(f"account key {agent_code}".encode()).digest(),
        )
        self.url = url
        self.client_options: dict[str, Any] = {
            "timeout": (2.0, 5.0),
            "max_retries": 2,
            "backoff_base": 0.02,
            "backoff_cap": 0.2,
        }
        self.client_options.update(client)
        self.client = self._new_client()
        self.sync = self._new_engine()

    def _new_client(self) -> Any:
        from sync.client import SyncClient

        client = SyncClient(
            self.url, self.device_id, f"Laptop {self.agent_code}", **self.client_options
        )
        client.login(self.agent_code, PASSWORD)
        return client

    def _new_engine(self, **options: Any) -> Any:
        from sync.engine import SyncEngine

        return SyncEngine(self.client, self.store, **options)

    def reopen(self) -> None:
        """As after a crash of the app: a new engine on the same file, a new client."""
        self.reopen_database()
        self.client = self._new_client()
        self.sync = self._new_engine()

    # --- writing through the app's services -----------------------------------------------

    def add_business(self, i: int, **overrides: Any) -> str:
        from agent_app.services import businesses

        return businesses.register_business(
            self.uow(), self.actor, business_fields(i, **overrides)
        ).id

    def edit_business(self, business_id: str, **changes: Any) -> None:
        from agent_app.services import businesses

        businesses.update_business(self.uow(), self.actor, business_id, changes)

    def add_visit(self, business_id: str, **fields: Any) -> str:
        from agent_app.services import visits

        values = {"channel": "door_to_door", "outcome": "interested", "notes": "uji"}
        values.update(fields)
        return visits.record_visit(self.uow(), self.actor, business_id, values).id

    def delete(self, entity: str, entity_id: str) -> None:
        """Deletes a record locally and writes its delete op (the app has no service yet)."""
        import sqlalchemy as sa

        from agent_app.services import _input
        from agent_app.storage import tables

        table = tables.SYNCED_TABLES[entity]
        with self.uow() as uow:
            row = uow.session.scalars(sa.select(table).where(table.id == entity_id)).one()
            row.deleted = True
            row.sync_state = "pending"
            _input.write_change(
                uow,
                actor_code=self.agent_code,
                action=f"{entity}.delete",
                entity=entity,
                entity_id=entity_id,
                kind="delete",
                base_version=row.version,
                fields={},
            )
            uow.commit()

    def add_enrollment(self, i: int) -> str:
        from agent_app.services import enrollments

        draft = enrollments.save_draft(self.uow(), self.actor, enrollment_fields(i))
        return enrollments.submit(self.uow(), self.actor, draft.id).id

    # --- syncing --------------------------------------------------------------------------

    def pending(self) -> int:
        return int(self.store.pending_count())

    def drain(self, *, max_cycles: int = 40, max_seconds: float = 120.0) -> tuple[int, float]:
        """Runs cycles until one ends cleanly with an empty outbox; (cycles, seconds)."""
        from sync.client import SyncError

        started = time.monotonic()
        last: Exception | None = None
        for cycle in range(1, max_cycles + 1):
            if time.monotonic() - started > max_seconds:
                break
            try:
                self.sync.run_cycle()
            except SyncError as error:
                last = error
                if error.kind == "auth":
                    self.client.login(self.agent_code, PASSWORD)
                time.sleep(0.05)
                continue
            if self.pending() == 0:
                return cycle, time.monotonic() - started
        raise AssertionError(f"sync did not drain ({self.pending()} pending); last error {last!r}")

    # --- reading the local database -------------------------------------------------------

    def outbox(self) -> list[dict[str, Any]]:
        import sqlalchemy as sa

        from agent_app.storage import tables

        with self.uow() as uow:
            return [
                {
                    "op_id": row.op_id,
                    "op_seq": row.op_seq,
                    "entity": row.entity,
                    "entity_id": row.entity_id,
                    "kind": row.kind,
                    "status": row.status,
                    "error_code": row.error_code,
                    "fields": dict(row.fields),
                }
                for row in uow.session.scalars(
                    # The records' stream: the audit trail's `audit_event` ops go in a stream
                    # of their own after the cycle (agent_app.services.sync; their tests:
                    # tests/e2e/test_audit_trail_e2e.py), which this engine-level laptop skips.
                    sa.select(tables.OutboxOp)
                    .where(tables.OutboxOp.entity != "audit_event")
                    .order_by(tables.OutboxOp.op_seq)
                )
            ]

    def records(self) -> dict[str, dict[str, Any]]:
        """Every synced-kind record: {entity_id: {entity, version, deleted, sync_state, wire}}."""
        import sqlalchemy as sa

        from agent_app.storage import tables, wire

        found: dict[str, dict[str, Any]] = {}
        readers = {
            "business": wire.business_from_row,
            "visit": wire.visit_from_row,
            "enrollment": wire.enrollment_from_row,
            "employer_registration": wire.employer_registration_from_row,
        }
        with self.uow() as uow:
            for entity, table in tables.SYNCED_TABLES.items():
                for row in uow.session.scalars(sa.select(table)):
                    if entity == "enrollment" and row.status == "draft":
                        continue
                    try:
                        values = wire.to_wire(readers[entity](row), entity)
                    except (ValueError, TypeError):
                        values = {}
                    found[row.id] = {
                        "entity": str(entity),
                        "version": row.version,
                        "deleted": bool(row.deleted),
                        "sync_state": row.sync_state,
                        "wire": values,
                    }
            del tables
        return found


# --- the invariants ------------------------------------------------------------------------


@dataclass
class Figures:
    """What one scenario run measured (written to the reliability report)."""

    scenario: str
    ops_sent: int = 0
    ops_lost: int = 0
    ops_duplicated: int = 0
    rejected: int = 0
    conflict: int = 0
    recovery_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def verify(
    server: ServerProc,
    laptops: Sequence[Laptop],
    figures: Figures | None = None,
    *,
    compare_records: bool = True,
    foreign_ops: Iterable[str] = (),
    purged: Iterable[str] = (),
) -> Figures:
    """`purged`: entity ids whose tombstones the server compacted away (no record row)."""
    """The final check of a scenario (see the module docstring); raises AssertionError."""
    figures = figures or Figures("adhoc")
    problems: list[str] = []
    ops: dict[str, dict[str, Any]] = {}
    for laptop in laptops:
        for item in laptop.outbox():
            item["laptop"] = laptop
            ops[item["op_id"]] = item
    ledger = server.ledger(ops)
    figures.ops_sent = len(ops)
    lost = 0
    for op_id, item in ops.items():
        status = item["status"]
        row = ledger.get(op_id)
        if status in ("pending", "sent"):
            lost += 1
            problems.append(f"op {op_id} still {status} after the drain")
        elif status in ("applied", "duplicate"):
            if row is None or row["status"] not in ("applied", "duplicate"):
                lost += 1
                problems.append(f"op {op_id} is {status} locally but the ledger has {row}")
        elif status in ("rejected", "conflict"):
            figures.rejected += status == "rejected"
            figures.conflict += status == "conflict"
            if not item["error_code"]:
                problems.append(f"op {op_id} is {status} without an error code")
            if row is None:
                if item["error_code"] not in LOCAL_ERROR_CODES:
                    problems.append(f"op {op_id} {status} ({item['error_code']}) not in ledger")
            elif row["status"] != status:
                problems.append(f"op {op_id}: {status} locally, {row['status']} in the ledger")
        else:
            problems.append(f"op {op_id}: unknown local status {status!r}")
    figures.ops_lost = lost
    known = set(ops) | set(foreign_ops)
    devices = {laptop.device_id for laptop in laptops}
    for row in server.ledger_of_devices(devices):
        if row["op_id"] not in known:
            problems.append(f"ledger op {row['op_id']} ({row['status']}) unknown to the laptops")
    # exactly-once effect: the record's version counts its applied ops
    applied_per_entity: dict[str, int] = {}
    for op_id, item in ops.items():
        row = ledger.get(op_id)
        applied_per_entity.setdefault(item["entity_id"], 0)
        if row is not None and row["status"] == "applied":
            applied_per_entity[item["entity_id"]] += 1
    server_records = server.records(applied_per_entity)
    duplicated = 0
    gone = set(purged)
    for entity_id, applied in applied_per_entity.items():
        if entity_id in gone:
            continue
        rec = server_records.get(entity_id)
        version = rec["version"] if rec else 0
        if version != applied:
            duplicated += max(0, version - applied)
            problems.append(f"record {entity_id}: server version {version}, {applied} applied ops")
    figures.ops_duplicated = duplicated
    if compare_records:
        for laptop in laptops:
            local = laptop.records()
            for entity_id, rec in server.records(local).items():
                mine = local[entity_id]
                if mine["sync_state"] in ("rejected", "conflict"):
                    continue
                if mine["version"] != rec["version"] or mine["deleted"] != bool(rec["deleted"]):
                    problems.append(
                        f"{laptop.agent_code} {entity_id}: local v{mine['version']} "
                        f"deleted={mine['deleted']}, server v{rec['version']} "
                        f"deleted={bool(rec['deleted'])}"
                    )
                    continue
                if rec["deleted"]:
                    continue
                for name, value in rec["fields"].items():
                    if name in mine["wire"] and mine["wire"][name] != value:
                        problems.append(
                            f"{laptop.agent_code} {entity_id}.{name}: "
                            f"{mine['wire'][name]!r} locally, {value!r} on the server"
                        )
            for entity_id, mine in local.items():
                if mine["sync_state"] in ("rejected", "conflict") or mine["version"] is None:
                    continue
                if mine["deleted"]:
                    continue  # deleted here; on the server a tombstone or compacted away
                if entity_id not in server_records and not server.records([entity_id]):
                    problems.append(f"{laptop.agent_code}: {entity_id} is not on the server")
    if problems:
        raise AssertionError(f"{len(problems)} problems:\n" + "\n".join(problems[:40]))
    return figures


# --- figures for docs/reliability.md -------------------------------------------------------


#: Added to scenario names in the report (the PostgreSQL variants set " (PostgreSQL)").
SCENARIO_SUFFIX = ""


def record_figures(figures: Figures) -> None:
    """Appends the figures to the JSON-lines file named by PERISAI_RELIABILITY_REPORT."""
    target = os.environ.get("PERISAI_RELIABILITY_REPORT")
    if not target:
        return
    line = {
        "scenario": figures.scenario + SCENARIO_SUFFIX,
        "ops_sent": figures.ops_sent,
        "ops_lost": figures.ops_lost,
        "ops_duplicated": figures.ops_duplicated,
        "rejected": figures.rejected,
        "conflict": figures.conflict,
        "recovery_seconds": round(figures.recovery_seconds, 3),
        **figures.extra,
    }
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def soak() -> bool:
    return os.environ.get("PERISAI_SOAK") == "1"
