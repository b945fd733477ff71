"""A session-wide check that no NIK, name or phone number reaches a log line.

As a pytest plugin it captures every log record of the test process (a handler on the root
logger at DEBUG, so the app's and the sync client's INFO/DEBUG lines are seen too) and, when the
session ends, also reads every `*.log` file under the session's temporary folder (where the
server processes and child processes of the tests write). Each line is searched for:

- every value registered in `support.PII` (the synthetic NIKs, names and phones that the
  reliability tests put into records) and any value added with `register()`;
- anything shaped like a NIK (16 digits starting with a province code 11-94) or an Indonesian
  mobile number (+628... or 08..., 9 to 12 more digits).

A hit fails the session (exit status 1) and prints the offending lines. Registered as a plugin by
`tests/reliability/conftest.py`; `tests/conftest.py` can extend it to the whole suite with
`pytest_plugins = ["reliability.logscan"]` (see docs/reliability.md).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import pytest

NIK_RE = re.compile(r"(?<![\w-])(1[1-9]|[2-8]\d|9[1-4])\d{14}(?![\w-])")
PHONE_RE = re.compile(r"(?<![\w+-])(\+628|08)\d{8,11}(?![\w-])")
_extra: set[str] = set()
_lock = threading.Lock()


def register(*values: str) -> None:
    with _lock:
        _extra.update(v for v in values if v)


def _registered() -> set[str]:
    values = set(_extra)
    try:
        import support  # the reliability tests' helpers, when they are loaded

        values |= set(getattr(support, "PII", ()))
    except ImportError:
        pass
    return values


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = f"{record.name}: {record.getMessage()}"
        except Exception:
            text = f"{record.name}: {record.msg!r} {record.args!r}"
        with _lock:
            if len(self.lines) < 2_000_000:
                self.lines.append(text)


def find_leaks(lines: list[tuple[str, str]], values: set[str]) -> list[str]:
    """`lines` are (source, text); returns 'source: text' for each line with personal data."""
    hits = []
    for source, text in lines:
        found = [v for v in values if v in text]
        if not found and (NIK_RE.search(text) or PHONE_RE.search(text)):
            found = ["pattern"]
        if found:
            hits.append(f"{source}: {text[:300]}")
    return hits


class LogScan:
    def __init__(self) -> None:
        self.capture = _Capture()
        root = logging.getLogger()
        self.old_level: int | None = root.level
        root.setLevel(logging.DEBUG)
        root.addHandler(self.capture)
        for noisy in ("hypothesis", "urllib3", "asyncio", "faker", "PIL", "matplotlib"):
            logging.getLogger(noisy).setLevel(logging.INFO)
        self.basetemp: Path | None = None
        self.scanned = 0

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        root = logging.getLogger()
        root.removeHandler(self.capture)
        if self.old_level is not None:
            root.setLevel(self.old_level)
        factory = getattr(session.config, "_tmp_path_factory", None)
        if factory is not None:
            self.basetemp = factory.getbasetemp()
        lines = [("log", text) for text in self.capture.lines]
        if self.basetemp is not None and self.basetemp.exists():
            for path in sorted(self.basetemp.rglob("*.log")):
                try:
                    text = path.read_text(errors="replace")
                except OSError:
                    continue
                lines += [(str(path.name), line) for line in text.splitlines()]
        hits = find_leaks(lines, _registered())
        self.scanned = len(lines)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if hits:
            if reporter is not None:
                reporter.section("personal data in logs", sep="=", red=True)
                for hit in hits[:50]:
                    reporter.line(hit)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        elif reporter is not None:
            reporter.write_line(f"log scan: {len(lines)} log lines, no personal data")


PLUGIN_NAME = "perisai-logscan"


def install(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(LogScan(), PLUGIN_NAME)


def pytest_configure(config: pytest.Config) -> None:
    install(config)
