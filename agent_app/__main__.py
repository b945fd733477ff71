"""`python -m agent_app` (and the `perisai-agent` script) starts the desktop app.

`--self-test` runs `agent_app.selftest` instead (no window): the installed build's smoke test.
`--version` prints the name and version. `perisai-agent-gui` (`gui_main`) is the windowed
launcher of an installed wheel (no console on Windows).
"""

from __future__ import annotations

import sys


def version_line() -> str:
    from agent_app import APP_ID, __version__

    return f"{APP_ID} {__version__}"


def main() -> None:
    if "--version" in sys.argv[1:]:
        print(version_line())
        sys.exit(0)
    if "--self-test" in sys.argv[1:]:
        from agent_app import selftest

        sys.exit(selftest.main())
    from agent_app import app

    sys.exit(app.run())


def gui_main() -> None:
    """The `gui-scripts` entry: the same app; with no console (pythonw) nothing is printed."""
    if sys.stdout is None and "--version" in sys.argv[1:]:
        sys.exit(0)
    main()


if __name__ == "__main__":
    main()
