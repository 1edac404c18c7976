"""The explorer: server-rendered pages over the API's own results, mounted at ``/``.

See docs/explorer.md. :func:`mount` adds the pages (``routes.router``) and the
static files they load (``/static``: htmx and the stylesheet, vendored) to an app.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from tierscope.api.explorer.catalogue import warm
from tierscope.api.explorer.render import page
from tierscope.api.explorer.routes import router
from tierscope.graph.errors import IncompleteLoad, NoEcosystem, TierscopeError

__all__ = ["mount", "warm"]


def mount(app: FastAPI) -> None:
    """Serve the explorer at ``/`` of ``app`` and its static files at ``/static``; a page
    asked for before anything is loaded says so as a page (the API's answer stays JSON)."""
    app.include_router(router)
    for error in (NoEcosystem, IncompleteLoad):
        api_answer = app.exception_handlers[error]  # errors.install's, for /v1

        async def nothing_loaded(
            request: Request, e: Exception, api_answer: Any = api_answer
        ) -> Response:
            if request.url.path.startswith("/v1/"):
                return await api_answer(request, e)  # type: ignore[no-any-return]
            message = str(e) if isinstance(e, TierscopeError) else "nothing is loaded"
            return page("error.html", 409, request, title="Nothing loaded yet", message=message)

        app.add_exception_handler(error, nothing_loaded)
    app.mount(
        "/static",
        StaticFiles(packages=[("tierscope.api.explorer", "static")]),
        name="static",
    )
