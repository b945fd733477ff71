"""Runs Python on the test clock: `python tests/helpers/clocked.py -m MODULE ARGS...`
(or `-c CODE ARGS...`, or `SCRIPT ARGS...`), shifted by `TESTCLOCK_OFFSET_SECONDS` from the real
clock, the shift the test process published (tests/helpers/clock.py). Processes this one spawns
through multiprocessing (uvicorn's workers) go through this launcher too. Tests only."""

from __future__ import annotations

import os
import runpy
import sys
import time


def _clock_spawned_children() -> None:
    from multiprocessing import spawn

    original = spawn.get_command_line

    def get_command_line(**kwds: object) -> list[str]:
        command = original(**kwds)
        if "-c" in command:
            at = command.index("-c")
            command = [*command[:at], os.path.abspath(__file__), *command[at:]]
        return command

    spawn.get_command_line = get_command_line  # type: ignore[assignment]


def main() -> None:
    import time_machine

    offset = float(os.environ.get("TESTCLOCK_OFFSET_SECONDS", "0"))
    time_machine.travel(time.time() + offset, tick=True).start()
    # Ticking starts at the first read, not at start(): read now, or the seconds spent importing
    # a server before its first read would leave it that far behind the test process.
    time.time()
    _clock_spawned_children()
    # tests/ itself, as pytest has it: test scripts run here import the tests' helpers
    sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = sys.argv[1:]
    if not args:
        raise SystemExit("usage: clocked.py (-m MODULE | -c CODE | SCRIPT) [ARGS...]")
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        sys.path[0] = os.getcwd()
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        sys.path[0] = ""
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = args
        sys.path[0] = os.path.dirname(os.path.abspath(args[0]))
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
