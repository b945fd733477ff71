"""The real server (`python -m sync.server serve`) in its own process, over real HTTP.

The server runs two worker processes, so nothing may live in one process's
memory. Concurrency: the same batch twice at once, 20 clients pushing at once, and a reader
pulling while others commit.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
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
N_CLIENTS = 20


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("live")
    workers = 2  # two processes: nothing may live in one process's memory
    with fresh_database(request, home, "perisai_live") as url:
        server = ServerProcess(url, home, workers=workers)
        settings = cheap_settings(url)
        engine = db.make_engine(settings)
        admin.create_branch(engine, "PLG", "Palembang", "16.71")
        admin.create_agent(engine, settings, "S1", "Supervisor", "PLG", "supervisor", PASSWORD)
        for n in range(N_CLIENTS):
            admin.create_agent(engine, settings, f"A{n}", f"Agen {n}", "PLG", "agent", PASSWORD)
        server.engine = engine  # type: ignore[attr-defined]
        yield server
        server.stop()
        engine.dispose()


class Client:
    def __init__(self, base: str, agent: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        self.device_id = str(uuid.uuid4())
        answer = (
            self.http.post(
                "/v1/auth/login",
                json={
                    "agent_code": agent,
                    "password": PASSWORD,
                    "device_id": self.device_id,
                    "device_name": "uji",
                },
            )
            .raise_for_status()
            .json()
        )
        self.http.headers["Authorization"] = f"Bearer {answer['access_token']}"
        self.seq = 0
        self.retries = 0

    def body(self, ops: list[dict[str, Any]]) -> dict[str, Any]:
        for item in ops:
            self.seq += 1
            item["op_seq"] = self.seq
        return {
            "protocol_version": 1,
            "device_id": self.device_id,
            "batch_id": str(uuid.uuid4()),
            "ops": ops,
        }

    def post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        while True:
            response = self.http.post("/v1/sync/push", json=body)
            if response.status_code in (429, 503):  # what a laptop does: wait and resend
                self.retries += 1
                threading.Event().wait(float(response.headers["Retry-After"]) / 10)
                continue
            assert response.status_code == 200, response.text
            return response.json()["results"]  # type: ignore[no-any-return]

    def pull_page(self, cursor: str | None, limit: int = 200) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = self.http.get("/v1/sync/pull", params=params)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


_nik_counter = iter(range(100_000, 10_000_000))


def _ops(count: int) -> list[dict[str, Any]]:
    made = []
    for n in range(count):
        if n % 2:
            made.append(op("enrollment", "create", None, enrollment_fields(next(_nik_counter))))
        else:
            made.append(op("business", "create", None, business_fields(f"Usaha {n}")))
    return made


def test_real_server_round_trip(live: ServerProcess) -> None:
    client = Client(live.url, "A0")
    health = client.http.get("/v1/health", headers={"X-Request-ID": "live-1"})
    assert health.json() == {"status": "ok"} and health.headers["x-request-id"] == "live-1"
    results = client.post(client.body(_ops(4)))
    assert {r["status"] for r in results} == {"applied"}
    page = client.pull_page(None)
    assert {r["server_seq"] for r in results} <= {c["server_seq"] for c in page["changes"]}
    log = (Path(live.env["PERISAI_SERVER_HOME"]) / "server.log").read_text()
    assert "[live-1] GET /v1/health 200" in log


def test_same_batch_twice_at_once(live: ServerProcess) -> None:
    clients = [Client(live.url, "A1")]
    second = httpx.Client(base_url=live.url, timeout=60, headers=clients[0].http.headers)
    for _ in range(3):
        body = clients[0].body(_ops(40))
        barrier = threading.Barrier(2)
        answers: list[list[dict[str, Any]]] = []

        def send(
            http: httpx.Client,
            body: dict[str, Any] = body,
            barrier: threading.Barrier = barrier,
            answers: list[list[dict[str, Any]]] = answers,
        ) -> None:
            barrier.wait()
            response = http.post("/v1/sync/push", json=body)
            assert response.status_code == 200, response.text
            answers.append(response.json()["results"])

        threads = [threading.Thread(target=send, args=(h,)) for h in (clients[0].http, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(answers) == 2
        for first, other in zip(*answers, strict=True):
            assert sorted([first["status"], other["status"]]) == ["applied", "duplicate"]
            assert first["server_seq"] == other["server_seq"]
            assert first["entity_version"] == other["entity_version"] == 1


def test_twenty_clients_at_once_lose_and_duplicate_nothing(live: ServerProcess) -> None:
    clients = [Client(live.url, f"A{n}") for n in range(N_CLIENTS)]
    batches = [[clients[n].body(_ops(30)) for _ in range(3)] for n in range(N_CLIENTS)]
    results: dict[int, list[dict[str, Any]]] = {}
    barrier = threading.Barrier(N_CLIENTS)

    def run(n: int) -> None:
        barrier.wait()
        results[n] = [r for body in batches[n] for r in clients[n].post(body)]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(N_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = {o["op_id"]: o for n in range(N_CLIENTS) for b in batches[n] for o in b["ops"]}
    answered = [r for n in range(N_CLIENTS) for r in results[n]]
    assert len(answered) == len(sent) == N_CLIENTS * 90
    assert {r["status"] for r in answered} == {"applied"}
    seqs = [r["server_seq"] for r in answered]
    assert len(set(seqs)) == len(seqs)
    engine = live.engine  # type: ignore[attr-defined]
    ids = [o["entity_id"] for o in sent.values()]
    with engine.connect() as conn:
        table = db.Record.__table__
        stored = conn.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.entity_id.in_(ids))
        ).scalar_one()
        ledger = db.Ledger.__table__
        ledgered = conn.execute(
            sa.select(sa.func.count())
            .select_from(ledger)
            .where(ledger.c.op_id.in_(list(sent)), ledger.c.status == "applied")
        ).scalar_one()
    assert stored == ledgered == len(sent)


def test_reader_sees_every_change_exactly_once_while_others_commit(live: ServerProcess) -> None:
    writers = [Client(live.url, f"A{n}") for n in range(4)]
    reader = Client(live.url, "S1")
    start = reader.pull_page(None, 1000)
    cursor = start["next_cursor"]
    while start["has_more"]:
        start = reader.pull_page(cursor, 1000)
        cursor = start["next_cursor"]
    created: set[str] = set()
    done = threading.Event()

    def write(client: Client) -> None:
        for _ in range(6):
            body = client.body(_ops(25))
            created.update(o["entity_id"] for o in body["ops"])
            client.post(body)

    seen: list[dict[str, Any]] = []

    def read() -> None:
        nonlocal cursor
        while True:
            finished = done.is_set()
            page = reader.pull_page(cursor, 37)
            seen.extend(page["changes"])
            cursor = page["next_cursor"]
            if finished and not page["has_more"]:
                return

    reading = threading.Thread(target=read)
    reading.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reading.join()
    ids = [c["entity_id"] for c in seen]
    assert len(ids) == len(set(ids)), "a change was seen twice"
    assert created <= set(ids), f"{len(created - set(ids))} changes were skipped"
    seqs = [c["server_seq"] for c in seen]
    assert seqs == sorted(seqs)


def test_real_server_gzip_and_413(live: ServerProcess) -> None:
    import gzip
    import json

    client = Client(live.url, "A0")
    body = client.body(_ops(3))
    response = client.http.post(
        "/v1/sync/push",
        content=gzip.compress(json.dumps(body).encode()),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"applied"}
    cap = client.http.get("/v1/sync/config").json()["max_body_bytes"]

    def bomb() -> Iterator[bytes]:  # streamed in chunks, as a slow laptop would send it
        data = gzip.compress(b" " * (cap * 3))
        for start in range(0, len(data), 4096):
            yield data[start : start + 4096]

    response = client.http.post(
        "/v1/sync/push",
        content=bomb(),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_real_server_overload_is_429_with_retry_after(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    home = tmp_path_factory.mktemp("overload")
    url = f"sqlite:///{home / 'server.sqlite3'}"
    server = ServerProcess(
        url,
        home,
        env={
            "PERISAI_MAX_CONCURRENT_PUSHES": "1",
            "PERISAI_PUSH_QUEUE_SECONDS": "0",
            "PERISAI_RETRY_AFTER_SECONDS": "3",
        },
    )
    try:
        settings = cheap_settings(url)
        engine = db.make_engine(settings)
        admin.create_branch(engine, "PLG", "Palembang", "16.71")
        for n in range(6):
            admin.create_agent(engine, settings, f"A{n}", "Agen", "PLG", "agent", PASSWORD)
        engine.dispose()
        clients = [Client(server.url, f"A{n}") for n in range(6)]
        bodies = [c.body(_ops(400)) for c in clients]
        answers: list[tuple[int, Any]] = []
        barrier = threading.Barrier(len(bodies) + 2)

        def send(index: int, body: dict[str, Any]) -> None:
            barrier.wait()
            answers.append((index, clients[index].http.post("/v1/sync/push", json=body)))

        # Every laptop at once, and laptop 0 sends its batch three times.
        jobs = [*enumerate(bodies), (0, bodies[0]), (0, bodies[0])]
        threads = [threading.Thread(target=send, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = [response.status_code for _, response in answers]
        assert set(statuses) <= {200, 429} and 429 in statuses and 200 in statuses
        for _, response in answers:
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "3"
                assert response.json()["error"]["code"] == "overloaded"
        # Refused batches are sent again (what a laptop does after Retry-After): every op of
        # batch 0 is applied exactly once over all the answers it got.
        results = [r.json()["results"] for i, r in answers if i == 0 and r.status_code == 200]
        results.append(clients[0].post(bodies[0]))
        for per_op in zip(*results, strict=True):
            assert sorted(r["status"] for r in per_op).count("applied") == 1
    finally:
        server.stop()
