"""The unique-NIK guard against a race of pushes on the real server (two worker processes),
SQLite and PostgreSQL: laptops of two branches push at the same moment employer registrations
that all list one worker, and BPU enrollments of that worker's NIK. Exactly one of them takes
the NIK; every other is a `nik_already_enrolled` conflict, and nothing of a refused
registration (its other workers) holds a NIK."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from employer_support import ENTITY, registration, worker
from srv_support import (
    PASSWORD,
    ServerProcess,
    business_fields,
    cheap_settings,
    enrollment_fields,
    fresh_database,
    op,
)

from sync.server import admin, db

pytestmark = pytest.mark.slow
AGENTS = [("A0", "PLG"), ("A1", "PLG"), ("A2", "PLG"), ("B0", "LLG"), ("B1", "LLG"), ("B2", "LLG")]
_SEQ = itertools.count(1)
_DEVICES: dict[int, str] = {}  # a client's device (the batch's device_id is the token's)
SHARED = 950  # the worker every registration lists (and every enrollment enrolls)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    with fresh_database(request, tmp_path, "perisai_pu_race") as url:
        server = ServerProcess(url, tmp_path, workers=2)
        settings = cheap_settings(url)
        engine = db.make_engine(settings)
        admin.create_branch(engine, "PLG", "Palembang", "16.71")
        admin.create_branch(engine, "LLG", "Lubuklinggau", "16.73")
        for code, branch in AGENTS:
            admin.create_agent(engine, settings, code, f"Agen {code}", branch, "agent", PASSWORD)
        server.engine = engine  # type: ignore[attr-defined]
        yield server
        server.stop()
        engine.dispose()


def _login(base: str, agent: str) -> httpx.Client:
    http = httpx.Client(base_url=base, timeout=60)
    device = str(uuid.uuid4())
    answer = http.post(
        "/v1/auth/login",
        json={"agent_code": agent, "password": PASSWORD, "device_id": device, "device_name": "uji"},
    ).raise_for_status()
    http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    _DEVICES[id(http)] = device
    return http


def _push(http: httpx.Client, *ops: dict[str, Any]) -> list[dict[str, Any]]:
    for item in ops:
        item["op_seq"] = next(_SEQ)
    body = {
        "protocol_version": 1,
        "device_id": _DEVICES[id(http)],
        "batch_id": str(uuid.uuid4()),
        "ops": list(ops),
    }
    while True:
        response = http.post("/v1/sync/push", json=body)
        if response.status_code in (429, 503):
            threading.Event().wait(0.2)
            continue
        assert response.status_code == 200, response.text
        return response.json()["results"]  # type: ignore[no-any-return]


def test_one_worker_nik_pushed_everywhere_at_once_is_taken_once(live: ServerProcess) -> None:
    clients = {code: _login(live.url, code) for code, _ in AGENTS}
    pending: dict[str, dict[str, Any]] = {}
    own_workers: dict[str, list[str]] = {}
    for n, (code, _) in enumerate(AGENTS):
        if n % 3 == 2:  # a third enroll the worker as a BPU participant
            pending[code] = op("enrollment", "create", None, enrollment_fields(SHARED))
            continue
        biz = str(uuid.uuid4())
        assert _push(clients[code], op("business", "create", biz, business_fields()))[0][
            "status"
        ] == ("applied")
        lines = [worker(960 + 2 * n), worker(SHARED), worker(961 + 2 * n)]
        own_workers[code] = [lines[0]["nik"], lines[2]["nik"]]
        pending[code] = op(ENTITY, "create", None, registration(biz, lines))
    barrier = threading.Barrier(len(AGENTS))
    answers: dict[str, dict[str, Any]] = {}

    def send(code: str) -> None:
        barrier.wait()
        answers[code] = _push(clients[code], pending[code])[0]

    threads = [threading.Thread(target=send, args=(code,)) for code, _ in AGENTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = [answers[code]["status"] for code, _ in AGENTS]
    assert sorted(statuses) == ["applied"] + ["conflict"] * (len(AGENTS) - 1), answers
    assert {a["error"]["code"] for a in answers.values() if a["status"] == "conflict"} == {
        "nik_already_enrolled"
    }
    [winner] = [code for code in answers if answers[code]["status"] == "applied"]
    held = set(own_workers.get(winner, []))
    engine = live.engine  # type: ignore[attr-defined]
    table = db.table(db.ActiveNik)
    with engine.connect() as conn:
        rows = {row.nik: row.entity_id for row in conn.execute(sa.select(table))}
    assert set(rows) == {worker(SHARED)["nik"]} | held
    assert rows[worker(SHARED)["nik"]] == pending[winner]["entity_id"]
