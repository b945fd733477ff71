"""Network and time: mall Wi-Fi, a laptop days offline with a wrong clock, two agents editing
one business offline, tokens expiring mid-sync, and a cursor the server no longer serves."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from support import Figures, record_figures, soak, verify


def _finish(scenario, server, laptops, healed, *, verify_options=None, **extra) -> Figures:
    for laptop in laptops:
        laptop.drain()
    for laptop in laptops:
        laptop.drain()
    figures = Figures(scenario, recovery_seconds=time.monotonic() - healed, extra=extra)
    verify(server, laptops, figures, **(verify_options or {}))
    record_figures(figures)
    return figures


class CallTimer:
    """Wraps a laptop's `requests` session to time every call (a hang shows up here)."""

    def __init__(self, laptop) -> None:
        self.durations: list[float] = []
        session = laptop.client.session
        original = session.request

        def timed(*args, **kwargs):
            started = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                self.durations.append(time.monotonic() - started)

        session.request = timed


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_07_mall_wifi(shared_server, make_proxy, make_laptop):
    """Latency with jitter, 20 KB/s, small slices, random resets, hangs and lost answers, until
    the outbox drains; no call outlives its timeout."""
    proxy = make_proxy(shared_server, seed=7, hang_seconds=30)
    laptop = make_laptop("RA006", proxy.url, timeout=(2.0, 3.0), max_retries=1)
    timer = CallTimer(laptop)
    count = 1000 if soak() else 80
    ids = [laptop.add_business(7000 + i) for i in range(count)]
    for business_id in ids[:20]:
        laptop.add_visit(business_id, outcome="follow_up", next_follow_up="2026-12-01")
    for i in range(5):
        laptop.add_enrollment(7000 + i)
    expected = len(laptop.outbox())
    # small batches and pages: more calls, so more of them meet a fault
    laptop.sync = laptop._new_engine(batch_size=20, pull_limit=50)
    proxy.set(
        latency=0.05,
        jitter=0.15,
        bandwidth=20_000,
        chunk=512,
        p_reset=0.15,
        p_hang=0.08,
        p_drop_response=0.1,
    )
    started = time.monotonic()
    cycles = failures = 0
    from sync.client import SyncError

    while laptop.pending() and time.monotonic() - started < (900 if soak() else 120):
        cycles += 1
        try:
            laptop.sync.run_cycle()
        except SyncError as error:
            failures += 1
            if error.kind == "auth":
                laptop.client.login("RA006", "kata-sandi-uji-panjang-7")
    drained_under_faults = laptop.pending() == 0
    faults = sum(proxy.stats[k] for k in ("random_reset", "hang", "drop_response"))
    proxy.heal()
    healed = time.monotonic()
    # read timeout 3 s per wait, plus the slow transfer of the largest body at 20 KB/s
    assert max(timer.durations) < 3.0 + 2.0 + 256 * 1024 / 20_000 + 5
    assert faults > 0
    figures = _finish(
        "07 mall Wi-Fi",
        shared_server,
        [laptop],
        healed,
        cycles=cycles,
        failed_cycles=failures,
        faults=faults,
        longest_call=round(max(timer.durations), 2),
        drained_under_faults=drained_under_faults,
        seconds_under_faults=round(healed - started, 1),
    )
    assert figures.ops_sent == expected


def test_08_days_offline_with_a_wrong_clock(shared_server, make_laptop, monkeypatch):
    """Ops recorded over three "days" by a clock hours ahead that jumps backwards; the server
    orders by arrival (op_seq), not by the laptop's clock."""
    from agent_app.storage import repositories

    laptop = make_laptop("RA003", shared_server.url)
    real = dt.datetime.now().astimezone()
    offsets = iter(
        [
            dt.timedelta(days=-3, hours=5),
            dt.timedelta(days=-2, hours=9),
            dt.timedelta(days=-1, hours=-7),
            dt.timedelta(hours=6),
            dt.timedelta(days=-4),
        ]
        * 200
    )
    monkeypatch.setattr(
        repositories, "now", lambda: (real + next(offsets)).isoformat(timespec="seconds")
    )
    ids = [laptop.add_business(8000 + i) for i in range(40)]
    laptop.drain()
    names = [f"Nama Ke-{n}" for n in range(5)]
    for name in names:  # recorded_at goes back and forth; the last edit must win
        for business_id in ids[:10]:
            laptop.edit_business(business_id, name=name)
    recorded = sorted({op["op_id"] for op in laptop.outbox()})
    assert len(recorded) == 40 + 50
    skewed = dt.timedelta(hours=5, minutes=30)
    laptop.sync = laptop._new_engine(clock=lambda: dt.datetime.now(dt.UTC) + skewed)
    healed = time.monotonic()
    report = laptop.sync.run_cycle()
    assert "clock_skew" in report.warnings
    assert report.clock_offset is not None and report.clock_offset < -5 * 3600
    server_records = shared_server.records(ids[:10])
    assert {rec["fields"]["name"] for rec in server_records.values()} == {names[-1]}
    _finish("08 days offline, clock off and jumping back", shared_server, [laptop], healed)


