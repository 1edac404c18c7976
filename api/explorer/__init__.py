"""The explorer: server-rendered pages over the API's own results, mounted at ``/``.

See docs/explorer.md. :func:`mount` adds the pages (``routes.router``) and the
static files they load (``/static``: htmx and the stylesheet, vendored) to an app.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tierscope.api.explorer.catalogue import warm
from tierscope.api.explorer.routes import router

__all__ = ["mount", "warm"]


def mount(app: FastAPI) -> None:
    """Serve the explorer at ``/`` of ``app`` and its static files at ``/static``."""
    app.include_router(router)
    app.mount(
        "/static",
        StaticFiles(packages=[("tierscope.api.explorer", "static")]),
        name="static",
    )
