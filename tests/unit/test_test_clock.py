"""The test clock itself (tests/helpers/clock.py): the session runs at the frozen instant,
never the wall clock, and the processes the tests start agree with it."""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap

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
