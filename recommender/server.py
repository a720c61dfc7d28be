"""The composition root: ``create_app(settings, engine=…, database=…)`` builds the one FastAPI app that
serves the API (:mod:`recommender.api`) and the adviser's web page (:mod:`recommender.web`), both on
the case logic (:mod:`recommender.cases`). Neither package imports the other; only this module mounts both.

Everything a route needs is injected through ``app.state``: the open database (``db``), the served
engine behind an atomic slot (``engines``: swap the model and rules without a restart with
``app.state.engines.swap(new_engine)``), the watcher that swaps in the model registry's champion
(``champion``, :mod:`recommender.cases.champion`), the pseudonymiser (keyed hash of citizen ids) and the
settings. The API lives under ``/api/v1``; ``/docs`` serves Swagger UI from files shipped in the
``fastapi-offline`` package (no CDN); ``/healthz`` needs no token.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recommender import __version__, web
from recommender.api import (
    citizens,
    closures,
    decisions,
    health,
    model_card,
    monitor,
    overrides,
    recommendations,
)
from recommender.api.errors import ApiError, error_response, install_handlers
from recommender.cases import audit
from recommender.cases.champion import ChampionWatcher
from recommender.cases.db import Database, open_database
from recommender.cases.engine import EngineSlot, RecommenderEngine, load_engine
from recommender.cases.keys import Pseudonymiser, load_or_create_secret
from recommender.cases.settings import Settings, load_settings
from recommender.phrases import DECISION_REASONS

__all__ = ["API_PREFIX", "app_from_env", "create_app"]

API_PREFIX = "/api/v1"
log = logging.getLogger("recommender.service")

DESCRIPTION = """Tilbudsanbefaling for ægtefælleforsørgede · offer recommender for job-centre advisers.

**Rådgiveren beslutter / the adviser decides.** Every estimate is an association learnt from earlier
citizens, not an effect of the offer. Send `Authorization: Bearer <token>` (`recommender tokens issue
NAME`). Errors are `{"error": {"code", "field", "message_da", "message_en"}}`.

Decision reason codes: """ + ", ".join(f"`{k}` ({en})" for k, (_, en) in DECISION_REASONS.items())


class BodyLimit:
    """Read the whole request body before the application sees the request; refuse bodies over
    ``limit`` bytes with 413 (declared or streamed).

    No route, dependency or database transaction starts while the client is still sending (issue 28):
    a client that sends 5 bytes of a form and then nothing holds a buffer of at most ``limit`` bytes
    until ``recommender serve`` cuts it off, never the database connection. A client that goes away
    before its body is complete is not answered and is not an error (nothing was asked yet).
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _send_error(ApiError(413 if declared.isdigit() else 400), send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left mid-body: nothing to answer, nothing to log
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await _send_error(ApiError(413), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body: bytes | None = b"".join(chunks)

        async def replay() -> Message:
            nonlocal body
            if body is not None:
                whole, body = body, None
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()  # after the body: the disconnect, when it comes

        await self.app(scope, replay, send)


class NoStore:
    """Responses carry personal data: never cached by browsers or proxies, never content-sniffed."""

    HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _send_error(error: ApiError, send: Send) -> None:
    response = error_response(error)
    await send(
        {"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers}
    )
    await send({"type": "http.response.body", "body": bytes(response.body)})


def create_app(
    settings: Settings | None = None,
    *,
    engine: RecommenderEngine | None = None,
    database: Database | None = None,
) -> FastAPI:
    """Build the service. Defaults: settings from the environment, the database they name (created
    when empty, refused when out of date), the model and rules they name (built-in by default)."""
    settings = settings or load_settings()
    db = database or open_database(
        settings.resolved_database_url(), sqlite_synchronous=settings.sqlite_synchronous
    )
    key = (
        settings.pseudonym_key.get_secret_value().encode()
        if settings.pseudonym_key
        else load_or_create_secret(settings.data_dir, "pseudonym.key")
    )
    served = engine or load_engine(settings.model, settings.rules)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            with db.session() as session:
                audit.purge(session, settings.audit_retention_months)
        except Exception as exc:  # the service still starts; the purge is retried at the next start
            log.error("audit retention purge failed: %s", " ".join(str(exc).split())[:200])
        yield
        if database is None:
            db.dispose()

    app = FastAPIOffline(
        title="Projekt 500 tilbudsanbefaling · offer recommender",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.engines = EngineSlot(served)
    app.state.champion = ChampionWatcher(
        app.state.engines, db, Path(settings.data_dir) / "models", settings.registry_check_seconds
    )
    app.state.champion.check()  # the registry's champion, if one was promoted, from the first request
    app.state.pseudonyms = Pseudonymiser(key)
    install_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(NoStore)
    for module in (recommendations, decisions, citizens, closures, model_card, monitor, overrides):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(health.router)
    web.install(app, settings)  # the adviser's web page at / (issue 14)
    return app


def app_from_env() -> FastAPI:
    """The factory ``recommender serve`` gives uvicorn's workers (settings from the environment)."""
    return create_app(load_settings())


def openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document (for tests and docs)."""
    return app.openapi()
