"""``tierscope serve``: the HTTP API (see api/)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from tierscope.cli.common import err, handle_errors, open_store
from tierscope.graph.errors import TierscopeError

__all__ = ["serve_command"]


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to bind (refused without API keys unless loopback).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    log_level: Annotated[
        str, typer.Option("--log-level", help="uvicorn log level (info, warning, ...).")
    ] = "info",
) -> None:
    """Serve the HTTP API under /v1 (docs at /docs). Keys: TIERSCOPE_API_KEYS."""
    from tierscope.api.settings import ApiSettings

    with handle_errors():
        settings = ApiSettings()
        keys = settings.keys()
        settings.check_host(host)
        if not keys:
            err.print(
                "No API keys are configured (TIERSCOPE_API_KEYS): the API is open to this machine "
                f"only ({host}).",
                markup=False,
            )
        if settings.freshness_seconds < 0:
            raise TierscopeError("TIERSCOPE_FRESHNESS_SECONDS must be >= 0")
        store = open_store(connect_timeout=3.0)  # an outage answers 503 quickly
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # the ecosystem is read (mostly waiting for the server) while the server's modules load
    from tierscope.api.engine import Engine

    engine = Engine(store, settings.freshness_seconds)
    engine.warm()
    import uvicorn

    from tierscope.api.app import create_app

    try:
        err.print(f"tierscope API on http://{host}:{port}/v1 (docs: /docs)", markup=False)
        uvicorn.run(create_app(settings, store, engine), host=host, port=port, log_level=log_level)
    finally:
        store.close()
