"""Health, readiness and metrics: the routes a load balancer and a scraper call."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sync import protocol
from sync.server import db, migrate, observe
from sync.server.api.errors import ApiError
from sync.server.api.openapi import R503, RETRY, err
from sync.server.api.state import ServerState, client_address, server_state

router = APIRouter(tags=["meta"])


@router.get("/v1/health", response_model=protocol.Health, responses={**R503})
def health(server: ServerState = Depends(server_state)) -> Any:  # noqa: B008
    """Liveness and database reachability; no token needed."""
    try:
        db.ping(server.engine)
    except sa.exc.DBAPIError as error:
        raise ApiError(
            503,
            "database_unavailable",
            "The database cannot be reached.",
            server.retry_after(),
        ) from error
    return {"status": "ok"}


@router.get(
    "/v1/ready",
    response_model=protocol.Ready,
    responses={
        503: {
            **err(
                "database_unavailable, or schema_behind (the database is not at the "
                "code's migration head: run `migrate`)."
            ),
            "headers": RETRY,
        }
    },
)
def ready(server: ServerState = Depends(server_state)) -> Any:  # noqa: B008
    """Readiness: the database answers and its schema is at the code's head (a load
    balancer sends traffic only then); no token needed."""
    retry = server.retry_after()
    try:
        current = migrate.current_revision(server.engine)
    except sa.exc.DBAPIError as error:
        raise ApiError(
            503, "database_unavailable", "The database cannot be reached.", retry
        ) from error
    head = migrate.head_revision()
    if current != head:
        raise ApiError(
            503,
            "schema_behind",
            f"The database schema is at {current or 'nothing'}, the server needs {head}.",
            retry,
        )
    return {"status": "ready", "revision": current}


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        401: err("metrics_token is set and the bearer token is missing or wrong."),
        403: err("No metrics_token is set and the client is not on loopback."),
    },
)
def metrics(request: Request, server: ServerState = Depends(server_state)) -> Any:  # noqa: B008
    """Prometheus metrics (sync/server/observe.py). With `metrics_token` set, scrapers
    send it as a bearer token; without it, only loopback clients may scrape."""
    allowed = observe.may_scrape(
        server.settings.metrics_token,
        request.headers.get("authorization"),
        client_address(request),
    )
    if allowed is None:
        raise ApiError(403, "forbidden", "Metrics are served to loopback clients only.")
    if not allowed:
        raise ApiError(
            401,
            "missing_token",
            "The metrics token is required.",
            {"WWW-Authenticate": "Bearer"},
        )
    return Response(observe.scrape(server.engine), media_type=observe.CONTENT_TYPE)
