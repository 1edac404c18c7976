"""Every error as one JSON shape, ``{"error": {"code", "message", ...}}``; never a trace.

* the database unreachable: 503 with ``Retry-After``;
* nothing (completely) loaded yet: 409;
* an unknown id: 404 naming it; a bad parameter: 422 naming it;
* a bundle that fails validation: 422 with every problem (file, row, column, value);
* anything else: 500 with a plain message and the request id (the trace goes to the
  server log only, under that id): see :mod:`tierscope.api.request_ids`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tierscope.graph.analysis.scenarios import UnknownFailure
from tierscope.graph.ecosystem import UnknownId
from tierscope.graph.errors import (
    BundleError,
    DatabaseUnavailable,
    IncompleteLoad,
    NoEcosystem,
    TierscopeError,
)

__all__ = ["error_body", "install"]


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _json(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def install(app: FastAPI, retry_after: int) -> None:
    @app.exception_handler(DatabaseUnavailable)
    async def unavailable(_: Request, e: DatabaseUnavailable) -> JSONResponse:
        return _json(
            503,
            "database_unavailable",
            f"The database is not reachable; try again in {retry_after} seconds. ({e})",
            headers={"Retry-After": str(retry_after)},
        )

    @app.exception_handler(NoEcosystem)
    @app.exception_handler(IncompleteLoad)
    async def nothing_loaded(_: Request, e: TierscopeError) -> JSONResponse:
        return _json(
            409, "no_ecosystem", str(e).replace("`tierscope load PATH`", "POST /v1/imports")
        )

    @app.exception_handler(UnknownId)
    async def unknown(_: Request, e: UnknownId) -> JSONResponse:
        return _json(404, "not_found", str(e), id=e.value)

    @app.exception_handler(UnknownFailure)
    async def unknown_failure(_: Request, e: UnknownFailure) -> JSONResponse:
        return _json(422, "invalid_parameter", str(e), value=e.value)

    @app.exception_handler(BundleError)
    async def bad_bundle(_: Request, e: BundleError) -> JSONResponse:
        n = len(e.problems)
        more = (
            f"; the first {len(e.listed)} are listed, and {e.unlisted:,} more" if e.unlisted else ""
        )
        return _json(
            422,
            "invalid_bundle",
            f"{e.source}: {n:,} problem{'s' if n != 1 else ''}; nothing was written{more}",
            problems=[p.as_dict() for p in e.listed],
            unlisted=e.unlisted,
        )

    @app.exception_handler(TierscopeError)
    async def refused(_: Request, e: TierscopeError) -> JSONResponse:
        return _json(422, "invalid_request", str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        problems = []
        for err in e.errors():
            loc = [str(x) for x in err.get("loc", ())]
            where, name = (
                (loc[0], ".".join(loc[1:])) if len(loc) > 1 else ("request", ".".join(loc))
            )
            value = err.get("input")
            problems.append(
                {
                    "in": where,
                    "parameter": name,
                    "value": value if isinstance(value, (str, int, float, bool)) else None,
                    "message": str(err.get("msg", "invalid")),
                }
            )
        first = (
            problems[0] if problems else {"in": "request", "parameter": "", "message": "invalid"}
        )
        message = f"{first['in']} parameter '{first['parameter']}': {first['message']}"
        return _json(422, "invalid_parameter", message, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http(_: Request, e: StarletteHTTPException) -> JSONResponse:
        code = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
        }.get(e.status_code, "http_error")
        return _json(e.status_code, code, str(e.detail), headers=getattr(e, "headers", None))
