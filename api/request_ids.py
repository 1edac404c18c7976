"""Every response carries ``X-Request-ID``; an unexpected error is a 500 that names it.

The errors tierscope expects have their own answers (:mod:`tierscope.api.errors`).
Anything else — a defect, a damaged database — reaches this middleware: the
traceback goes to the server log (logger ``tierscope.api``) under the request
id, and the client gets ``{"error": {"code": "internal", "message", "request_id"}}``
with status 500: the id to quote, never the traceback.
"""

from __future__ import annotations

import logging
import uuid

from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tierscope.api.errors import error_body

__all__ = ["HEADER", "RequestIds"]

HEADER = "X-Request-ID"

log = logging.getLogger("tierscope.api")


class RequestIds:
    """ASGI middleware: a new id per HTTP request, in the ``X-Request-ID`` response header
    and in the body and server log of an unexpected error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).append(HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "request %s: internal error on %s %s", request_id, scope["method"], scope["path"]
            )
            if started:  # too late for a 500: the server ends the response
                raise
            response = JSONResponse(
                error_body(
                    "internal",
                    f"Internal error; the server log has the details under request id {request_id}.",
                    request_id=request_id,
                ),
                status_code=500,
            )
            await response(scope, receive, send_with_id)
