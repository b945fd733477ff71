"""The test clock itself (tests/helpers/clock.py): the session runs at the frozen instant,
never the wall clock, and the processes the tests start agree with it."""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap
import time

from helpers import clock


def _child_now(code: str) -> dt.datetime:
    done = subprocess.run(
        [*clock.python(), "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dt.datetime.fromisoformat(done.stdout.strip().splitlines()[-1])


def test_the_session_runs_at_the_frozen_instant() -> None:
    frozen = clock.frozen_instant()
    now = dt.datetime.now(dt.UTC)
    # ticking from the instant, so a little later, but never at the wall clock's hour
    assert frozen <= now < frozen + dt.timedelta(hours=1)


def test_a_child_process_and_its_spawned_workers_share_the_test_clock() -> None:
    parent = dt.datetime.now(dt.UTC)
    child = _child_now("import datetime; print(datetime.datetime.now(datetime.UTC).isoformat())")
    assert abs(child - parent) < dt.timedelta(minutes=10)
    # uvicorn's `--workers N` start their workers with multiprocessing's spawn
    worker = _child_now(
        """
        import concurrent.futures, datetime, multiprocessing, time

        if __name__ == "__main__":
            spawn = multiprocessing.get_context("spawn")
            with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
                seconds = pool.submit(time.time).result(timeout=60)
            print(datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat())
        """
    )
    assert abs(worker - parent) < dt.timedelta(minutes=10)


def test_a_child_that_reads_the_clock_late_still_agrees_with_the_test_process() -> None:
    # time-machine starts ticking at the first read of the clock: a server that spent seconds
    # importing before its first read ran that far behind the tests (7.5 s seen in a loaded
    # run, past the laptop's 5 s skew allowance). The launcher reads at once.
    child = _child_now(
        """
        import datetime, time
        time.sleep(2)
        print(datetime.datetime.now(datetime.UTC).isoformat())
        """
    )
    parent = dt.datetime.now(dt.UTC)
    assert dt.timedelta(0) <= parent - child < dt.timedelta(seconds=1)


def test_a_block_at_another_instant_ticks_from_its_start() -> None:
    moment = dt.datetime(2027, 3, 1, 0, 0, tzinfo=dt.UTC)
    with clock.at(moment):
        time.sleep(0.5)
        assert dt.datetime.now(dt.UTC) >= moment + dt.timedelta(seconds=0.5)
