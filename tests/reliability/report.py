"""Runs the reliability tests and writes docs/reliability.md from what they measured.

    .venv/bin/python tests/reliability/report.py            # the CI-sized run
    PERISAI_SOAK=1 .venv/bin/python tests/reliability/report.py   # the long soak variants

Each scenario test appends one JSON line per run to the file named by
PERISAI_RELIABILITY_REPORT (see `support.record_figures`); this script sets it, runs pytest on
tests/reliability, aggregates the lines per scenario and rewrites the document.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
TEMPLATE = Path(__file__).resolve().parent / "reliability_doc.md"


def run_tests(report_path: Path, extra_args: list[str]) -> tuple[str, float, int]:
    env = {**os.environ, "PERISAI_RELIABILITY_REPORT": str(report_path)}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/reliability",
            "-q",
            "-p",
            "no:cacheprovider",
            "--show-capture=no",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    lines = [line for line in result.stdout.splitlines() if not line.startswith(("DEBUG", "INFO"))]
    summary = next(
        (line for line in reversed(lines) if re.search(r"\d+ (passed|failed)", line)), "?"
    )
    for line in lines:
        if line.startswith(("FAILED", "ERROR", "XPASS")):
            print(line)
    return summary.strip("= "), time.monotonic() - started, result.returncode


def table(rows: list[dict]) -> str:
    by_scenario: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_scenario[row["scenario"]].append(row)
    out = [
        "| scenario | runs | ops sent | ops lost | ops duplicated | rejected / conflict "
        "(visible) | recovery (s, max) | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    known = {
        "scenario",
        "ops_sent",
        "ops_lost",
        "ops_duplicated",
        "rejected",
        "conflict",
        "recovery_seconds",
        "runs",
    }
    for name in sorted(by_scenario):
        items = by_scenario[name]
        runs = sum(int(item.get("runs", 1)) for item in items)
        notes = []
        for item in items:
            notes += [f"{k}={v}" for k, v in item.items() if k not in known]
        out.append(
            f"| {name} | {runs} | {sum(i['ops_sent'] for i in items)} "
            f"| {sum(i['ops_lost'] for i in items)} | {sum(i['ops_duplicated'] for i in items)} "
            f"| {sum(i['rejected'] for i in items)} / {sum(i['conflict'] for i in items)} "
            f"| {max(i['recovery_seconds'] for i in items):.2f} | {'; '.join(notes)} |"
        )
    return "\n".join(out)


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "figures.jsonl"
        summary, seconds, code = run_tests(report_path, argv)
        rows = (
            [json.loads(line) for line in report_path.read_text().splitlines()]
            if report_path.exists()
            else []
        )
    soak = os.environ.get("PERISAI_SOAK") == "1"
    measured = (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores "
        f"(shared with other work), {'soak' if soak else 'CI-sized'} run: `{summary}` "
        f"in {seconds:.0f} s."
    )
    text = TEMPLATE.read_text()
    text = text.replace("{{MEASURED}}", measured).replace("{{TABLE}}", table(rows))
    DOC.write_text(text)
    print(f"wrote {DOC} ({len(rows)} measurements); pytest: {summary}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
