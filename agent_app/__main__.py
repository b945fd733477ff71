"""`python -m agent_app` (and the `perisai-agent` script) starts the desktop app.

`--self-test` runs `agent_app.selftest` instead (no window): the installed build's smoke test.
"""

from __future__ import annotations

import sys


def main() -> None:
    if "--self-test" in sys.argv[1:]:
        from agent_app import selftest

        sys.exit(selftest.main())
    from agent_app import app

    sys.exit(app.run())


if __name__ == "__main__":
    main()
