"""`perisai-agent --self-test`: a smoke test of an installed build, without a window.

It starts, opens a temporary encrypted database, runs the migrations, and quits with status 0
(or 1, saying what failed). It prints each step it did.
"""

from __future__ import annotations


def main() -> int:
    print("self-test: not implemented yet")
    return 1
