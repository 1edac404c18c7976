"""``tierscope serve``: the HTTP API and the explorer (see api/); ``tierscope explore``: the
same server, with the browser opened at the explorer."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from tierscope.cli.common import err, handle_errors, open_store
from tierscope.graph.errors import TierscopeError

__all__ = ["explore_command", "serve_command"]


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to bind (refused without API keys unless loopback).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    log_level: Annotated[
        str, typer.Option("--log-level", help="uvicorn log level (info, warning, ...).")
    ] = "info",
) -> None:
    """Serve the HTTP API under /v1 (docs at /docs) and the explorer at /. Keys:
    TIERSCOPE_API_KEYS."""
    _serve(host, port, log_level, browser=False, explorer=False)


def explore_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser; print the address.")
    ] = False,
    log_level: Annotated[
        str, typer.Option("--log-level", help="uvicorn log level (info, warning, ...).")
    ] = "warning",
) -> None:
    """Open the explorer in the browser: the register, search, a page per company, product,
    person, path and what-if (the server of `tierscope serve`, on 127.0.0.1)."""
    _serve("127.0.0.1", port, log_level, browser=not no_browser, explorer=True)


def _serve(host: str, port: int, log_level: str, browser: bool, explorer: bool) -> None:
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

    here = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    try:
        err.print(
            f"tierscope API on {here}/v1 (docs: /docs); the explorer on {here}/", markup=False
        )
        if browser:
            _open_when_up(host, port, f"{here}/")
        # serve: the API's first answers get both cores' worth of the interpreter; the
        # explorer's indexes are made when its first page asks (explore: made ahead)
        app = create_app(settings, store, engine, warm_explorer=explorer)
        uvicorn.run(app, host=host, port=port, log_level=log_level)
    finally:
        store.close()


def _open_when_up(host: str, port: int, url: str, timeout: float = 60.0) -> None:
    """Open ``url`` in the browser once the server accepts connections (in a thread)."""
    import socket
    import threading
    import time
    import webbrowser

    def wait_and_open() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            return
        if not webbrowser.open(url):
            err.print(f"Could not open a browser: open {url} yourself.", markup=False)

    threading.Thread(target=wait_and_open, name="tierscope-browser", daemon=True).start()
