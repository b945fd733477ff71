"""Benchmark of the employer's quote (issue 17): the form recomputes it on every change, so
200 workers must quote in under 50 ms (the issue's bar).

Run:  .venv/bin/python tests/bench/bench_employer_quote.py [--workers 200] [--repeat 50]

Prints `employer_quote workers=200 median_ms=... max_ms=...` over `repeat` quotes of workers
with different wages, all programs, the December 2026 table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from agent_app.domain import contributions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    wages = [2_500_000 + 13_337 * i for i in range(args.workers)]
    programs = ["JKK", "JKM", "JHT", "JP"]
    seconds = []
    for run in range(args.repeat):
        started = time.perf_counter()
        contributions.quote_employer(
            [w + run for w in wages], "kecil", "I", programs, dt.date(2026, 12, 1)
        )
        seconds.append(time.perf_counter() - started)
    print(
        f"employer_quote workers={args.workers} "
        f"median_ms={statistics.median(seconds) * 1000:.2f} max_ms={max(seconds) * 1000:.2f}"
    )


if __name__ == "__main__":
    main()
