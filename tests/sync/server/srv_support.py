"""Helpers for the central server's tests: synthetic records, ops, and a logged-in laptop.

All data is synthetic: NIKs are made up in province 16 (Sumatera Selatan), district
16.71.03, with varied birth dates and serials; no real person is described.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import itertools
import json
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import servers
from helpers.databases import scratch_database
from helpers.niks import nik_birth_date, synthetic_nik

from agent_app.domain import contributions
from sync import protocol
from sync.server import admin, config
from sync.server import app as server_app

WIB = dt.timezone(dt.timedelta(hours=7))
PASSWORD = "rahasia-123"


def now_wib() -> dt.datetime:
    return dt.datetime.now(WIB).replace(microsecond=0)


def enrollment_fields(
    i: int,
    *,
    on: dt.date | None = None,
    income: int = 2_000_000,
    programs: tuple[str, ...] = ("JKK", "JKM"),
    occupation: str = "pedagang",
    **overrides: Any,
) -> dict[str, Any]:
    female = i % 2 == 1
    nik = synthetic_nik(i, female)
    day = on or now_wib().date()
    try:
        monthly = contributions.quote(income, list(programs), 1, day, occupation).monthly_total
    except contributions.QuoteError:
        monthly = 16_800
    fields: dict[str, Any] = {
        "nik": nik,
        "full_name": f"Peserta Contoh {i}",
        "birth_place": "Palembang",
        "birth_date": nik_birth_date(nik),
        "gender": "F" if female else "M",
        "phone": f"+62812{i % 100_000_000:08d}",
        "email": None,
        "address": "Jl. Contoh No. 1, Ilir Timur",
        "region_code": "16.71.03",
        "occupation": occupation,
        "declared_income": income,
        "programs": list(programs),
        "period_months": 1,
        "paid_by_state": False,
        "monthly_contribution": monthly,
        "consent": {"text_version": "2026-01", "given_at": now_wib().isoformat()},
        "business_id": None,
        "event_id": None,
    }
    fields.update(overrides)
    return fields


def business_fields(name: str = "Pempek Cek Molek", **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": name,
        "owner_name": "Pemilik Contoh",
        "phone": "+6281234500001",
        "sector": "kuliner",
        "size_class": "mikro",
        "workers_count": 3,
        "address": "Jl. Merdeka 10",
        "region_code": "16.71.03",
        "status": "prospect",
    }
    fields.update(overrides)
    return fields


def visit_fields(business_id: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "business_id": business_id,
        "visited_at": now_wib().isoformat(),
        "channel": "door_to_door",
        "outcome": "interested",
        "notes": "Tertarik JKK/JKM",
    }
    fields.update(overrides)
    return fields


def op(
    entity: str,
    kind: str,
    entity_id: str | None = None,
    fields: dict[str, Any] | None = None,
    base_version: int | None = None,
    recorded_at: dt.datetime | None = None,
    op_id: str | None = None,
) -> dict[str, Any]:
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "entity": entity,
        "entity_id": entity_id or str(uuid.uuid4()),
        "kind": kind,
        "base_version": base_version,
        "fields": fields or {},
        "recorded_at": (recorded_at or now_wib()).isoformat(),
    }


@dataclass
class Laptop:
    """A logged-in laptop: an agent's tokens on one device."""

    client: Any
    agent_code: str
    device_id: str
    access_token: str
    refresh_token: str
    login_answer: dict[str, Any]
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def body(self, ops: list[dict[str, Any]], batch_id: str | None = None) -> dict[str, Any]:
        for item in ops:
            item.setdefault("op_seq", next(self.seq))
        return {
            "protocol_version": 1,
            "device_id": self.device_id,
            "batch_id": batch_id or str(uuid.uuid4()),
            "ops": ops,
        }

    def push_raw(self, ops: list[dict[str, Any]], **kwargs: Any) -> Any:
        return self.client.post(
            "/v1/sync/push", json=self.body(ops), headers=self.headers, **kwargs
        )

    def push(self, *ops: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(list(ops))
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
        return results

    def push_one(self, item: dict[str, Any]) -> dict[str, Any]:
        return self.push(item)[0]

    def create(self, entity: str, fields: dict[str, Any]) -> str:
        """Pushes one create of a new `entity` with `fields`, which must be applied: its id."""
        entity_id = str(uuid.uuid4())
        result = self.push_one(op(entity, "create", entity_id, fields))
        assert result["status"] == "applied", result
        return entity_id

    def pull_all(
        self,
        limit: int = 1000,
        cursor: str | None = None,
        understands: Sequence[str] = protocol.OPTIONAL_PULLED,
    ) -> tuple[list[dict], str]:
        """Every page after `cursor`, declaring `understands` (`with`) as today's laptop does
        (`()`: a laptop from before the optional entities)."""
        changes: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            if understands:
                params["with"] = list(understands)
            response = self.client.get("/v1/sync/pull", params=params, headers=self.headers)
            assert response.status_code == 200, response.text
            page = response.json()
            changes += page["changes"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes, cursor

    def check_nik(self, nik: str) -> Any:
        return self.client.post("/v1/participants/check", json={"nik": nik}, headers=self.headers)


def gzip_json(data: Any) -> bytes:
    return gzip.compress(json.dumps(data).encode())


def attachments_dir_for(database_url: str) -> str:
    """A blob store beside a SQLite test database, else a fresh temporary folder (never the
    real server home)."""
    if database_url.startswith("sqlite:///"):
        return str(Path(database_url.removeprefix("sqlite:///")).parent / "attachments")
    return tempfile.mkdtemp(prefix="perisai-blobs-")


def cheap_settings(database_url: str, **changes: Any) -> config.Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "attachments_dir": attachments_dir_for(database_url),
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "argon2_parallelism": 1,
        "max_body_bytes": 512 * 1024,
        # Tests log in many times a minute from one address: rate limits out of the way
        # unless a test sets them (test_auth.py).
        "login_rate_per_client": 100_000,
        "login_rate_per_agent": 100_000,
        "check_rate_per_client": 100_000,
        "check_rate_per_agent": 100_000,
    }
    values.update(changes)
    return config.Settings(**values)


class World:
    """A server under test with helpers to set up branches, agents and laptops."""

    def __init__(self, settings: config.Settings) -> None:
        self.settings = settings
        self.app = server_app.create_app(settings)
        self.engine = self.app.state.server.engine
        self.client = TestClient(self.app)
        self.extra_clients: list[TestClient] = []

    def branch(
        self,
        code: str = "PLG",
        name: str = "Palembang",
        region: str = "16.71",
        time_zone: str = "Asia/Jakarta",
    ) -> str:
        admin.create_branch(self.engine, code, name, region, time_zone)
        return code

    def agent(self, code: str, branch: str = "PLG", role: str = "agent") -> str:
        admin.create_agent(self.engine, self.settings, code, f"Agen {code}", branch, role, PASSWORD)
        return code

    def login_raw(
        self, agent_code: str, device_id: str | None = None, password: str = PASSWORD, **extra: Any
    ) -> Any:
        return self.client.post(
            "/v1/auth/login",
            json={
                "agent_code": agent_code,
                "password": password,
                "device_id": device_id or str(uuid.uuid4()),
                "device_name": "Laptop uji",
                **extra,
            },
        )

    def login(self, agent_code: str, device_id: str | None = None, **extra: Any) -> Laptop:
        device_id = device_id or str(uuid.uuid4())
        response = self.login_raw(agent_code, device_id, **extra)
        assert response.status_code == 200, response.text
        answer = response.json()
        return Laptop(
            self.client,
            agent_code,
            device_id,
            answer["access_token"],
            answer["refresh_token"],
            answer,
        )

    def standard(self) -> tuple[Laptop, Laptop, Laptop]:
        """Branch PLG with agents A1, A2 and supervisor S1, each on its own laptop."""
        self.branch()
        for code, role in (("A1", "agent"), ("A2", "agent"), ("S1", "supervisor")):
            self.agent(code, role=role)
        return self.login("A1"), self.login("A2"), self.login("S1")

    def token_secret(self) -> bytes:
        from sync.server import meta

        with self.engine.connect() as conn:
            return meta.token_secret(meta.read(conn))

    def close(self) -> None:
        for client in (self.client, *self.extra_clients):
            client.close()
        self.engine.dispose()


class ServerProcess(servers.ServerProcess):
    """`python -m sync.server serve` on `database_url` (migrated at start), started at once."""

    def __init__(
        self, database_url: str, home: Path, workers: int = 1, env: dict[str, str] | None = None
    ) -> None:
        super().__init__(
            {**servers.server_env(database_url, home), **(env or {})},
            home / "server.log",
            serve_args=["--workers", str(workers)],
        )
        self.start()


@contextlib.contextmanager
def fresh_database(request: pytest.FixtureRequest, folder: Path, prefix: str) -> Iterator[str]:
    """A fresh, empty database for a live server, by the fixture's param: a SQLite file in
    `folder`, or ("postgres") a scratch PostgreSQL database named `prefix_<random>`, dropped
    when the block ends."""
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'server.sqlite3'}"
        return
    with scratch_database(request.getfixturevalue("pg_admin_url"), prefix) as url:
        yield url
