"""Crashes: the laptop's sync process, the app right after a local commit, and the server,
each killed with SIGKILL at a chosen moment; then heal, drain, pull and verify."""

from __future__ import annotations

import contextlib
import random
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import clock
from support import ROOT, Figures, record_figures, soak, verify

CHILD = Path(__file__).resolve().parent / "child.py"


def _child(*args: str, log: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*clock.python(), str(CHILD), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill(proc: subprocess.Popen[str]) -> str:
    proc.kill()
    out, _ = proc.communicate(timeout=30)
    return out


def _finish(scenario, server, laptops, healed, **extra) -> Figures:
    for laptop in laptops:
        laptop.drain()
    for laptop in laptops:
        laptop.drain()
    figures = Figures(scenario, recovery_seconds=time.monotonic() - healed, extra=extra)
    verify(server, laptops, figures)
    record_figures(figures)
    return figures


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_02_client_killed_mid_batch_before_and_after_sending(
    shared_server, make_proxy, make_laptop, tmp_path
):
    proxy = make_proxy(shared_server)
    laptop = make_laptop("RA005", proxy.url)
    for i in range(250):
        laptop.add_business(5000 + i)
    laptop.engine.dispose()
    runs = 0
    # In batches of 50: when the first request hangs or its answer is held, the batches read
    # after it (marked sent, handed to the push thread, queued behind it) are not yet sent.
    for moment, mode in (
        ("before sending", "hang"),
        ("after the server committed", "hold_response"),
    ):
        proxy.fail_next(mode)
        seen = proxy.stats[mode]
        child = _child(
            "sync", str(laptop.path), proxy.url, "RA005", str(tmp_path / "child.log"), "50"
        )
        assert proxy.wait_for(mode, seen + 1, timeout=60), moment
        _kill(child)
        runs += 1
        proxy.heal()
    # Random moments: the child killed while batches go through a slow network.
    rng = random.Random(2)
    for _ in range(20 if soak() else 1):
        proxy.set(latency=0.05, jitter=0.1)
        child = _child("sync", str(laptop.path), proxy.url, "RA005", str(tmp_path / "child.log"))
        time.sleep(rng.uniform(1.0, 3.0))
        _kill(child)
        runs += 1
        proxy.heal()
    healed = time.monotonic()
    laptop.reopen()
    figures = _finish("02 client killed mid-batch", shared_server, [laptop], healed, runs=runs)
    assert figures.ops_sent == 250


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_11_app_killed_right_after_a_local_commit(make_laptop, shared_server, tmp_path):
    laptop = make_laptop("RA005", shared_server.url)
    path = str(laptop.path)
    laptop.engine.dispose()
    for how in ("exit", "kill"):
        out = subprocess.run(
            [*clock.python(), str(CHILD), "commit", path, "RA005", "3", how],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        assert "committed" in out
    # Killed at random moments while committing in a loop.
    rng = random.Random(11)
    committed: list[str] = []
    runs = 2
    for _ in range(20 if soak() else 2):
        child = _child("commit-loop", path, "RA005", str(tmp_path / "commit.log"))
        time.sleep(rng.uniform(1.5, 3.0))
        out = _kill(child)
        committed += [line.split()[1] for line in out.splitlines() if line.startswith("committed")]
        runs += 1
    laptop.reopen()
    from agent_app.storage import tables

    with laptop.uow() as uow:
        assert uow.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        businesses = set(uow.session.scalars(sa.select(tables.Business.id)))
        creates = [
            op.entity_id
            for op in uow.session.scalars(
                sa.select(tables.OutboxOp).where(
                    tables.OutboxOp.kind == "create", tables.OutboxOp.entity != "audit_event"
                )
            )
        ]
    assert len(creates) == len(set(creates))
    assert set(creates) == businesses  # each record with its op, each op with its record
    assert set(committed) <= businesses  # what the app said was saved is there
    healed = time.monotonic()
    figures = _finish(
        "11 app killed after a local commit", shared_server, [laptop], healed, runs=runs
    )
    assert figures.ops_sent == len(businesses) >= 6


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_03_server_killed_mid_batch(make_any_server, make_proxy, make_laptop):
    server = make_any_server()
    proxy = make_proxy(server)
    laptop = make_laptop("RA001", proxy.url)
    for i in range(300):
        laptop.add_business(6000 + i)
    # The server commits, its answer is held, and it dies before anyone hears it.
    proxy.fail_next("hold_response")
    from sync.client import SyncError

    worker = threading.Thread(target=lambda: _try(laptop.sync.run_cycle, SyncError))
    worker.start()
    assert proxy.wait_for("hold_response", 1, timeout=60)
    server.kill()
    proxy.heal()
    worker.join(timeout=120)
    server.start()
    # Killed at random moments while a slow upload is being applied.
    rng = random.Random(3)
    runs = 1
    for i in range(300, 600):
        laptop.add_business(6000 + i)
    for _ in range(10 if soak() else 1):
        proxy.set(bandwidth=200_000, latency=0.02)
        worker = threading.Thread(target=lambda: _try(laptop.drain, AssertionError))
        worker.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        time.sleep(0.3)
        server.start()
        worker.join(timeout=180)
        runs += 1
    proxy.heal()
    healed = time.monotonic()
    figures = _finish("03 server killed mid-batch", server, [laptop], healed, runs=runs)
    assert figures.ops_sent == 600


def _try(call, *errors):  # type: ignore[no-untyped-def]
    with contextlib.suppress(*errors):
        call()
