"""`python -m agent_app` (and the `perisai-agent` script) starts the desktop app."""

from __future__ import annotations

import sys


def main() -> None:
    from agent_app import app

    sys.exit(app.run())


if __name__ == "__main__":
    main()
