"""The app factory: ``create_app(settings, store)`` gives the FastAPI app of tierscope.

Routes are versioned under ``/v1``; the OpenAPI document is at ``/openapi.json``
and the interactive docs at ``/docs``. The explorer's pages are at ``/`` (see
``api/explorer``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from tierscope import __version__
from tierscope.api import errors, explorer, sessions
from tierscope.api.auth import SECURITY_SCHEMES
from tierscope.api.engine import Engine
from tierscope.api.limits import BodyLimit
from tierscope.api.request_ids import RequestIds
from tierscope.api.routes import (
    companies,
    dependencies,
    health,
    imports,
    products,
    report,
    risks,
    scenarios,
    views,
)
from tierscope.api.settings import ApiSettings
from tierscope.graph.store import Store

__all__ = ["app_from_env", "create_app"]

#: routes that need no key (they reveal no data)
OPEN_PATHS = ("/v1/health", "/v1/ping")

DESCRIPTION = """\
Dependency checks and risk queries over the partner ecosystem loaded in Neo4j.

Send an API key as `Authorization: Bearer KEY` or `X-API-Key: KEY` when the
server has keys configured (`TIERSCOPE_API_KEYS`); a browser signs in once at
`/signin` instead and gets a session cookie. Every error is
`{"error": {"code", "message", ...}}`; every response carries an `X-Request-ID`
header, and an unexpected error (500) names it in `request_id`.
"""


def create_app(
    settings: ApiSettings,
    store: Store,
    engine: Engine | None = None,
    warm_explorer: bool = True,
) -> FastAPI:
    """The app over ``store``; the caller owns the store (and closes it). ``engine``:
    one made (and warming) already, as ``tierscope serve`` does before importing the
    server. ``warm_explorer``: make the explorer's indexes at start-up (``tierscope
    explore``), not when its first page asks (``tierscope serve``, whose first API
    answers would share the interpreter with them)."""
    keys = settings.keys()

    if engine is None:
        engine = Engine(store, settings.freshness_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        engine.warm()  # the API answers at once; the ecosystem is read meanwhile
        if warm_explorer:  # then the explorer's indexes and supply trees, made ahead
            explorer.warm(engine.current)
        yield

    app = FastAPI(
        title="tierscope",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.keys = keys
    app.state.engine = engine
    errors.install(app, settings.retry_after_seconds)
    sessions.install(app, settings.session_minutes * 60)  # /signin, /signout, page access
    for module in (
        health,
        dependencies,
        companies,
        products,
        risks,
        scenarios,
        imports,
        views,
        report,
    ):
        app.include_router(module.router, prefix="/v1")
    explorer.mount(app)  # the pages at /, beside the API
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        uploads=settings.max_upload_bytes,
        upload_paths=("/v1/imports",),
    )
    app.add_middleware(RequestIds)  # outermost of ours: every answer carries its id
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the key schemes on every route that needs a key, and
    every error documented as the JSON it is (also on the routes that answer HTML)."""
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        doc.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for path, operations in doc["paths"].items():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if code[0] in "45" and "text/html" in content:
                        content.setdefault("application/json", content.pop("text/html"))
                if path not in OPEN_PATHS:
                    operation["security"] = [{"bearer": []}, {"apiKey": []}]
        app.openapi_schema = doc
    return app.openapi_schema


def app_from_env() -> FastAPI:
    """The app on ``NEO4J_*`` (or the local server) with settings from the environment:
    ``uvicorn --factory tierscope.api.app:app_from_env`` (``tierscope serve`` also checks
    the address against the keys)."""
    from tierscope.graph.localdb import ensure_database

    settings = ApiSettings()
    store = Store(ensure_database(start=True, log=lambda m: None), connect_timeout=3.0)
    return create_app(settings, store)
