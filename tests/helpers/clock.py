"""The test clock: the whole suite runs at one frozen instant, never at the wall clock's.

`start()` (called once, from tests/conftest.py) travels to the instant with time-machine,
ticking from there, so every `time.time()`, `datetime.now()` and `date.today()` of the test
process reads the frozen day whatever hour CI runs at. The instant comes from the environment so
CI can put the suite on a day boundary:

    PERISAI_TEST_INSTANT=2026-11-30T23:30:00+07:00   (an ISO instant with its offset)
    TZ=Asia/Makassar                                  (the machine's zone, honoured as it is)

With nothing set the instant is `DEFAULT_INSTANT` (00:30 WIB on the first of a month, still the
day and month before in UTC: the hours in which CI used to fail), so a developer's run is
deterministic too. CI's two passes put it on the other boundaries (.ci/run).

Processes the tests start see the same shifted clock when started through `python()` (the
launcher `clocked.py`): the shift travels to them as an offset in seconds from the real clock
(`OFFSET_ENV`), so a server started minutes later agrees with the test process. Production code
has no test hook.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

INSTANT_ENV = "PERISAI_TEST_INSTANT"
# Not PERISAI_-prefixed: some fixtures hand their servers an environment without those.
OFFSET_ENV = "TESTCLOCK_OFFSET_SECONDS"
DEFAULT_INSTANT = "2026-12-01T00:30:00+07:00"
CLOCKED = Path(__file__).with_name("clocked.py")

_traveller: object | None = None
_instant: dt.datetime | None = None


def frozen_instant() -> dt.datetime:
    """The instant the suite started at (aware)."""
    text = os.environ.get(INSTANT_ENV) or DEFAULT_INSTANT
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"{INSTANT_ENV} must carry its UTC offset, e.g. {DEFAULT_INSTANT}")
    return value


def start() -> dt.datetime:
    """Travels to the frozen instant (ticking) and publishes the shift for child processes."""
    global _traveller, _instant
    import time_machine

    if _traveller is not None:
        assert _instant is not None
        return _instant
    _instant = frozen_instant()
    if "TZ" in os.environ:
        time.tzset()
    real = time.time()
    os.environ[OFFSET_ENV] = repr(_instant.timestamp() - real)
    traveller = time_machine.travel(_instant, tick=True)
    traveller.start()
    # time-machine starts ticking at the first read of the clock, not at start(): read it now,
    # or the time until the first read (seconds in a loaded worker) would put this process
    # behind the children, which tick from the offset published above.
    time.time()
    _traveller = traveller
    return _instant


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()  # type: ignore[attr-defined]
        _traveller = None


def python() -> list[str]:
    """The command prefix for a Python child process on the test clock: use it where a test
    would write `sys.executable` (`[*clock.python(), "-m", "sync.server", "serve", ...]`)."""
    return [sys.executable, str(CLOCKED)]


@contextlib.contextmanager
def at(instant: dt.datetime | str) -> Iterator[dt.datetime]:
    """Moves this process's clock to `instant` (aware, or ISO with its offset) for a block,
    ticking from there; the session's clock comes back after it. Child processes already
    running keep the session's clock."""
    import time_machine

    moment = dt.datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    if moment.tzinfo is None:
        raise ValueError("the instant must carry its UTC offset")
    with time_machine.travel(moment, tick=True):
        time.time()  # ticking starts at the first read: start it here
        yield moment


@contextlib.contextmanager
def window_start(seconds: int) -> Iterator[dt.datetime]:
    """Moves this process's clock to the start of the next `seconds`-long window of the epoch
    (ticking): a test of a fixed-window counter (the server's rate limits) then runs wholly
    inside one window, however slow the machine, instead of failing when it straddles a
    boundary (seen on CI)."""
    now = time.time()
    start = (int(now // seconds) + 1) * seconds
    with at(dt.datetime.fromtimestamp(start, dt.UTC)) as moment:
        yield moment


@contextlib.contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """Sets this process's local zone (`TZ`) for a block: for tests about a laptop whose
    machine runs in another zone than its branch. The zone before comes back after it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
