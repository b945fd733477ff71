"""Fails a test that logs an unexpected WARNING (STYLE.md; qutebrowser's `logfail` is the model).

Every record of level WARNING or above that reaches the root logger while a test runs (its own
code, the app's, the server's in-process threads) is collected; at the end of the test, any
collected record fails it. A test that expects a warning says so: it takes the `caplog` fixture
(and asserts on the records), or carries `@pytest.mark.expect_warning_log(*patterns)`: then a
record whose "logger: message" matches one of the patterns (`re.search`) is expected, and with
no pattern any record is. A module whose tests provoke the same warnings on purpose says so once
(`pytestmark`). Loaded for the whole suite through `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

MARKER = "expect_warning_log"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*patterns): the test logs WARNINGs matching the patterns on purpose "
        "(tests/helpers/logfail.py)",
    )


def _describe(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # a broken format is itself worth showing
        message = f"{record.msg!r} % {record.args!r}"
    return f"{record.levelname} {record.name}: {message}"


def _unexpected(request: pytest.FixtureRequest, records: list[logging.LogRecord]) -> list[str]:
    if "caplog" in request.fixturenames:
        return []
    markers = list(request.node.iter_markers(MARKER))
    if any(not marker.args for marker in markers):
        return []
    patterns = [re.compile(p) for marker in markers for p in marker.args]
    lines = [_describe(record) for record in records]
    return [line for line in lines if not any(p.search(line.split(" ", 1)[1]) for p in patterns)]


@pytest.fixture(autouse=True)
def fail_on_warning_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test at teardown if it logged a WARNING it did not declare."""
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    unexpected = _unexpected(request, collector.records)
    if not unexpected:
        return
    lines = "\n".join(unexpected[:20])
    pytest.fail(
        f"unexpected WARNING log (take `caplog` and assert on it, or mark the test "
        f"`@pytest.mark.{MARKER}(pattern)`):\n{lines}",
        pytrace=False,
    )
