"""``tierscope serve``: the HTTP API (see api/)."""

from __future__ import annotations

import ipaddress
import logging
from typing import Annotated

import typer

from tierscope.cli.common import err, handle_errors, open_store
from tierscope.graph.errors import TierscopeError

__all__ = ["serve_command"]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to bind (needs API keys unless loopback).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    log_level: Annotated[
        str, typer.Option("--log-level", help="uvicorn log level (info, warning, ...).")
    ] = "info",
) -> None:
    """Serve the HTTP API under /v1 (docs at /docs). Keys: TIERSCOPE_API_KEYS."""
    import uvicorn

    from tierscope.api.app import create_app
    from tierscope.api.settings import ApiSettings

    with handle_errors():
        settings = ApiSettings()
        keys = settings.keys()
        if not keys and not _loopback(host):
            err.print(
                f"No API keys are configured (TIERSCOPE_API_KEYS), so the API binds to 127.0.0.1 "
                f"only, not {host}.",
                markup=False,
            )
            host = "127.0.0.1"
        elif not keys:
            err.print(
                "No API keys are configured (TIERSCOPE_API_KEYS): the API is open to this machine "
                "only (127.0.0.1).",
                markup=False,
            )
        if settings.freshness_seconds < 0:
            raise TierscopeError("TIERSCOPE_FRESHNESS_SECONDS must be >= 0")
        store = open_store(connect_timeout=3.0)  # an outage answers 503 quickly
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        err.print(f"tierscope API on http://{host}:{port}/v1 (docs: /docs)", markup=False)
        uvicorn.run(create_app(settings, store), host=host, port=port, log_level=log_level)
    finally:
        store.close()
