"""What the server tells its operator: Prometheus metrics (`/metrics`) and access logs.

Metrics (prometheus-client; every label is a route template, a method, a status or an outcome
name, never an id, a path or anything a person typed):

    perisai_http_requests_total{method, route, status}
    perisai_http_request_duration_seconds{method, route}   (histogram)
    perisai_push_ops_total{result}      (applied, duplicate, conflict, rejected: push.Outcome)
    perisai_pull_changes_total
    perisai_login_failures_total{reason}   (the AuthError code: wrong_password, ...)
    perisai_bound_devices               (gauge, read from the database at scrape time)

Several worker processes (`serve --workers N`): prometheus-client's multiprocess mode, with
`PROMETHEUS_MULTIPROC_DIR` (the CLI makes a fresh one when it is not set), so one scrape sums
every worker. Who may scrape: with `PERISAI_METRICS_TOKEN` set, whoever sends it as a bearer
token; without it, loopback clients only (docs/deploy.md).

Access logs (`PERISAI_ACCESS_LOG=json`): one JSON object per line on standard error for each
request (request id, method, route template, status, duration, the agent when authenticated)
and every other server log line as JSON too. No query string, body, client address, NIK or
name is ever written.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import json
import logging
import os
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
UNMATCHED = "unmatched"

REQUESTS = Counter(
    "perisai_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "perisai_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
PUSHED_OPS = Counter(
    "perisai_push_ops", "Pushed ops (push and bundle) by their result.", ["result"]
)
PULLED_CHANGES = Counter("perisai_pull_changes", "Changes sent to laptops by /v1/sync/pull.")
LOGIN_FAILURES = Counter(
    "perisai_login_failures", "Refused logins, by the error code answered.", ["reason"]
)


def route_label(scope: Mapping[str, Any]) -> str:
    """The matched route's template ("/v1/sync/push"), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def method_label(method: str) -> str:
    return method if method in _METHODS else "OTHER"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method_label(method)
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time (the same in every worker)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Any:
        from sync.server import db

        device = db.table(db.Device)
        bound = db.table(db.DeviceAgent)
        query = (
            sa.select(sa.func.count(sa.distinct(bound.c.device_id)))
            .select_from(bound.join(device, device.c.device_id == bound.c.device_id))
            .where(device.c.revoked_at.is_(None))
        )
        with self.engine.connect() as conn:
            count = conn.execute(query).scalar_one()
        yield GaugeMetricFamily(
            "perisai_bound_devices",
            "Laptops bound to at least one agent and not revoked.",
            value=count,
        )


def scrape(engine: Engine) -> bytes:
    """The metrics page: this process's (or, in multiprocess mode, every worker's) counters,
    then the database's figures."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        own = generate_latest(registry)
    else:
        own = generate_latest(REGISTRY)
    figures = CollectorRegistry()
    figures.register(DatabaseCollector(engine))
    return own + generate_latest(figures)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_scrape(token: str, authorization: str | None, client_host: str) -> bool | None:
    """True to serve; False when a token is set and not given (401); None when no token is
    set and the client is not on loopback (403)."""
    if token:
        given = (authorization or "").removeprefix("Bearer ").strip()
        return bool(given) and hmac.compare_digest(given.encode(), token.encode())
    return True if is_loopback(client_host) else None


# --- JSON logs ------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id and message; an access line
    (`extra={"access": {...}}`) carries its fields instead of a message."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat("T", "milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
        }
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            line.update(access)
        else:
            line["msg"] = record.getMessage()
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