@pytest.mark.parametrize("first", ["A", "B"])
def test_09_two_agents_edit_the_same_business_offline(shared_server, make_laptop, first):
    """Disjoint fields merge the same way whatever the order; a field both changed is taken
    from the later arrival (SYNC_PROTOCOL.md); every laptop ends equal to the server."""
    a = make_laptop("RA001", shared_server.url)
    b = make_laptop("RA002", shared_server.url)
    ids = [a.add_business(9000 + i) for i in range(10)]
    a.drain()
    b.drain()
    assert all(business_id in b.records() for business_id in ids)
    for business_id in ids:
        a.edit_business(business_id, workers_count=11, name="Nama dari A")
        b.edit_business(business_id, address="Jl. dari B", name="Nama dari B")
    b.add_visit(ids[0], outcome="interested")
    order = [a, b] if first == "A" else [b, a]
    healed = time.monotonic()
    for laptop in order:
        laptop.drain()
    _finish(f"09 two agents, same business (first {first})", shared_server, [a, b], healed)
    later = "B" if first == "A" else "A"
    for rec in shared_server.records(ids).values():
        fields = rec["fields"]
        assert fields["workers_count"] == 11
        assert fields["address"] == "Jl. dari B"
        assert fields["name"] == f"Nama dari {later}"
    for business_id in ids:
        assert a.records()[business_id]["wire"] == b.records()[business_id]["wire"]


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_12_token_expires_in_the_middle_of_a_sync(make_server, make_proxy, make_laptop):
    server = make_server(access_token_seconds=2)
    proxy = make_proxy(server)
    # The laptop's clock lags, so it believes its token fresh and meets the server's 401.
    laptop = make_laptop("RA001", proxy.url, clock=lambda: time.time() - 600)
    for i in range(150):
        laptop.add_business(12_000 + i)
    laptop.sync = laptop._new_engine(batch_size=25)
    time.sleep(2.5)
    proxy.set(latency=0.15)
    # config, 6 batches and pulls: several token lifetimes. On a loaded machine a refreshed
    # token can expire again before its call arrives; the next cycle carries on.
    cycles, _ = laptop.drain(max_cycles=10)
    assert sum(op["status"] == "applied" for op in laptop.outbox()) == 150
    refreshed = proxy.forwarded.count("/v1/auth/refresh")
    assert refreshed >= 1
    proxy.heal()
    # And with the right clock: the client refreshes ahead of expiry.
    other = make_laptop("RA002", proxy.url)
    for i in range(60):
        other.add_business(12_500 + i)
    proxy.set(latency=0.15)
    other.drain(max_cycles=10)
    proxy.heal()
    healed = time.monotonic()
    _finish(
        "12 token expiry mid-sync",
        server,
        [laptop, other],
        healed,
        cycles=cycles,
        refreshes=proxy.forwarded.count("/v1/auth/refresh"),
    )


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_15_refresh_answer_lost(make_server, make_proxy, make_laptop):
    """The server rotates the refresh token and the answer is lost on the way back (the Wi-Fi
    drops): the laptop's retry with the token it still holds gets a new pair within the grace
    window, and sync goes on without asking the person to log in again."""
    server = make_server(access_token_seconds=2)
    proxy = make_proxy(server)
    laptop = make_laptop("RA001", proxy.url)
    for i in range(20):
        laptop.add_business(15_000 + i)
    time.sleep(2.5)  # the access token has expired
    proxy.fail_next("drop_response", path="/v1/auth/refresh")
    healed = time.monotonic()
    report = laptop.sync.run_cycle()  # an auth error here would mean logging in again
    assert proxy.stats["drop_response"] == 1
    assert proxy.forwarded.count("/v1/auth/refresh") >= 2
    assert report.applied == 20 and laptop.pending() == 0
    proxy.heal()
    _finish(
        "15 refresh answer lost",
        server,
        [laptop],
        healed,
        refreshes=proxy.forwarded.count("/v1/auth/refresh"),
    )


def _expired_cursor(make_server, make_laptop, *, seen_by_b: bool) -> None:
    """A deletes 5 of its businesses, the server compacts their tombstones, and B, whose cursor
    is older, has pending edits and gets 410 on pull: it resets the cursor and keeps its outbox.
    `seen_by_b`: B had pulled the 5 records before they were deleted."""
    server = make_server()
    a = make_laptop("RA001", server.url)
    b = make_laptop("RA002", server.url)
    ids = [a.add_business(13_000 + i) for i in range(30)]
    a.drain()
    b.drain()
    if seen_by_b:
        doomed = ids[:5]
    else:
        doomed = [a.add_business(13_100 + i) for i in range(5)]
        a.drain()
    cursor = b.store.get_cursor()
    for business_id in doomed:
        a.delete("business", business_id)
    a.drain()
    result = server.cli("compact", "--older-than-days", "0")
    assert result.returncode == 0, result.stderr
    assert "purged 5" in result.stdout
    for business_id in ids[5:10]:
        b.edit_business(business_id, workers_count=99)
    healed = time.monotonic()
    report = b.sync.run_cycle()
    assert report.cursor_reset
    assert b.store.get_cursor() != cursor
    assert report.applied == 5  # the outbox was kept and sent
    _finish(
        f"13 expired cursor ({'deleted records seen' if seen_by_b else 'unseen deletions'})",
        server,
        [a, b],
        healed,
        verify_options={"purged": set(doomed)},
    )
    live = [i for i in doomed if i in b.records() and not b.records()[i]["deleted"]]
    assert live == [], "records deleted on the server are still live on the laptop"


def test_13_expired_cursor(make_server, make_laptop):
    _expired_cursor(make_server, make_laptop, seen_by_b=False)


def test_13_expired_cursor_after_the_laptop_saw_the_deleted_records(make_server, make_laptop):
    _expired_cursor(make_server, make_laptop, seen_by_b=True)
